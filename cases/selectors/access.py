"""The one authorisation definition for case data (issue 9). Every list, page, drill-down, export, import,
calendar feed and admin page that shows cases starts from `cases_visible_to(user)` (or, where health
information or full case contents are shown, from `cases_for_casework(user)`, which leaves the booker's share
out); a single case is checked with `case_is_visible_to`; anything showing health information asks
`can_see_health`. cases/selectors/cases.py's case_visible_filter (the case pages) delegates here.

Who sees which cases (domain.md, roles):
- consultant: their own cases, their team's, and restricted cases they are a named deputy of;
- booker: in their department (and the intake not yet placed in a team), cases waiting for booking (open,
  category 2/3, with an employer, no first meeting planned), those whose booked first meeting lies ahead, and
  open cases not yet allocated to a consultant; of those only contact and meeting data — never health
  information (`can_see_health` is False);
- leader: the cases of their department (the team's department), plus the intake not yet placed in a team,
  which leaders allocate;
- administrator: none (setup, not case contents) unless also holding one of the roles above.
Roles add up: a user with two roles sees the union.

A restricted case (beskyttet sag, issue 16) leaves the team's and the booker's shares: only its responsible
consultant, its named deputies and its department's leaders see it. The municipality is a hard boundary:
every share lies within the user's own municipality.
"""

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.db.models.lookups import In
from django.utils import timezone

from cases.models import Case
from staff.models import StaffMember, Team
from staff.roles import Role, roles_of
from visitation.models import Category

User = AbstractBaseUser | AnonymousUser

BOOKABLE_CATEGORIES = (Category.TWO, Category.THREE)


@dataclass(frozen=True)
class Placement:
    team_id: int | None = None
    department_id: int | None = None
    department_team_ids: tuple[int, ...] = ()
    municipality_id: int | None = None


def staff_placement(user) -> Placement:
    """The user's team, department and the department's teams, read in one query and kept on the user object.
    The team ids are a literal list, not a subquery: `team_id IN (1, 2) OR team_id IS NULL` is two index
    look-ups in PostgreSQL, while `IN (SELECT …)` became a filter over every case in the country
    (docs/benchmarks.md, report page)."""
    if not hasattr(user, "_sof_placement"):
        rows = []  # (team id, department id, whether it is the user's own) for each team of the department
        if user.is_authenticated:
            own_team = StaffMember.objects.filter(user=user, team=OuterRef("pk"))
            rows = list(
                Team.objects.filter(department__team__members__user=user).values_list(
                    "pk", "department_id", Exists(own_team), "department__municipality_id"
                )
            )
        user._sof_placement = Placement(
            team_id=next((team_id for team_id, _department, own, _m in rows if own), None),
            department_id=rows[0][1] if rows else None,
            department_team_ids=tuple(team_id for team_id, _department, _own, _m in rows),
            municipality_id=rows[0][3] if rows else None,
        )
    return user._sof_placement


class InArray(In):
    """`pk IN (SELECT …)`, written `pk = ANY(ARRAY(SELECT …))` on PostgreSQL: the sub-select then runs once
    and its result is an index condition, so the planner can combine the consultant's shares (own, deputy of,
    team) as one BitmapOr of their indexes. As `IN (SELECT …)` or `EXISTS` it became a filter run on every
    case of the municipality: the search for a common name at 100k cases took 200 ms instead of 43."""

    def as_postgresql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} = ANY(ARRAY{rhs})", (*lhs_params, *rhs_params)


def department_q(placement: Placement) -> Q:
    """The cases of the user's department, and their municipality's intake not yet placed in any team (the
    municipality is a hard boundary: another municipality's intake is never in it)."""
    q = Q(team__isnull=True, municipality_id=placement.municipality_id)
    if placement.department_team_ids:
        q |= Q(team_id__in=placement.department_team_ids)
    return q


def booker_share_q(*, today: dt.date) -> Q:
    """The booker's share (contact and meeting data only), before it is limited to their department: cases
    waiting for booking, cases whose booked first meeting has not yet taken place (to move or cancel it), and
    open cases nobody holds yet (the administrative allocator's list, seed 002: Herning)."""
    bookable = Q(status=Case.Status.OPEN, category__in=BOOKABLE_CATEGORIES, employer__isnull=False) & (
        Q(first_meeting_planned_on__isnull=True) | Q(first_meeting_planned_on__gte=today)
    )
    unallocated = Q(status=Case.Status.OPEN, consultant__isnull=True)
    return bookable | unallocated


def _casework_q(user) -> Q | None:
    """Cases the user may see in full (health information included): consultant's and leader's share."""
    roles = roles_of(user)
    if not roles & {Role.CONSULTANT, Role.LEADER}:
        return None
    placement = staff_placement(user)
    q = None

    def add(condition: Q) -> None:
        nonlocal q
        q = condition if q is None else q | condition

    if Role.CONSULTANT in roles:
        deputy_of = Case.deputies.through.objects.filter(user=user).values("case_id")
        add(Q(consultant=user) | Q(InArray(F("pk"), deputy_of)))
        if placement.team_id is not None:
            add(Q(team_id=placement.team_id, restriction=""))
    if Role.LEADER in roles:
        add(department_q(placement))
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


def visible_filter(user: User) -> Q | None:
    """Every case the user may open, by their roles (see the module docstring), as a filter on Case; None
    when the user may open none."""
    if not user.is_authenticated or not user.is_active:
        return None
    q = _casework_q(user)
    if Role.BOOKER in roles_of(user):
        share = (
            booker_share_q(today=timezone.localdate())
            & department_q(staff_placement(user))
            & Q(restriction="")  # a restricted case is booked by its consultant or a leader
        )
        q = share if q is None else q | share
    return q


def cases_visible_to(user: User) -> QuerySet[Case]:
    q = visible_filter(user)
    return Case.objects.none() if q is None else Case.objects.filter(q)


def case_is_visible_to(user: User, case: Case) -> bool:
    return cases_visible_to(user).filter(pk=case.pk).exists()


def can_see_health(user: User, case: Case) -> bool:
    """Whether the user may see the case's health information (minutes, plans, offers' scores, exception
    and visitation notes): only through casework access (consultant, leader), never as booker.
    Evaluated in Python on the loaded case: no query beyond the user's placement (cached), except for a
    restricted case's deputies."""
    if not user.is_authenticated or not user.is_active:
        return False
    roles = roles_of(user)
    placement = staff_placement(user)
    if Role.CONSULTANT in roles:
        if case.consultant_id == user.pk:
            return True
        if not case.is_restricted and placement.team_id is not None and case.team_id == placement.team_id:
            return True
        if case.is_restricted and case.deputies.filter(pk=user.pk).exists():
            return True
    if case.team_id is None:
        return Role.LEADER in roles and case.municipality_id == placement.municipality_id is not None
    return Role.LEADER in roles and case.team_id in placement.department_team_ids


def sees_contact_data_only(user: User, case: Case) -> bool:
    """True when the user reaches the case only as booker: show contact and meeting data, nothing else."""
    return not can_see_health(user, case) and case_is_visible_to(user, case)
