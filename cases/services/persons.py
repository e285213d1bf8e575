import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.crypto import cpr_encrypt, cpr_hash
from cases.identifiers import Cpr, parse_cpr
from cases.models import Person


def cpr_parse_for_person(value: str, *, today: dt.date | None = None) -> Cpr:
    """Parse a living person's CPR number: date and century digit valid (modulus 11 is not checked), and the
    birth date the century digit gives neither in the future nor in the 1800s."""
    parsed = parse_cpr(value)
    today = today or timezone.localdate()
    if parsed.birth_date > today or parsed.birth_date.year < 1900:
        raise ValidationError(
            _("CPR-nummerets 7. ciffer (århundredecifferet) passer ikke med fødselsåret."), code="cpr_century"
        )
    return parsed


def person_find(*, cpr: str) -> Person | None:
    """The person with exactly this CPR number, found through the keyed hash (nothing is decrypted)."""
    parsed = parse_cpr(cpr)
    return Person.objects.filter(cpr_hash=cpr_hash(parsed.digits)).first()


@transaction.atomic
def person_get_or_create(*, cpr: str, name: str = "") -> tuple[Person, bool]:
    """Find the person by CPR number or create them: CPR encrypted at rest, birth date and sex derived from
    it. Raises ValidationError for an invalid CPR number (date or century digit)."""
    parsed = cpr_parse_for_person(cpr)
    digest = cpr_hash(parsed.digits)
    person = Person.objects.select_for_update().filter(cpr_hash=digest).first()
    if person is not None:
        if name and not person.name:
            person.name = name
            person.full_clean()
            person.save(update_fields=["name"])
        return person, False
    person = Person(
        cpr_encrypted=cpr_encrypt(parsed.digits),
        cpr_hash=digest,
        birth_date=parsed.birth_date,
        sex=Person.Sex.FEMALE if parsed.is_female else Person.Sex.MALE,
        name=name,
    )
    person.full_clean()
    person.save()
    return person, True
