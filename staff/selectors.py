"""Reads of the staff app: who may hold first meetings, who sees which competence plan, the programme.

The booking helper (meetings) calls staff_qualified_for_first_meetings() and
staff_member_can_hold_first_meetings(); the deadline jobs can call competence_items_overdue() and
staff_transition_passed_unqualified() for their alerts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from staff import hooks
from staff.models import (
    CompetencePlan,
    CompetencePlanChange,
    CompetencePlanItem,
    ConversionTarget,
    Municipality,
    StaffMember,
    StaffQualification,
)
from staff.roles import Role, has_role

WEEKS_PER_MONTH = Decimal(52) / Decimal(12)
# The overview never draws more than three years of months (Herning's programme ran Aug 2017 – Dec 2019).
MAX_CAPACITY_MONTHS = 36


def _today() -> date:
    return timezone.localdate()


def _qualified_filter(*, on: date) -> Q:
    """Qualified for the combined role on a date: the combined qualification, or authority and retention."""

    def achieved(kind: str) -> Exists:
        return Exists(
            StaffQualification.objects.filter(staff_member=OuterRef("pk"), kind=kind, achieved_on__lte=on)
        )

    return Q(achieved(StaffQualification.Kind.COMBINED)) | (
        Q(achieved(StaffQualification.Kind.AUTHORITY)) & Q(achieved(StaffQualification.Kind.RETENTION))
    )


def staff_consultants() -> QuerySet[StaffMember]:
    """Active staff holding the consultant role: the people the conversion programme is about."""
    return StaffMember.objects.filter(user__is_active=True, user__groups__name=Role.CONSULTANT).distinct()


def staff_qualified_for_first_meetings(*, on: date | None = None) -> QuerySet[StaffMember]:
    """Consultants who may be booked for a first follow-up conversation at a workplace on the given day.

    Where the municipality requires it (Municipality.first_meeting_requires_qualification, the default), only
    consultants qualified for the combined role ('ny fastholdelseskonsulent') by that day; otherwise all
    consultants. Staff without a team belong to no municipality and are held to the requirement.
    """
    on = on or _today()
    not_required = Q(team__department__municipality__first_meeting_requires_qualification=False)
    return staff_consultants().filter(not_required | _qualified_filter(on=on))


def staff_member_can_hold_first_meetings(
    user: AbstractBaseUser | AnonymousUser, *, on: date | None = None
) -> bool:
    if not user.is_authenticated:
        return False
    return staff_qualified_for_first_meetings(on=on).filter(user=user).exists()


# --- Who sees a competence plan -----------------------------------------------------------------------------


def staff_led_by(user: AbstractBaseUser) -> QuerySet[StaffMember]:
    """The staff whose competence plans a leader sees and manages.

    Their leader is the one named as nearest leader on the staff member, or a leader of the same team (the
    section leader). Nobody else does; the person sees their own plan (competence_plan_visible_to).
    """
    if not has_role(user, Role.LEADER):
        return StaffMember.objects.none()
    own_team = StaffMember.objects.filter(user=user, team__isnull=False).values("team")
    return StaffMember.objects.filter(Q(leader=user) | Q(team__in=own_team)).exclude(user=user)


def staff_member_for_plan(*, user: AbstractBaseUser, staff_uuid) -> StaffMember | None:
    """The staff member whose plan the user may see (themselves, or one they lead); None otherwise."""
    visible = staff_led_by(user) | StaffMember.objects.filter(user=user)
    return (
        visible.select_related("user", "team", "leader", "competence_plan")
        .prefetch_related("qualifications")
        .filter(uuid=staff_uuid)
        .first()
    )


def staff_member_plan_is_managed_by(*, staff_member: StaffMember, user: AbstractBaseUser) -> bool:
    return staff_led_by(user).filter(pk=staff_member.pk).exists()


def competence_plan_items(*, plan: CompetencePlan) -> QuerySet[CompetencePlanItem]:
    return plan.items.select_related("item_type")


def competence_plan_history(*, plan: CompetencePlan) -> QuerySet[CompetencePlanChange]:
    return plan.changes.select_related("changed_by")


# --- Alerts -------------------------------------------------------------------------------------------------


def competence_items_overdue(*, on: date | None = None) -> QuerySet[CompetencePlanItem]:
    """Items not completed (nor cancelled) whose planned end lies before the day."""
    on = on or _today()
    return CompetencePlanItem.objects.filter(
        status__in=[CompetencePlanItem.Status.PLANNED, CompetencePlanItem.Status.IN_PROGRESS],
        planned_end_on__lt=on,
    ).select_related("plan__staff_member__user", "item_type")


def staff_transition_passed_unqualified(*, on: date | None = None) -> QuerySet[StaffMember]:
    """Staff whose expected transition date has passed without their being qualified for the combined role."""
    on = on or _today()
    return (
        StaffMember.objects.filter(competence_plan__expected_transition_on__lt=on)
        .exclude(_qualified_filter(on=on))
        .select_related("user", "competence_plan")
    )


# --- The leader's conversion-programme overview -------------------------------------------------------------


@dataclass
class TargetRow:
    due_on: date
    target: int
    actual: int | None  # None for a date still ahead
    forecast: int  # qualified by then if every expected transition date holds
    is_past: bool

    @property
    def shortfall(self) -> int:
        reached = self.actual if self.is_past else self.forecast
        return max(self.target - reached, 0)


@dataclass
class CapacityRow:
    month: date  # first day of the month
    qualified: int
    full_time_equivalents: Decimal
    capacity: int
    is_forecast: bool
    demand: int | None = None  # new category 2/3 cases that month, when the case data is hooked in

    @property
    def capacity_shortfall(self) -> int | None:
        return None if self.demand is None else max(self.demand - self.capacity, 0)


@dataclass
class StaffRow:
    staff_member: StaffMember
    plan: CompetencePlan | None
    qualified_on: date | None
    items_total: int
    items_completed: int
    items_overdue: int
    transition_passed: bool
    open_cases: int | None = None  # when the case data is hooked in (staff.hooks)


@dataclass
class ConversionProgramme:
    municipality: Municipality
    today: date
    consultants_total: int
    qualified_now: int
    targets: list[TargetRow]
    capacity: list[CapacityRow]
    staff: list[StaffRow] = field(default_factory=list)
    has_demand: bool = False
    has_caseload: bool = False

    @property
    def current_target(self) -> TargetRow | None:
        """The latest target whose date has passed (what we should have reached by now)."""
        past = [row for row in self.targets if row.is_past]
        return past[-1] if past else None

    @property
    def next_target(self) -> TargetRow | None:
        return next((row for row in self.targets if not row.is_past), None)

    @property
    def capacity_now(self) -> CapacityRow | None:
        month = self.today.replace(day=1)
        return next((row for row in self.capacity if row.month == month), None)


def user_municipality_id(user: AbstractBaseUser | None) -> int | None:
    """The municipality whose cases the user works with: their team's (issue 16's hard boundary)."""
    if user is None or not user.is_authenticated:
        return None
    return (
        StaffMember.objects.filter(user=user, team__isnull=False)
        .values_list("team__department__municipality_id", flat=True)
        .first()
    )


def consultants_of_municipality(municipality_id: int | None) -> QuerySet:
    """The active consultants who may be given a case of this municipality: only its own."""
    return (
        get_user_model()
        .objects.filter(
            is_active=True,
            groups__name=Role.CONSULTANT,
            staff__team__department__municipality_id=municipality_id,
        )
        .distinct()
    )


def staff_of_municipality(municipality_id: int | None) -> QuerySet:
    """The active staff (every role) of a municipality: whom a restricted case may concern."""
    return (
        get_user_model()
        .objects.filter(is_active=True, staff__team__department__municipality_id=municipality_id)
        .order_by("first_name", "last_name", "username")
    )


def municipality_of(user: AbstractBaseUser) -> Municipality | None:
    """The user's municipality through their team; with a single municipality in the system, that one."""
    member = StaffMember.objects.filter(user=user).select_related("team__department__municipality").first()
    if member and member.team:
        return member.team.department.municipality
    municipalities = list(Municipality.objects.all()[:2])
    return municipalities[0] if len(municipalities) == 1 else None


def _add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    return date(day.year + month_index // 12, month_index % 12 + 1, 1)


def _capacity(members: list[StaffMember], municipality: Municipality) -> tuple[Decimal, int]:
    full_time = sum((m.weekly_hours / municipality.full_time_hours for m in members), Decimal(0))
    return full_time, int(full_time * municipality.first_meeting_slots_per_week * WEEKS_PER_MONTH)


def conversion_programme(
    *, municipality: Municipality, leader: AbstractBaseUser | None = None, today: date | None = None
) -> ConversionProgramme:
    """Progress of the conversion against the plan, and the first-meeting capacity it yields per month.

    Counts all consultants of the municipality; the staff rows (plans, items) are only those the leader leads.
    Queries: consultants with qualifications and plans (3), targets (1), led staff ids (1), their items (1).
    """
    today = today or _today()
    consultants = list(
        staff_consultants()
        .filter(team__department__municipality=municipality)
        .select_related("user", "team", "competence_plan")
        .prefetch_related("qualifications")
    )
    targets = list(ConversionTarget.objects.filter(municipality=municipality).order_by("due_on"))

    qualified_on = {m.pk: m.qualified_on() for m in consultants}

    def expected_on(member: StaffMember) -> date | None:
        """When the person is (or is expected to be) qualified: the actual date, else the transition date."""
        if qualified_on[member.pk]:
            return qualified_on[member.pk]
        plan = getattr(member, "competence_plan", None)
        return plan.expected_transition_on if plan else None

    expected = {m.pk: expected_on(m) for m in consultants}

    target_rows = []
    for target in targets:
        is_past = target.due_on <= today
        actual = sum(1 for d in qualified_on.values() if d and d <= target.due_on) if is_past else None
        forecast = sum(1 for d in expected.values() if d and d <= target.due_on)
        target_rows.append(TargetRow(target.due_on, target.qualified_count, actual, forecast, is_past))

    # Months from the first target (or this month) to the last target (or six months ahead).
    first_month = min([t.due_on for t in targets] + [today]).replace(day=1)
    last_month = max([t.due_on for t in targets] + [_add_months(today, 6)]).replace(day=1)
    capacity_rows = []
    month = first_month
    while month <= last_month and len(capacity_rows) < MAX_CAPACITY_MONTHS:
        is_forecast = month > today
        dates = expected if is_forecast else qualified_on
        members = [m for m in consultants if dates[m.pk] and dates[m.pk] <= month]
        full_time, capacity = _capacity(members, municipality)
        capacity_rows.append(CapacityRow(month, len(members), full_time, capacity, is_forecast))
        month = _add_months(month, 1)
    demand = hooks.first_meeting_demand(
        municipality=municipality, first_month=first_month, last_month=capacity_rows[-1].month
    )
    if demand is not None:
        for row in capacity_rows:
            row.demand = demand.get(row.month)

    programme = ConversionProgramme(
        municipality=municipality,
        today=today,
        consultants_total=len(consultants),
        qualified_now=sum(1 for d in qualified_on.values() if d and d <= today),
        targets=target_rows,
        capacity=capacity_rows,
        has_demand=demand is not None,
    )
    if leader is not None:
        led = set(staff_led_by(leader).values_list("pk", flat=True))
        led_consultants = [m for m in consultants if m.pk in led]
        items_by_plan: dict[int, list[CompetencePlanItem]] = {}
        plan_ids = [m.competence_plan.pk for m in led_consultants if hasattr(m, "competence_plan")]
        for item in CompetencePlanItem.objects.filter(plan_id__in=plan_ids):
            items_by_plan.setdefault(item.plan_id, []).append(item)
        for member in led_consultants:
            plan = getattr(member, "competence_plan", None)
            items = items_by_plan.get(plan.pk, []) if plan else []
            member_qualified_on = qualified_on[member.pk]
            programme.staff.append(
                StaffRow(
                    staff_member=member,
                    plan=plan,
                    qualified_on=member_qualified_on,
                    items_total=sum(1 for i in items if i.status != CompetencePlanItem.Status.CANCELLED),
                    items_completed=sum(1 for i in items if i.status == CompetencePlanItem.Status.COMPLETED),
                    items_overdue=sum(1 for i in items if i.is_overdue(on=today)),
                    transition_passed=bool(
                        plan
                        and plan.expected_transition_on
                        and plan.expected_transition_on < today
                        and not (member_qualified_on and member_qualified_on <= today)
                    ),
                )
            )
        caseload = hooks.caseload(staff_members=led_consultants)
        if caseload is not None:
            programme.has_caseload = True
            for row in programme.staff:
                row.open_cases = caseload.get(row.staff_member.pk, 0)
    return programme
