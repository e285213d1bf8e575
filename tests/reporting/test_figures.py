"""The page's figures beyond formats.md §2, each against a small hand-computed scenario."""

import datetime as dt

import pytest

from cases.models import Case, Person
from meetings.models import Meeting
from reporting import figures
from reporting.figures import Period
from reporting.report import build_report
from reporting.selectors import report_cases
from tests.cases.factories import recorder
from tests.factories import StaffMemberFactory
from tests.reporting.factories import (
    AssignmentFactory,
    CaseFactory,
    ConversationFactory,
    OfferFactory,
    PersonFactory,
)

MARCH = Period(dt.date(2018, 3, 1), dt.date(2018, 3, 31))
d = dt.date


def test_one_caseworker_and_handovers(db, consultant, other_consultant):
    # closed in March: one kept by one consultant, one handed over (capacity), one never allocated
    kept = CaseFactory.closed(on=d(2018, 3, 10), consultant=consultant)
    AssignmentFactory(case=kept, consultant=consultant)
    handed = CaseFactory.closed(on=d(2018, 3, 20), consultant=other_consultant)
    AssignmentFactory(case=handed, consultant=consultant, started_on=d(2018, 1, 10), ended_on=d(2018, 3, 2))
    AssignmentFactory.handover(
        case=handed, consultant=other_consultant, started_on=d(2018, 3, 2), reason="kapacitet"
    )
    CaseFactory.closed(on=d(2018, 3, 25), consultant=None)
    # a handover in March of a case still open
    still_open = CaseFactory(consultant=other_consultant)
    AssignmentFactory.handover(
        case=still_open, consultant=other_consultant, started_on=d(2018, 3, 5), reason="jobafklaring"
    )
    figure, handovers = figures.one_caseworker_figures(report_cases(), MARCH)
    assert figure == {"numerator": 1, "denominator": 3, "share": 0.3333}
    assert {row["reason__code"]: row["handovers"] for row in handovers} == {"kapacitet": 1, "jobafklaring": 1}
    drilled = figures.drill_down(report_cases(), MARCH, "handovers", "reason:kapacitet", d(2018, 4, 1))
    assert list(drilled) == [handed]


def test_caseload_against_target(db, consultant):
    consultant.staff.caseload_target = 2
    consultant.staff.save()
    for _ in range(3):
        CaseFactory(consultant=consultant)
    CaseFactory.closed(on=d(2018, 3, 1), consultant=consultant)  # closed: not in the caseload
    other = StaffMemberFactory().user
    CaseFactory(consultant=other)
    rows = {row["consultant_id"]: row for row in figures.caseload(report_cases())}
    assert (
        rows[consultant.pk]["open_cases"],
        rows[consultant.pk]["target"],
        rows[consultant.pk]["over_target"],
    ) == (
        3,
        2,
        True,
    )
    assert (rows[other.pk]["open_cases"], rows[other.pk]["target"], rows[other.pk]["over_target"]) == (
        1,
        45,
        False,
    )


def test_flow_waiting_bands_and_late_intake(db):
    today = d(2018, 3, 20)
    # week-8 deadline D + 55: overdue (D + 55 = 19-03), today (D + 55 = 20-03), in 7 days, in 8 days, later
    CaseFactory(first_absence_day=today - dt.timedelta(days=56))
    CaseFactory(first_absence_day=today - dt.timedelta(days=55))
    CaseFactory(first_absence_day=today - dt.timedelta(days=48))
    CaseFactory(first_absence_day=today - dt.timedelta(days=47))
    CaseFactory(first_absence_day=today - dt.timedelta(days=10))
    ConversationFactory(
        case=CaseFactory(first_absence_day=today - dt.timedelta(days=30))
    )  # had a conversation
    booked = CaseFactory(first_absence_day=today - dt.timedelta(days=30), first_meeting_planned_on=today)
    starts_at = dt.datetime(2018, 3, 20, 10, tzinfo=dt.UTC)
    Meeting.objects.create(
        case=booked,
        consultant=recorder(),
        booked_by=recorder(),
        starts_at=starts_at,
        ends_at=starts_at + dt.timedelta(hours=1),
    )
    CaseFactory(first_absence_day=today - dt.timedelta(days=30), unemployed=True)  # no employer to book
    # Not visited to category 2 or 3 yet: not in the booker's queue, so not "waiting for booking" either.
    CaseFactory(first_absence_day=today - dt.timedelta(days=30), category=None)
    CaseFactory(first_absence_day=today - dt.timedelta(days=30), category=1)
    # intake in March: end of week 7 = D + 48
    CaseFactory(
        first_absence_day=d(2018, 1, 1), received_on=d(2018, 2, 18) + dt.timedelta(days=12), status="closed"
    )
    CaseFactory(
        first_absence_day=d(2018, 1, 20), received_on=d(2018, 3, 9), status="closed"
    )  # D + 48: on time
    CaseFactory(first_absence_day=d(2018, 1, 20), received_on=d(2018, 3, 10), status="closed")  # D + 49: late
    flow = figures.flow_figures(report_cases(), MARCH, today)
    assert flow["waiting"] == 5
    assert flow["bands"] == {"overdue": 1, "within_7_days": 2, "within_14_days": 1, "later": 1}
    assert (flow["received"], flow["late"], flow["late_share"]) == (3, 2, 0.6667)


def test_offers_progression_by_sex_with_respondents(db):
    woman, man = PersonFactory(sex=Person.Sex.FEMALE), PersonFactory(sex=Person.Sex.MALE)
    for start, end in [(3, 7), (5, 5), (6, 4)]:
        OfferFactory(
            case=CaseFactory(person=PersonFactory(sex=Person.Sex.FEMALE)),
            score_start=start,
            score_end=end,
            ended_on=d(2018, 3, 15),
        )
    OfferFactory(
        case=CaseFactory(person=woman), score_start=2, score_end=None, ended_on=d(2018, 3, 15)
    )  # no answer
    OfferFactory(case=CaseFactory(person=man), score_start=2, score_end=8, ended_on=d(2018, 3, 15))
    OfferFactory(
        case=CaseFactory(person=PersonFactory(sex=Person.Sex.MALE)),
        score_start=2,
        score_end=8,
        ended_on=d(2018, 4, 1),
    )  # ended after the period
    rows = {row["sex"]: row for row in figures.offers_progression(report_cases(), MARCH)}
    assert {k: rows["F"][k] for k in ("respondents", "positive", "unchanged", "negative")} == {
        "respondents": 3,
        "positive": 1,
        "unchanged": 1,
        "negative": 1,
    }
    assert rows["F"]["positive_share"] == 0.3333
    assert (rows["M"]["respondents"], rows["M"]["positive_share"], rows["M"]["negative_share"]) == (
        1,
        1.0,
        0.0,
    )


def test_survival_censors_open_cases_and_other_closings(db):
    # first conversation in March, all on D + 40
    def case(first_absence_day, *, workplace=True, closed_on=None, reason="rask_eget_job"):
        if closed_on:
            made = CaseFactory.closed(first_absence_day=first_absence_day, on=closed_on, reason=reason)
        else:
            made = CaseFactory(first_absence_day=first_absence_day)
        ConversationFactory(
            case=made, held_on=first_absence_day + dt.timedelta(days=40), employer_took_part=workplace
        )
        return made

    case(d(2018, 2, 1), closed_on=d(2018, 3, 21))  # returned in week 7 (D + 48)
    case(d(2018, 2, 1))  # open: censored at the end of the period (week 9)
    case(d(2018, 2, 1), closed_on=d(2018, 3, 10), reason="barsel")  # closed otherwise: censored week 6
    case(d(2018, 2, 1), workplace=False, closed_on=d(2018, 4, 30))  # returned after the period: censored
    observations = figures.survival_observations(report_cases(), MARCH, as_of=MARCH.end)
    assert sorted(observations["workplace"]) == [(6, False), (7, True), (9, False)]
    assert observations["other"] == [(9, False)]
    report = build_report(report_cases(), MARCH, today=d(2018, 6, 1), milestones=[])
    at_risk = {row["week"]: row for row in report["survival"]["workplace"]["at_risk"]}
    assert at_risk[8]["at_risk"] == 1 and at_risk[8]["survival"] == pytest.approx(0.5)
    assert at_risk[13]["at_risk"] == 0 and at_risk[13]["survival"] == pytest.approx(0.5)
    assert report["survival"]["other"]["returned"] == 0


def test_fejloprettet_is_left_out_of_every_figure(db, consultant):
    wrong = CaseFactory.closed(
        on=d(2018, 3, 20),
        reason="fejloprettet",
        consultant=consultant,
        first_absence_day=d(2018, 2, 1),
        received_on=d(2018, 3, 30),
    )
    ConversationFactory(case=wrong, held_on=d(2018, 3, 5))
    OfferFactory(case=wrong, ended_on=d(2018, 3, 15))
    AssignmentFactory.handover(
        case=wrong, consultant=consultant, started_on=d(2018, 3, 2), reason="kapacitet"
    )
    report = build_report(report_cases(), MARCH, today=d(2018, 3, 31), milestones=[])
    assert report["workplace_first_meeting"]["denominator"] == 0
    assert report["duration"]["closed"] == 0
    assert report["one_caseworker"]["denominator"] == 0
    assert report["handovers"] == [] and report["offers"] == [] and report["flow"]["received"] == 0
    assert report["survival"]["workplace"]["cases"] == 0
    assert Case.objects.count() == 1


def test_waiting_for_booking_is_one_number_on_the_queue_and_on_the_report(db, booker, leader, team):
    """Issue 14: "Venter på booking" was 38 in the booker's queue and 133 on the leader's report."""
    from meetings.selectors import booking_queue

    today = dt.date.today()
    for category in (2, 3, 2, None, 1):
        CaseFactory(first_absence_day=today - dt.timedelta(days=20), category=category, team=team)
    CaseFactory(first_absence_day=today - dt.timedelta(days=20), unemployed=True, team=team)
    queue = booking_queue(today=today, user=booker)
    report = figures.flow_figures(report_cases(user=leader), Period(today, today), today)
    assert len(queue) == report["waiting"] == 3
