"""Danish personal (CPR) and company (CVR) numbers: parsing and validation, no database."""

import datetime as dt
from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

CVR_WEIGHTS = (2, 7, 6, 5, 4, 3, 2, 1)


def normalise_cvr(value: str) -> str:
    """Return the 8-digit CVR number or raise ValidationError (modulus 11, weights 2,7,6,5,4,3,2,1)."""
    digits = "".join(str(value).split())
    if len(digits) != 8 or not digits.isdigit() or digits[0] == "0":
        raise ValidationError(_("Et CVR-nummer har 8 cifre."), code="cvr_format")
    if sum(int(d) * w for d, w in zip(digits, CVR_WEIGHTS, strict=True)) % 11:
        raise ValidationError(
            _("%(cvr)s er ikke et gyldigt CVR-nummer."), params={"cvr": digits}, code="cvr_mod11"
        )
    return digits


def validate_cvr(value: str) -> None:
    normalise_cvr(value)


class Cpr(NamedTuple):
    digits: str  # ten digits, no dash
    birth_date: dt.date
    is_female: bool

    @property
    def masked(self) -> str:
        return f"{self.digits[:6]}-XXXX"

    @property
    def formatted(self) -> str:
        return f"{self.digits[:6]}-{self.digits[6:]}"


def _century(year2: int, seventh: int) -> int:
    # CPR century rule (CPR-kontoret): the 7th digit and the two-digit year give the century.
    if seventh in (0, 1, 2, 3):
        return 1900
    if seventh in (4, 9):
        return 2000 if year2 <= 36 else 1900
    # 5, 6, 7, 8
    return 2000 if year2 <= 57 else 1800


def parse_cpr(value: str) -> Cpr:
    """Parse DDMMYY-SSSS or DDMMYYSSSS. Date and century digit must be valid; modulus 11 is not
    checked, because numbers without it have been issued since 2007."""
    text = str(value).strip().replace("-", "", 1)
    if len(text) != 10 or not text.isdigit():
        raise ValidationError(_("Et CPR-nummer skrives DDMMÅÅ-XXXX."), code="cpr_format")
    day, month, year2, seventh = int(text[0:2]), int(text[2:4]), int(text[4:6]), int(text[6])
    try:
        birth_date = dt.date(_century(year2, seventh) + year2, month, day)
    except ValueError:
        raise ValidationError(
            _("CPR-nummeret indeholder ikke en gyldig fødselsdato."), code="cpr_date"
        ) from None
    return Cpr(digits=text, birth_date=birth_date, is_female=int(text[9]) % 2 == 0)
