"""Shared hypothesis settings and strategies for the fuzz tests (issues 9 and 17)."""

import datetime as dt
import os

from django import forms
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

# The suite gates every landing, so it tries the same examples on every run (derandomize). To explore new
# ones: FUZZ_EXPLORE=1 FUZZ_EXAMPLES=300 pytest tests/privacy/ -k fuzz (on PostgreSQL too: it refuses some
# input SQLite accepts, e.g. NUL bytes).
FUZZ = settings(
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "25")),
    derandomize="FUZZ_EXPLORE" not in os.environ,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)

# Strings a user (or an attacker) might send: text of any kind, huge text, digits, dates in odd formats.
nasty_text = st.one_of(
    st.text(max_size=50),
    # huge inputs: a short random piece repeated thousands of times (cheap to generate, still huge)
    st.tuples(st.text(min_size=1, max_size=3), st.integers(2000, 20000)).map(lambda pair: pair[0] * pair[1]),
    st.from_regex(r"\d{1,12}", fullmatch=True),
    st.sampled_from(
        ["", " ", "0", "-1", "²", "١٢", "1e3", "31-02-2024", "2024-13-01", "9999-12-31", "1800-01-01", "ja"]
    ),
    st.integers(min_value=-(10**20), max_value=10**20).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
)


def dates_around(today: dt.date, first_absence_day: dt.date) -> list[str]:
    """Dates a form might get: sensible ones near the case and the edges of staff/dates.py's ranges."""
    days = [
        today,
        today - dt.timedelta(days=3),
        first_absence_day,
        first_absence_day - dt.timedelta(days=1),
        today + dt.timedelta(days=30),
        today + dt.timedelta(days=366),
        today + dt.timedelta(days=367),
        today + dt.timedelta(days=3 * 366 + 1),
        dt.date(1900, 1, 1),
    ]
    return [day.isoformat() for day in days] + ["9999-12-31", "0001-01-01", "1899-12-31", "2024-02-30"]


def plausible_values(field: forms.Field, *, dates: list[str]) -> list:
    """Values the field would accept in shape (a real choice, an existing id, a date near the case)."""
    if isinstance(field, forms.ModelChoiceField):
        return [str(pk) for pk in field.queryset.values_list("pk", flat=True)[:6]]
    if isinstance(field, forms.ChoiceField):
        return [str(value) for value, _label in field.choices if value != ""]
    if isinstance(field, forms.DateField):
        return dates
    if isinstance(field, forms.IntegerField | forms.DecimalField):
        return ["0", "1", "5", "10", "11", "25,5", "80", "81"]
    if isinstance(field, forms.BooleanField):
        return ["on"]
    return ["Fordi borgeren bad om det", ""]


def form_data(form: forms.Form, *, dates: list[str]) -> st.SearchStrategy[dict]:
    """Any subset of the form's fields (with its prefix), each a plausible value or nasty text; multiple
    choices as lists."""
    optional = {}
    for name, field in form.fields.items():
        plausible = plausible_values(field, dates=dates)
        value = st.one_of(st.sampled_from(plausible), nasty_text) if plausible else nasty_text
        if isinstance(field, forms.MultipleChoiceField):
            value = st.lists(value, max_size=4)
        optional[form.add_prefix(name)] = value
    return st.fixed_dictionaries({}, optional=optional)
