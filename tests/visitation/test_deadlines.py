"""The deadline arithmetic (visitation/deadlines.py): properties and worked examples from the seeds."""

import datetime as dt
from unittest import mock

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from visitation import deadlines as rules_module
from visitation.deadlines import (
    AGREEMENT_56_EXPIRY,
    CATEGORY1_AFTER_WEEK8,
    FAST_TRACK_MEETING,
    FAST_TRACK_REPLY,
    FIRST_FOLLOW_UP,
    NEXT_FOLLOW_UP,
    REASSESSMENT,
    VISITATION,
    WEEK13_MEASURE,
    Absence,
    CaseFacts,
    Rules,
    absence_week,
    add_bank_days,
    case_deadlines,
    end_of_week,
    is_bank_day,
    is_working_day,
    last_working_day_before,
    next_deadline,
    reassessment_due,
)

SOF_2017 = Rules()  # the defaults are the SOF 2017 rule set (visitation/migrations/0002_seed_rulebook.py)
RULES_2025 = Rules(
    name="2025", effective_from=dt.date(2025, 1, 1), category_3_exists=False, recovery_only_follow_up=True
)
HH_FIRST_DAY = dt.date(2017, 8, 21)  # seed 001, case "HH": sick-listed Monday 21 August 2017

# No per-example time limit: the CI machine is shared and slow; the properties, not the speed, are tested.
no_time_limit = settings(deadline=None)

days = st.dates(min_value=dt.date(2014, 1, 1), max_value=dt.date(2035, 12, 31))
weeks = st.integers(min_value=1, max_value=120)
rule_sets = st.sampled_from([SOF_2017, RULES_2025])


def by_kind(found):
    return {deadline.kind: deadline for deadline in found}


# --- Counting weeks -------------------------------------------------------------------------------------


@no_time_limit
@given(first_day=days, week=weeks)
def test_end_of_week_n_is_d_plus_7n_minus_1_and_belongs_to_week_n(first_day, week):
    end = end_of_week(first_day, week)
    assert (end - first_day).days == 7 * week - 1
    assert absence_week(first_day, end) == week
    assert absence_week(first_day, end + dt.timedelta(days=1)) == week + 1


def test_first_absence_day_is_day_1_of_week_1():
    assert absence_week(HH_FIRST_DAY, HH_FIRST_DAY) == 1
    assert end_of_week(HH_FIRST_DAY, 8) == HH_FIRST_DAY + dt.timedelta(days=55)
    assert end_of_week(HH_FIRST_DAY, 13) == HH_FIRST_DAY + dt.timedelta(days=90)


# --- Worked example: case "HH" of seed 001 ---------------------------------------------------------------


def test_case_hh_first_follow_up_due_sunday_15_october_2017_and_met_in_week_8():
    meeting = dt.date(2017, 10, 12)  # the workplace meeting: day 53, week 8
    found = by_kind(
        case_deadlines(
            CaseFacts(
                first_absence_day=HH_FIRST_DAY,
                rules=SOF_2017,
                category=2,
                first_conversation_on=meeting,
            )
        )
    )
    first = found[FIRST_FOLLOW_UP]
    assert first.due_on == dt.date(2017, 10, 15)
    assert first.due_on.weekday() == 6  # a Sunday: the deadline is not moved to a working day
    assert first.absence_week == 8
    assert absence_week(HH_FIRST_DAY, meeting) == 8
    assert (meeting - HH_FIRST_DAY).days + 1 == 53
    assert first.done_on == meeting and first.done_in_time
    assert first.legal_source == "sygedagpengeloven § 13 b, stk. 1"
    # the visitation is done by the first conversation (category decided there), due at the end of week 7
    assert found[VISITATION].due_on == dt.date(2017, 10, 8)
    assert found[VISITATION].done_on == meeting
    # follow up again at least every 4 weeks
    assert found[NEXT_FOLLOW_UP].due_on == dt.date(2017, 11, 9)
    # an enterprise-oriented measure by the end of week 13 (D + 90)
    assert found[WEEK13_MEASURE].due_on == dt.date(2017, 11, 19)
    assert found[WEEK13_MEASURE].absence_week == 13
    # re-assessment: benefit from day 31 (20 Sep 2017); more than 22 weeks (154 days) are passed on
    # 21 Feb 2018, so the re-assessment falls at the end of February 2018
    assert found[REASSESSMENT].due_on == dt.date(2018, 2, 28)
    # the next open deadline is the next follow-up conversation
    assert next_deadline(found.values()).kind == NEXT_FOLLOW_UP


def test_case_hh_before_anything_happened_next_deadline_is_the_visitation_in_week_7():
    found = case_deadlines(CaseFacts(first_absence_day=HH_FIRST_DAY, rules=SOF_2017))
    upcoming = next_deadline(found)
    assert (upcoming.kind, upcoming.due_on) == (VISITATION, dt.date(2017, 10, 8))
    assert [d.kind for d in found] == [VISITATION, FIRST_FOLLOW_UP, WEEK13_MEASURE, REASSESSMENT]


def test_a_planned_first_meeting_is_shown_but_does_not_close_the_deadline():
    planned = dt.date(2017, 10, 12)
    found = by_kind(
        case_deadlines(
            CaseFacts(
                first_absence_day=HH_FIRST_DAY,
                rules=SOF_2017,
                visited_on=dt.date(2017, 9, 20),
                category=2,
                first_meeting_planned_on=planned,
            )
        )
    )
    assert found[FIRST_FOLLOW_UP].planned_on == planned
    assert not found[FIRST_FOLLOW_UP].is_done
    assert next_deadline(found.values()).kind == FIRST_FOLLOW_UP


def test_earlier_case_within_9_months_brings_the_reassessment_forward():
    # The same person was sick from 1 March to 31 July 2017: benefit from 31 March (day 31) to 31 July,
    # 123 days. With HH's benefit from 20 September, 123 + 32 = 155 > 154 days on 21 October 2017.
    earlier = Absence(first_absence_day=dt.date(2017, 3, 1), last_day=dt.date(2017, 7, 31))
    facts = CaseFacts(first_absence_day=HH_FIRST_DAY, rules=SOF_2017, earlier_absences=[earlier])
    assert by_kind(case_deadlines(facts))[REASSESSMENT].due_on == dt.date(2017, 10, 31)
    assert reassessment_due(HH_FIRST_DAY, SOF_2017) == dt.date(2018, 2, 28)


def test_an_absence_more_than_9_months_back_does_not_count():
    long_ago = Absence(first_absence_day=dt.date(2016, 1, 4), last_day=dt.date(2016, 6, 30))
    assert reassessment_due(HH_FIRST_DAY, SOF_2017, earlier_absences=[long_ago]) == dt.date(2018, 2, 28)


def test_unemployed_have_no_employer_period_and_no_week13_workplace_measure():
    found = by_kind(case_deadlines(CaseFacts(first_absence_day=HH_FIRST_DAY, rules=SOF_2017, employed=False)))
    assert WEEK13_MEASURE not in found
    # benefit from D: 154 days passed on D + 154 = 22 January 2018
    assert found[REASSESSMENT].due_on == dt.date(2018, 1, 31)


def test_category_1_still_open_after_week_8_must_be_followed_up_and_revisited():
    found = by_kind(case_deadlines(CaseFacts(first_absence_day=HH_FIRST_DAY, rules=SOF_2017, category=1)))
    assert FIRST_FOLLOW_UP not in found and WEEK13_MEASURE not in found
    assert found[CATEGORY1_AFTER_WEEK8].due_on == dt.date(2017, 10, 15)


def test_a_closed_case_has_no_next_deadline_and_drops_what_fell_due_after_closing():
    facts = CaseFacts(first_absence_day=HH_FIRST_DAY, rules=SOF_2017, closed_on=dt.date(2017, 10, 1))
    found = case_deadlines(facts)
    assert [d.kind for d in found] == []
    assert next_deadline(found, closed=True) is None
    missed = case_deadlines(
        CaseFacts(first_absence_day=HH_FIRST_DAY, rules=SOF_2017, closed_on=dt.date(2017, 11, 1))
    )
    assert [d.kind for d in missed] == [VISITATION, FIRST_FOLLOW_UP]  # missed, kept for the record


def test_fast_track_meeting_two_weeks_after_request_and_reply_in_two_bank_days():
    # Requested Thursday 31 August 2017; two bank days later is Monday 4 September.
    facts = CaseFacts(
        first_absence_day=HH_FIRST_DAY, rules=SOF_2017, fast_track_requested_on=dt.date(2017, 8, 31)
    )
    found = by_kind(case_deadlines(facts))
    assert found[FAST_TRACK_MEETING].due_on == dt.date(2017, 9, 14)
    assert found[FAST_TRACK_MEETING].legal_source == "sygedagpengeloven § 13 b, stk. 2"
    assert found[FAST_TRACK_REPLY].due_on == dt.date(2017, 9, 4)
    assert next_deadline(found.values()).kind == FAST_TRACK_REPLY


def test_a_fast_track_request_later_than_5_weeks_after_d_is_not_fast_track():
    facts = CaseFacts(
        first_absence_day=HH_FIRST_DAY,
        rules=SOF_2017,
        fast_track_requested_on=HH_FIRST_DAY + dt.timedelta(days=36),
    )
    assert FAST_TRACK_MEETING not in by_kind(case_deadlines(facts))


def test_agreement_56_expiry_is_a_deadline():
    facts = CaseFacts(
        first_absence_day=HH_FIRST_DAY, rules=SOF_2017, agreement_56_expires_on=dt.date(2019, 6, 30)
    )
    assert by_kind(case_deadlines(facts))[AGREEMENT_56_EXPIRY].legal_source == "sygedagpengeloven § 56"


# --- The same facts under the 2025 rule set ---------------------------------------------------------------


def test_same_facts_under_2025_rules_give_the_same_calendar_deadlines():
    meeting = dt.date(2017, 10, 12)
    facts = dict(first_absence_day=HH_FIRST_DAY, category=2, first_conversation_on=meeting)
    old = {d.kind: d.due_on for d in case_deadlines(CaseFacts(rules=SOF_2017, **facts))}
    new = {d.kind: d.due_on for d in case_deadlines(CaseFacts(rules=RULES_2025, **facts))}
    assert old == new
    assert RULES_2025.allowed_categories == (1, 2)
    assert SOF_2017.allowed_categories == (1, 2, 3)


def test_section_13f_2025_expected_back_before_week_13_from_first_conversation_no_regular_follow_up():
    meeting = dt.date(2025, 10, 9)
    facts = dict(
        first_absence_day=dt.date(2025, 8, 18),
        category=2,
        first_conversation_on=meeting,
        expected_full_recovery_on=end_of_week(meeting, 13),  # the last day that still counts
    )
    assert NEXT_FOLLOW_UP not in by_kind(case_deadlines(CaseFacts(rules=RULES_2025, **facts)))
    assert NEXT_FOLLOW_UP in by_kind(case_deadlines(CaseFacts(rules=SOF_2017, **facts)))
    later = facts | {"expected_full_recovery_on": end_of_week(meeting, 13) + dt.timedelta(days=1)}
    assert NEXT_FOLLOW_UP in by_kind(case_deadlines(CaseFacts(rules=RULES_2025, **later)))


def test_2025_case_first_follow_up_due_end_of_week_8():
    first_day = dt.date(2025, 8, 18)  # a Monday
    found = by_kind(case_deadlines(CaseFacts(first_absence_day=first_day, rules=RULES_2025)))
    assert found[FIRST_FOLLOW_UP].due_on == dt.date(2025, 10, 12)


# --- Properties ---------------------------------------------------------------------------------------------

# Kinds whose due date is D (or the request / latest conversation) plus a fixed number of calendar days.
CALENDAR_KINDS = {VISITATION, FIRST_FOLLOW_UP, NEXT_FOLLOW_UP, WEEK13_MEASURE, FAST_TRACK_MEETING}


@st.composite
def case_facts(draw):
    first_day = draw(days)
    rules = draw(rule_sets)
    offset = st.integers(min_value=0, max_value=400)

    def maybe_after(start, low=0, high=400):
        shift = draw(st.none() | st.integers(min_value=low, max_value=high))
        return None if shift is None else start + dt.timedelta(days=shift)

    first_conversation = maybe_after(first_day, 0, 120)
    later = []
    if first_conversation is not None:
        gaps = draw(st.lists(st.integers(min_value=1, max_value=60), max_size=6))
        for gap in gaps:
            later.append((later or [first_conversation])[-1] + dt.timedelta(days=gap))
    earlier = []
    if draw(st.booleans()):
        earlier_start = first_day - dt.timedelta(days=draw(st.integers(min_value=2, max_value=500)))
        earlier_end = earlier_start + dt.timedelta(days=draw(offset))
        earlier.append(
            Absence(earlier_start, min(earlier_end, first_day - dt.timedelta(days=1)), draw(st.booleans()))
        )
    return CaseFacts(
        first_absence_day=first_day,
        rules=rules,
        category=draw(st.sampled_from([None, *rules.allowed_categories])),
        employed=draw(st.booleans()),
        visited_on=maybe_after(first_day, 0, 100),
        first_conversation_on=first_conversation,
        later_conversations_on=tuple(later),
        first_measure_on=maybe_after(first_day, 0, 200),
        closed_on=maybe_after(first_day, 0, 600),
        fast_track_requested_on=maybe_after(first_day, 0, 40),
        fast_track_answered_on=maybe_after(first_day, 0, 45),
        agreement_56_expires_on=maybe_after(first_day, 0, 800),
        earlier_absences=earlier,
        first_conversation_late_ground=draw(st.sampled_from(["", rules_module.LATE_FOR_CONDITION])),
        extension_until=maybe_after(first_day, 150, 1200),
    )


def shifted(facts: CaseFacts, days_: int) -> CaseFacts:
    delta = dt.timedelta(days=days_)
    moved = {}
    for name in CaseFacts.__dataclass_fields__:
        value = getattr(facts, name)
        if isinstance(value, dt.date):
            moved[name] = value + delta
    moved["later_conversations_on"] = tuple(day + delta for day in facts.later_conversations_on)
    moved["earlier_absences"] = [
        Absence(a.first_absence_day + delta, a.last_day and a.last_day + delta, a.employed)
        for a in facts.earlier_absences
    ]
    return CaseFacts(**{**facts.__dict__, **moved})


@no_time_limit
@given(facts=case_facts(), shift=st.integers(min_value=-2000, max_value=2000))
def test_calendar_deadlines_move_with_d(facts, shift):
    before = [d for d in case_deadlines(facts) if d.kind in CALENDAR_KINDS]
    after = [d for d in case_deadlines(shifted(facts, shift)) if d.kind in CALENDAR_KINDS]
    assert [d.kind for d in before] == [d.kind for d in after]
    for deadline, moved in zip(before, after, strict=True):
        assert (moved.due_on - deadline.due_on).days == shift
        assert moved.absence_week == deadline.absence_week


@no_time_limit
@given(facts=case_facts())
def test_holidays_never_move_a_legal_deadline(facts):
    """Computed again with a calendar that has no holidays and no weekends, only the bank-day rule (the
    employee's reply to a Fast Track request) may change."""
    # The bank-day rule may legitimately differ, even in whether it is listed (a case closing between the two
    # possible reply days keeps it in one calendar and not in the other): leave it out of the comparison.
    with_holidays = [(d.kind, d.due_on) for d in case_deadlines(facts) if d.kind != FAST_TRACK_REPLY]
    no_days_off = frozenset()
    with (
        mock.patch.object(rules_module, "_public_holidays", lambda year: no_days_off),
        mock.patch.object(rules_module, "_bank_closing_days", lambda year: no_days_off),
        mock.patch.object(rules_module, "is_bank_day", lambda day: True),
    ):
        without = [(d.kind, d.due_on) for d in case_deadlines(facts) if d.kind != FAST_TRACK_REPLY]
    assert with_holidays == without


@no_time_limit
@given(facts=case_facts())
def test_calendar_deadlines_are_fixed_offsets_from_d_whatever_day_they_fall_on(facts):
    found = by_kind(case_deadlines(facts))
    first_day = facts.first_absence_day
    if VISITATION in found:
        assert found[VISITATION].due_on == first_day + dt.timedelta(days=48)
    if FIRST_FOLLOW_UP in found:
        assert found[FIRST_FOLLOW_UP].due_on == first_day + dt.timedelta(days=55)
    if WEEK13_MEASURE in found:
        assert found[WEEK13_MEASURE].due_on == first_day + dt.timedelta(days=90)


@no_time_limit
@given(facts=case_facts())
def test_next_deadline_is_the_earliest_open_one(facts):
    found = case_deadlines(facts)
    upcoming = next_deadline(found)
    open_ones = [d for d in found if not d.is_done]
    if not open_ones:
        assert upcoming is None
    else:
        assert not upcoming.is_done
        assert upcoming.due_on == min(d.due_on for d in open_ones)
    assert next_deadline(found, closed=True) is None


@no_time_limit
@given(first_day=days, rules=rule_sets, earlier_start=st.integers(2, 600), length=st.integers(0, 400))
def test_earlier_absences_never_postpone_the_reassessment(first_day, rules, earlier_start, length):
    start = first_day - dt.timedelta(days=earlier_start)
    end = min(start + dt.timedelta(days=length), first_day - dt.timedelta(days=1))
    alone = reassessment_due(first_day, rules)
    with_earlier = reassessment_due(first_day, rules, earlier_absences=[Absence(start, end)])
    assert with_earlier <= alone
    # the limit is passed at the earliest after more than 22 weeks of benefit in total: never before D
    assert with_earlier >= first_day


@no_time_limit
@given(day=days)
def test_last_working_day_before_is_a_working_day_with_none_after_it(day):
    found = last_working_day_before(day)
    assert found <= day and is_working_day(found)
    between = [found + dt.timedelta(days=n) for n in range(1, (day - found).days + 1)]
    assert not any(is_working_day(d) for d in between)
    assert last_working_day_before(day, inclusive=False) < day


@no_time_limit
@given(day=days, count=st.integers(min_value=1, max_value=10))
def test_add_bank_days_counts_only_bank_days(day, count):
    found = add_bank_days(day, count)
    assert is_bank_day(found)
    span = [day + dt.timedelta(days=n) for n in range(1, (found - day).days + 1)]
    assert sum(is_bank_day(d) for d in span) == count


# --- Danish holidays ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (dt.date(2017, 10, 15), dt.date(2017, 10, 13)),  # HH's deadline, a Sunday: act by Friday
        (dt.date(2017, 12, 26), dt.date(2017, 12, 22)),  # 2nd Christmas Day, Tuesday: Christmas Day before
        (dt.date(2023, 5, 5), dt.date(2023, 5, 4)),  # Store Bededag 2023 was still a holiday
        (dt.date(2024, 4, 26), dt.date(2024, 4, 26)),  # ... and from 2024 it is a working day
        (dt.date(2018, 4, 2), dt.date(2018, 3, 28)),  # Easter Monday: back before Maundy Thursday
    ],
)
def test_last_working_day_before_knows_danish_holidays(day, expected):
    assert last_working_day_before(day) == expected


def test_a_deadline_on_christmas_day_stays_on_christmas_day():
    first_day = dt.date(2017, 12, 25) - dt.timedelta(days=55)
    found = by_kind(case_deadlines(CaseFacts(first_absence_day=first_day, rules=SOF_2017, category=2)))
    assert found[FIRST_FOLLOW_UP].due_on == dt.date(2017, 12, 25)


def test_bank_days_skip_christmas_eve_and_the_friday_after_ascension():
    assert add_bank_days(dt.date(2024, 12, 20), 2) == dt.date(2024, 12, 27)  # Fri → (23rd) → 27th
    assert add_bank_days(dt.date(2024, 5, 8), 1) == dt.date(2024, 5, 13)  # Ascension 9th, bank-closed 10th


def test_a_missed_week13_target_lapses_and_the_next_follow_up_comes_next():
    meeting = dt.date(2017, 10, 12)
    facts = CaseFacts(
        first_absence_day=HH_FIRST_DAY,
        rules=SOF_2017,
        category=2,
        first_conversation_on=meeting,
        later_conversations_on=(dt.date(2017, 11, 30),),
    )
    found = case_deadlines(facts)
    # on the day itself the target can still be met
    assert next_deadline(found, today=dt.date(2017, 11, 19)).kind == WEEK13_MEASURE
    # the day after it has lapsed; it stays in the table as missed
    later = next_deadline(found, today=dt.date(2017, 11, 20))
    assert (later.kind, later.due_on) == (NEXT_FOLLOW_UP, dt.date(2017, 12, 28))
    assert by_kind(found)[WEEK13_MEASURE].state(dt.date(2017, 11, 20)) == "overdue"
    # legal deadlines never lapse: an overdue first follow-up stays the next deadline
    unmet = case_deadlines(CaseFacts(first_absence_day=HH_FIRST_DAY, rules=SOF_2017, visited_on=meeting))
    assert next_deadline(unmet, today=dt.date(2018, 1, 1)).kind == FIRST_FOLLOW_UP


def test_a_reassessment_decision_completes_the_reassessment():
    decided = dt.date(2018, 2, 20)
    facts = CaseFacts(first_absence_day=HH_FIRST_DAY, rules=SOF_2017, reassessment_decided_on=decided)
    reassessment = by_kind(case_deadlines(facts))[REASSESSMENT]
    assert reassessment.done_on == decided and reassessment.state(dt.date(2018, 3, 1)) == "met"


# --- The standby scheme (issue 18): conversations and offers not required, the re-assessment still is -------


def hh_in_standby(**facts) -> dict:
    base = dict(
        first_absence_day=HH_FIRST_DAY,
        rules=SOF_2017,
        category=2,
        visited_on=dt.date(2017, 9, 20),
        first_conversation_on=dt.date(2017, 10, 12),
    )
    return by_kind(case_deadlines(CaseFacts(**{**base, **facts})))


def test_standby_drops_the_follow_up_and_the_week_13_target_but_not_the_re_assessment():
    """Standby-ordningen (borger.dk: seriously ill people need neither conversations nor offers): while it
    lasts no follow-up is due and the week-13 measure target is dropped; the re-assessment (§ 24) stays."""
    normal = hh_in_standby()
    assert normal[NEXT_FOLLOW_UP].due_on == dt.date(2017, 11, 9)
    standby = hh_in_standby(standby_from=dt.date(2017, 10, 20))
    assert NEXT_FOLLOW_UP not in standby and WEEK13_MEASURE not in standby
    assert standby[REASSESSMENT].due_on == normal[REASSESSMENT].due_on


def test_after_standby_the_follow_up_counts_from_the_day_it_ended():
    ended = hh_in_standby(standby_from=dt.date(2017, 10, 20), standby_until=dt.date(2018, 1, 15))
    assert ended[NEXT_FOLLOW_UP].due_on == dt.date(2018, 1, 15) + dt.timedelta(weeks=4)


def test_standby_that_began_after_a_missed_follow_up_does_not_erase_it():
    late = hh_in_standby(standby_from=dt.date(2017, 11, 20))  # the follow-up was due 9 November
    assert late[NEXT_FOLLOW_UP].due_on == dt.date(2017, 11, 9)


def test_standby_before_the_first_conversation_holds_it_back_until_it_ends():
    waiting = hh_in_standby(first_conversation_on=None, standby_from=dt.date(2017, 9, 1))
    assert FIRST_FOLLOW_UP not in waiting
    ended = hh_in_standby(
        first_conversation_on=None,
        standby_from=dt.date(2017, 9, 1),
        standby_until=dt.date(2017, 12, 1),
    )
    assert ended[FIRST_FOLLOW_UP].due_on == dt.date(2017, 12, 29)


# --- The later follow-up conversations, each one (§ 13 b, stk. 1: at least every four weeks) ------------


def hh_follow_ups(later: tuple[dt.date, ...], **facts) -> list[tuple[dt.date, dt.date | None, str]]:
    found = case_deadlines(
        CaseFacts(
            first_absence_day=HH_FIRST_DAY,
            rules=SOF_2017,
            category=2,
            first_conversation_on=dt.date(2017, 10, 12),
            later_conversations_on=later,
            **facts,
        )
    )
    return [(d.due_on, d.done_on, d.state(dt.date(2018, 1, 15))) for d in found if d.kind == NEXT_FOLLOW_UP]


def test_every_later_follow_up_is_due_four_weeks_after_the_conversation_before_it_paragraph_13_b_stk_1():
    """§ 13 b, stk. 1: after the first conversation (12 October) at least every four weeks. Three later
    conversations give four follow-ups: the second conversation came on time, the third 5 days late, the
    fourth on time; the last follow-up is still open."""
    later = (dt.date(2017, 11, 9), dt.date(2017, 12, 12), dt.date(2018, 1, 2))
    assert hh_follow_ups(later) == [
        (dt.date(2017, 11, 9), dt.date(2017, 11, 9), "met"),
        (dt.date(2017, 12, 7), dt.date(2017, 12, 12), "late"),
        (dt.date(2018, 1, 9), dt.date(2018, 1, 2), "met"),
        (dt.date(2018, 1, 30), None, "open"),
    ]
    assert "§ 13 b, stk. 1" in SOF_2017.legal_source(NEXT_FOLLOW_UP)


def test_a_closed_case_keeps_the_follow_ups_it_had_and_drops_the_open_one_due_after_it_closed():
    later = (dt.date(2017, 11, 9),)
    assert hh_follow_ups(later, closed_on=dt.date(2017, 11, 20)) == [
        (dt.date(2017, 11, 9), dt.date(2017, 11, 9), "met")
    ]


def test_standby_moves_one_follow_up_and_excuses_the_conversations_held_while_it_lasted():
    """A follow-up falling due in standby is not required when the next conversation was held before standby
    ended; the first one after it is due four weeks after the day it ended (issue 18; § 13 b, stk. 5's
    wording was not confirmed here)."""
    standby = dict(standby_from=dt.date(2017, 11, 1), standby_until=dt.date(2017, 12, 31))
    later = (dt.date(2017, 11, 20), dt.date(2018, 1, 10), dt.date(2018, 2, 5))
    assert hh_follow_ups(later, **standby) == [
        # due 18 December (in standby), met by the conversation of 10 January → moved to 28 January
        (dt.date(2018, 1, 28), dt.date(2018, 1, 10), "met"),
        (dt.date(2018, 2, 7), dt.date(2018, 2, 5), "met"),
        (dt.date(2018, 3, 5), None, "open"),
    ]
    lasting = dict(standby_from=dt.date(2017, 11, 1))
    assert hh_follow_ups(later, **lasting) == []


@no_time_limit
@given(facts=case_facts(), standby_from=st.none() | days, standby_days=st.none() | st.integers(0, 200))
def test_later_follow_ups_never_share_a_day(facts, standby_from, standby_days):
    """The stored rows are unique per case, kind and due day: the series must never give one day twice."""
    until = (
        None if standby_from is None or standby_days is None else standby_from + dt.timedelta(standby_days)
    )
    facts = CaseFacts(**{**facts.__dict__, "standby_from": standby_from, "standby_until": until})
    due = [d.due_on for d in case_deadlines(facts) if d.kind == NEXT_FOLLOW_UP]
    assert due == sorted(set(due))


def test_a_complaint_is_re_assessed_within_four_weeks_of_its_receipt_ankestyrelsen_guidance():
    """Ankestyrelsen: the authority re-assesses a complaint and, if it upholds the decision, sends it on
    "senest fire uger efter, at den har fået din klage" (the paragraph of retssikkerhedsloven not confirmed
    here). The deadline is met by the change, or by sending it on."""
    received = dt.date(2017, 11, 1)
    open_complaint = CaseFacts(first_absence_day=HH_FIRST_DAY, rules=SOF_2017, complaints=[(received, None)])
    found = [d for d in case_deadlines(open_complaint) if d.kind == rules_module.COMPLAINT_REASSESSMENT]
    assert [(d.due_on, d.done_on) for d in found] == [(dt.date(2017, 11, 29), None)]
    assert "Ankestyrelsen" in found[0].legal_source
    sent = CaseFacts(
        first_absence_day=HH_FIRST_DAY, rules=SOF_2017, complaints=[(received, dt.date(2017, 11, 20))]
    )
    assert all(d.done_in_time for d in case_deadlines(sent) if d.kind == rules_module.COMPLAINT_REASSESSMENT)


# --- Held late for the person's condition (issue 18, part 2) ------------------------------------------------


def hh_first_conversation(held_on: dt.date, **facts) -> CaseFacts:
    return CaseFacts(
        first_absence_day=HH_FIRST_DAY,
        rules=SOF_2017,
        category=2,
        first_conversation_on=held_on,
        **facts,
    )


def test_a_first_conversation_held_late_for_the_persons_condition_stays_late_section_13_b_stk_1():
    """Sygedagpengeloven § 13 b, stk. 1: the first follow-up conversation by the end of week 8 (HH: Sunday
    15 October 2017). Held on 30 October because the person was in hospital: the deadline is still "late"
    (never silently on time), and it carries the ground for the case page and the figures."""
    late = by_kind(
        case_deadlines(
            hh_first_conversation(dt.date(2017, 10, 30), first_conversation_late_ground="tilstand")
        )
    )[FIRST_FOLLOW_UP]
    assert late.state(dt.date(2017, 11, 1)) == "late" and not late.done_in_time
    assert late.late_ground == "tilstand" and "indlagt" in late.late_ground_label
    # A ground on a conversation that was in fact on time is not shown: there is nothing to explain.
    on_time = by_kind(
        case_deadlines(
            hh_first_conversation(dt.date(2017, 10, 15), first_conversation_late_ground="tilstand")
        )
    )[FIRST_FOLLOW_UP]
    assert on_time.state(dt.date(2017, 11, 1)) == "met" and on_time.late_ground == ""


def test_only_a_first_conversation_after_the_end_of_week_8_may_be_given_the_late_ground_section_13_b():
    """§ 13 b, stk. 1: late means after D + 55 (HH: after 15 October 2017), and only the first conversation
    completes that deadline."""
    nothing_yet = CaseFacts(first_absence_day=HH_FIRST_DAY, rules=SOF_2017, category=2)
    would_be_late = rules_module.first_conversation_would_be_late
    assert not would_be_late(nothing_yet, dt.date(2017, 10, 15))  # the last day of week 8: on time
    assert would_be_late(nothing_yet, dt.date(2017, 10, 16))
    had_one = hh_first_conversation(dt.date(2017, 10, 20))
    assert not would_be_late(had_one, dt.date(2017, 11, 20))  # a later conversation is not the first
    assert not would_be_late(had_one, dt.date(2017, 10, 20))  # the same day: the recorded one is first
    assert would_be_late(had_one, dt.date(2017, 10, 18))  # recorded afterwards, but held before it


# --- § 27 extensions (issue 18, part 3) ---------------------------------------------------------------------

HH_REASSESSMENT = dt.date(2018, 2, 28)  # more than 22 weeks of benefit from day 31 (20 Sep 2017): end of Feb


def test_extension_maxima_count_from_the_reassessment_date_section_27_stk_1_nr_2_and_3():
    """Sygedagpengeloven § 27, stk. 1, nr. 2 (work ability to be clarified: "forlænges i op til 69 uger")
    and nr. 3 (in or awaiting treatment: back at work "inden for 134 uger, regnet fra
    revurderingstidspunktet"), both counted here from the re-assessment date (§ 24: HH 28 February 2018).
    The other five grounds run until an event or without a limit: no maximum."""
    facts = CaseFacts(first_absence_day=HH_FIRST_DAY, rules=SOF_2017)
    assert reassessment_due(HH_FIRST_DAY, SOF_2017) == HH_REASSESSMENT
    latest_end = rules_module.extension_latest_end
    assert latest_end(facts, rules_module.EXTENSION_WORK_ABILITY) == HH_REASSESSMENT + dt.timedelta(weeks=69)
    assert latest_end(facts, rules_module.EXTENSION_WORK_ABILITY) == dt.date(2019, 6, 26)
    assert latest_end(facts, rules_module.EXTENSION_TREATMENT) == dt.date(2020, 9, 23)  # + 134 weeks
    for ground in set(rules_module.EXTENSION_GROUNDS) - {
        rules_module.EXTENSION_WORK_ABILITY,
        rules_module.EXTENSION_TREATMENT,
    }:
        assert latest_end(facts, ground) is None, ground
    # The maxima are rule-set data: a municipality's lawyer corrects them in the admin, not in code.
    other = CaseFacts(first_absence_day=HH_FIRST_DAY, rules=Rules(extension_work_ability_weeks=52))
    assert latest_end(other, rules_module.EXTENSION_WORK_ABILITY) == HH_REASSESSMENT + dt.timedelta(weeks=52)


def test_the_extensions_end_is_a_deadline_until_a_new_decision_section_27():
    """§ 27: the extension runs to a day; by then a new decision is needed (payment never simply stops). The
    deadline is the stored end date itself; a case closed before it drops it."""
    until = dt.date(2019, 3, 31)
    facts = CaseFacts(
        first_absence_day=HH_FIRST_DAY,
        rules=SOF_2017,
        reassessment_decided_on=HH_REASSESSMENT,
        extension_until=until,
    )
    found = by_kind(case_deadlines(facts))
    end = found[rules_module.EXTENSION_END]
    assert (end.due_on, end.done_on, end.absence_week) == (until, None, absence_week(HH_FIRST_DAY, until))
    assert "§ 27" in end.legal_source and end.label == "§ 27-forlængelse udløber"
    assert found[REASSESSMENT].done_on == HH_REASSESSMENT
    closed = CaseFacts(**{**facts.__dict__, "closed_on": dt.date(2018, 6, 1)})
    assert rules_module.EXTENSION_END not in by_kind(case_deadlines(closed))
    # Sunday 31 March 2019 stays the deadline: holidays and weekends never move a legal deadline.
    assert until.weekday() == 6
