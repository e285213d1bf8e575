import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from meetings import slots

TZ = ZoneInfo("Europe/Copenhagen")
MONDAY = dt.date(2026, 3, 2)
NOW = dt.datetime(2026, 2, 27, 12, 0, tzinfo=TZ)
CALENDAR = slots.Calendar(
    working_hours={0: (dt.time(8), dt.time(15, 30)), 1: (dt.time(8), dt.time(15, 30))},
    absences=(slots.AbsenceDays(dt.date(2026, 3, 3), dt.date(2026, 3, 3), "Kursus"),),
    busy=(slots.Busy(dt.datetime(2026, 3, 2, 10, tzinfo=TZ), dt.datetime(2026, 3, 2, 11, tzinfo=TZ)),),
)


def at(day, hour, minute=0):
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=TZ)


def refusal(start, minutes=60, now=NOW):
    return slots.slot_refusal(
        calendar=CALENDAR, starts_at=start, ends_at=start + dt.timedelta(minutes=minutes), now=now, tz=TZ
    )


def test_a_free_slot_inside_working_hours_is_accepted():
    assert refusal(at(MONDAY, 8)) is None
    assert refusal(at(MONDAY, 14, 30)) is None  # ends exactly when the working day ends
    assert refusal(at(MONDAY, 11)) is None  # starts exactly when the busy meeting ends


@pytest.mark.parametrize(
    ("start", "minutes", "message"),
    [
        (at(MONDAY, 7, 30), 60, "uden for konsulentens arbejdstid (mandag 08:00–15:30)"),
        (at(MONDAY, 15), 60, "uden for konsulentens arbejdstid"),
        (at(MONDAY, 9, 30), 60, "optaget: konsulenten har allerede et møde 10:00–11:00"),
        (at(MONDAY, 10, 30), 30, "optaget"),
        (at(MONDAY + dt.timedelta(days=1), 9), 60, "fraværende (kursus) den 03-03-2026"),
        (at(MONDAY + dt.timedelta(days=2), 9), 60, "arbejder ikke onsdag"),
    ],
)
def test_refusals_say_why(start, minutes, message):
    assert message in refusal(start, minutes)


def test_a_slot_in_the_past_is_refused():
    assert "overstået" in refusal(at(MONDAY, 9), now=at(MONDAY, 9, 1))


def test_free_slots_skip_busy_time_absences_and_the_office_day():
    calendar = slots.Calendar(
        working_hours=CALENDAR.working_hours | {2: (dt.time(8), dt.time(10))},
        absences=CALENDAR.absences,
        busy=CALENDAR.busy,
        office_weekday=2,
    )
    found = slots.free_slots(calendar=calendar, after=NOW, until=MONDAY + dt.timedelta(days=2), tz=TZ)
    assert found[0] == at(MONDAY, 8)
    assert at(MONDAY, 9, 30) not in found and at(MONDAY, 10) not in found and at(MONDAY, 10, 30) not in found
    assert at(MONDAY, 11) in found
    assert found[-1] == at(MONDAY, 14, 30)
    assert all(slot.date() == MONDAY for slot in found)  # Tuesday absent, Wednesday office day
    everything = slots.free_slots(
        calendar=calendar, after=NOW, until=MONDAY + dt.timedelta(days=2), tz=TZ, skip_office_day=False
    )
    assert at(MONDAY + dt.timedelta(days=2), 9) in everything


def test_slots_keep_wall_clock_time_across_summer_time():
    # Summer time begins Sunday 29 March 2026; Monday 30 March 9:00 is still 9:00 local.
    calendar = slots.Calendar(working_hours={0: (dt.time(9), dt.time(10))})
    found = slots.free_slots(calendar=calendar, after=NOW, until=dt.date(2026, 3, 30), tz=TZ)
    assert found[-1] == at(dt.date(2026, 3, 30), 9)
    assert found[-1].utcoffset() == dt.timedelta(hours=2)
