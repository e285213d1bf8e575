import csv
import io
import json

import pytest
from django.core.management import CommandError, call_command

from reporting.figures import STORED_PUNCTUALITY_KINDS
from tests.factories import TeamFactory
from tests.reporting.conftest import EXPECTED_MARCH_2018, MARCH_2018
from tests.reporting.factories import CaseFactory, ConversationFactory


def run_report(*args) -> str:
    out = io.StringIO()
    call_command("milestone_report", *args, stdout=out)
    return out.getvalue()


def test_json_equals_the_hand_computed_figures(march_2018):
    """formats.md §2's keys, unchanged; issue 18's `punctuality` and `complaints` objects come after them."""
    report = json.loads(run_report("--from", MARCH_2018[0], "--to", MARCH_2018[1], "--format", "json"))
    assert list(report) == [*EXPECTED_MARCH_2018, "punctuality", "complaints"]
    assert {key: report[key] for key in EXPECTED_MARCH_2018} == EXPECTED_MARCH_2018
    assert set(report["punctuality"]) == {"first_meeting", "week13_measure", *STORED_PUNCTUALITY_KINDS}


def test_csv_carries_the_same_figures(march_2018):
    rows = list(
        csv.reader(io.StringIO(run_report("--from", MARCH_2018[0], "--to", MARCH_2018[1], "--format", "csv")))
    )
    assert rows[0] == ["figure", "measure", "value"]
    values = {(figure, measure): value for figure, measure, value in rows[1:]}
    assert values[("workplace_first_meeting", "share")] == "0.5714"
    assert values[("workplace_first_meeting", "exceptions_by_reason.indlagt")] == "1"
    assert values[("week13_measure", "denominator")] == "6"
    assert values[("duration", "median_days")] == "59.5"
    assert values[("duration", "closing_reasons.barsel")] == "1"
    # Issue 18's punctuality rows follow, the condition-late count among them (none in March 2018's data).
    assert values[("punctuality", "first_meeting.late_for_condition")] == "0"


def test_team_filter_counts_only_that_teams_cases(march_2018, other_team):  # formats.md keys only
    case = CaseFactory(team=other_team, first_absence_day=march_2018["A"].first_absence_day)
    ConversationFactory(case=case, held_on=march_2018["A"].conversations.get().held_on)
    everyone = json.loads(run_report("--from", MARCH_2018[0], "--to", MARCH_2018[1]))
    assert everyone["workplace_first_meeting"]["denominator"] == 8
    team_only = json.loads(
        run_report("--from", MARCH_2018[0], "--to", MARCH_2018[1], "--team", "fastholdelse")
    )
    assert {key: team_only[key] for key in EXPECTED_MARCH_2018} == EXPECTED_MARCH_2018
    other = json.loads(run_report("--from", MARCH_2018[0], "--to", MARCH_2018[1], "--team", "syg-og-ledig"))
    assert other["workplace_first_meeting"] == {
        "numerator": 1,
        "denominator": 1,
        "share": 1.0,
        "numerator_not_exempted": 1,
        "denominator_not_exempted": 1,
        "share_not_exempted": 1.0,
        "exceptions_by_reason": {},
    }
    assert other["duration"]["closed"] == 0
    assert other["duration"]["median_days"] is None


def test_an_empty_period_gives_null_shares_not_zero(db):
    report = json.loads(run_report("--from", "2030-01-01", "--to", "2030-01-31"))
    assert report["workplace_first_meeting"]["share"] is None
    assert report["first_meeting_on_time"]["share"] is None
    assert report["week13_measure"]["share"] is None
    assert report["duration"] == {
        "closed": 0,
        "median_days": None,
        "return_to_work_share": None,
        "closing_reasons": {},
    }


def test_end_before_start_is_refused(db):
    with pytest.raises(CommandError, match="before it starts"):
        run_report("--from", "2018-03-31", "--to", "2018-03-01")


def test_unknown_team_is_refused_and_known_ones_named(db):
    TeamFactory(slug="vest")
    with pytest.raises(CommandError, match="Unknown team 'nord'.*vest"):
        run_report("--from", "2018-03-01", "--to", "2018-03-31", "--team", "nord")


def test_a_malformed_date_is_refused(db):
    with pytest.raises(CommandError, match="not a date"):
        run_report("--from", "2018-13-01", "--to", "2018-03-31")


def test_command_exits_non_zero_on_bad_input(db):
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "manage.py", "milestone_report", "--from", "2018-03-31", "--to", "2018-03-01"],
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "before it starts" in result.stderr


def test_the_command_takes_any_length_of_period(march_2018):
    report = json.loads(run_report("--from", "1990-01-01", "--to", "2030-12-31"))
    # A–F, I (first conversation in February), K and L (April); not G, H, J (fejloprettet)
    assert report["workplace_first_meeting"]["denominator"] == 9
    # W5, W6, X1, X2, X3, X5, X6; not J and W8 (fejloprettet)
    assert report["duration"]["closed"] == 7
