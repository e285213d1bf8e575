"""Sensible date ranges (issue 17): the bounds every date a user types is held to, in one place.

A date such as 0001-01-01 or 9999-12-31 is a typing error, not a date; saved, it breaks deadlines, figures and
date arithmetic (a § 56 agreement approved 9999-12-31 cannot expire). The ranges:

- No date before 1900 anywhere (EARLIEST), in forms, the API (api/serializers.py) and the services.
- Things that have happened (a conversation, a decision, a closing, a hand-over, a received plan): from the
  case's first day of absence to today (cases/services/casework.py checks the case-relative part).
- A planned start (a measure, an offer, a step of a gradual return, a first meeting): from the case's first
  day of absence to at most START_DAYS_AHEAD (a year) ahead: nobody plans an effort further out for a person
  on sick-leave benefit.
- A planned end (a measure's or an offer's end) and an expected full recovery: at most END_DAYS_AHEAD (three
  years) ahead. The longest sick-leave benefit period, the § 27 extension during treatment, is 134 weeks
  (about 2.6 years); a later date cannot concern this case.
- No form date at all beyond END_DAYS_AHEAD (SensibleDateField's default), whatever its service adds.
"""

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

EARLIEST = dt.date(1900, 1, 1)
START_DAYS_AHEAD = 366
END_DAYS_AHEAD = 3 * 366


def latest_date(*, days_ahead: int, today: dt.date | None = None) -> dt.date:
    return (today or timezone.localdate()) + dt.timedelta(days=days_ahead)


def date_range_check(day: dt.date | None, *, days_ahead: int, today: dt.date | None = None) -> None:
    """Raise a ValidationError (no field: the caller keys it) for a date before 1900 or too far ahead."""
    if day is None:
        return
    if day < EARLIEST:
        raise ValidationError(_("Datoen ligger før 1900."), code="too_early")
    latest = latest_date(days_ahead=days_ahead, today=today)
    if day > latest:
        raise ValidationError(
            _("Datoen ligger for langt ude i fremtiden (senest %(day)s)."),
            code="too_late",
            params={"day": f"{latest:%d-%m-%Y}"},
        )


class SensibleDateField(forms.DateField):
    """A date field held to the ranges above: from 1900, at most `days_ahead` days after today. The browser's
    date picker gets the same bounds (min/max), so the user is stopped before posting."""

    def __init__(self, *, days_ahead: int = END_DAYS_AHEAD, **kwargs):
        self.days_ahead = days_ahead
        super().__init__(**kwargs)

    def validate(self, value):
        super().validate(value)
        date_range_check(value, days_ahead=self.days_ahead)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        if getattr(widget, "input_type", None) == "date":
            attrs["min"] = EARLIEST.isoformat()
        return attrs
