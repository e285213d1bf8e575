import datetime

import factory

from staff.models import (
    CompetenceItemType,
    CompetencePlan,
    CompetencePlanItem,
    ConversionTarget,
    StaffQualification,
)
from tests.factories import MunicipalityFactory, StaffMemberFactory


class CompetenceItemTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CompetenceItemType
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"Tiltag {n}")


class CompetencePlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CompetencePlan

    staff_member = factory.SubFactory(StaffMemberFactory)
    expectation_talk_on = datetime.date(2017, 8, 15)
    expected_transition_on = datetime.date(2017, 10, 1)
    leader_notes = "Motiveret; ønsker sidemandsoplæring."


class CompetencePlanItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CompetencePlanItem

    plan = factory.SubFactory(CompetencePlanFactory)
    item_type = factory.SubFactory(CompetenceItemTypeFactory)
    planned_start_on = datetime.date(2017, 8, 21)
    planned_end_on = datetime.date(2017, 9, 15)

    class Params:
        completed = factory.Trait(
            status=CompetencePlanItem.Status.COMPLETED, completed_on=datetime.date(2017, 9, 14)
        )


class QualificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StaffQualification

    staff_member = factory.SubFactory(StaffMemberFactory)
    kind = StaffQualification.Kind.COMBINED
    achieved_on = datetime.date(2017, 9, 29)


class ConversionTargetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ConversionTarget

    municipality = factory.SubFactory(MunicipalityFactory)
    due_on = datetime.date(2017, 10, 1)
    qualified_count = 5
