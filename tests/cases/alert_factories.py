"""Factories for the alert tests (kept apart from tests/factories.py, which other apps extend)."""

import datetime as dt

import factory

from cases.crypto import cpr_encrypt, cpr_hash
from cases.identifiers import parse_cpr
from cases.models import Case, Person
from tests.factories import EmployerFactory
from visitation.models import RuleSet


def alert_cpr_for(n: int) -> str:
    """A valid CPR number (1960s births, 7th digit 2 → 1900s), unique per n."""
    birth = dt.date(1960, 1, 1) + dt.timedelta(days=n % 3000)
    return f"{birth:%d%m%y}{2000 + n % 8000:04d}"


class AlertPersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person
        exclude = ["cpr"]

    cpr = factory.Sequence(alert_cpr_for)
    cpr_encrypted = factory.LazyAttribute(lambda p: cpr_encrypt(p.cpr))
    cpr_hash = factory.LazyAttribute(lambda p: cpr_hash(p.cpr))
    birth_date = factory.LazyAttribute(lambda p: parse_cpr(p.cpr).birth_date)
    sex = factory.LazyAttribute(lambda p: "F" if parse_cpr(p.cpr).is_female else "M")
    name = factory.Sequence(lambda n: f"Sygemeldt {n}")


class AlertCaseFactory(factory.django.DjangoModelFactory):
    """A case with its stored next deadline set directly (the rulebook's refresh is tested in issue 3)."""

    class Meta:
        model = Case

    person = factory.SubFactory(AlertPersonFactory)
    employer = factory.SubFactory(EmployerFactory)
    first_absence_day = dt.date(2017, 8, 21)
    category = 2
    rule_set = factory.LazyAttribute(lambda c: RuleSet.objects.in_force_on(c.first_absence_day))
    team = factory.LazyAttribute(lambda c: c.consultant.staff.team if c.consultant else None)
