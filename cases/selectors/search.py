"""Finding a case (issue 14): by the full CPR number (exact, through the keyed hash: never part of a CPR
number), by name (any part, case and accents ignored: cases/folding.py), by employer name or CVR number.

Only among the cases the user may open (`cases_visible_to`, the one authorisation definition): a search
never shows, nor counts, a case the user may not see.
"""

import re
from dataclasses import dataclass
from enum import StrEnum

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db.models import F, Q
from django.utils.translation import gettext as _

from cases.crypto import cpr_hash
from cases.folding import fold
from cases.identifiers import normalise_cvr, parse_cpr
from cases.models import Case
from cases.selectors.access import cases_visible_to
from staff.privacy import cpr_term_fingerprint

MIN_LENGTH = 2
RESULT_LIMIT = 50
# A name or employer name with this many digits is most likely a CPR number typed with a name: refused, so
# that no part of a CPR number is ever matched or kept in the audit log as free text.
MAX_DIGITS_IN_TEXT = 6


class SearchKind(StrEnum):
    CPR = "cpr"
    CVR = "cvr"
    TEXT = "text"


@dataclass(frozen=True)
class SearchTerm:
    kind: SearchKind
    value: str  # the CPR number's keyed hash, the CVR number, or the folded text
    shown: str  # what the page says was searched for (a CPR number masked: 010180-XXXX)
    audited: str  # what the audit entry keeps (a CPR number as a keyed fingerprint, as staff.privacy does)


def search_term_parse(text: str) -> SearchTerm:
    """Read what the user typed; a ValidationError says what is wrong with it."""
    text = " ".join(text.split())
    if len(text) < MIN_LENGTH:
        raise ValidationError(_("Skriv mindst %(n)s tegn.") % {"n": MIN_LENGTH}, code="too_short")
    number = re.sub(r"[\s-]", "", text)
    if number.isdigit():
        if len(number) == 10:
            cpr = parse_cpr(number)
            fingerprint = f"CPR#{cpr_term_fingerprint(cpr.digits)}"
            return SearchTerm(SearchKind.CPR, cpr_hash(cpr.digits), cpr.masked, fingerprint)
        if len(number) == 8 and "-" not in text:  # a CVR number is written without a dash, a CPR number with
            cvr = normalise_cvr(number)
            return SearchTerm(SearchKind.CVR, cvr, cvr, cvr)
        raise ValidationError(
            _(
                "Søg med et helt CPR-nummer (10 cifre) eller CVR-nummer (8 cifre). Der søges ikke på dele "
                "af et CPR-nummer."
            ),
            code="partial_number",
        )
    if sum(character.isdigit() for character in text) >= MAX_DIGITS_IN_TEXT:
        raise ValidationError(_("Søg på CPR- eller CVR-nummeret alene, uden navn."), code="number_with_text")
    return SearchTerm(SearchKind.TEXT, fold(text), text, text)


def cases_search(*, user: AbstractBaseUser, term: SearchTerm) -> tuple[list[Case], bool]:
    """The user's visible cases that match, open ones first, then the newest absence first; at most
    RESULT_LIMIT, and whether there were more. One query."""
    if term.kind == SearchKind.CPR:
        matches = Q(person__cpr_hash=term.value)
    elif term.kind == SearchKind.CVR:
        matches = Q(employer__cvr=term.value)
    else:
        matches = Q(person__name_folded__contains=term.value) | Q(employer__name_folded__contains=term.value)
    found = list(
        cases_visible_to(user)
        .filter(matches)
        .select_related("person", "employer", "consultant")
        .order_by(F("closed_on").asc(nulls_first=True), "-first_absence_day", "pk")[: RESULT_LIMIT + 1]
    )
    return found[:RESULT_LIMIT], len(found) > RESULT_LIMIT
