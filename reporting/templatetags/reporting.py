"""Danish number formats for the report: shares as "45,7 %", "–" when there is nothing to divide by."""

from urllib.parse import urlencode

from django import template

from reporting.figures import PUNCTUALITY_BANDS
from reporting.numbers import format_number, format_percent, format_share

register = template.Library()


@register.filter
def share(value) -> str:
    """A fraction 0–1 as a percentage with one decimal; None (denominator 0) as an en dash."""
    return format_share(value)


@register.filter
def percent(value) -> str:
    """A percentage (e.g. a milestone target of 40,1) with at most one decimal."""
    return format_percent(value)


@register.filter
def number(value, decimals=0) -> str:
    return format_number(value, int(decimals))


@register.filter
def band_counts(row: dict) -> list[str]:
    """A punctuality table row's counts per band and in all, formatted: one filter call for its cells."""
    return [format_number(row[band]) for band in PUNCTUALITY_BANDS] + [format_number(row["total"])]


@register.filter
def get_item(mapping: dict, key: str):
    """mapping[key] in a template, where the key is a variable (a band of the punctuality table)."""
    return mapping.get(key)


@register.simple_tag
def drill(base_query: str, figure: str, part: str, code="") -> str:
    """The query string of a drill-down link: the report's filters plus which number was clicked."""
    part = f"{part}:{code}" if code != "" else part
    extra = urlencode({"figure": figure, "part": part})
    return f"{base_query}&{extra}" if base_query else extra


@register.simple_tag
def drill_month(other_filters: str, month, figure: str, part: str) -> str:
    """A drill-down query string for one month of the monthly table."""
    query = urlencode(
        {"start": month.start.isoformat(), "end": month.end.isoformat(), "figure": figure, "part": part}
    )
    return f"{other_filters}&{query}" if other_filters else query
