"""Stored next deadlines: computed from the case's records under the rule set of its first day of absence."""

import datetime as dt

import pytest

from cases.models import Case
from cases.selectors.deadlines import case_deadlines
from cases.services.deadlines import case_deadlines_refresh
from tests.cases.factories import CaseFactory, ConversationFactory, MeasureFactory, VisitationFactory
from visitation import deadlines
from visitation.models import ClosingReason, RuleSet

pytestmark = pytest.mark.django_db

HH_FIRST_DAY = dt.date(2017, 8, 21)
TODAY_2017 = dt.date(2017, 11, 3)  # "today" for the stored next deadline, before week 13 ends


def test_seeded_rule_sets_are_the_ones_the_pure_tests_use():
    sof = RuleSet.objects.get(name="SOF 2017").as_rules()
    new = RuleSet.objects.get(name="2025").as_rules()
    assert sof == deadlines.Rules()
    assert new == deadlines.Rules(
        name="2025", effective_from=dt.date(2025, 1, 1), category_3_exists=False, recovery_only_follow_up=True
    )
    assert "§ 13 f" in new.legal_source(deadlines.NEXT_FOLLOW_UP)
    assert sof.legal_source(deadlines.FIRST_FOLLOW_UP) == "sygedagpengeloven § 13 b, stk. 1"


def test_a_case_falls_under_the_rule_set_in_force_on_its_first_day_of_absence():
    assert RuleSet.objects.in_force_on(HH_FIRST_DAY).name == "SOF 2017"
    assert RuleSet.objects.in_force_on(dt.date(2024, 12, 31)).name == "SOF 2017"
    assert RuleSet.objects.in_force_on(dt.date(2025, 1, 1)).name == "2025"


def test_refresh_stores_the_next_deadline_and_follows_the_case_records():
    case = CaseFactory(first_absence_day=HH_FIRST_DAY)
    case_deadlines_refresh(case=case, today=TODAY_2017)
    case.refresh_from_db()
    assert (case.next_deadline_kind, case.next_deadline_on) == ("visitation", dt.date(2017, 10, 8))

    VisitationFactory(case=case, decided_on=dt.date(2017, 9, 20), category=2)
    Case.objects.filter(pk=case.pk).update(category=2)
    case.refresh_from_db()
    case_deadlines_refresh(case=case, today=TODAY_2017)
    case.refresh_from_db()
    assert (case.next_deadline_kind, case.next_deadline_on) == ("first_follow_up", dt.date(2017, 10, 15))

    ConversationFactory(case=case, held_on=dt.date(2017, 10, 12))
    case_deadlines_refresh(case=case, today=TODAY_2017)
    case.refresh_from_db()
    assert (case.next_deadline_kind, case.next_deadline_on) == ("next_follow_up", dt.date(2017, 11, 9))

    ConversationFactory(case=case, held_on=dt.date(2017, 11, 2))
    case_deadlines_refresh(case=case, today=TODAY_2017)
    case.refresh_from_db()
    # the week-13 measure (19 Nov) now comes before the next follow-up (30 Nov)
    assert (case.next_deadline_kind, case.next_deadline_on) == ("week13_measure", dt.date(2017, 11, 19))

    # A measure registered ahead is planned, not done (issue 14): the week-13 target stays open until the
    # day it starts; then the next follow-up is next.
    MeasureFactory(case=case, started_on=dt.date(2017, 11, 6))
    case_deadlines_refresh(case=case, today=dt.date(2017, 11, 5))
    case.refresh_from_db()
    assert (case.next_deadline_kind, case.next_deadline_on) == ("week13_measure", dt.date(2017, 11, 19))
    case_deadlines_refresh(case=case, today=dt.date(2017, 11, 6))
    case.refresh_from_db()
    assert (case.next_deadline_kind, case.next_deadline_on) == ("next_follow_up", dt.date(2017, 11, 30))


def test_closing_a_case_clears_its_next_deadline():
    case = CaseFactory(first_absence_day=HH_FIRST_DAY)
    case_deadlines_refresh(case=case)
    Case.objects.filter(pk=case.pk).update(status=Case.Status.CLOSED, closed_on=dt.date(2017, 9, 1))
    case.refresh_from_db()
    case_deadlines_refresh(case=case)
    case.refresh_from_db()
    assert case.next_deadline_on is None and case.next_deadline_kind == ""


def test_an_earlier_case_of_the_same_person_brings_the_reassessment_forward():
    earlier = CaseFactory(
        first_absence_day=dt.date(2017, 3, 1), closed_on=dt.date(2017, 7, 31), status="closed"
    )
    case = CaseFactory(person=earlier.person, first_absence_day=HH_FIRST_DAY)
    found = {d.kind: d for d in case_deadlines(case=case)}
    assert found["reassessment"].due_on == dt.date(2017, 10, 31)
    # an earlier case registered in error was never an absence
    Case.objects.filter(pk=earlier.pk).update(closing_reason=ClosingReason.objects.get(code="fejloprettet"))
    found = {d.kind: d for d in case_deadlines(case=case)}
    assert found["reassessment"].due_on == dt.date(2018, 2, 28)


def test_selector_reads_a_case_in_a_fixed_number_of_queries(django_assert_num_queries):
    case = CaseFactory(first_absence_day=HH_FIRST_DAY)
    ConversationFactory.create_batch(3, case=case)
    case = Case.objects.select_related("rule_set").get(pk=case.pk)
    # 1: the case's dated records (visitation, measures) in one row; 2: its conversations (every one: the
    # later follow-ups are a series); 3: earlier cases; 4: its complaints
    with django_assert_num_queries(4):
        case_deadlines(case=case)


def test_refresh_command_recomputes_open_cases_after_a_rule_set_change():
    from io import StringIO

    from django.core.management import call_command

    case = CaseFactory(first_absence_day=HH_FIRST_DAY, category=2)
    VisitationFactory(case=case, decided_on=dt.date(2017, 9, 20))
    case_deadlines_refresh(case=case)
    RuleSet.objects.filter(name="SOF 2017").update(first_follow_up_week=6)
    out = StringIO()
    call_command("refresh_deadlines", stdout=out)
    case.refresh_from_db()
    assert out.getvalue().strip() == "refreshed=1"
    assert (case.next_deadline_kind, case.next_deadline_on) == ("first_follow_up", dt.date(2017, 10, 1))


def test_nightly_refresh_moves_cases_on_when_the_week13_target_lapses():
    case = CaseFactory(first_absence_day=HH_FIRST_DAY, category=2)
    VisitationFactory(case=case, decided_on=dt.date(2017, 9, 20))
    ConversationFactory(case=case, held_on=dt.date(2017, 10, 12))
    ConversationFactory(case=case, held_on=dt.date(2017, 11, 9))
    case_deadlines_refresh(case=case, today=dt.date(2017, 11, 10))
    case.refresh_from_db()
    assert (case.next_deadline_kind, case.next_deadline_on) == ("week13_measure", dt.date(2017, 11, 19))

    from cases.services.deadlines import cases_deadlines_refresh_lapsed

    assert cases_deadlines_refresh_lapsed(today=dt.date(2017, 11, 19)) == 0  # still reachable today
    assert cases_deadlines_refresh_lapsed(today=dt.date(2017, 11, 20)) == 1
    case.refresh_from_db()
    assert (case.next_deadline_kind, case.next_deadline_on) == ("next_follow_up", dt.date(2017, 12, 7))
    assert cases_deadlines_refresh_lapsed(today=dt.date(2017, 11, 20)) == 0  # a second run changes nothing


def test_recording_the_reassessment_decision_moves_the_next_deadline_on():
    case = CaseFactory(first_absence_day=HH_FIRST_DAY, category=1, status="open")
    ConversationFactory(case=case, held_on=dt.date(2017, 10, 12))
    case_deadlines_refresh(case=case, today=dt.date(2018, 3, 5))
    case.refresh_from_db()
    assert case.next_deadline_kind == "reassessment"
    Case.objects.filter(pk=case.pk).update(reassessment_decided_on=dt.date(2018, 2, 26))
    case.refresh_from_db()
    case_deadlines_refresh(case=case, today=dt.date(2018, 3, 5))
    case.refresh_from_db()
    assert case.next_deadline_kind == ""
