"""Persons and cases for the access, audit and retention tests (issue 9)."""

import datetime as dt

import factory

from cases.crypto import cpr_encrypt, cpr_hash
from cases.models import Case, Person
from tests.factories import EmployerFactory
from visitation.models import RuleSet


def cpr_digits(n: int) -> str:
    """The n-th distinct valid CPR number (born 1980, century digit 0-3)."""
    day = 1 + n % 28
    serial = 1000 + n
    return f"{day:02d}0580{serial:04d}"


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    class Params:
        digits = factory.Sequence(cpr_digits)

    cpr_encrypted = factory.LazyAttribute(lambda p: cpr_encrypt(p.digits))
    cpr_hash = factory.LazyAttribute(lambda p: cpr_hash(p.digits))
    birth_date = factory.LazyAttribute(lambda p: dt.date(1980, 5, int(p.digits[:2])))
    sex = Person.Sex.FEMALE
    name = factory.Sequence(lambda n: f"Borger {n}")
    phone = "12345678"


class CaseFactory(factory.django.DjangoModelFactory):
    """An open category-2 case with an employer, no first meeting planned: waiting for booking."""

    class Meta:
        model = Case

    person = factory.SubFactory(PersonFactory)
    employer = factory.SubFactory(EmployerFactory)
    first_absence_day = factory.LazyFunction(lambda: dt.date.today() - dt.timedelta(days=20))
    category = 2
    rule_set = factory.LazyAttribute(lambda c: RuleSet.objects.in_force_on(c.first_absence_day))
