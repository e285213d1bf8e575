"""Report scenarios: the case-model factories (tests/cases/factories.py) with the defaults the report
tests are written against — an employed category-2 woman whose absence began on 1 January 2018, a workplace
conversation on day 41 and a measure on day 61."""

import datetime as dt

import factory

from cases.models import Conversation, Person
from tests.cases import factories as case_factories
from tests.cases.factories import AssignmentFactory, CaseExceptionFactory, OfferFactory, recorder

__all__ = [
    "AssignmentFactory",
    "CaseExceptionFactory",
    "CaseFactory",
    "ConversationFactory",
    "MeasureFactory",
    "OfferFactory",
    "PersonFactory",
]


class PersonFactory(case_factories.PersonFactory):
    sex = Person.Sex.FEMALE


class CaseFactory(case_factories.CaseFactory):
    person = factory.SubFactory(PersonFactory)
    first_absence_day = dt.date(2018, 1, 1)
    received_on = None
    category = 2


class ConversationFactory(case_factories.ConversationFactory):
    case = factory.SubFactory(CaseFactory)
    held_on = factory.LazyAttribute(lambda c: c.case.first_absence_day + dt.timedelta(days=40))
    participants = factory.LazyFunction(
        lambda: [Conversation.Participant.CITIZEN, Conversation.Participant.CONSULTANT]
    )
    recorded_by = factory.LazyFunction(recorder)


class MeasureFactory(case_factories.MeasureFactory):
    case = factory.SubFactory(CaseFactory)
    started_on = factory.LazyAttribute(lambda m: m.case.first_absence_day + dt.timedelta(days=60))
