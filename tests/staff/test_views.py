"""The leader's programme page and the competence plan page, as the people using them see them."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from staff import hooks
from staff.models import CompetencePlan, CompetencePlanChange, CompetencePlanItem, StaffQualification
from staff.roles import Role
from tests.factories import StaffMemberFactory
from tests.staff.factories import (
    CompetenceItemTypeFactory,
    CompetencePlanFactory,
    CompetencePlanItemFactory,
    ConversionTargetFactory,
    QualificationFactory,
)

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2017, 11, 15)


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(datetime.datetime(2017, 11, 15, 10, 0), tick=False):
        yield


def plan_url(member):
    return reverse("staff:plan", kwargs={"staff_uuid": member.uuid})


def test_programme_page_shows_progress_against_the_plan_and_capacity(client, team, leader):
    municipality = team.department.municipality
    ConversionTargetFactory(municipality=municipality, due_on=datetime.date(2017, 10, 1), qualified_count=5)
    ConversionTargetFactory(municipality=municipality, due_on=datetime.date(2018, 3, 31), qualified_count=8)
    for _ in range(4):
        member = StaffMemberFactory(user__roles=[Role.CONSULTANT], team=team)
        QualificationFactory(staff_member=member, achieved_on=datetime.date(2017, 9, 1))
    behind = StaffMemberFactory(user__roles=[Role.CONSULTANT], team=team, user__first_name="Bodil")
    CompetencePlanFactory(staff_member=behind, expected_transition_on=datetime.date(2017, 10, 1))

    client.force_login(leader)
    response = client.get(reverse("staff:programme"))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Ikke nået (mangler 1)" in page  # 4 of 5 by 01-10-2017
    assert "01-10-2017" in page
    assert 'data-testid="qualified-now">4<' in page
    assert 'data-testid="capacity-now">52<' in page  # 4 full-time × 3 a week × 52/12
    assert "Overgangsdato passeret uden kvalifikation" in page
    assert plan_url(behind) in page


@pytest.mark.parametrize("persona", ["consultant", "booker", "administrator"])
def test_programme_page_is_for_leaders_only(client, request, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("staff:programme")).status_code == 403


def test_programme_page_query_budget(client, team, leader, django_assert_num_queries):
    municipality = team.department.municipality
    ConversionTargetFactory(municipality=municipality)
    for _ in range(5):
        plan = CompetencePlanFactory(
            staff_member=StaffMemberFactory(user__roles=[Role.CONSULTANT], team=team)
        )
        CompetencePlanItemFactory(plan=plan)
        QualificationFactory(staff_member=plan.staff_member)
    client.force_login(leader)
    # session, user, roles; leader's municipality; consultants (+ plans joined); their qualifications;
    # targets; new category 2/3 cases by month (cases app); staff the leader leads; their items; open cases
    # per consultant (cases app).
    with django_assert_num_queries(11):
        response = client.get(reverse("staff:programme"))
    assert response.status_code == 200


def test_the_person_sees_their_own_plan_without_forms_to_change_it(client, consultant):
    plan = CompetencePlanFactory(staff_member=consultant.staff, leader_notes="Ønsker sidemandsoplæring.")
    CompetencePlanItemFactory(plan=plan, item_type=CompetenceItemTypeFactory(name="Sidemandsoplæring"))
    client.force_login(consultant)
    response = client.get(reverse("staff:my_plan"), follow=True)
    page = response.content.decode()
    assert "Sidemandsoplæring" in page
    assert "Ønsker sidemandsoplæring." in page
    assert "Gem plan" not in page
    response = client.post(
        plan_url(consultant.staff), {"action": "plan", "expectation_talk_on": "2017-08-15"}
    )
    assert response.status_code == 403


@pytest.mark.parametrize("persona", ["other_consultant", "booker"])
def test_others_cannot_see_a_plan(client, request, consultant, persona):
    CompetencePlanFactory(staff_member=consultant.staff, leader_notes="Fortroligt")
    client.force_login(request.getfixturevalue(persona))
    response = client.get(plan_url(consultant.staff))
    assert response.status_code == 404
    assert "Fortroligt" not in response.content.decode()


def test_leader_of_another_team_cannot_see_a_plan(client, other_team, consultant):
    CompetencePlanFactory(staff_member=consultant.staff)
    other_leader = StaffMemberFactory(user__roles=[Role.LEADER], team=other_team).user
    client.force_login(other_leader)
    assert client.get(plan_url(consultant.staff)).status_code == 404


def test_leader_creates_a_plan_and_it_shows_with_its_history(client, leader, consultant):
    client.force_login(leader)
    response = client.post(
        plan_url(consultant.staff),
        {
            "action": "plan",
            "expectation_talk_on": "2017-08-15",
            "expected_transition_on": "2017-10-01",
            "leader_notes": "Klar til oktober.",
        },
        follow=True,
    )
    page = response.content.decode()
    assert "Kompetenceplanen er gemt." in page
    assert "Klar til oktober." in page
    assert "Kompetenceplan oprettet" in page
    assert CompetencePlan.objects.get(staff_member=consultant.staff).expected_transition_on == datetime.date(
        2017, 10, 1
    )


def test_transition_before_the_talk_shows_the_message_and_saves_nothing(client, leader, consultant):
    client.force_login(leader)
    response = client.post(
        plan_url(consultant.staff),
        {"action": "plan", "expectation_talk_on": "2017-08-15", "expected_transition_on": "2017-08-01"},
    )
    assert response.status_code == 200
    assert "Den forventede overgang kan ikke ligge før forventningssamtalen." in response.content.decode()
    assert not CompetencePlan.objects.exists()


def test_qualification_without_a_date_shows_the_message_and_saves_nothing(client, leader, consultant):
    client.force_login(leader)
    response = client.post(
        plan_url(consultant.staff), {"action": "qualification", "kind": "combined", "achieved_on": ""}
    )
    assert "Angiv datoen, hvor kompetencen blev opnået." in response.content.decode()
    assert not StaffQualification.objects.exists()


def test_leader_adds_an_item_and_marks_it_completed(client, leader, consultant):
    plan = CompetencePlanFactory(staff_member=consultant.staff)
    via = CompetenceItemTypeFactory(name="VIA-modul: Virksomhedsrettet indsats")
    client.force_login(leader)
    client.post(
        plan_url(consultant.staff),
        {
            "action": "item",
            "item_type": via.pk,
            "planned_start_on": "2017-09-01",
            "planned_end_on": "2017-09-30",
        },
    )
    item = plan.items.get()
    edit_url = reverse(
        "staff:plan_item_edit", kwargs={"staff_uuid": consultant.staff.uuid, "item_uuid": item.uuid}
    )
    response = client.post(
        edit_url,
        {"status": "completed", "planned_start_on": "2017-09-01", "planned_end_on": "2017-09-30",
         "completed_on": "2017-09-29"},
        follow=True,
    )  # fmt: skip
    assert "Tiltaget er opdateret." in response.content.decode()
    item.refresh_from_db()
    assert (item.status, item.completed_on) == (
        CompetencePlanItem.Status.COMPLETED,
        datetime.date(2017, 9, 29),
    )


def test_item_completed_before_planned_start_shows_the_message_and_is_unchanged(client, leader, consultant):
    item = CompetencePlanItemFactory(plan=CompetencePlanFactory(staff_member=consultant.staff))
    client.force_login(leader)
    edit_url = reverse(
        "staff:plan_item_edit", kwargs={"staff_uuid": consultant.staff.uuid, "item_uuid": item.uuid}
    )
    response = client.post(
        edit_url, {"status": "completed", "planned_start_on": "2017-08-21", "completed_on": "2017-08-20"}
    )
    assert "Et tiltag kan ikke være gennemført før den planlagte start." in response.content.decode()
    item.refresh_from_db()
    assert item.status == CompetencePlanItem.Status.PLANNED
    assert not CompetencePlanChange.objects.exists()


def test_the_person_cannot_edit_their_own_items(client, consultant):
    item = CompetencePlanItemFactory(plan=CompetencePlanFactory(staff_member=consultant.staff))
    client.force_login(consultant)
    edit_url = reverse(
        "staff:plan_item_edit", kwargs={"staff_uuid": consultant.staff.uuid, "item_uuid": item.uuid}
    )
    assert client.get(edit_url).status_code == 403


def test_programme_page_shows_demand_and_caseload_only_when_the_case_data_is_hooked_in(
    client, team, leader, no_case_data_hooked_in
):
    ConversionTargetFactory(municipality=team.department.municipality, due_on=datetime.date(2017, 11, 1))
    member = StaffMemberFactory(user__roles=[Role.CONSULTANT], team=team, caseload_target=45)
    CompetencePlanFactory(staff_member=member)
    client.force_login(leader)
    page = client.get(reverse("staff:programme")).content.decode()
    assert "Nye kategori 2/3-sager" not in page
    assert "Sagsstamme / mål" not in page

    def demand(*, municipality, first_month, last_month):
        return {datetime.date(2017, 11, 1): 30}

    def caseload(*, staff_members):
        return {m.pk: 52 for m in staff_members}

    hooks.first_meeting_demand_register(demand)
    hooks.caseload_register(caseload)
    try:
        page = client.get(reverse("staff:programme")).content.decode()
    finally:
        hooks.first_meeting_demand_unregister(demand)
        hooks.caseload_unregister(caseload)
    assert "Nye kategori 2/3-sager" in page
    assert "mangler 30" in page  # nobody qualified: capacity 0 against 30 new cases
    assert "52 / 45" in page
    assert "over målet" in page
