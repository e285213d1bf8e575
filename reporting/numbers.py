"""Numbers the Danish way (1.234,5 and 45,7 %) in the active language, rounded half up, never truncated."""

from decimal import ROUND_HALF_UP, Decimal

from django.utils.formats import number_format

DASH = "–"  # shown when there is nothing to divide by: never 0 %


def _rounded(value, decimals: int) -> Decimal:
    return Decimal(str(value)).quantize(Decimal(1).scaleb(-decimals), ROUND_HALF_UP)


def format_number(value, decimals: int = 0) -> str:
    if value is None:
        return DASH
    if type(value) is int and not decimals and -1000 < value < 1000:
        # What number_format gives, without its locale look-ups: the report page prints thousands of counts.
        return str(value)
    return number_format(_rounded(value, decimals), decimals, force_grouping=True)


def format_share(value, decimals: int = 1) -> str:
    """A fraction 0–1 as a percentage."""
    if value is None:
        return DASH
    return f"{number_format(_rounded(Decimal(str(value)) * 100, decimals), decimals)}\u00a0%"


def format_percent(value) -> str:
    """A percentage such as a milestone target: 39 % or 40,1 %."""
    if value is None:
        return DASH
    decimals = 0 if Decimal(str(value)) == int(value) else 1
    return f"{number_format(_rounded(value, decimals), decimals)}\u00a0%"
