"""Factories for cases and their records (the case-work and booking helpers may reuse them)."""

import datetime as dt

import factory

from cases.crypto import cpr_encrypt, cpr_hash
from cases.identifiers import parse_cpr
from cases.models import Case, Conversation, Measure, Person, Visitation
from tests.factories import EmployerFactory, UserFactory
from visitation.models import MeasureType, RuleSet


def cpr_for(n: int, birth_date: dt.date = dt.date(1980, 1, 1)) -> str:
    """A valid CPR number (century digit 0-3 for the 1900s) with serial n; modulus 11 is not needed."""
    return f"{birth_date:%d%m%y}-{(n % 4)}{(n // 4) % 1000:03d}"


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person
        exclude = ["cpr"]

    cpr = factory.Sequence(cpr_for)
    cpr_encrypted = factory.LazyAttribute(lambda p: cpr_encrypt(parse_cpr(p.cpr).digits))
    cpr_hash = factory.LazyAttribute(lambda p: cpr_hash(parse_cpr(p.cpr).digits))
    birth_date = factory.LazyAttribute(lambda p: parse_cpr(p.cpr).birth_date)
    sex = factory.LazyAttribute(lambda p: "F" if parse_cpr(p.cpr).is_female else "M")
    name = factory.Faker("name", locale="da_DK")


class CaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Case

    person = factory.SubFactory(PersonFactory)
    employer = factory.SubFactory(EmployerFactory)
    first_absence_day = dt.date(2017, 8, 21)
    received_on = factory.LazyAttribute(lambda c: c.first_absence_day + dt.timedelta(days=14))
    rule_set = factory.LazyAttribute(lambda c: RuleSet.objects.in_force_on(c.first_absence_day))

    class Params:
        unemployed = factory.Trait(employer=None)


class VisitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Visitation

    case = factory.SubFactory(CaseFactory)
    category = 2
    decided_on = factory.LazyAttribute(lambda v: v.case.first_absence_day + dt.timedelta(days=30))
    decided_by = factory.SubFactory(UserFactory)


class ConversationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Conversation

    case = factory.SubFactory(CaseFactory)
    held_on = factory.LazyAttribute(lambda c: c.case.first_absence_day + dt.timedelta(days=52))
    place = Conversation.Place.WORKPLACE
    participants = factory.LazyFunction(lambda: ["citizen", "nearest_leader", "consultant"])
    employer_took_part = True
    recorded_by = factory.SubFactory(UserFactory)


class MeasureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Measure

    case = factory.SubFactory(CaseFactory)
    type = factory.LazyFunction(lambda: MeasureType.objects.get(code="delvis_raskmelding"))
    started_on = factory.LazyAttribute(lambda m: m.case.first_absence_day + dt.timedelta(days=70))
