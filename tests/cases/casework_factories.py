"""Factories for people and cases used by the case-work tests (kept apart from tests/factories.py, which
other apps extend)."""

import datetime as dt

import factory

from cases.crypto import cpr_encrypt, cpr_hash
from cases.identifiers import parse_cpr
from cases.models import Assignment, Case, Person
from tests.factories import EmployerFactory
from visitation.models import RuleSet


def cpr_for(n: int) -> str:
    """A valid CPR number (1970s births, 7th digit 1 → 1900s), unique per n."""
    birth = dt.date(1970, 1, 1) + dt.timedelta(days=n % 3000)
    return f"{birth:%d%m%y}{1000 + n % 9000:04d}"


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person
        exclude = ["cpr"]

    cpr = factory.Sequence(cpr_for)
    cpr_encrypted = factory.LazyAttribute(lambda p: cpr_encrypt(p.cpr))
    cpr_hash = factory.LazyAttribute(lambda p: cpr_hash(p.cpr))
    birth_date = factory.LazyAttribute(lambda p: parse_cpr(p.cpr).birth_date)
    sex = factory.LazyAttribute(lambda p: "F" if parse_cpr(p.cpr).is_female else "M")
    name = factory.Sequence(lambda n: f"Borger {n}")


class CaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Case
        skip_postgeneration_save = True

    person = factory.SubFactory(PersonFactory)
    employer = factory.SubFactory(EmployerFactory)
    first_absence_day = factory.LazyFunction(lambda: dt.date.today() - dt.timedelta(days=30))
    received_on = factory.LazyAttribute(lambda c: c.first_absence_day + dt.timedelta(days=20))
    category = 2
    rule_set = factory.LazyAttribute(lambda c: RuleSet.objects.in_force_on(c.first_absence_day))
    team = factory.LazyAttribute(lambda c: c.consultant.staff.team if c.consultant else None)

    @factory.post_generation
    def assigned(self, create, extracted, **kwargs):
        if create and self.consultant_id:
            Assignment.objects.create(case=self, consultant=self.consultant, started_on=self.received_on)
