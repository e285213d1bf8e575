"""The one authorisation definition for case data (issue 9). Every list, page, drill-down, export, import,
calendar feed and admin page that shows cases starts from `cases_visible_to(user)` (or, where health
information or full case contents are shown, from `cases_for_casework(user)`, which leaves the booker's share
out); a single case is checked with `case_is_visible_to`; anything showing health information asks
`can_see_health`. cases/selectors/cases.py's case_visible_filter (the case pages) delegates here.

Who sees which cases (domain.md, roles):
- consultant: their own cases and their team's;
- booker: cases waiting for booking (open, category 2/3, with an employer, no first meeting planned), those
  whose booked first meeting lies ahead, and open cases not yet allocated to a consultant; of those only
  contact and meeting data — never health information (`can_see_health` is False);
- leader: the cases of their department (the team's department), plus unallocated cases (no team yet),
  which leaders allocate;
- administrator: none (setup, not case contents) unless also holding one of the roles above.
Roles add up: a user with two roles sees the union.
"""

import datetime as dt

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Q, QuerySet
from django.utils import timezone

from cases.models import Case
from staff.models import StaffMember, Team
from staff.roles import Role, roles_of
from visitation.models import Category

User = AbstractBaseUser | AnonymousUser

BOOKABLE_CATEGORIES = (Category.TWO, Category.THREE)


def _staff_placement(user) -> tuple[int | None, int | None]:
    """(team id, department id) of the user's staff record, read once per user object."""
    if not hasattr(user, "_sof_placement"):
        row = (
            StaffMember.objects.filter(user=user).values_list("team_id", "team__department_id").first()
            if user.is_authenticated
            else None
        )
        user._sof_placement = row or (None, None)
    return user._sof_placement


def waiting_for_booking_q() -> Q:
    """Cases waiting for the first meeting to be booked: the booker's whole view of the case list."""
    return Q(
        status=Case.Status.OPEN,
        category__in=BOOKABLE_CATEGORIES,
        employer__isnull=False,
        first_meeting_planned_on__isnull=True,
    )


def booker_share_q(*, today: dt.date) -> Q:
    """The booker's share (contact and meeting data only): cases waiting for booking, cases whose booked
    first meeting has not yet taken place (to move or cancel it), and open cases nobody holds yet (the
    administrative allocator's list, seed 002: Herning)."""
    bookable = Q(status=Case.Status.OPEN, category__in=BOOKABLE_CATEGORIES, employer__isnull=False) & (
        Q(first_meeting_planned_on__isnull=True) | Q(first_meeting_planned_on__gte=today)
    )
    unallocated = Q(status=Case.Status.OPEN, consultant__isnull=True)
    return bookable | unallocated


def _casework_q(user) -> Q | None:
    """Cases the user may see in full (health information included): consultant's and leader's share."""
    roles = roles_of(user)
    if not roles & {Role.CONSULTANT, Role.LEADER}:
        return None  # no query for the staff placement: a booker's queue costs nothing extra
    team_id, department_id = _staff_placement(user)
    q = None

    def add(condition: Q) -> None:
        nonlocal q
        q = condition if q is None else q | condition

    if Role.CONSULTANT in roles:
        add(Q(consultant=user))
        if team_id is not None:
            add(Q(team_id=team_id))
    if Role.LEADER in roles:
        add(Q(team__isnull=True))
        if department_id is not None:
            # team_id IN (the department's teams), not a join on the team: PostgreSQL filters on the case's
            # own column instead of joining every case in the country to its team (docs/benchmarks.md).
            add(Q(team_id__in=Team.objects.filter(department_id=department_id).values("pk")))
    return q


def casework_filter(user: User) -> Q | None:
    """The consultant's and leader's share as a filter (full case contents, health included); None when the
    user has no casework access at all."""
    if not user.is_authenticated or not user.is_active:
        return None
    return _casework_q(user)


def cases_for_casework(user: User) -> QuerySet[Case]:
    """Cases the user may open in full: the case page, its actions, reports' drill-downs and exports."""
    q = casework_filter(user)
    return Case.objects.none() if q is None else Case.objects.filter(q)


def cases_visible_to(user: User) -> QuerySet[Case]:
    """Every case the user may open, by their roles (see the module docstring)."""
    if not user.is_authenticated or not user.is_active:
        return Case.objects.none()
    q = _casework_q(user)
    if Role.BOOKER in roles_of(user):
        share = booker_share_q(today=timezone.localdate())
        q = share if q is None else q | share
    if q is None:
        return Case.objects.none()
    return Case.objects.filter(q)


def case_is_visible_to(user: User, case: Case) -> bool:
    return cases_visible_to(user).filter(pk=case.pk).exists()


def can_see_health(user: User, case: Case) -> bool:
    """Whether the user may see the case's health information (minutes, plans, offers' scores, exception
    and visitation notes): only through casework access (consultant, leader), never as booker.
    Evaluated in Python on the loaded case: no query beyond the user's placement (cached)."""
    if not user.is_authenticated or not user.is_active:
        return False
    roles = roles_of(user)
    team_id, department_id = _staff_placement(user)
    if Role.CONSULTANT in roles and (
        case.consultant_id == user.pk or (team_id is not None and case.team_id == team_id)
    ):
        return True
    if Role.LEADER in roles:
        if case.team_id is None:
            return True
        if department_id is not None:
            return Team.objects.filter(pk=case.team_id, department_id=department_id).exists()
    return False


def sees_contact_data_only(user: User, case: Case) -> bool:
    """True when the user reaches the case only as booker: show contact and meeting data, nothing else."""
    return not can_see_health(user, case) and case_is_visible_to(user, case)
