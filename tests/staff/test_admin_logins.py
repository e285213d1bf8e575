"""The administrator runs the organisation's logins in the admin (issue 15): create a login with role and
team on one page, see who has which role, deactivate a leaver and hand their open cases to colleagues."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.urls import reverse

from cases.models import Assignment, Case, CaseEvent
from cases.services.leavers import consultant_leave
from staff.roles import Role
from tests.cases.factories import CaseFactory
from tests.factories import PASSWORD, MunicipalityFactory, StaffMemberFactory, TeamFactory

pytestmark = pytest.mark.django_db
User = get_user_model()


def add_login(client, **extra):
    data = {
        "username": "konsulent99",
        "first_name": "Nina",
        "last_name": "Nyansat",
        "email": "nina@jobcenter.example.dk",
        "password1": PASSWORD,
        "password2": PASSWORD,
        "groups": [Group.objects.get(name=Role.CONSULTANT).pk],
        "staff-TOTAL_FORMS": "1",
        "staff-INITIAL_FORMS": "0",
        "staff-0-weekly_hours": "37",
        "staff-0-caseload_target": "45",
        **extra,
    }
    return client.post(reverse("admin:auth_user_add"), data)


def test_the_administrator_creates_a_consultant_with_role_and_team_who_then_lands_on_my_cases(
    client, administrator, team
):
    client.force_login(administrator)
    response = add_login(client, **{"staff-0-team": team.pk})
    assert response.status_code == 302, response.content.decode()[:3000]

    nina = User.objects.get(username="konsulent99")
    assert nina.staff.team == team and list(nina.groups.values_list("name", flat=True)) == [Role.CONSULTANT]
    assert not nina.is_staff and not nina.is_superuser  # the admin's door is for the administrator role
    client.logout()
    assert client.login(username="konsulent99", password=PASSWORD)
    assert client.get("/", follow=True).redirect_chain[-1][0] == reverse("cases:my_cases")


def test_the_login_list_shows_names_roles_and_teams(client, administrator, consultant, booker):
    client.force_login(administrator)
    page = client.get(reverse("admin:auth_user_changelist")).content.decode()
    assert "Fastholdelseskonsulent" in page and "Mødebooker" in page and "Fastholdelsesteamet" in page


def test_the_administrator_can_neither_grant_superuser_nor_see_superusers(client, administrator, consultant):
    superuser = User.objects.create_superuser("dpo", "dpo@example.dk", PASSWORD)
    client.force_login(administrator)
    assert client.get(reverse("admin:auth_user_change", args=[superuser.pk])).status_code == 302  # not found
    page = client.get(reverse("admin:auth_user_change", args=[consultant.pk])).content.decode()
    assert 'name="is_superuser"' not in page and 'name="user_permissions"' not in page
    assert 'name="groups"' in page


def test_roles_offered_are_the_four_roles_only(client, administrator, consultant):
    Group.objects.create(name="something-else")
    client.force_login(administrator)
    page = client.get(reverse("admin:auth_user_change", args=[consultant.pk])).content.decode()
    assert "something-else" not in page


def test_the_administrator_edits_milestones(client, administrator):
    client.force_login(administrator)
    assert client.get(reverse("admin:reporting_milestone_changelist")).status_code == 200
    assert client.get(reverse("admin:reporting_milestone_add")).status_code == 200


@pytest.fixture
def leaver(team):
    return StaffMemberFactory(
        user__username="leaver", user__first_name="Lone", user__roles=[Role.CONSULTANT], team=team
    ).user


@pytest.fixture
def colleagues(team):
    return [
        StaffMemberFactory(user__username=name, user__roles=[Role.CONSULTANT], team=team).user
        for name in ("kollega1", "kollega2")
    ]


def test_a_leavers_open_cases_go_to_the_colleague_with_fewest_then_the_login_is_deactivated(
    leaver, colleagues, administrator, team
):
    today = dt.date.today()
    open_cases = [
        CaseFactory(consultant=leaver, team=team, first_absence_day=today - dt.timedelta(days=30 + n))
        for n in range(3)
    ]
    closed = CaseFactory(consultant=leaver, team=team, status=Case.Status.CLOSED, closed_on=today)
    CaseFactory(consultant=colleagues[0], team=team, first_absence_day=today - dt.timedelta(days=10))

    received = consultant_leave(leaver=leaver, colleagues=colleagues, actor=administrator)

    assert received == {colleagues[0].pk: 1, colleagues[1].pk: 2}  # 1+1 and 0+2: evened out
    assert Case.objects.filter(consultant=leaver, status=Case.Status.OPEN).count() == 0
    assert Case.objects.get(pk=closed.pk).consultant == leaver  # history stays as it was
    for case in open_cases:
        assignment = Assignment.objects.get(case=case, ended_on__isnull=True)
        assert assignment.reason.code == "konsulent_stopper"
        assert CaseEvent.objects.filter(case=case, kind="handover").exists()
    leaver.refresh_from_db()
    assert not leaver.is_active


def test_a_leaver_with_cases_needs_a_colleague_and_nothing_changes_without(leaver, administrator, team):
    case = CaseFactory(
        consultant=leaver, team=team, first_absence_day=dt.date.today() - dt.timedelta(days=30)
    )

    with pytest.raises(ValidationError, match="mindst én kollega"):
        consultant_leave(leaver=leaver, colleagues=[], actor=administrator)
    leaver.refresh_from_db()
    assert leaver.is_active and Case.objects.get(pk=case.pk).consultant == leaver


def test_a_colleague_in_another_municipality_is_refused(leaver, administrator, team):
    CaseFactory(consultant=leaver, team=team, first_absence_day=dt.date.today() - dt.timedelta(days=30))
    ikast = TeamFactory(department__municipality=MunicipalityFactory(code=760, name="Ringkøbing-Skjern"))
    elsewhere = StaffMemberFactory(user__username="fremmed", user__roles=[Role.CONSULTANT], team=ikast).user

    with pytest.raises(ValidationError, match="samme kommune"):
        consultant_leave(leaver=leaver, colleagues=[elsewhere], actor=administrator)
    leaver.refresh_from_db()
    assert leaver.is_active


def test_the_leaver_page_hands_over_and_reports_it(client, administrator, leaver, colleagues, team):
    CaseFactory(consultant=leaver, team=team, first_absence_day=dt.date.today() - dt.timedelta(days=30))
    client.force_login(administrator)
    changelist = reverse("admin:auth_user_changelist")
    response = client.post(
        changelist, {"action": "deactivate_and_hand_over", "_selected_action": [leaver.pk]}
    )
    page_url = reverse("cases:leaver_hand_over", args=[leaver.pk])
    assert response.status_code == 302 and response["Location"] == page_url
    page = client.get(page_url).content.decode()
    assert (
        "har 1 åben sag" in page
        and f"{colleagues[0].get_full_name()} (kollega1) (Fastholdelsesteamet)" in page
    )

    response = client.post(page_url, {"colleagues": [colleagues[1].pk]}, follow=True)

    assert "er deaktiveret. Åbne sager overdraget: 1." in response.content.decode()
    assert Case.objects.get(first_absence_day__lt=dt.date.today()).consultant == colleagues[1]
