"""The factories of the case models: a person, a case and everything recorded on it, one definition each;
scenarios with other defaults (a case waiting for booking: tests/meetings/factories.py; report scenarios:
tests/reporting/factories.py) subclass these."""

import datetime as dt

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from cases.crypto import cpr_encrypt, cpr_hash
from cases.identifiers import parse_cpr
from cases.models import (
    Assignment,
    Case,
    CaseDeadline,
    CaseException,
    Conversation,
    Measure,
    Offer,
    Person,
    Visitation,
)
from tests.factories import EmployerFactory, MunicipalityFactory, UserFactory
from visitation import deadlines
from visitation.models import ClosingReason, ExceptionReason, HandoverReason, MeasureType, OfferType, RuleSet


def recorder():
    """One shared staff user for who-recorded/decided fields of scenario rows (a user per row is slow)."""
    return get_user_model().objects.get_or_create(username="report-recorder")[0]


def deciding_user():
    return get_user_model().objects.get_or_create(username="report-decider")[0]


def cpr_for(n: int, birth_date: dt.date | None = None) -> str:
    """The n-th distinct valid CPR number (century digit 0-3 for the 1900s; 4,000 a birth day from 1 January
    1980 on); modulus 11 is not needed."""
    birth_date = birth_date or dt.date(1980, 1, 1) + dt.timedelta(days=n // 4000)
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
    # The team's municipality; a case not yet in a team is the test municipality's (Herning's) intake.
    municipality = factory.LazyAttribute(
        lambda c: c.team.department.municipality if getattr(c, "team", None) else MunicipalityFactory()
    )

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


class AssignedCaseFactory(CaseFactory):
    """Case work: an open category-2 case 30 days into the absence, received on day 21, in its consultant's
    team, with the first assignment recorded as registration records it."""

    class Meta:
        skip_postgeneration_save = True

    first_absence_day = factory.LazyFunction(lambda: dt.date.today() - dt.timedelta(days=30))
    received_on = factory.LazyAttribute(lambda c: c.first_absence_day + dt.timedelta(days=20))
    category = 2
    team = factory.LazyAttribute(lambda c: c.consultant.staff.team if c.consultant else None)

    @factory.post_generation
    def assigned(self, create, extracted, **kwargs):
        if create and self.consultant_id:
            Assignment.objects.create(case=self, consultant=self.consultant, started_on=self.received_on)


def deadline_store(case: Case, kind: str, due_on: dt.date, *, done_on: dt.date | None = None) -> CaseDeadline:
    """Store one deadline of a case directly, as the rulebook's refresh would (open, or met/late when done):
    the sweep's tests set what is due; the refresh has tests of its own."""
    state = CaseDeadline.State.OPEN
    if done_on is not None:
        state = CaseDeadline.State.MET if done_on <= due_on else CaseDeadline.State.LATE
    row, _created = CaseDeadline.objects.update_or_create(
        case=case,
        kind=kind,
        due_on=due_on,
        defaults={
            "done_on": done_on,
            "state": state,
            "legal_source": deadlines.DEFAULT_LEGAL_SOURCES[kind],
            "rule_set_id": case.rule_set_id,
        },
    )
    return row


class AlertCaseFactory(CaseFactory):
    """Alerts: seed 001's "HH" (sick-listed 21 August 2017, category 2) in its consultant's team; the tests
    set the stored deadlines directly (`next_deadline_on/kind` and a § 56 expiry are stored as open deadline
    rows too; `deadline_store` adds others; the rulebook's refresh has tests of its own)."""

    class Meta:
        skip_postgeneration_save = True

    received_on = None
    category = 2
    team = factory.LazyAttribute(lambda c: c.consultant.staff.team if c.consultant else None)

    @factory.post_generation
    def stored_deadlines(self, create, extracted, **kwargs):
        if create and self.next_deadline_on is not None:
            deadline_store(self, self.next_deadline_kind, self.next_deadline_on)
        if create and self.agreement_56_expires_on is not None:
            deadline_store(self, deadlines.AGREEMENT_56_EXPIRY, self.agreement_56_expires_on)


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


class OfferFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Offer

    case = factory.SubFactory(CaseFactory)
    type = factory.LazyFunction(lambda: OfferType.objects.get(code="mindfulness"))
    started_on = factory.LazyAttribute(lambda o: o.case.first_absence_day + dt.timedelta(days=30))
    ended_on = factory.LazyAttribute(lambda o: o.started_on + dt.timedelta(days=42))
    score_start = 4
    score_end = 6


class CaseExceptionFactory(factory.django.DjangoModelFactory):
    """An approved exception from the workplace meeting."""

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
