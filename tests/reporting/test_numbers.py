from decimal import Decimal

import pytest
from django.utils import translation
from django.utils.formats import number_format

from reporting.numbers import format_number


@pytest.mark.parametrize("language", ["da", "en"])
def test_counts_read_the_same_as_djangos_number_format(language):
    """format_number skips the locale look-ups for small counts; what it prints must not change."""
    with translation.override(language):
        for value in [*range(-1001, 1002), 12_345, 1_234_567]:
            assert format_number(value) == number_format(Decimal(value), 0, force_grouping=True), value


def test_thousands_are_grouped_the_danish_way():
    with translation.override("da"):
        assert format_number(999) == "999"
        assert format_number(1000) == "1.000"
        assert format_number(1234.5, 1) == "1.234,5"
        assert format_number(None) == "–"
