"""Factories for report scenarios: cases with their conversations, measures, exceptions and closings."""

import datetime as dt

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from cases.crypto import cpr_encrypt, cpr_hash
from cases.models import Assignment, Case, CaseException, Conversation, Measure, Offer, Person
from tests.factories import EmployerFactory
from visitation.models import ClosingReason, ExceptionReason, HandoverReason, MeasureType, OfferType, RuleSet


def recorder():
    """One shared staff user for who-recorded/decided fields (hashing a password per row is slow)."""
    return get_user_model().objects.get_or_create(username="report-recorder")[0]


def deciding_user():
    return get_user_model().objects.get_or_create(username="report-decider")[0]


def _cpr_digits(n: int) -> str:
    return f"0101{80 + n // 10000 % 20:02d}{n % 10000:04d}"


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person
        exclude = ["digits"]

    digits = factory.Sequence(_cpr_digits)
    cpr_encrypted = factory.LazyAttribute(lambda p: cpr_encrypt(p.digits))
    cpr_hash = factory.LazyAttribute(lambda p: cpr_hash(p.digits))
    birth_date = factory.LazyAttribute(lambda p: dt.date(1900 + int(p.digits[4:6]), 1, 1))
    sex = Person.Sex.FEMALE
    name = factory.Sequence(lambda n: f"Borger {n}")


class CaseFactory(factory.django.DjangoModelFactory):
    """An employed category 2 case; `first_absence_day` picks the rule set, as the services do."""

    class Meta:
        model = Case

    person = factory.SubFactory(PersonFactory)
    employer = factory.SubFactory(EmployerFactory)
    first_absence_day = dt.date(2018, 1, 1)
    category = 2
    rule_set = factory.LazyAttribute(lambda c: RuleSet.objects.in_force_on(c.first_absence_day))

    class Params:
        unemployed = factory.Trait(employer=None)

    @classmethod
    def closed(cls, *, on: dt.date, reason: str = "rask_eget_job", **kwargs) -> Case:
        return cls(
            status=Case.Status.CLOSED,
            closed_on=on,
            closing_reason=ClosingReason.objects.get(code=reason),
            **kwargs,
        )


class ConversationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Conversation

    case = factory.SubFactory(CaseFactory)
    held_on = factory.LazyAttribute(lambda c: c.case.first_absence_day + dt.timedelta(days=40))
    place = Conversation.Place.WORKPLACE
    employer_took_part = True
    participants = factory.LazyFunction(
        lambda: [Conversation.Participant.CITIZEN, Conversation.Participant.CONSULTANT]
    )
    recorded_by = factory.LazyFunction(recorder)


class MeasureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Measure

    case = factory.SubFactory(CaseFactory)
    type = factory.LazyFunction(lambda: MeasureType.objects.get(code="delvis_raskmelding"))
    started_on = factory.LazyAttribute(lambda m: m.case.first_absence_day + dt.timedelta(days=60))


class CaseExceptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CaseException

    case = factory.SubFactory(CaseFactory)
    reason = factory.LazyFunction(lambda: ExceptionReason.objects.get(code="indlagt"))
    proposed_by = factory.LazyFunction(recorder)
    proposed_at = factory.LazyFunction(timezone.now)
    status = CaseException.Status.APPROVED
    decided_by = factory.LazyFunction(deciding_user)
    decided_at = factory.LazyFunction(timezone.now)


class AssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assignment

    case = factory.SubFactory(CaseFactory)
    consultant = factory.LazyFunction(recorder)
    started_on = factory.LazyAttribute(lambda a: a.case.first_absence_day + dt.timedelta(days=20))
    reason = None

    @classmethod
    def handover(cls, *, reason: str, **kwargs) -> Assignment:
        return cls(reason=HandoverReason.objects.get(code=reason), **kwargs)


class OfferFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Offer

    case = factory.SubFactory(CaseFactory)
    type = factory.LazyFunction(lambda: OfferType.objects.get(code="mindfulness"))
    started_on = factory.LazyAttribute(lambda o: o.case.first_absence_day + dt.timedelta(days=30))
    ended_on = factory.LazyAttribute(lambda o: o.started_on + dt.timedelta(days=42))
    score_start = 4
    score_end = 6
