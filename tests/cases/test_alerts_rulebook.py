"""The sweep on deadlines stored by the rulebook's refresh (cases/services/deadlines.py), not set by hand."""

import datetime as dt

from cases.models import Alert
from cases.services.deadlines import case_deadlines_refresh
from tests.cases.factories import AlertCaseFactory, ConversationFactory, VisitationFactory
from tests.cases.test_alerts import at, open_alerts, sweep


def test_hh_worked_example_through_the_rulebook(consultant):
    # Seed 001, "HH": sick-listed Monday 21 August 2017, visited category 2, first meeting booked for 12 Oct.
    case = AlertCaseFactory(consultant=consultant, category=2, first_meeting_planned_on=dt.date(2017, 10, 12))
    VisitationFactory(case=case, category=2, decided_on=dt.date(2017, 9, 20), decided_by=consultant)
    case_deadlines_refresh(case=case)
    case.refresh_from_db()
    assert (case.next_deadline_kind, case.next_deadline_on) == ("first_follow_up", dt.date(2017, 10, 15))

    assert sweep(at(2017, 10, 6)).created == 0
    assert sweep(at(2017, 10, 9)).created == 1
    assert open_alerts() == {("first_follow_up", "due_soon", "alice")}

    # The meeting is held at the workplace on 12 October (day 53, week 8): on time; the alert is resolved by
    # the change itself (not 15 minutes later by the sweep), and the next follow-up (4 weeks later, 9
    # November) alerts in its turn.
    ConversationFactory(case=case, held_on=dt.date(2017, 10, 12), recorded_by=consultant)
    case_deadlines_refresh(case=case)
    assert open_alerts() == set()
    result = sweep(at(2017, 10, 12, 15))
    assert (result.created, result.resolved) == (0, 0)
    assert sweep(at(2017, 11, 2)).created == 1
    assert open_alerts() == {("next_follow_up", "due_soon", "alice")}
    assert sweep(at(2017, 11, 2)).created == 0


def test_fast_track_case_through_the_rulebook(consultant):
    # The employer asks for Fast Track on Monday 4 September 2017 (week 3); the employee answers the next day.
    case = AlertCaseFactory(
        consultant=consultant,
        category=2,
        fast_track_requested_on=dt.date(2017, 9, 4),
        fast_track_requested_by="employer",
        fast_track_answered_on=dt.date(2017, 9, 5),
        first_meeting_planned_on=dt.date(2017, 9, 15),
    )
    case_deadlines_refresh(case=case)
    case.refresh_from_db()
    assert (case.next_deadline_kind, case.next_deadline_on) == ("fast_track_meeting", dt.date(2017, 9, 18))
    assert sweep(at(2017, 9, 8)).created == 0
    assert sweep(at(2017, 9, 11)).created == 1  # 5 working days before Monday 18 September
    assert sweep(at(2017, 9, 19)).created == 1
    assert open_alerts() == {("fast_track_meeting", "overdue", "alice")}
    assert Alert.objects.count() == 2
