"""Complaints against decisions on a case (issue 18, part 5): received, re-assessed by the municipality
within four weeks (changed in the citizen's favour, or upheld and sent to Ankestyrelsen), and Ankestyrelsen's
outcome. Each step checks the order of the dates; the four weeks are a deadline of the rulebook
(visitation.deadlines.COMPLAINT_REASSESSMENT), so the sweep alerts it like any other."""

import datetime as dt

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Case, Complaint
from cases.services.casework import case_lock
from cases.services.deadlines import case_deadlines_refresh
from cases.services.timeline import case_event_add
from staff import dates as date_ranges


def _day(day: dt.date) -> str:
    return day.strftime("%d-%m-%Y")


def _check(day: dt.date | None, field: str, *, not_before: dt.date, before_label: str) -> None:
    """Required, not in the future, not before 1900, and not before the step it follows."""
    if day is None:
        raise ValidationError({field: _("Angiv datoen.")})
    if day > timezone.localdate():
        raise ValidationError({field: _("Datoen ligger i fremtiden.")})
    try:
        date_ranges.date_range_check(day, days_ahead=0)
    except ValidationError as error:
        raise ValidationError({field: error.messages}) from None
    if day < not_before:
        raise ValidationError(
            {
                field: _("Datoen ligger før %(what)s (%(day)s).")
                % {"what": before_label, "day": _day(not_before)}
            }
        )


@transaction.atomic
def complaint_register(
    *, case: Case, actor: AbstractBaseUser, decision: str, decided_on: dt.date, received_on: dt.date
) -> Complaint:
    """A complaint came in against a decision on the case: the four-week re-assessment deadline starts."""
    locked = case_lock(case)
    if decision not in Complaint.Decision.values:
        raise ValidationError({"decision": _("Vælg den afgørelse, der klages over.")})
    _check(decided_on, "decided_on", not_before=locked.first_absence_day, before_label=_("første fraværsdag"))
    _check(received_on, "received_on", not_before=decided_on, before_label=_("afgørelsen"))
    complaint = Complaint.objects.create(
        case=locked, decision=decision, decided_on=decided_on, received_on=received_on, recorded_by=actor
    )
    case_event_add(
        case=locked,
        actor=actor,
        kind="complaint",
        text=_("Klage over %(decision)s (%(decided)s) modtaget %(received)s: genvurderes senest %(due)s")
        % {
            "decision": complaint.get_decision_display().lower(),
            "decided": _day(decided_on),
            "received": _day(received_on),
            "due": _day(complaint.reassessment_due_on),
        },
    )
    case_deadlines_refresh(case=locked)
    return complaint


@transaction.atomic
def complaint_reassess(
    *,
    complaint: Complaint,
    actor: AbstractBaseUser,
    reassessed_on: dt.date,
    reassessment: str,
    sent_on: dt.date | None = None,
) -> Complaint:
    """The municipality's own re-assessment: changed in the citizen's favour, or upheld and sent on to
    Ankestyrelsen (the day it was sent is then required)."""
    locked = case_lock(complaint.case)
    complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
    if complaint.reassessment:
        raise ValidationError(_("Klagen er allerede genvurderet."))
    if reassessment not in Complaint.Reassessment.values:
        raise ValidationError({"reassessment": _("Vælg resultatet af genvurderingen.")})
    _check(reassessed_on, "reassessed_on", not_before=complaint.received_on, before_label=_("klagen kom"))
    if reassessment == Complaint.Reassessment.UPHELD:
        _check(sent_on, "sent_on", not_before=reassessed_on, before_label=_("genvurderingen"))
    elif sent_on is not None:
        raise ValidationError({"sent_on": _("En ændret afgørelse sendes ikke til Ankestyrelsen.")})
    complaint.reassessed_on, complaint.reassessment, complaint.sent_on = reassessed_on, reassessment, sent_on
    complaint.full_clean()
    complaint.save(update_fields=["reassessed_on", "reassessment", "sent_on"])
    text = (
        _("Klagen genvurderet %(day)s: afgørelsen fastholdt og sendt til Ankestyrelsen %(sent)s")
        if reassessment == Complaint.Reassessment.UPHELD
        else _("Klagen genvurderet %(day)s: afgørelsen ændret, borgeren fik medhold")
    ) % {"day": _day(reassessed_on), "sent": _day(sent_on) if sent_on else ""}
    case_event_add(case=locked, actor=actor, kind="complaint", text=text)
    case_deadlines_refresh(case=locked)
    return complaint


@transaction.atomic
def complaint_outcome(
    *, complaint: Complaint, actor: AbstractBaseUser, outcome: str, outcome_on: dt.date | None
) -> Complaint:
    """Ankestyrelsen's decision on a complaint the municipality sent on."""
    locked = case_lock(complaint.case)
    complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
    if complaint.sent_on is None:
        raise ValidationError(_("Klagen er ikke sendt til Ankestyrelsen."))
    if complaint.outcome:
        raise ValidationError(_("Ankestyrelsens afgørelse er allerede registreret."))
    if outcome not in Complaint.Outcome.values:
        raise ValidationError({"outcome": _("Vælg Ankestyrelsens afgørelse.")})
    _check(outcome_on, "outcome_on", not_before=complaint.sent_on, before_label=_("klagen blev sendt"))
    complaint.outcome, complaint.outcome_on = outcome, outcome_on
    complaint.full_clean()
    complaint.save(update_fields=["outcome", "outcome_on"])
    case_event_add(
        case=locked,
        actor=actor,
        kind="complaint",
        text=_("Ankestyrelsens afgørelse i klagen (%(day)s): %(outcome)s")
        % {"day": _day(outcome_on), "outcome": complaint.get_outcome_display().lower()},
    )
    return complaint
