"""The demo cases: believable, deterministic and idempotent (seed_demo runs them on every `make run`)."""

import datetime as dt
import random
from collections import Counter

import pytest

from cases.demo import seed_cases, seed_employers
from cases.models import Case, CaseEvent, CaseException, Conversation, Person
from staff.roles import Role
from tests.factories import StaffMemberFactory

TODAY = dt.date(2026, 11, 26)


@pytest.fixture
def organisation(team, other_team, leader):
    for number in range(3):
        StaffMemberFactory(user__username=f"k{number}", user__roles=[Role.CONSULTANT], team=team)
    StaffMemberFactory(user__username="l1", user__roles=[Role.CONSULTANT], team=other_team)
    seed_employers(random.Random(1), count=20)


def signature():
    return sorted(
        Case.objects.values_list("person__cpr_hash", "first_absence_day", "category", "status", "closed_on")
    )


def test_demo_cases_tell_the_story_the_reports_should_show(organisation):
    assert seed_cases(random.Random(7), count=600, today=TODAY) == 600
    cases = Case.objects.all()
    assert all(TODAY - dt.timedelta(days=18 * 31) <= c.first_absence_day <= TODAY for c in cases)
    categories = Counter(cases.values_list("category", flat=True))
    assert categories[2] > 0.6 * 600 and categories[1] > 0

    # The workplace share of first conversations improves from the first half year to the last.
    def workplace_share(since, until):
        firsts = []
        for case in cases.filter(employer__isnull=False, category=2).prefetch_related("conversations"):
            held = sorted(case.conversations.all(), key=lambda c: c.held_on)
            if held and since <= held[0].held_on < until:
                firsts.append(held[0].counts_as_workplace_meeting)
        return sum(firsts) / len(firsts)

    early = workplace_share(TODAY - dt.timedelta(days=540), TODAY - dt.timedelta(days=360))
    late = workplace_share(TODAY - dt.timedelta(days=180), TODAY)
    assert late > early + 0.15

    closed = cases.filter(status=Case.Status.CLOSED)
    assert closed.count() > 300 and not closed.filter(closing_reason__isnull=True).exists()
    assert closed.filter(closing_reason__code="rask_eget_job").count() > closed.count() / 3
    assert CaseException.objects.exists() and cases.filter(fast_track_requested_on__isnull=False).exists()
    assert cases.filter(assignments__reason__isnull=False).exists()  # handovers with a reason
    assert cases.filter(status=Case.Status.OPEN, next_deadline_on__isnull=False).exists()
    # No record after closing or in the future; the timeline starts with the case's arrival.
    assert not Conversation.objects.filter(held_on__gt=TODAY).exists()
    for case in closed.prefetch_related("conversations")[:100]:
        assert all(c.held_on <= case.closed_on for c in case.conversations.all())
    first = CaseEvent.objects.filter(case=cases.first()).first()
    assert first.text.startswith("Sagen modtaget fra ydelseskontoret")


def test_demo_cases_are_deterministic_and_idempotent(organisation):
    seed_cases(random.Random(7), count=50, today=TODAY)
    first_run = signature()
    assert seed_cases(random.Random(7), count=50, today=TODAY) == 0  # a second run changes nothing
    assert signature() == first_run
    Case.objects.all().delete()
    Person.objects.all().delete()
    seed_cases(random.Random(7), count=50, today=TODAY)
    assert signature() == first_run
