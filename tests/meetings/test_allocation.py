import pytest
from django.urls import reverse

from cases.models import Assignment
from cases.services.meetings_link import cases_swap
from tests.meetings.factories import CaseFactory, consultant_with_calendar

pytestmark = pytest.mark.django_db


def test_the_team_meeting_list_shows_caseloads_and_allocates_a_case(client, leader, team):
    karen = consultant_with_calendar("karen", team=team, user__first_name="Karen", user__last_name="Kjær")
    CaseFactory.create_batch(3, consultant=karen, team=team)
    new = CaseFactory(employer__name="Ny Sag ApS")
    client.force_login(leader)
    response = client.get(reverse("meetings:allocation"))
    html = response.content.decode()
    assert "Ny Sag ApS" in html and "Karen Kjær (3/45)" in html
    client.post(reverse("meetings:allocate", args=[new.uuid]), {"consultant": karen.pk, "team": team.slug})
    new.refresh_from_db()
    assert new.consultant == karen and new.team == team
    assert new.events.filter(kind="allocated").exists()
    response = client.post(
        reverse("meetings:allocate", args=[new.uuid]), {"consultant": karen.pk}, follow=True
    )
    assert "allerede fordelt" in response.content.decode()


def test_consultants_only_reach_allocation_as_403(client, consultant):
    client.force_login(consultant)
    assert client.get(reverse("meetings:allocation")).status_code == 403


def test_a_swap_is_two_handovers_with_the_reason_swap(team, leader):
    karen = consultant_with_calendar("karen", team=team)
    jens = consultant_with_calendar("jens", team=team)
    case_a = CaseFactory(consultant=karen, team=team)
    case_b = CaseFactory(consultant=jens, team=team)
    cases_swap(case_a=case_a, case_b=case_b, actor=leader, note="Jens kender virksomheden")
    case_a.refresh_from_db()
    case_b.refresh_from_db()
    assert (case_a.consultant, case_b.consultant) == (jens, karen)
    reasons = set(Assignment.objects.filter(reason__isnull=False).values_list("reason__code", flat=True))
    assert reasons == {"bytte"}
    with pytest.raises(Exception, match="samme konsulent"):
        cases_swap(case_a=case_a, case_b=CaseFactory(consultant=jens, team=team), actor=leader)
