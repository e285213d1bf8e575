"""The deadline arithmetic of the rulebook: pure functions, dates in and dates out, no database.

Everything counts from D, the first day of absence (domain.md, "Counting weeks"):
- D is day 1 of week 1; week n covers D + 7(n − 1) … D + 7n − 1, so the end of week n is D + 7n − 1 days.
- The absence week of a date X is ((X − D).days // 7) + 1.
- Legal deadlines are calendar deadlines: weekends and Danish public holidays never move them. Holidays are
  used only for bank-day rules (Fast Track's reply within 2 bank days) and for reminders that must fire while
  a working day remains (`last_working_day_before`).

The rule set's parameters arrive as a plain `Rules` value built from a `visitation.models.RuleSet` row
(`Rules.from_rule_set`), so that a lawyer can read this module and the tests can run it without a database.
The legal source texts are data on the rule set as well: a municipality's lawyer corrects them in the admin.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache

import holidays
from django.utils.translation import gettext_lazy as _

# The kinds of deadline. Stable string constants: stored in Case.next_deadline_kind and Alert.kind.
VISITATION = "visitation"  # the case visited (category decided) by the end of week 7 (SOF intake)
FIRST_FOLLOW_UP = "first_follow_up"  # cat. 2/3: the first follow-up conversation by the end of week 8
NEXT_FOLLOW_UP = "next_follow_up"  # cat. 2/3: the next follow-up conversation at least every 4 weeks
WEEK13_MEASURE = "week13_measure"  # an enterprise-oriented measure started by the end of week 13 (target)
REASSESSMENT = "reassessment"  # revurdering: more than 22 weeks of benefit within 9 months
FAST_TRACK_REPLY = "fast_track_reply"  # the employee answers a Fast Track request within 2 bank days
FAST_TRACK_MEETING = "fast_track_meeting"  # first conversation no later than 2 weeks after the request
AGREEMENT_56_EXPIRY = "agreement_56_expiry"  # a § 56 agreement runs out (renew or let it lapse)
CATEGORY1_AFTER_WEEK8 = "category1_after_week8"  # a cat. 1 case still open after week 8: follow up, re-visit
COMPLAINT_REASSESSMENT = "complaint_reassessment"  # a complaint re-assessed (and sent on) within 4 weeks
EXTENSION_END = "extension_end"  # a § 27 extension runs out: a new decision is needed by then

# Danish labels for the UI (and alerts); translations only, no database.
KIND_LABELS = {
    VISITATION: _("Visitation (senest uge 7)"),
    FIRST_FOLLOW_UP: _("1. opfølgningssamtale"),
    NEXT_FOLLOW_UP: _("Senere opfølgningssamtale"),
    WEEK13_MEASURE: _("Virksomhedsrettet indsats (uge 13)"),
    REASSESSMENT: _("Revurdering"),
    FAST_TRACK_REPLY: _("Svar på Fast track"),
    FAST_TRACK_MEETING: _("Samtale efter Fast track"),
    AGREEMENT_56_EXPIRY: _("§ 56-aftale udløber"),
    CATEGORY1_AFTER_WEEK8: _("Kategori 1 åben efter uge 8: opfølgning og revisitation"),
    COMPLAINT_REASSESSMENT: _("Klage: genvurdering (4 uger)"),
    EXTENSION_END: _("§ 27-forlængelse udløber"),
}


def kind_label(kind: str) -> str:
    return KIND_LABELS.get(kind, kind)


# Targets that can no longer be met once their day has passed: a missed week-13 target stays in the case's
# deadline table as missed, but no longer blocks the next deadline that can still be met.
LAPSING_KINDS = frozenset({WEEK13_MEASURE})

# Order used to break ties between deadlines due on the same day (the more urgent obligation first).
KINDS = (
    COMPLAINT_REASSESSMENT,
    FAST_TRACK_REPLY,
    FAST_TRACK_MEETING,
    VISITATION,
    FIRST_FOLLOW_UP,
    CATEGORY1_AFTER_WEEK8,
    NEXT_FOLLOW_UP,
    WEEK13_MEASURE,
    REASSESSMENT,
    EXTENSION_END,
    AGREEMENT_56_EXPIRY,
)

# Default legal source texts, used when a rule set leaves a text empty. Verified against sygedagpengeloven as
# consolidated (LBK 1179 of 21/09/2023): § 13 b, stk. 1 (first follow-up by the end of week 8, cat. 2/3),
# § 13 b, stk. 2 (Fast Track: first conversation within 2 weeks of the request).
DEFAULT_LEGAL_SOURCES = {
    VISITATION: "SOF-modellen: visitation senest i uge 7 (sygedagpengeloven § 12, stk. 1)",
    FIRST_FOLLOW_UP: "sygedagpengeloven § 13 b, stk. 1",
    NEXT_FOLLOW_UP: "sygedagpengeloven § 13 b, stk. 1 (opfølgning mindst hver 4. uge)",
    WEEK13_MEASURE: "SOF-projektets mål: virksomhedsrettet indsats senest i uge 13",
    REASSESSMENT: "sygedagpengeloven § 24, stk. 1 (revurdering), forlængelse efter § 27",
    FAST_TRACK_REPLY: "sygedagpengeloven §§ 7 c–7 e (svar inden 2 bankdage)",
    FAST_TRACK_MEETING: "sygedagpengeloven § 13 b, stk. 2",
    AGREEMENT_56_EXPIRY: "sygedagpengeloven § 56",
    CATEGORY1_AFTER_WEEK8: "sygedagpengeloven § 12, stk. 1 (revisitation af kategori 1 efter uge 8)",
    # The paragraph of retssikkerhedsloven was not confirmed here; Ankestyrelsen's guidance was.
    COMPLAINT_REASSESSMENT: "Ankestyrelsen: genvurdering og videresendelse senest 4 uger efter modtagelsen",
    EXTENSION_END: "sygedagpengeloven § 27, stk. 1 (forlængelsens udløb: ny afgørelse senest da)",
}
# The municipality re-assesses a complaint, and sends it on unless it changed the decision, within 4 weeks.
COMPLAINT_REASSESSMENT_WEEKS = 4

# The grounds for extending benefit beyond the re-assessment date (sygedagpengeloven § 27, stk. 1, nr. 1–7).
# Stable codes, stored in ReassessmentDecision.extension_ground (cases.models.ExtensionGround: the labels).
EXTENSION_REHABILITATION = "revalidering"  # nr. 1: revalidering likely
EXTENSION_WORK_ABILITY = "arbejdsevne"  # nr. 2: work ability to be clarified, up to 69 weeks
EXTENSION_TREATMENT = "behandling"  # nr. 3: in or awaiting medical treatment, within 134 weeks
EXTENSION_REHABILITATION_TEAM = "rehabiliteringsteam"  # nr. 4: the case goes to the rehabilitation team
EXTENSION_LIFE_THREATENING = "livstruende"  # nr. 5: life-threatening, serious illness
EXTENSION_WORK_INJURY = "arbejdsskade"  # nr. 6: a work-injury claim is pending
EXTENSION_DISABILITY_PENSION = "foertidspension"  # nr. 7: an application for disability pension
EXTENSION_GROUNDS = (
    EXTENSION_REHABILITATION,
    EXTENSION_WORK_ABILITY,
    EXTENSION_TREATMENT,
    EXTENSION_REHABILITATION_TEAM,
    EXTENSION_LIFE_THREATENING,
    EXTENSION_WORK_INJURY,
    EXTENSION_DISABILITY_PENSION,
)

# The ground a first follow-up conversation held after its deadline may be given: the person's condition
# (hospitalised) made it impossible on time. The deadline stays late; the figures show these apart.
LATE_FOR_CONDITION = "tilstand"
LATE_GROUND_LABELS = {
    LATE_FOR_CONDITION: _("Borgerens tilstand gjorde samtalen umulig i tide (indlagt)"),
}

# The absence week by whose end the SOF model wants the case visited and handed to the follow-up team.
VISITATION_WEEK = 7


# ---------------------------------------------------------------------------------------------------------
# Counting weeks


def end_of_week(first_absence_day: dt.date, week: int) -> dt.date:
    """The last day of absence week `week`: D + 7·week − 1 days (end of week 8 = D + 55)."""
    return first_absence_day + dt.timedelta(days=7 * week - 1)


def absence_week(first_absence_day: dt.date, day: dt.date) -> int:
    """The absence week `day` falls in; D itself is in week 1 (days before D give week 0 or less)."""
    return (day - first_absence_day).days // 7 + 1


def add_months(day: dt.date, months: int) -> dt.date:
    """Calendar months forward (or back when negative); the 31st becomes the month's last day."""
    month_index = day.year * 12 + day.month - 1 + months
    year, month = divmod(month_index, 12)
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def end_of_month(day: dt.date) -> dt.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


# ---------------------------------------------------------------------------------------------------------
# Danish holidays: working days (reminders) and bank days (Fast Track's reply)


@cache
def _public_holidays(year: int) -> frozenset[dt.date]:
    # `holidays` knows that Store Bededag is no longer a holiday from 2024.
    return frozenset(holidays.DK(years=year))


@cache
def _bank_closing_days(year: int) -> frozenset[dt.date]:
    """Days Danish banks are closed besides weekends and public holidays: Grundlovsdag (5 June), Christmas
    Eve, New Year's Eve and the Friday after Ascension Day (Finans Danmark's list of bank holidays)."""
    extra = {dt.date(year, 6, 5), dt.date(year, 12, 24), dt.date(year, 12, 31)}
    for day, name in holidays.DK(years=year).items():
        if name == "Ascension Day":
            extra.add(day + dt.timedelta(days=1))
    return _public_holidays(year) | frozenset(extra)


def is_working_day(day: dt.date) -> bool:
    """Monday to Friday and not a Danish public holiday."""
    return day.weekday() < 5 and day not in _public_holidays(day.year)


def is_bank_day(day: dt.date) -> bool:
    return day.weekday() < 5 and day not in _bank_closing_days(day.year)


# Memoised: the deadline sweep asks this for every open case (tens of thousands of rows sharing a few hundred
# due dates); the answer depends only on the date and the holiday calendar (docs/benchmarks.md).
@lru_cache(maxsize=65_536)
def last_working_day_before(day: dt.date, *, inclusive: bool = True) -> dt.date:
    """The last working day on or before `day` (strictly before when `inclusive=False`).

    For reminders: a deadline falling on Sunday 15 October 2017 must be acted on by Friday 13 October.
    The deadline itself does not move."""
    candidate = day if inclusive else day - dt.timedelta(days=1)
    while not is_working_day(candidate):
        candidate -= dt.timedelta(days=1)
    return candidate


def add_bank_days(day: dt.date, bank_days: int) -> dt.date:
    """The date `bank_days` bank days after `day` (the day itself does not count)."""
    candidate = day
    remaining = bank_days
    while remaining > 0:
        candidate += dt.timedelta(days=1)
        if is_bank_day(candidate):
            remaining -= 1
    return candidate


# ---------------------------------------------------------------------------------------------------------
# Inputs and outputs


@dataclass(frozen=True)
class Rules:
    """A rule set's parameters as plain values (see visitation.models.RuleSet for their meaning)."""

    name: str = "SOF 2017"
    effective_from: dt.date = dt.date(2014, 1, 1)
    category_3_exists: bool = True
    first_follow_up_week: int = 8
    follow_up_interval_weeks: int = 4
    measure_week: int = 13
    employer_period_days: int = 30
    reassessment_benefit_weeks: int = 22
    reassessment_window_months: int = 9
    fast_track_request_weeks: int = 5
    fast_track_meeting_weeks: int = 2
    fast_track_reply_bank_days: int = 2
    agreement_56_years: int = 2
    recovery_only_follow_up: bool = False
    # § 27, stk. 1, nr. 2 and 3: the longest extensions, in weeks counted from the re-assessment date.
    extension_work_ability_weeks: int = 69
    extension_treatment_weeks: int = 134
    legal_sources: dict[str, str] = field(default_factory=dict, compare=False, hash=False)

    PARAMETERS = (
        "name",
        "effective_from",
        "category_3_exists",
        "first_follow_up_week",
        "follow_up_interval_weeks",
        "measure_week",
        "employer_period_days",
        "reassessment_benefit_weeks",
        "reassessment_window_months",
        "fast_track_request_weeks",
        "fast_track_meeting_weeks",
        "fast_track_reply_bank_days",
        "agreement_56_years",
        "recovery_only_follow_up",
        "extension_work_ability_weeks",
        "extension_treatment_weeks",
    )

    @classmethod
    def from_rule_set(cls, rule_set) -> Rules:
        """Copy a RuleSet row (or anything with the same attributes) into plain values."""
        values = {name: getattr(rule_set, name) for name in cls.PARAMETERS}
        sources = {}
        for kind in KINDS:
            text = getattr(rule_set, f"source_{kind}", "")
            if text:
                sources[kind] = text
        return cls(**values, legal_sources=sources)

    def legal_source(self, kind: str) -> str:
        return self.legal_sources.get(kind) or DEFAULT_LEGAL_SOURCES[kind]

    @property
    def allowed_categories(self) -> tuple[int, ...]:
        return (1, 2, 3) if self.category_3_exists else (1, 2)


@dataclass(frozen=True)
class Absence:
    """An earlier sick-leave absence of the same person (another case), for the re-assessment rule."""

    first_absence_day: dt.date
    last_day: dt.date | None  # the closing date; None while the case is still open
    employed: bool = True


@dataclass(frozen=True)
class CaseFacts:
    """What the rules need to know about one case. Dates are None when the thing has not happened."""

    first_absence_day: dt.date
    rules: Rules
    category: int | None = None
    employed: bool = True
    visited_on: dt.date | None = None  # first visitation decision (category first set)
    first_conversation_on: dt.date | None = None
    # The days of the conversations held after the first one, ascending, each day once.
    later_conversations_on: Sequence[dt.date] = ()
    first_measure_on: dt.date | None = None  # first enterprise-oriented measure counting for week 13, started
    first_measure_planned_on: dt.date | None = None  # …registered ahead: planned, not yet started
    closed_on: dt.date | None = None
    fast_track_requested_on: dt.date | None = None
    fast_track_answered_on: dt.date | None = None
    agreement_56_expires_on: dt.date | None = None
    expected_full_recovery_on: dt.date | None = None  # § 13 f (2025): follow-up only on recovery
    first_meeting_planned_on: dt.date | None = None
    reassessment_decided_on: dt.date | None = None  # § 27 extension or transition decided (§ 24)
    # The standby scheme (seriously ill: exempt from conversations and offers) from, and until when it ended.
    standby_from: dt.date | None = None
    standby_until: dt.date | None = None
    earlier_absences: Sequence[Absence] = ()
    # The first conversation's ground for being late (LATE_FOR_CONDITION or ""), shown with the late deadline.
    first_conversation_late_ground: str = ""
    # The day the current § 27 extension runs to (None: none, or a ground that runs until an event).
    extension_until: dt.date | None = None
    # Complaints against decisions: (received on, re-assessed and sent on / changed on, or None).
    complaints: Sequence[tuple[dt.date, dt.date | None]] = ()


@dataclass(frozen=True)
class Deadline:
    kind: str
    due_on: dt.date
    legal_source: str
    done_on: dt.date | None = None
    # When the thing is booked but not yet done (the first meeting in the booker's calendar).
    planned_on: dt.date | None = None
    absence_week: int = 0  # the absence week of due_on (0 when unknown)
    # Why it was done late (the first conversation: LATE_FOR_CONDITION); set only when it was late. The state
    # stays "late": a ground explains the delay, it does not make the deadline met.
    late_ground: str = ""

    @property
    def is_done(self) -> bool:
        return self.done_on is not None

    @property
    def done_in_time(self) -> bool:
        return self.done_on is not None and self.done_on <= self.due_on

    def days_left(self, today: dt.date) -> int:
        """Days until the deadline; negative when overdue."""
        return (self.due_on - today).days

    def state(self, today: dt.date) -> str:
        """met (done in time), late (done after the deadline), open, or overdue."""
        if self.done_on is not None:
            return "met" if self.done_on <= self.due_on else "late"
        return "overdue" if today > self.due_on else "open"

    @property
    def label(self) -> str:
        return kind_label(self.kind)

    @property
    def late_ground_label(self) -> str:
        return str(LATE_GROUND_LABELS.get(self.late_ground, self.late_ground))


# ---------------------------------------------------------------------------------------------------------
# The rules


def employer_period_end(first_absence_day: dt.date, rules: Rules) -> dt.date:
    """The last day of the employer period: 30 calendar days from D, not extended by holidays."""
    return first_absence_day + dt.timedelta(days=rules.employer_period_days - 1)


def benefit_start(first_absence_day: dt.date, rules: Rules, *, employed: bool) -> dt.date:
    """The first day the municipality pays benefit: day 31 for the employed, D for the unemployed."""
    if employed:
        return employer_period_end(first_absence_day, rules) + dt.timedelta(days=1)
    return first_absence_day


def _benefit_days_in_window(periods: Iterable[tuple[dt.date, dt.date]], start: dt.date, end: dt.date) -> int:
    total = 0
    for period_start, period_end in periods:
        overlap = (min(period_end, end) - max(period_start, start)).days + 1
        if overlap > 0:
            total += overlap
    return total


def reassessment_due(
    first_absence_day: dt.date,
    rules: Rules,
    *,
    employed: bool = True,
    closed_on: dt.date | None = None,
    earlier_absences: Sequence[Absence] = (),
) -> dt.date | None:
    """The re-assessment date (sygedagpengeloven § 24): the end of the calendar month in which benefit
    (excluding the employer period) has been paid for more than 22 weeks within the preceding 9 months.

    Earlier absences of the same person count with their own benefit periods. None when the case closes
    before the limit is passed. The open case is assumed to go on."""
    limit_days = rules.reassessment_benefit_weeks * 7
    own_start = benefit_start(first_absence_day, rules, employed=employed)
    horizon = own_start + dt.timedelta(days=limit_days)  # the own case alone passes the limit by then
    own_end = closed_on or horizon
    periods = [(own_start, own_end)]
    for absence in earlier_absences:
        if absence.first_absence_day >= first_absence_day:
            continue  # only earlier absences count
        start = benefit_start(absence.first_absence_day, rules, employed=absence.employed)
        end = absence.last_day or first_absence_day - dt.timedelta(days=1)
        end = min(end, first_absence_day - dt.timedelta(days=1))
        if end >= start:
            periods.append((start, end))
    day = own_start
    while day <= min(own_end, horizon):
        window_start = add_months(day, -rules.reassessment_window_months) + dt.timedelta(days=1)
        if _benefit_days_in_window(periods, window_start, day) > limit_days:
            return end_of_month(day)
        day += dt.timedelta(days=1)
    return None


def fast_track_applies(first_absence_day: dt.date, requested_on: dt.date | None, rules: Rules) -> bool:
    """A Fast Track request counts when made no later than 5 weeks after D (§ 7 c)."""
    if requested_on is None:
        return False
    return (
        first_absence_day
        <= requested_on
        <= first_absence_day + dt.timedelta(days=7 * rules.fast_track_request_weeks)
    )


def first_meeting_due(
    first_absence_day: dt.date, fast_track_requested_on: dt.date | None, rules: Rules
) -> dt.date:
    """When the first follow-up conversation must be held: by the end of week 8 (§ 13 b, stk. 1) or, after a
    Fast Track request that counts, within 2 weeks of it (§ 13 b, stk. 2) — whichever comes first. The
    booker books against this one date."""
    due = end_of_week(first_absence_day, rules.first_follow_up_week)
    if fast_track_applies(first_absence_day, fast_track_requested_on, rules):
        due = min(due, fast_track_requested_on + dt.timedelta(weeks=rules.fast_track_meeting_weeks))
    return due


def follow_up_only_on_recovery(facts: CaseFacts) -> bool:
    """§ 13 f (2025 rule set): an employed person expected fully back before the end of week 13 counted from
    the first follow-up conversation is followed up only on recovery."""
    rules = facts.rules
    if not (rules.recovery_only_follow_up and facts.employed):
        return False
    if facts.first_conversation_on is None or facts.expected_full_recovery_on is None:
        return False
    return facts.expected_full_recovery_on <= end_of_week(facts.first_conversation_on, 13)


def in_standby(facts: CaseFacts, day: dt.date) -> bool:
    """Whether the standby scheme covers `day` (from its first day until it ended, or open-ended)."""
    if facts.standby_from is None or day < facts.standby_from:
        return False
    return facts.standby_until is None or day <= facts.standby_until


def follow_up_due_in_standby(facts: CaseFacts, due_on: dt.date) -> dt.date | None:
    """A follow-up that falls due while the standby scheme lasts is not required (None while it lasts); when
    it has ended, the follow-up counts from the day it ended. The re-assessment is not moved: only
    conversations and offers are exempt."""
    if not in_standby(facts, due_on):
        return due_on
    if facts.standby_until is None:
        return None
    return facts.standby_until + dt.timedelta(weeks=facts.rules.follow_up_interval_weeks)


def later_follow_ups(facts: CaseFacts) -> list[tuple[dt.date, dt.date | None]]:
    """The later follow-up conversations (§ 13 b, stk. 1: at least every four weeks after the first), as
    (due on, held on) pairs: each is due one interval after the conversation before it and is met (or held
    late) by the next conversation; the last is open. None under § 13 f's follow-up only on recovery.

    Standby: a follow-up that falls due while standby lasts is not required when the next conversation was
    held before standby ended (or standby still lasts); otherwise it is due one interval after standby ended
    (`follow_up_due_in_standby`). So a standby period moves at most one follow-up, and no two share a day."""
    if facts.first_conversation_on is None or follow_up_only_on_recovery(facts):
        return []
    interval = dt.timedelta(weeks=facts.rules.follow_up_interval_weeks)
    series = []
    previous = facts.first_conversation_on
    for held_on in (*facts.later_conversations_on, None):
        due_on = previous + interval
        previous = held_on
        not_required = (
            in_standby(facts, due_on)
            and held_on is not None
            and (facts.standby_until is None or held_on <= facts.standby_until)
        )
        due_on = None if not_required else follow_up_due_in_standby(facts, due_on)
        if due_on is not None:
            series.append((due_on, held_on))
    return series


def first_conversation_would_be_late(facts: CaseFacts, held_on: dt.date) -> bool:
    """Whether a conversation held on `held_on` is the case's first follow-up conversation (none earlier or on
    the same day) and held after its deadline, the end of week 8 (§ 13 b, stk. 1): only then may it be given
    a ground for being late."""
    if facts.first_conversation_on is not None and facts.first_conversation_on <= held_on:
        return False
    return held_on > end_of_week(facts.first_absence_day, facts.rules.first_follow_up_week)


def extension_max_weeks(ground: str, rules: Rules) -> int | None:
    """The longest extension a § 27 ground allows, in weeks from the re-assessment date: nr. 2 (work ability
    to be clarified) 69 weeks, nr. 3 (in or awaiting treatment) 134 weeks; None for the grounds that run
    until an event (rehabilitation, the rehabilitation team, a decision on a claim or a pension) or without a
    limit (life-threatening illness)."""
    return {
        EXTENSION_WORK_ABILITY: rules.extension_work_ability_weeks,
        EXTENSION_TREATMENT: rules.extension_treatment_weeks,
    }.get(ground)


def extension_latest_end(facts: CaseFacts, ground: str) -> dt.date | None:
    """The last day an extension on `ground` may run to: the re-assessment date (revurderingstidspunktet,
    § 24) plus the ground's maximum in weeks. None when the ground has no maximum (or no re-assessment date
    can be computed)."""
    weeks = extension_max_weeks(ground, facts.rules)
    if weeks is None:
        return None
    reassessment_on = reassessment_due(
        facts.first_absence_day,
        facts.rules,
        employed=facts.employed,
        closed_on=facts.closed_on,
        earlier_absences=facts.earlier_absences,
    )
    if reassessment_on is None:
        return None
    return reassessment_on + dt.timedelta(weeks=weeks)


def case_deadlines(facts: CaseFacts) -> list[Deadline]:
    """All deadlines of a case, done and open, sorted by due date. A closed case keeps the deadlines that
    fell due before it closed (met or missed) and drops the open ones that came due later."""
    rules = facts.rules
    first_day = facts.first_absence_day
    found: list[Deadline] = []

    def add(
        kind: str,
        due_on: dt.date,
        done_on: dt.date | None = None,
        planned_on: dt.date | None = None,
        late_ground: str = "",
    ):
        found.append(
            Deadline(
                kind=kind,
                due_on=due_on,
                legal_source=rules.legal_source(kind),
                done_on=done_on,
                planned_on=planned_on if done_on is None else None,
                absence_week=absence_week(first_day, due_on),
                late_ground=late_ground if done_on is not None and done_on > due_on else "",
            )
        )

    # The first conversation also decides the category (§ 12): it completes the visitation.
    visited_on = facts.visited_on or facts.first_conversation_on
    add(VISITATION, end_of_week(first_day, VISITATION_WEEK), done_on=visited_on)

    first_follow_up = end_of_week(first_day, rules.first_follow_up_week)
    if facts.first_conversation_on is None:
        first_follow_up = follow_up_due_in_standby(facts, first_follow_up)
    if first_follow_up is not None:
        add(
            CATEGORY1_AFTER_WEEK8 if facts.category == 1 else FIRST_FOLLOW_UP,
            first_follow_up,
            done_on=facts.first_conversation_on,
            planned_on=facts.first_meeting_planned_on,
            late_ground=facts.first_conversation_late_ground,
        )
    if facts.category != 1:
        for due_on, held_on in later_follow_ups(facts):
            add(NEXT_FOLLOW_UP, due_on, done_on=held_on)
        week13 = end_of_week(first_day, rules.measure_week)
        # Offers and measures are not required in standby either: the week-13 target is dropped when standby
        # covers it (unless a measure had already started).
        if facts.employed and (facts.first_measure_on is not None or not in_standby(facts, week13)):
            add(
                WEEK13_MEASURE,
                week13,
                done_on=facts.first_measure_on,
                planned_on=facts.first_measure_planned_on,
            )

    if fast_track_applies(first_day, facts.fast_track_requested_on, rules):
        requested_on = facts.fast_track_requested_on
        add(
            FAST_TRACK_REPLY,
            add_bank_days(requested_on, rules.fast_track_reply_bank_days),
            done_on=facts.fast_track_answered_on,
        )
        add(
            FAST_TRACK_MEETING,
            requested_on + dt.timedelta(weeks=rules.fast_track_meeting_weeks),
            done_on=facts.first_conversation_on,
            planned_on=facts.first_meeting_planned_on,
        )

    reassessment_on = reassessment_due(
        first_day,
        rules,
        employed=facts.employed,
        closed_on=facts.closed_on,
        earlier_absences=facts.earlier_absences,
    )
    if reassessment_on is not None:
        add(REASSESSMENT, reassessment_on, done_on=facts.reassessment_decided_on)

    if facts.extension_until is not None:
        # Open until a new decision replaces the extension (another extension, or the transition to
        # jobafklaringsforløb, which closes the case) — payment never simply stops.
        add(EXTENSION_END, facts.extension_until)

    if facts.agreement_56_expires_on is not None:
        add(AGREEMENT_56_EXPIRY, facts.agreement_56_expires_on)

    for received_on, done_on in facts.complaints:
        add(
            COMPLAINT_REASSESSMENT,
            received_on + dt.timedelta(weeks=COMPLAINT_REASSESSMENT_WEEKS),
            done_on=done_on,
        )

    if facts.closed_on is not None:
        found = [d for d in found if d.is_done or d.due_on <= facts.closed_on]
    return sorted(found, key=_urgency)


def _urgency(deadline: Deadline) -> tuple[dt.date, int]:
    return deadline.due_on, KINDS.index(deadline.kind)


def next_deadline(
    deadlines: Iterable[Deadline], *, closed: bool = False, today: dt.date | None = None
) -> Deadline | None:
    """The earliest open deadline (overdue ones first); None for a closed case or when nothing is open.

    Given `today`, a lapsing target whose day has passed (the week-13 measure) is skipped: it can no longer
    be met, and the deadlines that still can come first."""
    if closed:
        return None
    open_deadlines = [
        d
        for d in deadlines
        if not d.is_done and not (today is not None and d.kind in LAPSING_KINDS and d.due_on < today)
    ]
    return min(open_deadlines, key=_urgency, default=None)
