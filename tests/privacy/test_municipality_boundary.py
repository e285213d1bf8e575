"""One installation, two municipalities: nothing crosses the boundary (issue 16). Herning is the fixtures'
municipality (`team`); Ringkøbing-Skjern has its own team, consultant, booker and leader."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from cases.models import Case
from cases.services.casework import case_hand_over
from meetings import services
from reporting.models import Figure, Milestone
from reporting.selectors import milestones_for
from staff.roles import Role
from tests.factories import MunicipalityFactory, StaffMemberFactory, TeamFactory
from tests.meetings.factories import CaseFactory, at, consultant_with_calendar, next_weekday
from visitation.models import HandoverReason

pytestmark = pytest.mark.django_db


@pytest.fixture
def rks(db):
    team = TeamFactory(
        name="RKS fastholdelse",
        department__municipality=MunicipalityFactory(code=760, name="Ringkøbing-Skjern"),
    )
    return {
        "team": team,
        "consultant": consultant_with_calendar("rks-konsulent", team=team),
        "booker": StaffMemberFactory(user__username="rks-booker", user__roles=[Role.BOOKER], team=team).user,
        "leader": StaffMemberFactory(user__username="rks-leder", user__roles=[Role.LEADER], team=team).user,
    }


@pytest.fixture
def herning_consultant(team):
    return consultant_with_calendar("herning-konsulent", team=team)


def test_allocating_to_another_municipalitys_consultant_is_a_404_and_changes_nothing(
    client, rks, herning_consultant
):
    intake = CaseFactory(team=None, consultant=None, municipality=rks["team"].department.municipality)
    client.force_login(rks["booker"])
    for posted in [herning_consultant.pk, "x'; --", ""]:
        response = client.post(reverse("meetings:allocate", args=[intake.uuid]), {"consultant": posted})
        assert response.status_code == 404
    intake.refresh_from_db()
    assert intake.consultant is None and intake.team is None
    assert (
        client.post(
            reverse("meetings:allocate", args=[intake.uuid]), {"consultant": rks["consultant"].pk}
        ).status_code
        == 302
    )
    intake.refresh_from_db()
    assert intake.consultant == rks["consultant"]


def test_the_other_municipalitys_intake_is_not_on_the_list_and_cannot_be_opened(client, rks, leader, booker):
    theirs = CaseFactory(team=None, consultant=None, municipality=rks["team"].department.municipality)
    for user in (leader, booker):
        client.force_login(user)
        assert theirs not in [row[0] for row in client.get(reverse("meetings:allocation")).context["rows"]]
        assert client.get(reverse("meetings:case_booking", args=[theirs.uuid])).status_code == 404
        assert client.get(reverse("cases:detail", args=[theirs.uuid])).status_code in (403, 404)


def test_handover_and_booking_refuse_a_consultant_of_another_municipality(rks, consultant, booker, team):
    case = CaseFactory(consultant=consultant, team=team)
    reason = HandoverReason.objects.get(code="andet")
    with pytest.raises(ValidationError) as refused:
        case_hand_over(case=case, actor=consultant, to_consultant=rks["consultant"], reason=reason)
    assert "to_consultant" in refused.value.message_dict
    with pytest.raises(ValidationError):
        services.meeting_book(
            case=CaseFactory(team=None, consultant=None),
            consultant=rks["consultant"],
            starts_at=at(next_weekday(1), 10),
            booked_by=booker,
        )
    assert Case.objects.get(pk=case.pk).consultant == consultant


def test_the_choosers_offer_only_the_cases_own_municipality(
    client, rks, consultant, booker, herning_consultant, team
):
    case = CaseFactory(consultant=consultant, team=team)
    client.force_login(consultant)
    form = client.get(
        reverse("cases:action_form", kwargs={"uuid": case.uuid, "slug": "handover"}), HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "herning-konsulent" in form and "rks-konsulent" not in form
    client.force_login(booker)
    page = client.get(reverse("meetings:case_booking", args=[CaseFactory(team=None, consultant=None).uuid]))
    assert rks["consultant"] not in [s.consultant for s in page.context["suggestions"]]
    assert "rks-konsulent" not in page.content.decode()


def test_another_municipalitys_calendar_is_a_404(client, rks, booker, herning_consultant):
    client.force_login(booker)
    assert client.get(reverse("meetings:consultant_week", args=[rks["consultant"].pk])).status_code == 404
    assert client.get(reverse("meetings:consultant_week", args=[herning_consultant.pk])).status_code == 200
    week = client.get(reverse("meetings:team_week"), {"team": rks["team"].slug}).content.decode()
    assert "rks-konsulent" not in week


def test_registration_shows_no_other_municipalitys_case_of_the_person(client, rks, booker, team):
    theirs = CaseFactory(team=rks["team"], first_absence_day=dt.date.today() - dt.timedelta(days=200))
    ours = CaseFactory(
        team=team, person=theirs.person, first_absence_day=dt.date.today() - dt.timedelta(days=100)
    )
    client.force_login(booker)
    page = client.post(
        reverse("cases:register"),
        {
            "cpr": theirs.person.cpr,
            "first_absence_day": (dt.date.today() - dt.timedelta(days=5)).isoformat(),
            "unemployed": "on",
            "source": "benefit_office",
        },
    ).content.decode()
    assert f"{ours.first_absence_day:%d-%m-%Y}" in page  # this municipality's own case is shown
    assert f"{theirs.first_absence_day:%d-%m-%Y}" not in page


def test_the_demo_has_a_second_municipality_whose_staff_see_none_of_herning(client):
    """seed_demo: Ringkøbing-Skjern's booker sees only its own cases in the booking queue, Herning's none."""
    import io

    from django.core.management import call_command

    call_command("seed_demo", stdout=io.StringIO())
    rks_booker = StaffMemberFactory._meta.model.objects.get(user__username="rks-booker").user
    client.force_login(rks_booker)
    rows = client.get(reverse("meetings:queue")).context["rows"]
    assert rows and {row.case.municipality.code for row in rows} == {760}
    herning_case = Case.objects.filter(municipality__code=657).first()
    assert client.get(reverse("meetings:case_booking", args=[herning_case.uuid])).status_code == 404


def test_milestones_belong_to_a_municipality(rks, leader):
    """Herning's leader is measured against the installation's general milestones (seeded: Herning's SOF
    application), Ringkøbing-Skjern's leader against its own where it has set them, never the other's."""
    rks_target = Milestone.objects.create(
        municipality=rks["team"].department.municipality,
        figure=Figure.WORKPLACE_FIRST_MEETING,
        due_on=dt.date(2018, 3, 31),
        target_percent=60,
    )
    herning = milestones_for(leader)
    assert rks_target not in herning
    assert {m.target_percent for m in herning if m.due_on == dt.date(2018, 3, 31)} == {45, 44}
    theirs = milestones_for(rks["leader"])
    workplace = [m for m in theirs if m.figure == Figure.WORKPLACE_FIRST_MEETING]
    assert workplace == [rks_target]  # its own replace the general ones for that figure
    # none of its own for week 13: the general ones
    assert any(m.figure == Figure.WEEK13_MEASURE and m.municipality is None for m in theirs)
