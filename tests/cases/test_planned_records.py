"""Honest figures (issue 14): a measure registered ahead is planned, not done — the case page says so, the
week-13 target stays open and alerts, and no figure counts it until its day has come."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from cases.models import Case
from cases.services.deadlines import case_deadlines_refresh, cases_deadlines_refresh_lapsed
from reporting.figures import Period, week13_figures
from reporting.selectors import report_cases
from tests.cases.factories import AssignedCaseFactory, ConversationFactory, MeasureFactory

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 2)
NEXT_WEEK = TODAY + dt.timedelta(days=7)


@pytest.fixture
def case(consultant):
    with time_machine.travel(dt.datetime(2026, 11, 2, 12, tzinfo=dt.UTC), tick=False):
        case = AssignedCaseFactory(consultant=consultant, first_absence_day=TODAY - dt.timedelta(days=70))
        # A conversation five days ago (next follow-up in 23 days) and week 13 ending in 20 days.
        ConversationFactory(case=case, held_on=TODAY - dt.timedelta(days=5))
        MeasureFactory(case=case, started_on=NEXT_WEEK)  # registered today, starts next week
        case_deadlines_refresh(case=case)
    case.refresh_from_db()
    return case


def test_the_case_page_shows_the_measure_planned_and_the_target_open(client, consultant, case):
    client.force_login(consultant)
    with time_machine.travel(dt.datetime(2026, 11, 2, 12, tzinfo=dt.UTC), tick=False):
        response = client.get(reverse("cases:detail", args=[case.uuid]))
    week13 = next(
        row for row in response.context["deadline_rows"] if row["deadline"].kind == "week13_measure"
    )
    assert week13["state"] == "open" and week13["deadline"].planned_on == NEXT_WEEK
    page = response.content.decode()
    assert f"Planlagt {NEXT_WEEK:%d-%m-%Y}" in page and "Planlagt</span> fra" in page
    assert case.next_deadline_kind == "week13_measure"  # so the sweep still alerts it


def test_no_figure_counts_it_before_its_day_and_the_night_run_moves_the_case_on(case):
    period = Period(
        case.first_absence_day + dt.timedelta(days=90), case.first_absence_day + dt.timedelta(days=90)
    )
    with time_machine.travel(dt.datetime(2026, 11, 2, 12, tzinfo=dt.UTC), tick=False):
        figure, _months = week13_figures(report_cases(), period, by_month=False)
        assert (figure["numerator"], figure["denominator"]) == (0, 1)
        assert cases_deadlines_refresh_lapsed(today=TODAY) == 0
    with time_machine.travel(dt.datetime(2026, 11, 9, 12, tzinfo=dt.UTC), tick=False):
        figure, _months = week13_figures(report_cases(), period, by_month=False)
        assert (figure["numerator"], figure["denominator"]) == (1, 1)
        assert cases_deadlines_refresh_lapsed(today=NEXT_WEEK) == 1
    assert Case.objects.get(pk=case.pk).next_deadline_kind != "week13_measure"


def test_the_conversation_place_has_no_default(client, consultant, case):
    client.force_login(consultant)
    form = client.get(
        reverse("cases:action_form", kwargs={"uuid": case.uuid, "slug": "conversation"}),
        HTTP_HX_REQUEST="true",
    ).content.decode()
    assert '<option value="" selected>– vælg sted –</option>' in form
