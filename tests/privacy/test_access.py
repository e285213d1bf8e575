"""One authorisation definition: cases_visible_to and can_see_health per persona."""

import datetime as dt

from cases.selectors.access import can_see_health, cases_visible_to
from staff.roles import Role
from tests.factories import StaffMemberFactory, TeamFactory
from tests.meetings.factories import CaseFactory


def visible(user):
    return set(cases_visible_to(user))


def test_consultant_sees_own_and_team_cases_not_other_teams(consultant, own_case, team_case, other_team_case):
    assert visible(consultant) == {own_case, team_case}


def test_consultant_keeps_own_case_placed_in_another_team(consultant, other_team):
    moved = CaseFactory(consultant=consultant, team=other_team)
    assert moved in visible(consultant)


def test_other_teams_consultant_sees_only_their_team(other_consultant, own_case, team_case, other_team_case):
    assert visible(other_consultant) == {other_team_case}


def test_booker_sees_cases_waiting_for_booking_booked_ahead_and_unallocated(booker, consultant, team):
    held = consultant  # every case below has a consultant unless said otherwise
    waiting = CaseFactory(team=team, consultant=held)
    booked_ahead = CaseFactory(team=team, consultant=held, first_meeting_planned_on=dt.date.today())
    unallocated_category_1 = CaseFactory(team=team, category=1, consultant=None)
    met_yesterday = CaseFactory(
        team=team, consultant=held, first_meeting_planned_on=dt.date.today() - dt.timedelta(days=1)
    )
    category_1 = CaseFactory(team=team, consultant=held, category=1)
    unemployed = CaseFactory(team=team, consultant=held, employer=None)
    closed = CaseFactory(team=team, consultant=held, status="closed", closed_on=dt.date.today())
    assert visible(booker) == {waiting, booked_ahead, unallocated_category_1}
    assert {met_yesterday, category_1, unemployed, closed}.isdisjoint(visible(booker))


def test_booker_never_sees_health_even_on_a_case_they_may_open(booker, team):
    waiting = CaseFactory(team=team)
    assert waiting in visible(booker)
    assert can_see_health(booker, waiting) is False


def test_leader_sees_department_and_unallocated_cases_not_other_departments(
    leader, team, own_case, other_team_case
):
    sister_team = TeamFactory(department=team.department)
    sister_case = CaseFactory(team=sister_team)
    unallocated = CaseFactory(team=None, consultant=None)
    assert visible(leader) == {own_case, sister_case, unallocated}
    assert can_see_health(leader, sister_case)
    assert not can_see_health(leader, other_team_case)


def test_administrator_sees_no_case(administrator, own_case, other_team_case):
    assert visible(administrator) == set()
    assert not can_see_health(administrator, own_case)


def test_administrator_who_is_also_leader_sees_the_department(team, own_case, other_team_case):
    admin_leader = StaffMemberFactory(user__roles=[Role.ADMINISTRATOR, Role.LEADER], team=team).user
    assert visible(admin_leader) == {own_case}


def test_booker_sees_only_their_departments_cases_and_the_unplaced_intake(booker, team, other_team):
    sister_team = TeamFactory(department=team.department)
    waiting_in_sister_team = CaseFactory(team=sister_team)
    waiting_unplaced = CaseFactory(team=None, consultant=None)
    waiting_in_other_department = CaseFactory(team=other_team)
    assert visible(booker) == {waiting_in_sister_team, waiting_unplaced}
    assert waiting_in_other_department.team.department != team.department


def test_consultant_and_booker_roles_add_up(team, other_consultant):
    both = StaffMemberFactory(user__roles=[Role.CONSULTANT, Role.BOOKER], team=team).user
    sister_team = TeamFactory(department=team.department)
    team_case = CaseFactory(team=team, category=1, consultant=other_consultant)
    waiting_elsewhere = CaseFactory(team=sister_team, consultant=other_consultant)
    CaseFactory(team=sister_team, consultant=other_consultant, category=1)  # neither share
    assert visible(both) == {team_case, waiting_elsewhere}
    assert can_see_health(both, team_case)
    assert not can_see_health(both, waiting_elsewhere)


def test_anonymous_and_inactive_users_see_nothing(consultant, own_case):
    from django.contrib.auth.models import AnonymousUser

    assert visible(AnonymousUser()) == set()
    consultant.is_active = False
    assert visible(consultant) == set()


def test_health_check_costs_no_query_for_a_consultant(consultant, own_case, django_assert_num_queries):
    can_see_health(consultant, own_case)  # placement and roles read once per user object
    with django_assert_num_queries(0):
        assert can_see_health(consultant, own_case)
