"""The demo shows a conversion programme half-way: some converted, some in progress, one behind."""

import datetime
import random

import pytest

from staff import selectors
from staff.demo import seed_conversion_programme, seed_organisation
from staff.models import CompetencePlan, CompetencePlanChange, Municipality

pytestmark = pytest.mark.django_db


def test_demo_programme_is_believable_and_loading_it_again_changes_nothing():
    today = datetime.date(2026, 11, 26)
    seed_organisation(random.Random(2017))
    assert seed_conversion_programme(random.Random(2017), today=today) == 18

    programme = selectors.conversion_programme(municipality=Municipality.objects.get(code=657), today=today)
    assert 0 < programme.qualified_now < programme.consultants_total
    assert any(row.is_past for row in programme.targets)
    assert any(not row.is_past for row in programme.targets)
    assert selectors.staff_transition_passed_unqualified(on=today).exists()
    assert selectors.competence_items_overdue(on=today).exists()
    assert programme.capacity_now.capacity > 0

    changes = CompetencePlanChange.objects.count()
    assert seed_conversion_programme(random.Random(2017), today=today) == 0
    assert CompetencePlanChange.objects.count() == changes
    assert CompetencePlan.objects.count() == 18
