"""Reads of cases: who may see which case, the consultant's list, probable duplicates."""

import datetime as dt

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Case, CaseDeadline, Person
from cases.selectors.access import BOOKABLE_CATEGORIES, cases_for_casework, casework_filter
from visitation.deadlines import LAPSING_KINDS, first_meeting_due


def case_visible_filter(*, user: AbstractBaseUser) -> Q | None:
    """The cases a user may open from the case pages, as a filter; None when none at all.

    consultant: their own cases and their team's cases; leader: every case of their department, and cases
    not yet allocated to a team (the intake). Bookers reach cases only through the booking app (no health
    details there); administrators set the product up and read no cases. The definition lives in
    cases/selectors/access.py (one authorisation definition for every page, list and export)."""
    return casework_filter(user)


def case_visible_to(*, user: AbstractBaseUser) -> QuerySet[Case]:
    return cases_for_casework(user)


def case_list_for_consultant(
    *,
    consultant: AbstractBaseUser,
    category: int | None = None,
    unvisited: bool = False,
    status: str | None = Case.Status.OPEN,
    today: dt.date | None = None,
) -> QuerySet[Case]:
    """'Mine sager': the consultant's cases, what is due first on top (no deadline last), one query. Each case
    carries `overdue_count`: its open deadlines past due (from the stored rows), so that a week-13 target or a
    re-assessment overdue behind the next deadline shows on the list too."""
    today = today or timezone.localdate()
    overdue = (
        CaseDeadline.objects.filter(case=OuterRef("pk"), state=CaseDeadline.State.OPEN, due_on__lt=today)
        .exclude(kind__in=LAPSING_KINDS)
        .values("case")
        .annotate(count=Count("pk"))
        .values("count")
    )
    cases = (
        Case.objects.filter(consultant=consultant)
        .select_related("person", "employer")
        .annotate(overdue_count=Coalesce(Subquery(overdue), 0))
    )
    if status:
        cases = cases.filter(status=status)
    if unvisited:
        cases = cases.filter(category__isnull=True)
    elif category is not None:
        cases = cases.filter(category=category)
    return cases.order_by(F("next_deadline_on").asc(nulls_last=True), "first_absence_day", "pk")


def case_probable_duplicates(*, person: Person | None, first_absence_day: dt.date) -> QuerySet[Case]:
    """Cases of the same person whose absence overlaps one starting on `first_absence_day` (which has no end
    yet): still open, closed on or after that day, or starting on or after it."""
    if person is None:
        return Case.objects.none()
    overlapping = (
        Q(status=Case.Status.OPEN)
        | Q(closed_on__isnull=True)
        | Q(closed_on__gte=first_absence_day)
        | Q(first_absence_day__gte=first_absence_day)
    )
    return Case.objects.filter(person=person).filter(overlapping).order_by("-first_absence_day")


def case_waits_where(*, case: Case) -> str:
    """One line for the user who just registered the case: where it now waits, in the words of the page
    where it does ("Venter på booking" means the booker's queue, meetings.selectors.booking_queue_cases)."""
    if case.is_restricted:  # never in the booker's queue (cases/selectors/access.py)
        if case.consultant is None:
            return _("Sagen er beskyttet: en leder fordeler den og booker første møde.")
        name = case.consultant.get_full_name() or case.consultant.get_username()
        return _("Sagen er beskyttet og ligger hos %(name)s, som booker første møde.") % {"name": name}
    if case.category in BOOKABLE_CATEGORIES and case.employer_id is not None:
        due_on = first_meeting_due(
            case.first_absence_day, case.fast_track_requested_on, case.rule_set.as_rules()
        )
        return _(
            "Den venter på booking af første møde i mødebookerens kø; mødet skal holdes senest %(day)s."
        ) % {"day": f"{due_on:%d-%m-%Y}"}
    if case.consultant is None:
        return _("Den venter på at blive fordelt til en konsulent (listen Fordeling).")
    name = case.consultant.get_full_name() or case.consultant.get_username()
    if case.category is None:
        return _("Den ligger hos %(name)s, som visiterer den (Mine sager).") % {"name": name}
    return _("Den ligger hos %(name)s (Mine sager).") % {"name": name}
