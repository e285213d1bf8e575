"""Reads of cases: who may see which case, the consultant's list, probable duplicates."""

import datetime as dt

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import F, Q, QuerySet

from cases.models import Case, Person
from staff.models import StaffMember
from staff.roles import Role, roles_of


def case_visible_filter(*, user: AbstractBaseUser) -> Q | None:
    """The cases a user may open from the case pages, as a filter; None when none at all.

    consultant: their own cases and their team's cases; leader: every case of their department, and cases
    not yet allocated to a team (the intake). Bookers reach cases only through the booking app (no health
    details there); administrators set the product up and read no cases."""
    roles = roles_of(user)
    member = StaffMember.objects.filter(user=user).select_related("team").first()
    team = member.team if member else None
    allowed = Q(pk__in=[])
    granted = False
    if Role.CONSULTANT in roles:
        allowed |= Q(consultant=user)
        if team is not None:
            allowed |= Q(team=team)
        granted = True
    if Role.LEADER in roles and team is not None:
        allowed |= Q(team__department_id=team.department_id) | Q(team__isnull=True)
        granted = True
    return allowed if granted else None


def case_visible_to(*, user: AbstractBaseUser) -> QuerySet[Case]:
    allowed = case_visible_filter(user=user)
    if allowed is None:
        return Case.objects.none()
    return Case.objects.filter(allowed)


def case_list_for_consultant(
    *,
    consultant: AbstractBaseUser,
    category: int | None = None,
    unvisited: bool = False,
    status: str | None = Case.Status.OPEN,
) -> QuerySet[Case]:
    """'Mine sager': the consultant's cases, what is due first on top (no deadline last), one query."""
    cases = Case.objects.filter(consultant=consultant).select_related("person", "employer")
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
