"""Two bookers book the same consultant's slot at the same moment: exactly one meeting results.

Runs on PostgreSQL (real row locks; CI runs the suite there too). SQLite's test database is an in-memory
shared cache whose table locks fail instead of waiting, so the race cannot be staged there; SQLite's
IMMEDIATE transactions serialise writers in production anyway.
"""

import datetime as dt
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from meetings import services
from meetings.models import Meeting
from tests.meetings.factories import CaseFactory, at, consultant_with_calendar, next_weekday

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL row locks (run with DATABASE_URL=postgres://…)",
)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "minutes_apart",
    [
        0,
        30,
    ],  # the same slot (the unique constraint would catch it too); overlapping slots (only the lock does)
)
def test_two_simultaneous_bookings_of_the_same_slot_leave_exactly_one(team, booker, minutes_apart):
    consultant = consultant_with_calendar("karen", team=team)
    cases = [CaseFactory(), CaseFactory()]
    start = at(next_weekday(1), 10)
    starts = {cases[0].pk: start, cases[1].pk: start + dt.timedelta(minutes=minutes_apart)}
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def book(case):
        try:
            barrier.wait(timeout=10)
            services.meeting_book(
                case=case, consultant=consultant, starts_at=starts[case.pk], booked_by=booker
            )
            outcomes.append("booked")
        except ValidationError as error:
            outcomes.append(" ".join(error.messages))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=book, args=(case,)) for case in cases]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert len(outcomes) == 2 and outcomes.count("booked") == 1, outcomes
    refused = next(outcome for outcome in outcomes if outcome != "booked")
    # The lock made the second booker wait and then see the first's meeting (the constraint is the backstop).
    assert "optaget" in refused or "netop booket" in refused
    assert Meeting.objects.filter(consultant=consultant, status="booked").count() == 1
