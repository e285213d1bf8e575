"""Demo calendars: working hours, office days and a few absences for the demo consultants, and some booked
first meetings for the demo cases waiting in the booking queue (when the cases app's demo made any)."""

import datetime as dt
import random

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from meetings import services, slots
from meetings.models import Absence, ConsultantCalendar
from meetings.selectors import (
    bookable_consultants,
    booking_queue,
    booking_queue_rows,
    calendars_for,
    local_tz,
)
from staff.roles import Role

FULL_DAY = (dt.time(8, 0), dt.time(15, 30))
FRIDAY = (dt.time(8, 0), dt.time(13, 0))


@transaction.atomic
def seed_calendars(rng: random.Random, *, meetings: int = 8) -> tuple[int, int]:
    """Idempotent: calendars are set (not added to), and cases already booked are left alone.
    Returns (calendars, meetings booked now)."""
    User = get_user_model()
    consultants = list(User.objects.filter(groups__name=Role.CONSULTANT).order_by("username"))
    today = timezone.localdate()
    for consultant in consultants:
        hours = {weekday: FULL_DAY for weekday in range(4)} | {4: FRIDAY}
        services.calendar_set_working_hours(
            consultant=consultant, hours=hours, office_weekday=rng.choice([0, 1, 2, 3, 4])
        )
    for consultant in consultants[::5]:  # every fifth consultant has a course day next week
        course_day = slots.monday_of(today) + dt.timedelta(days=7 + rng.randint(0, 4))
        Absence.objects.get_or_create(
            consultant=consultant, kind=Absence.Kind.COURSE, starts_on=course_day, ends_on=course_day
        )
    booker = User.objects.filter(groups__name=Role.BOOKER).order_by("username").first()
    booked = 0
    if booker is None or not consultants:
        return len(consultants), 0
    tz = local_tz()
    now = timezone.now()
    qualified = list(bookable_consultants(first_meeting_on=today + dt.timedelta(days=1)))
    if not qualified:
        return len(consultants), 0
    for row in booking_queue_rows(booking_queue(today=today)[:meetings]):
        # One consultant per case: an allocated case is booked with its own consultant (or not at all).
        owner = row.case.consultant
        consultant = owner if owner is not None else rng.choice(qualified)
        if consultant not in qualified:
            continue
        calendar = calendars_for(
            consultant_ids=[consultant.pk], first_day=today, last_day=today + dt.timedelta(days=21)
        ).get(consultant.pk)
        free = slots.free_slots(
            calendar=calendar, after=now + dt.timedelta(days=1), until=today + dt.timedelta(days=21), tz=tz
        )
        if not free:
            continue
        try:
            services.meeting_book(
                case=row.case,
                consultant=consultant,
                starts_at=rng.choice(free[:20]),
                booked_by=booker,
                late_reason="Nærmeste leder kunne først mødes efter fristen.",  # kept only when it is late
            )
            booked += 1
        except ValidationError:
            continue
    return ConsultantCalendar.objects.count(), booked
