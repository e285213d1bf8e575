"""Who may hold first meetings, who sees which plan, and the conversion programme's figures."""

import datetime
from decimal import Decimal

import pytest

from staff import hooks, selectors
from staff.models import CompetencePlanItem, StaffQualification
from staff.roles import Role
from tests.factories import StaffMemberFactory
from tests.staff.factories import (
    CompetencePlanFactory,
    CompetencePlanItemFactory,
    ConversionTargetFactory,
    QualificationFactory,
)

pytestmark = pytest.mark.django_db

OCT_2017 = datetime.date(2017, 10, 1)


def consultant_in(team, **kwargs):
    return StaffMemberFactory(user__roles=[Role.CONSULTANT], team=team, **kwargs)


def test_only_consultants_qualified_for_the_combined_role_may_hold_first_meetings(team, booker):
    combined = consultant_in(team)
    QualificationFactory(staff_member=combined, kind=StaffQualification.Kind.COMBINED, achieved_on=OCT_2017)
    both = consultant_in(team)
    QualificationFactory(staff_member=both, kind=StaffQualification.Kind.AUTHORITY)
    QualificationFactory(staff_member=both, kind=StaffQualification.Kind.RETENTION)
    authority_only = consultant_in(team)
    QualificationFactory(staff_member=authority_only, kind=StaffQualification.Kind.AUTHORITY)
    not_yet = consultant_in(team)
    QualificationFactory(
        staff_member=not_yet, kind=StaffQualification.Kind.COMBINED, achieved_on=datetime.date(2018, 1, 1)
    )
    QualificationFactory(staff_member=booker.staff, kind=StaffQualification.Kind.COMBINED)

    qualified = set(selectors.staff_qualified_for_first_meetings(on=OCT_2017))

    assert qualified == {combined, both}
    assert selectors.staff_member_can_hold_first_meetings(combined.user, on=OCT_2017)
    assert not selectors.staff_member_can_hold_first_meetings(authority_only.user, on=OCT_2017)
    assert not selectors.staff_member_can_hold_first_meetings(not_yet.user, on=OCT_2017)
    assert selectors.staff_member_can_hold_first_meetings(not_yet.user, on=datetime.date(2018, 1, 1))
    assert not selectors.staff_member_can_hold_first_meetings(booker, on=OCT_2017)


def test_a_municipality_that_does_not_require_qualification_lets_every_consultant_hold_first_meetings(team):
    unqualified = consultant_in(team)
    assert not selectors.staff_member_can_hold_first_meetings(unqualified.user, on=OCT_2017)
    municipality = team.department.municipality
    municipality.first_meeting_requires_qualification = False
    municipality.save()
    assert selectors.staff_member_can_hold_first_meetings(unqualified.user, on=OCT_2017)


def test_a_plan_is_seen_by_the_person_and_their_leader_only(
    team, other_team, leader, consultant, other_consultant
):
    other_leader = StaffMemberFactory(user__roles=[Role.LEADER], team=other_team).user
    named_leader_elsewhere = StaffMemberFactory(user__roles=[Role.LEADER], team=other_team).user
    member = consultant.staff
    member.leader = named_leader_elsewhere
    member.save()

    def sees(user):
        return selectors.staff_member_for_plan(user=user, staff_uuid=member.uuid) is not None

    assert sees(consultant)  # the person
    assert sees(leader)  # a leader of the person's team
    assert sees(named_leader_elsewhere)  # the nearest leader named on the person
    assert not sees(other_leader)
    assert not sees(other_consultant)
    colleague = consultant_in(team)
    assert not sees(colleague.user)  # a colleague in the same team is not their leader
    assert selectors.staff_member_plan_is_managed_by(staff_member=member, user=leader)
    assert not selectors.staff_member_plan_is_managed_by(staff_member=member, user=consultant)


def test_conversion_programme_counts_actual_against_targets_and_forecasts_from_transition_dates(team, leader):
    municipality = team.department.municipality
    ConversionTargetFactory(municipality=municipality, due_on=OCT_2017, qualified_count=5)
    ConversionTargetFactory(municipality=municipality, due_on=datetime.date(2018, 3, 31), qualified_count=8)
    qualified = [consultant_in(team) for _ in range(4)]
    for member in qualified:
        QualificationFactory(staff_member=member, achieved_on=datetime.date(2017, 9, 20))
    late = consultant_in(team)
    CompetencePlanFactory(staff_member=late, expected_transition_on=datetime.date(2017, 9, 25))
    upcoming = [consultant_in(team) for _ in range(3)]
    for member in upcoming:
        CompetencePlanFactory(staff_member=member, expected_transition_on=datetime.date(2018, 2, 1))

    programme = selectors.conversion_programme(
        municipality=municipality, leader=leader, today=datetime.date(2017, 11, 15)
    )

    october, march = programme.targets
    assert (october.target, october.actual, october.is_past, october.shortfall) == (5, 4, True, 1)
    assert (march.target, march.actual, march.forecast, march.is_past) == (8, None, 8, False)
    assert march.shortfall == 0
    assert programme.qualified_now == 4
    assert programme.consultants_total == 8
    assert programme.current_target == october
    assert programme.next_target == march
    rows = {row.staff_member: row for row in programme.staff}
    assert rows[late].transition_passed
    assert not rows[qualified[0]].transition_passed


def test_capacity_per_month_follows_the_qualified_staff_hours(team):
    """Herning: 5 full-time people qualified by 1 Oct 2017 gave capacity for at least 64 first meetings."""
    municipality = team.department.municipality
    ConversionTargetFactory(municipality=municipality, due_on=OCT_2017, qualified_count=5)
    for _ in range(5):
        QualificationFactory(staff_member=consultant_in(team), achieved_on=datetime.date(2017, 9, 28))
    part_time = consultant_in(team, weekly_hours=Decimal("18.5"))
    QualificationFactory(staff_member=part_time, achieved_on=datetime.date(2017, 10, 20))

    programme = selectors.conversion_programme(municipality=municipality, today=datetime.date(2017, 11, 15))
    by_month = {row.month: row for row in programme.capacity}

    october = by_month[OCT_2017]
    assert (october.qualified, october.capacity) == (5, 65)  # 5 × 3 a week × 52/12
    november = by_month[datetime.date(2017, 11, 1)]
    assert (november.qualified, november.full_time_equivalents, november.capacity) == (6, Decimal("5.5"), 71)
    assert programme.capacity_now == november
    assert by_month[datetime.date(2017, 12, 1)].is_forecast


def test_staff_rows_count_items_and_show_only_the_people_the_leader_leads(team, other_team, leader):
    municipality = team.department.municipality
    mine = CompetencePlanFactory(staff_member=consultant_in(team))
    CompetencePlanItemFactory(plan=mine, completed=True)
    CompetencePlanItemFactory(plan=mine, planned_end_on=datetime.date(2017, 9, 1))  # overdue
    CompetencePlanItemFactory(plan=mine, status=CompetencePlanItem.Status.CANCELLED)
    not_mine = CompetencePlanFactory(staff_member=consultant_in(other_team))

    programme = selectors.conversion_programme(
        municipality=municipality, leader=leader, today=datetime.date(2017, 9, 20)
    )

    assert [row.staff_member for row in programme.staff] == [mine.staff_member]
    row = programme.staff[0]
    assert (row.items_total, row.items_completed, row.items_overdue) == (2, 1, 1)
    assert programme.consultants_total == 2  # both teams count towards the municipality's plan
    assert not_mine.staff_member not in [r.staff_member for r in programme.staff]


def test_alert_selectors_find_overdue_items_and_passed_transitions(team):
    in_progress = CompetencePlanFactory(expected_transition_on=datetime.date(2018, 6, 1))
    overdue = CompetencePlanItemFactory(plan=in_progress, planned_end_on=datetime.date(2017, 9, 1))
    CompetencePlanItemFactory(plan=in_progress, planned_end_on=datetime.date(2017, 9, 1), completed=True)
    CompetencePlanItemFactory(plan=in_progress, planned_end_on=datetime.date(2017, 12, 1))
    passed = CompetencePlanFactory(expected_transition_on=datetime.date(2017, 10, 1))
    converted = CompetencePlanFactory(expected_transition_on=datetime.date(2017, 10, 1))
    QualificationFactory(staff_member=converted.staff_member, achieved_on=datetime.date(2017, 9, 30))

    today = datetime.date(2017, 10, 2)
    assert list(selectors.competence_items_overdue(on=today)) == [overdue]
    assert list(selectors.staff_transition_passed_unqualified(on=today)) == [passed.staff_member]


@pytest.fixture
def case_data_hooked_in():
    """What the cases app would register at start-up: demand per month and open cases per consultant."""
    calls = {}

    def new_cases_by_month(*, municipality, first_month, last_month):
        calls["demand"] = (municipality, first_month, last_month)
        return {datetime.date(2017, 10, 1): 80, datetime.date(2017, 11, 1): 40}

    def open_cases(*, staff_members):
        return {member.pk: 50 for member in staff_members}

    hooks.first_meeting_demand_register(new_cases_by_month)
    hooks.caseload_register(open_cases)
    yield calls
    hooks.first_meeting_demand_unregister(new_cases_by_month)
    hooks.caseload_unregister(open_cases)


def test_without_case_data_hooked_in_there_is_no_demand_or_caseload(team, leader, no_case_data_hooked_in):
    CompetencePlanFactory(staff_member=consultant_in(team))
    programme = selectors.conversion_programme(
        municipality=team.department.municipality, leader=leader, today=datetime.date(2017, 11, 15)
    )
    assert not programme.has_demand
    assert not programme.has_caseload
    assert all(row.demand is None for row in programme.capacity)


def test_demand_and_caseload_come_from_the_registered_case_data(team, leader, case_data_hooked_in):
    municipality = team.department.municipality
    ConversionTargetFactory(municipality=municipality, due_on=OCT_2017, qualified_count=5)
    for _ in range(5):
        QualificationFactory(staff_member=consultant_in(team), achieved_on=datetime.date(2017, 9, 28))

    programme = selectors.conversion_programme(
        municipality=municipality, leader=leader, today=datetime.date(2017, 11, 15)
    )

    assert programme.has_demand
    by_month = {row.month: row for row in programme.capacity}
    assert (by_month[OCT_2017].capacity, by_month[OCT_2017].demand) == (65, 80)
    assert by_month[OCT_2017].capacity_shortfall == 15
    assert by_month[datetime.date(2017, 11, 1)].capacity_shortfall == 0
    assert by_month[datetime.date(2017, 12, 1)].demand is None
    assert case_data_hooked_in["demand"][0] == municipality
    assert programme.has_caseload
    assert {row.open_cases for row in programme.staff} == {50}
