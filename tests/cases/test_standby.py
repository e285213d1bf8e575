"""Standby on the case (issue 18): recorded with a ground, ended with a date; no follow-up alert meanwhile."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from cases.models import Alert
from cases.services.alerts import deadline_sweep
from cases.services.casework import standby_end, standby_start
from cases.services.deadlines import case_deadlines_refresh
from tests.cases.factories import AssignedCaseFactory, ConversationFactory

pytestmark = pytest.mark.django_db
TODAY = dt.date.today()


@pytest.fixture
def case(consultant):
    case = AssignedCaseFactory(consultant=consultant, first_absence_day=TODAY - dt.timedelta(days=100))
    ConversationFactory(case=case, held_on=TODAY - dt.timedelta(days=40), recorded_by=consultant)
    case_deadlines_refresh(case=case)
    case.refresh_from_db()
    return case


def test_standby_silences_the_overdue_follow_up_and_ending_it_starts_the_clock(case, consultant):
    assert case.next_deadline_kind == "next_follow_up"  # 12 days overdue
    deadline_sweep()
    assert Alert.objects.filter(case=case, kind="next_follow_up", resolved_at__isnull=True).exists()

    standby_start(case=case, actor=consultant, ground="kraeft", started_on=TODAY - dt.timedelta(days=20))
    case.refresh_from_db()
    # The follow-up fell due 12 days ago, while standby (from 20 days ago) already lasted: no longer due.
    assert case.in_standby and case.next_deadline_kind != "next_follow_up"
    assert not Alert.objects.filter(case=case, kind="next_follow_up", resolved_at__isnull=True).exists()
    deadline_sweep()
    assert not Alert.objects.filter(case=case, kind="next_follow_up", resolved_at__isnull=True).exists()

    standby_end(case=case, actor=consultant, ended_on=TODAY)
    case.refresh_from_db()
    assert not case.in_standby
    assert case.next_deadline_kind == "next_follow_up" and case.next_deadline_on == TODAY + dt.timedelta(
        weeks=4
    )
    assert [e.kind for e in case.events.filter(kind="standby")] == ["standby", "standby"]


def test_standby_needs_a_ground_and_cannot_end_before_it_began(case, consultant):
    with pytest.raises(ValidationError) as error:
        standby_start(case=case, actor=consultant, ground="", started_on=TODAY)
    assert "ground" in error.value.message_dict
    standby_start(case=case, actor=consultant, ground="anden", started_on=TODAY - dt.timedelta(days=3))
    with pytest.raises(ValidationError) as error:
        standby_end(case=case, actor=consultant, ended_on=TODAY - dt.timedelta(days=5))
    assert "ended_on" in error.value.message_dict
    case.refresh_from_db()
    assert case.in_standby


def test_the_case_page_offers_standby_and_says_when_it_lasts(client, case, consultant):
    client.force_login(consultant)
    url = f"/sager/{case.uuid}/handling/standby/"
    response = client.post(url, {"standby-ground": "", "standby-started_on": TODAY.isoformat()}, follow=True)
    assert "Vælg grunden til standby." in response.content.decode() or "påkrævet" in response.content.decode()
    client.post(url, {"standby-ground": "hjertesvigt", "standby-started_on": TODAY.isoformat()})
    page = client.get(f"/sager/{case.uuid}/").content.decode()
    assert "Svært hjertesvigt" in page and "opfølgningssamtaler og tilbud kræves ikke" in page
