"""Calendar arithmetic: which times a consultant can be booked. Pure functions, no database.

Times are aware datetimes; working hours are wall-clock times in the municipality's time zone (`tz`), so a
meeting at 9:00 stays at 9:00 across the change to and from summer time.
"""

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.utils.formats import date_format
from django.utils.translation import gettext as _

DEFAULT_MEETING_MINUTES = 60
SLOT_STEP_MINUTES = 30


@dataclass(frozen=True)
class AbsenceDays:
    starts_on: dt.date
    ends_on: dt.date
    label: str

    def covers(self, day: dt.date) -> bool:
        return self.starts_on <= day <= self.ends_on


@dataclass(frozen=True)
class Busy:
    starts_at: dt.datetime
    ends_at: dt.datetime

    def overlaps(self, starts_at: dt.datetime, ends_at: dt.datetime) -> bool:
        return self.starts_at < ends_at and starts_at < self.ends_at


@dataclass(frozen=True)
class Calendar:
    """What the arithmetic needs to know about one consultant."""

    working_hours: dict[int, tuple[dt.time, dt.time]]  # weekday (Monday 0) → (from, to)
    absences: tuple[AbsenceDays, ...] = ()
    busy: tuple[Busy, ...] = ()
    office_weekday: int | None = None


def slot_refusal(
    *,
    calendar: Calendar,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    now: dt.datetime,
    tz: ZoneInfo,
) -> str | None:
    """Why this consultant cannot be booked from starts_at to ends_at, or None when the slot is free."""
    if starts_at >= ends_at:
        return _("Mødet skal slutte efter, det begynder.")
    if starts_at < now:
        return _("Tidspunktet er overstået. Vælg et tidspunkt i fremtiden.")
    local_start, local_end = starts_at.astimezone(tz), ends_at.astimezone(tz)
    day = local_start.date()
    if local_end.date() != day:
        return _("Mødet skal ligge inden for én arbejdsdag.")
    hours = calendar.working_hours.get(day.weekday())
    if hours is None:
        return _("Konsulenten arbejder ikke %(weekday)s.") % {"weekday": date_format(day, "l")}
    if local_start.time() < hours[0] or local_end.time() > hours[1]:
        return _("Tidspunktet ligger uden for konsulentens arbejdstid (%(weekday)s %(from)s–%(to)s).") % {
            "weekday": date_format(day, "l"),
            "from": hours[0].strftime("%H:%M"),
            "to": hours[1].strftime("%H:%M"),
        }
    for absence in calendar.absences:
        if absence.covers(day):
            return _("Konsulenten er fraværende (%(kind)s) den %(day)s.") % {
                "kind": absence.label.lower(),
                "day": day.strftime("%d-%m-%Y"),
            }
    for busy in calendar.busy:
        if busy.overlaps(starts_at, ends_at):
            return _("Tidspunktet er optaget: konsulenten har allerede et møde %(from)s–%(to)s.") % {
                "from": busy.starts_at.astimezone(tz).strftime("%H:%M"),
                "to": busy.ends_at.astimezone(tz).strftime("%H:%M"),
            }
    return None


def _days(first: dt.date, last: dt.date) -> Iterator[dt.date]:
    day = first
    while day <= last:
        yield day
        day += dt.timedelta(days=1)


def free_slots(
    *,
    calendar: Calendar,
    after: dt.datetime,
    until: dt.date,
    tz: ZoneInfo,
    minutes: int = DEFAULT_MEETING_MINUTES,
    step_minutes: int = SLOT_STEP_MINUTES,
    skip_office_day: bool = True,
    limit: int | None = None,
) -> list[dt.datetime]:
    """Start times of free slots from `after` up to and including the day `until`, earliest first.

    Slots start on the working day's start and every `step_minutes` after it. The office day is skipped
    for workplace meetings: the consultant is at the job centre that day.
    """
    found: list[dt.datetime] = []
    length = dt.timedelta(minutes=minutes)
    step = dt.timedelta(minutes=step_minutes)
    for day in _days(after.astimezone(tz).date(), until):
        if skip_office_day and calendar.office_weekday == day.weekday():
            continue
        hours = calendar.working_hours.get(day.weekday())
        if hours is None or any(absence.covers(day) for absence in calendar.absences):
            continue
        start = dt.datetime.combine(day, hours[0], tzinfo=tz)
        day_end = dt.datetime.combine(day, hours[1], tzinfo=tz)
        while start + length <= day_end:
            if start >= after and not any(b.overlaps(start, start + length) for b in calendar.busy):
                found.append(start)
                if limit is not None and len(found) >= limit:
                    return found
            start += step
    return found


def week_days(monday: dt.date) -> list[dt.date]:
    return [monday + dt.timedelta(days=offset) for offset in range(7)]


def monday_of(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def busy_from(intervals: Iterable[tuple[dt.datetime, dt.datetime]]) -> tuple[Busy, ...]:
    return tuple(Busy(start, end) for start, end in intervals)
