"""Factories for the meetings tests: a case ready for booking and a consultant with a calendar."""

import datetime as dt

import factory
from django.utils import timezone

from meetings.services import calendar_set_working_hours
from staff.models import StaffQualification
from staff.roles import Role
from tests.cases import factories as cases_factories
from tests.factories import StaffMemberFactory

NINE_TO_FOUR = {day: (dt.time(8, 0), dt.time(16, 0)) for day in range(5)}


class CaseFactory(cases_factories.CaseFactory):
    """An open category 2 case with an employer, received in time, three weeks into the absence."""

    first_absence_day = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=21))
    category = 2


def consultant_with_calendar(
    username: str, *, team=None, hours=None, office_weekday=None, qualified: bool = True, **staff
):
    """A consultant with working hours; `qualified`: for the combined role since 2017 (first meetings)."""
    kwargs = {"user__username": username, "user__roles": [Role.CONSULTANT], **staff}
    if team is not None:
        kwargs["team"] = team
    member = StaffMemberFactory(**kwargs)
    if qualified:
        StaffQualification.objects.create(
            staff_member=member, kind=StaffQualification.Kind.COMBINED, achieved_on=dt.date(2017, 1, 1)
        )
    user = member.user
    calendar_set_working_hours(consultant=user, hours=hours or NINE_TO_FOUR, office_weekday=office_weekday)
    return user


def next_weekday(weekday: int = 1, *, after: dt.date | None = None) -> dt.date:
    """The next given weekday (Monday 0) strictly after `after` (default today), at least 2 days ahead."""
    day = (after or timezone.localdate()) + dt.timedelta(days=2)
    while day.weekday() != weekday:
        day += dt.timedelta(days=1)
    return day


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=timezone.get_current_timezone())
