"""Retention (issue 9): closed cases are anonymised RETENTION_YEARS_AFTER_CLOSING years after closing.

A person is anonymised once every one of their cases was closed before the cut-off: name, contact data and
CPR number go (the CPR number is replaced by an all-zero placeholder under encryption, the hash by a random
marker, the birth date moved to 1 July of its year), and so does the free text of their cases that may hold
health or identifying information (minutes, plans, notes, rationales, timeline texts). Dates, categories and
codes stay, so that the figures of past periods still add up. Each anonymisation is an audit entry.

Apps to the right of `cases` that keep their own data on a case (meetings: letters, addresses, contact notes)
register an eraser here in their AppConfig.ready; it gets the case ids inside the anonymisation's
transaction."""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q

from cases.crypto import cpr_encrypt
from cases.models import (
    Assignment,
    Case,
    CaseEvent,
    CaseException,
    Conversation,
    Correction,
    Measure,
    Person,
    Visitation,
)
from staff.audit import audit_record
from staff.models import AuditEntry

ANONYMISED_PREFIX = "anonymised-"
PLACEHOLDER_CPR = "0000000000"


_case_data_erasers: list[Callable[[list[int]], None]] = []


def case_data_eraser_register(eraser: Callable[[list[int]], None]) -> None:
    if eraser not in _case_data_erasers:
        _case_data_erasers.append(eraser)


@dataclass(frozen=True)
class RetentionReport:
    cutoff: dt.date
    persons: int
    cases: int


def retention_cutoff(*, today: dt.date) -> dt.date:
    year = today.year - settings.RETENTION_YEARS_AFTER_CLOSING
    try:
        return today.replace(year=year)
    except ValueError:  # 29 February in a year without one
        return dt.date(year, 2, 28)


def persons_due_for_anonymisation(*, today: dt.date):
    """People all of whose cases were closed before the cut-off, not yet anonymised."""
    cutoff = retention_cutoff(today=today)
    still_needed = Case.objects.filter(person=OuterRef("pk")).filter(
        Q(status=Case.Status.OPEN) | Q(closed_on__isnull=True) | Q(closed_on__gte=cutoff)
    )
    return (
        Person.objects.filter(Exists(Case.objects.filter(person=OuterRef("pk"))))
        .exclude(cpr_hash__startswith=ANONYMISED_PREFIX)
        .exclude(Exists(still_needed))
    )


def person_anonymise(*, person: Person) -> int:
    """Anonymise one person and their cases' free text; returns the number of cases touched."""
    case_ids = list(Case.objects.filter(person=person).values_list("pk", flat=True))
    Conversation.objects.filter(case_id__in=case_ids).update(
        minutes="", plan="", next_step="", participants=[]
    )
    CaseException.objects.filter(case_id__in=case_ids).update(note="", decision_note="")
    Visitation.objects.filter(case_id__in=case_ids).update(rationale="")
    Measure.objects.filter(case_id__in=case_ids).update(note="")
    Assignment.objects.filter(case_id__in=case_ids).update(note="")
    CaseEvent.objects.filter(case_id__in=case_ids).update(text="—")
    # An annulled conversation's kept values include its minutes; a reason is free text.
    Correction.objects.filter(case_id__in=case_ids).update(values={}, reason="—")
    for eraser in _case_data_erasers:
        eraser(case_ids)
    person.name = ""
    person.phone = ""
    person.email = ""
    person.cpr_encrypted = cpr_encrypt(PLACEHOLDER_CPR)
    person.cpr_hash = f"{ANONYMISED_PREFIX}{person.uuid.hex}"
    person.birth_date = dt.date(person.birth_date.year, 7, 1)
    person.save(update_fields=["name", "phone", "email", "cpr_encrypted", "cpr_hash", "birth_date"])
    audit_record(
        request=None,
        action=AuditEntry.Action.DELETE,
        object_type="person",
        person=person,
        detail="Anonymiseret efter opbevaringsperioden",
    )
    return len(case_ids)


def _handle_one(*, person_pk: int, today: dt.date) -> int | None:
    """Claim and anonymise one person, re-checking eligibility under the row lock (a case may have been
    reopened since the list was read; a second worker skips a locked row)."""
    with transaction.atomic():
        person = Person.objects.select_for_update(skip_locked=True).filter(pk=person_pk).first()
        if person is None or not persons_due_for_anonymisation(today=today).filter(pk=person_pk).exists():
            return None
        return person_anonymise(person=person)


def retention_run(*, today: dt.date, dry_run: bool) -> RetentionReport:
    due = persons_due_for_anonymisation(today=today)
    cutoff = retention_cutoff(today=today)
    if dry_run:
        return RetentionReport(
            cutoff=cutoff, persons=due.count(), cases=Case.objects.filter(person__in=due).count()
        )
    persons = cases = 0
    for person_pk in list(due.values_list("pk", flat=True)):
        touched = _handle_one(person_pk=person_pk, today=today)
        if touched is not None:
            persons += 1
            cases += touched
    return RetentionReport(cutoff=cutoff, persons=persons, cases=cases)
