"""Which cases a report counts and who may see them: the one place where report cases are filtered.

Every figure, drill-down list and export starts from `report_cases()`, so access control and the rule that
cases registered in error are left out of every figure (formats.md §1, `fejloprettet`) live in one function.
"""

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet

from cases.models import Case
from cases.selectors.access import staff_placement
from cases.selectors.cases import case_visible_filter
from reporting.models import Milestone
from staff.models import Department, Team

User = get_user_model()


def department_of(user) -> Department | None:
    """The department a leader sees: the one their own team belongs to (one query, cached on the user)."""
    if not hasattr(user, "_report_department"):
        user._report_department = (
            Department.objects.filter(team__members__user=user).order_by("pk").first()
            if user.is_authenticated
            else None
        )
    return user._report_department


def report_cases(
    *,
    user=None,
    team: Team | None = None,
    consultant=None,
    category: int | None = None,
) -> QuerySet[Case]:
    """The cases a report may count. With `user`, exactly the cases that user may open on the case pages
    (cases.selectors.case_visible_filter: a leader sees the department's cases and the unallocated intake),
    so a drill-down never lists a case its page would refuse. Without `user` (the management command, run
    by the municipality's operators), all cases."""
    cases = Case.objects.exclude(closing_reason__excluded_from_figures=True)
    if user is not None:
        allowed = case_visible_filter(user=user)
        if allowed is None:
            return cases.none()
        cases = cases.filter(allowed)
    if team is not None:
        cases = cases.filter(team=team)
    if consultant is not None:
        cases = cases.filter(consultant=consultant)
    if category is not None:
        cases = cases.filter(category=category)
    return cases


def teams_for(user) -> QuerySet[Team]:
    department = department_of(user)
    if department is None:
        return Team.objects.none()
    return Team.objects.filter(department=department).order_by("name")


def consultants_for(user) -> QuerySet:
    department = department_of(user)
    if department is None:
        return User.objects.none()
    return User.objects.filter(staff__team__department=department).order_by("first_name", "last_name")


def milestones_for(user) -> list[Milestone]:
    """The milestones the user's figures are measured against, by due date: their municipality's own, and
    for a figure it has none of, the installation's general ones. Never another municipality's."""
    municipality_id = staff_placement(user).municipality_id  # cached on the user: usually no query
    rows = list(
        Milestone.objects.filter(Q(municipality_id=municipality_id) | Q(municipality__isnull=True)).order_by(
            "due_on"
        )
    )
    own_figures = {milestone.figure for milestone in rows if milestone.municipality_id is not None}
    return [row for row in rows if row.municipality_id is not None or row.figure not in own_figures]
