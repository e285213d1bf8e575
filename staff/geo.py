"""Danish postcodes → town and municipality (PostNord's file of 17 Oct 2020, shipped in staff/data)."""

import csv
from functools import cache
from pathlib import Path
from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

POSTCODE_FILE = Path(__file__).parent / "data" / "dk_postcodes.csv"


class PostcodeArea(NamedTuple):
    postcode: str
    town: str
    municipality_code: int
    municipality_name: str


@cache
def postcodes() -> dict[str, PostcodeArea]:
    """One area per postcode; where a postcode spans several municipalities the first row is kept."""
    areas: dict[str, PostcodeArea] = {}
    with POSTCODE_FILE.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter=";"):
            areas.setdefault(
                row["POSTNR"],
                PostcodeArea(row["POSTNR"], row["BYNAVN"], int(row["KOMMUNE_NR"]), row["ADRESSERINGSNAVN_1"]),
            )
    return areas


def validate_postcode(value: str) -> None:
    if value not in postcodes():
        raise ValidationError(_("%(value)s er ikke et dansk postnummer."), params={"value": value})
