"""Every deadline stored (issue 18, part 1): a CaseDeadline row per case and deadline, kept in step by
case_deadlines_refresh, alerted by the sweep whichever deadline is next, and checked by deadlines_rebuild."""

import datetime as dt
import random
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import CommandError, call_command

from cases.demo import seed_cases, seed_employers
from cases.models import Alert, Case, CaseDeadline, Conversation
from cases.services.alerts import deadline_sweep
from cases.services.casework import case_close, conversation_record
from cases.services.deadlines import case_deadlines_refresh
from staff.roles import Role
from tests.cases.factories import CaseFactory
from tests.factories import StaffMemberFactory
from visitation import deadlines
from visitation.models import ClosingReason

COPENHAGEN = ZoneInfo("Europe/Copenhagen")
D = dt.date(2026, 3, 2)  # Monday: the first day of absence
SWEEP_DAY = dt.datetime(2026, 5, 27, 8, tzinfo=COPENHAGEN)  # Wednesday of absence week 13


def open_alerts():
    return set(Alert.objects.filter(resolved_at__isnull=True).values_list("kind", "level"))


@pytest.fixture
def three_deadlines_case(consultant, leader):
    """Employed, category 2, no conversation held by Wednesday 27 May 2026 (the first follow-up was due at the
    end of week 8, Sunday 26 April), the week-13 measure due Sunday 31 May, and — because an earlier
    absence (1 September 2025 – 15 January 2026: 107 days of benefit) counts towards the 22 weeks within 9
    months (sygedagpengeloven § 24) — the re-assessment due at the end of May."""
    person_case = CaseFactory.closed(
        on=dt.date(2026, 1, 15), first_absence_day=dt.date(2025, 9, 1), consultant=consultant
    )
    case = CaseFactory(
        person=person_case.person,
        first_absence_day=D,
        received_on=D + dt.timedelta(days=10),
        category=2,
        consultant=consultant,
        team=consultant.staff.team,
        first_meeting_planned_on=dt.date(2026, 6, 2),  # booked late: no "not booked" alert either
    )
    with time_machine.travel(SWEEP_DAY, tick=False):
        case_deadlines_refresh(case=case)
    return case


def test_the_sweep_alerts_every_open_deadline_not_only_the_next(three_deadlines_case):
    open_rows = dict(
        CaseDeadline.objects.filter(case=three_deadlines_case, state="open").values_list("kind", "due_on")
    )
    assert open_rows == {
        deadlines.FIRST_FOLLOW_UP: dt.date(2026, 4, 26),  # end of week 8: D + 55
        deadlines.WEEK13_MEASURE: dt.date(2026, 5, 31),  # end of week 13: D + 90
        deadlines.REASSESSMENT: dt.date(2026, 5, 31),  # end of the month the 22 weeks were passed
    }
    # The case's next deadline is still the overdue first conversation; the other two alert all the same.
    with time_machine.travel(SWEEP_DAY, tick=False):
        result = deadline_sweep()
    assert result.created == 4
    assert open_alerts() == {
        ("first_follow_up", "overdue"),  # to the consultant …
        ("first_follow_up", "escalated"),  # … and, a month late, to the team leader
        ("week13_measure", "due_soon"),  # 5 working days before Sunday 31 May (Whit Monday is a holiday)
        ("reassessment", "due_soon"),  # 4 weeks ahead
    }
    with time_machine.travel(SWEEP_DAY + dt.timedelta(minutes=15), tick=False):
        again = deadline_sweep()
    assert (again.created, again.resolved) == (0, 0)


def test_holding_the_late_conversation_answers_its_alerts_at_once_and_leaves_the_others(
    three_deadlines_case, consultant
):
    with time_machine.travel(SWEEP_DAY, tick=False):
        deadline_sweep()
        conversation_record(
            case=three_deadlines_case,
            actor=consultant,
            held_on=SWEEP_DAY.date(),
            place=Conversation.Place.WORKPLACE,
            participants=["citizen", "nearest_leader", "consultant"],
        )
    first = CaseDeadline.objects.get(case=three_deadlines_case, kind=deadlines.FIRST_FOLLOW_UP)
    assert (first.state, first.done_on) == ("late", SWEEP_DAY.date())
    # In the request that recorded it: the first follow-up's alerts are resolved, the other two stay.
    assert open_alerts() == {("week13_measure", "due_soon"), ("reassessment", "due_soon")}
    # and the next follow-up (four weeks on) is stored as a deadline of its own.
    assert CaseDeadline.objects.get(
        case=three_deadlines_case, kind=deadlines.NEXT_FOLLOW_UP
    ).due_on == dt.date(2026, 6, 24)


def test_a_missed_week_13_target_is_stored_as_missed_and_stops_alerting(three_deadlines_case):
    after = dt.datetime(2026, 6, 2, 8, tzinfo=COPENHAGEN)  # the target's day has passed without a measure
    with time_machine.travel(after, tick=False):
        deadline_sweep()
        assert ("week13_measure", "overdue") not in open_alerts()
        call_command("deadlines_rebuild", stdout=StringIO())  # the nightly refresh's work, by the rebuild
    row = CaseDeadline.objects.get(case=three_deadlines_case, kind=deadlines.WEEK13_MEASURE)
    assert row.state == CaseDeadline.State.MISSED


def test_closing_the_case_keeps_its_deadlines_as_met_late_or_missed_and_resolves_its_alerts(
    three_deadlines_case, consultant
):
    with time_machine.travel(SWEEP_DAY, tick=False):
        deadline_sweep()
        case_close(
            case=three_deadlines_case,
            actor=consultant,
            closed_on=SWEEP_DAY.date(),
            reason=ClosingReason.objects.get(code="rask_eget_job"),
        )
    states = dict(CaseDeadline.objects.filter(case=three_deadlines_case).values_list("kind", "state"))
    assert states[deadlines.FIRST_FOLLOW_UP] == "missed"
    assert deadlines.WEEK13_MEASURE not in states  # due after the case closed: no longer a deadline
    assert open_alerts() == set()


@pytest.fixture
def demo(team, other_team, leader):
    for number in range(3):
        StaffMemberFactory(user__username=f"k{number}", user__roles=[Role.CONSULTANT], team=team)
    seed_employers(random.Random(1), count=10)
    seed_cases(random.Random(7), count=150)


def rebuild(*args) -> str:
    out = StringIO()
    call_command("deadlines_rebuild", *args, stdout=out)
    return out.getvalue()


def test_the_rebuild_finds_no_difference_on_the_demo_data_and_names_and_corrects_any(demo):
    assert "cases=150 " in rebuild("--check") and "differences=0 " in rebuild("--check")
    # Someone edits the database by hand: a row goes, another is marked done, a case's next deadline moves.
    row = CaseDeadline.objects.filter(state="open").order_by("pk").first()
    gone = CaseDeadline.objects.filter(state="open").exclude(case=row.case).order_by("pk").first()
    CaseDeadline.objects.filter(pk=row.pk).update(state="met", done_on=row.due_on)
    gone.delete()
    out = StringIO()
    with pytest.raises(CommandError, match="2 stored deadlines differ"):
        call_command("deadlines_rebuild", "--check", stdout=out)
    assert f"case {row.case_id}: {row.kind} {row.due_on} open differs" in out.getvalue()
    assert f"case {gone.case_id}: {gone.kind} {gone.due_on} open missing" in out.getvalue()
    assert "corrected 2" in rebuild()
    assert "differences=0 " in rebuild("--check")
    assert Case.objects.count() == 150
