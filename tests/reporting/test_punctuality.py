"""Punctuality (issue 18, part 4; Ankestyrelsen's practice study found the week-8 deadline broken in 30 % of
cases, 30 % of those by more than 3 weeks): for each deadline that fell in the period, on time, late by up to
3 weeks, late by more, not met past the deadline, not yet due — and the drill-down lists the same cases."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from cases.services.deadlines import case_deadlines_refresh
from reporting import figures
from reporting.selectors import report_cases
from tests.cases.factories import deadline_store
from tests.reporting.factories import CaseFactory, ConversationFactory, MeasureFactory
from visitation import deadlines

pytestmark = pytest.mark.django_db

MARCH = figures.Period(dt.date(2018, 3, 1), dt.date(2018, 3, 31))
# The week-8 deadline (D + 55) falls in March for D from 5 January to 5 February 2018.


def first_meeting(day_of_conversation: int | None, first_day: dt.date, **kwargs):
    case = CaseFactory(first_absence_day=first_day, **kwargs)
    if day_of_conversation is not None:
        ConversationFactory(case=case, held_on=first_day + dt.timedelta(days=day_of_conversation))
    return case


@pytest.fixture
def march(team, consultant):
    jan = lambda day: dt.date(2018, 1, day)  # noqa: E731
    return {
        "on_time": first_meeting(55, jan(10), team=team, consultant=consultant),  # on the last day
        "late_up_to_3_weeks": first_meeting(76, jan(12), team=team),  # 21 days late
        "late_over_3_weeks": first_meeting(77, jan(14), team=team),  # 22 days late
        "open_past_due": first_meeting(None, jan(16), team=team),
        "closed_before": first_meeting(None, jan(18), team=team, closed_on=jan(18) + dt.timedelta(days=30)),
        "due_in_april": first_meeting(40, dt.date(2018, 2, 10), team=team),
    }


def test_each_first_meeting_deadline_in_the_period_is_in_one_band(march, consultant):
    result = figures.punctuality_figures(report_cases(), MARCH, today=dt.date(2018, 6, 1))["first_meeting"]
    assert {band: result[band] for band in figures.PUNCTUALITY_BANDS} == {
        "on_time": 1,
        "late_up_to_3_weeks": 1,
        "late_over_3_weeks": 1,
        "open_past_due": 1,
        "not_yet_due": 0,
    }
    assert (
        result["total"] == 4 and result["on_time_share"] == 0.25 and result["late_over_3_weeks_share"] == 0.25
    )
    assert [row["total"] for row in result["months"]] == [4]
    by_consultant = {row["key"]: row for row in result["consultant"]}
    assert by_consultant[consultant.pk]["on_time"] == 1 and by_consultant[None]["total"] == 3
    assert by_consultant[consultant.pk]["label"].endswith(f"({consultant.username})")  # names may repeat
    assert [row["total"] for row in result["category"]] == [4]


def test_a_deadline_still_ahead_is_not_yet_due(march):
    result = figures.punctuality_figures(report_cases(), MARCH, today=dt.date(2018, 3, 5))["first_meeting"]
    # D 16 January + 55 = 12 March: after "today", so not yet due.
    assert result["not_yet_due"] == 1 and result["open_past_due"] == 0


def test_the_drill_down_lists_the_same_cases(march):
    today = dt.date(2018, 6, 1)
    for band in figures.PUNCTUALITY_BANDS:
        listed = figures.drill_down(report_cases(), MARCH, "punctuality:first_meeting", band, today)
        expected = {march[band].pk} if band in march else set()
        assert set(listed.values_list("pk", flat=True)) == expected, band
    assert figures.drill_down(report_cases(), MARCH, "punctuality:nothing", "on_time", today) is None


def test_week_13_counts_only_started_measures(team):
    """D + 90 in March: D from 1 December 2017 to 31 December 2017."""
    on_time = CaseFactory(first_absence_day=dt.date(2017, 12, 5), team=team)
    MeasureFactory(case=on_time, started_on=dt.date(2017, 12, 5) + dt.timedelta(days=90))
    late = CaseFactory(first_absence_day=dt.date(2017, 12, 6), team=team)
    MeasureFactory(case=late, started_on=dt.date(2017, 12, 6) + dt.timedelta(days=100))
    result = figures.punctuality_figures(report_cases(), MARCH, today=dt.date(2018, 6, 1))["week13_measure"]
    assert (result["on_time"], result["late_up_to_3_weeks"], result["total"]) == (1, 1, 2)


def test_each_later_follow_up_conversation_is_counted_on_its_own(team, consultant):
    """§ 13 b, stk. 1: a follow-up conversation at least every four weeks. Every later follow-up is a stored
    row of its own, met (or late) by the conversation that came next: one case with two due in March (the
    first held on the day, the second 22 days late) and a case whose follow-up due in March never came."""
    kept = CaseFactory(first_absence_day=dt.date(2017, 12, 20), category=2, team=team, consultant=consultant)
    for held_on in (dt.date(2018, 2, 1), dt.date(2018, 3, 1), dt.date(2018, 4, 20)):
        ConversationFactory(case=kept, held_on=held_on)
    missed = CaseFactory(first_absence_day=dt.date(2017, 12, 20), category=2, team=team)
    ConversationFactory(case=missed, held_on=dt.date(2018, 2, 10))
    today = dt.date(2018, 6, 1)
    for case in (kept, missed):
        case_deadlines_refresh(case=case, today=today)

    result = figures.punctuality_figures(report_cases(), MARCH, today=today)[deadlines.NEXT_FOLLOW_UP]
    assert {band: result[band] for band in figures.PUNCTUALITY_BANDS} == {
        "on_time": 1,  # due 1 March (1 February + 4 weeks), held 1 March
        "late_up_to_3_weeks": 0,
        "late_over_3_weeks": 1,  # due 29 March, held 20 April
        "open_past_due": 1,  # due 10 March, nothing since
        "not_yet_due": 0,
    }
    assert result["label"] == "Senere opfølgningssamtale"
    for band, expected in [
        ("on_time", {kept.pk}),
        ("late_over_3_weeks", {kept.pk}),
        ("open_past_due", {missed.pk}),
    ]:
        listed = figures.drill_down(report_cases(), MARCH, "punctuality:next_follow_up", band, today)
        assert set(listed.values_list("pk", flat=True)) == expected, band


@pytest.fixture
def reassessments_in_march(team, consultant):
    """Re-assessments (sygedagpengeloven § 24) due on 31 March 2018, as the refresh stores them: decided on
    the day, 21 days late, 22 days late, not yet decided; one due in April."""
    due = dt.date(2018, 3, 31)
    cases = {}
    for band, done_on in [
        ("on_time", due),
        ("late_up_to_3_weeks", due + dt.timedelta(days=21)),
        ("late_over_3_weeks", due + dt.timedelta(days=22)),
        ("open_past_due", None),
    ]:
        cases[band] = CaseFactory(first_absence_day=dt.date(2017, 9, 1), team=team, consultant=consultant)
        deadline_store(cases[band], deadlines.REASSESSMENT, due, done_on=done_on)
    april = CaseFactory(first_absence_day=dt.date(2017, 10, 1), team=team)
    deadline_store(april, deadlines.REASSESSMENT, dt.date(2018, 4, 30))
    return cases


def test_every_other_deadline_kind_is_counted_from_its_stored_rows(reassessments_in_march, consultant):
    today = dt.date(2018, 6, 1)
    report = figures.punctuality_figures(report_cases(), MARCH, today=today)
    result = report["reassessment"]
    assert {band: result[band] for band in figures.PUNCTUALITY_BANDS} == {
        "on_time": 1,
        "late_up_to_3_weeks": 1,
        "late_over_3_weeks": 1,
        "open_past_due": 1,
        "not_yet_due": 0,
    }
    assert result["label"] == "Revurdering" and [row["total"] for row in result["months"]] == [4]
    assert {row["key"]: row["total"] for row in result["consultant"]} == {consultant.pk: 4}
    assert "agreement_56_expiry" not in report  # an expiry is not met or missed
    for band in figures.PUNCTUALITY_BANDS:
        listed = figures.drill_down(report_cases(), MARCH, "punctuality:reassessment", band, today)
        expected = {reassessments_in_march[band].pk} if band in reassessments_in_march else set()
        assert set(listed.values_list("pk", flat=True)) == expected, band
    # and in milestone_report's JSON, beside the two targets counted from D
    json_object = figures.punctuality_json(report)
    assert (
        json_object["reassessment"]["late_over_3_weeks"] == 1
        and "due_days" not in json_object["reassessment"]
    )
    assert json_object["first_meeting"]["due_days"] == 55


# --- Held late for the person's condition (issue 18, part 2): still late, and counted apart ----------------


@pytest.fixture
def march_with_grounds(team):
    jan = lambda day: dt.date(2018, 1, day)  # noqa: E731
    hospitalised = first_meeting(None, jan(10), team=team)  # 10 days late, in hospital until then
    ConversationFactory(case=hospitalised, held_on=jan(10) + dt.timedelta(days=65), late_ground="tilstand")
    very_late = first_meeting(None, jan(12), team=team)  # 30 days late, same ground
    ConversationFactory(case=very_late, held_on=jan(12) + dt.timedelta(days=85), late_ground="tilstand")
    return {
        "hospitalised": hospitalised,
        "very_late": very_late,
        "late_without_ground": first_meeting(70, jan(14), team=team),
        # A ground on a conversation that was on time changes nothing: there was no delay to explain.
        "on_time_with_ground": first_meeting(None, jan(16), team=team),
    }


def test_late_for_the_persons_condition_stays_in_the_late_bands_and_is_counted_apart(march_with_grounds):
    on_time = march_with_grounds["on_time_with_ground"]
    ConversationFactory(
        case=on_time, held_on=on_time.first_absence_day + dt.timedelta(days=50), late_ground="tilstand"
    )
    today = dt.date(2018, 6, 1)
    result = figures.punctuality_figures(report_cases(), MARCH, today=today)
    first = result["first_meeting"]
    assert (first["on_time"], first["late_up_to_3_weeks"], first["late_over_3_weeks"]) == (1, 2, 1)
    assert first["late_for_condition"] == 2  # of the 3 late ones; never counted on time
    assert [row["late_for_condition"] for row in first["months"]] == [2]
    assert [row["late_for_condition"] for row in first["team"]] == [2]
    assert "late_for_condition" not in result["week13_measure"]
    listed = figures.drill_down(
        report_cases(), MARCH, "punctuality:first_meeting", "late_for_condition", today
    )
    expected = {march_with_grounds["hospitalised"].pk, march_with_grounds["very_late"].pk}
    assert set(listed.values_list("pk", flat=True)) == expected


def test_the_json_has_the_new_key_after_the_existing_ones(march_with_grounds):
    report = figures.milestone_report(report_cases(), MARCH, today=dt.date(2018, 6, 1))
    keys = list(report["punctuality"]["first_meeting"])
    assert (
        keys[-1] == "late_for_condition" and report["punctuality"]["first_meeting"]["late_for_condition"] == 2
    )
    assert keys[:-1] == [
        "due_days",
        *figures.PUNCTUALITY_BANDS,
        "total",
        "on_time_share",
        "late_over_3_weeks_share",
    ]
    assert "late_for_condition" not in report["punctuality"]["week13_measure"]


def test_the_json_counted_in_the_database_equals_the_page_counted_by_group(
    march_with_grounds, reassessments_in_march, team
):
    """The milestone report (no breakdowns) lets the database count the bands; the page counts its groups."""
    for day in (20, 22, 24):  # three more on time: one group of the database's count, not one row each
        first_meeting(50, dt.date(2018, 1, day), team=team)
    today = dt.date(2018, 6, 1)
    page = figures.punctuality_json(figures.punctuality_figures(report_cases(), MARCH, today=today))
    report = figures.milestone_report(report_cases(), MARCH, today=today)
    assert report["punctuality"] == page
    assert page["first_meeting"]["on_time"] == 3 and page["first_meeting"]["late_for_condition"] == 2
    assert page["reassessment"]["total"] == 4


def test_the_report_page_and_the_export_show_it_with_its_definition(client, leader, march_with_grounds):
    client.force_login(leader)
    period = {"start": "2018-03-01", "end": "2018-03-31"}
    html = client.get(reverse("reporting:dashboard"), period).content.decode()
    shown = re.search(
        r"Heraf for sent pga\. borgerens tilstand \(indlagt\): <a href=\"([^\"]+)\">(\d+)</a>", html
    )
    assert shown and shown.group(2) == "2"
    assert "figure=punctuality%3Afirst_meeting&amp;part=late_for_condition" in html
    assert "tælles stadig med i »op til 3 uger for sent« og »mere end 3 uger for sent«" in html
    text = client.get(reverse("reporting:export_csv"), period).content.decode("utf-8-sig")
    assert "Heraf for sent pga. borgerens tilstand (indlagt)" in text
