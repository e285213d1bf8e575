"""A scenario for March 2018 whose every row hits one edge of formats.md §2's definitions.

The expected figures are computed by hand in EXPECTED_MARCH_2018 (not by the code under test).
"""

import datetime as dt

import pytest

from cases.models import CaseException, Conversation
from tests.reporting.factories import (
    CaseExceptionFactory,
    CaseFactory,
    ConversationFactory,
    MeasureFactory,
)
from visitation.models import ExceptionReason, MeasureType

MARCH_2018 = ("2018-03-01", "2018-03-31")
d = dt.date

EXPECTED_MARCH_2018 = {
    "period": {"from": "2018-03-01", "to": "2018-03-31"},
    # A, B, C, D, E, F, K in the denominator; A, B, F, K at the workplace with the employer
    "workplace_first_meeting": {
        "numerator": 4,
        "denominator": 7,
        "share": 0.5714,
        # E (approved, exempting exception) left out of both
        "numerator_not_exempted": 4,
        "denominator_not_exempted": 6,
        "share_not_exempted": 0.6667,
        "exceptions_by_reason": {"indlagt": 1},
    },
    # all but B (first conversation on D + 56)
    "first_meeting_on_time": {"numerator": 6, "denominator": 7, "share": 0.8571},
    # W1, W2, W4, W6, W7, W9 in the denominator; W1, W6, W9 with a counting measure by D + 90
    "week13_measure": {"numerator": 3, "denominator": 6, "share": 0.5},
    # X1 60 days, X2 59, X3 166, X6 10 -> sorted 10, 59, 60, 166 -> median 59.5; X1 and X3 return to work
    "duration": {
        "closed": 4,
        "median_days": 59.5,
        "return_to_work_share": 0.5,
        "closing_reasons": {"barsel": 1, "fleksjob": 1, "opsagt": 1, "rask_eget_job": 1},
    },
}


def _conversation(case, held_on, place=Conversation.Place.WORKPLACE, employer=True):
    return ConversationFactory(case=case, held_on=held_on, place=place, employer_took_part=employer)


@pytest.fixture
def march_2018(db, team):
    """Build the scenario in `team`; returns the cases by their letter."""
    c = {}

    def case(name, **kwargs):
        kwargs.setdefault("team", team)
        c[name] = CaseFactory(**kwargs)
        return c[name]

    def closed_case(name, *, on, reason, **kwargs):
        kwargs.setdefault("team", team)
        c[name] = CaseFactory.closed(on=on, reason=reason, **kwargs)
        return c[name]

    # --- first follow-up conversation in March 2018 -------------------------------------------------
    _conversation(case("A", first_absence_day=d(2018, 1, 15)), d(2018, 3, 11))  # D + 55: on time
    _conversation(case("B", first_absence_day=d(2018, 1, 15)), d(2018, 3, 12))  # D + 56: late
    _conversation(
        case("C", first_absence_day=d(2018, 2, 1)), d(2018, 3, 5), place=Conversation.Place.JOB_CENTRE
    )
    _conversation(
        case("D", first_absence_day=d(2018, 2, 1)), d(2018, 3, 6), employer=False
    )  # employer absent
    _conversation(case("E", first_absence_day=d(2018, 2, 1)), d(2018, 3, 10), place=Conversation.Place.PHONE)
    CaseExceptionFactory(case=c["E"], reason=ExceptionReason.objects.get(code="indlagt"))  # approved, exempts
    _conversation(case("F", first_absence_day=d(2018, 2, 1)), d(2018, 3, 15))
    CaseExceptionFactory(  # only proposed: not an exception yet
        case=c["F"],
        reason=ExceptionReason.objects.get(code="afstand"),
        status=CaseException.Status.PENDING,
        decided_by=None,
        decided_at=None,
    )
    _conversation(case("G", first_absence_day=d(2018, 2, 1), category=1), d(2018, 3, 7))  # category 1
    _conversation(case("H", first_absence_day=d(2018, 2, 1), unemployed=True), d(2018, 3, 7))  # no employer
    _conversation(case("I", first_absence_day=d(2018, 1, 20)), d(2018, 2, 28))  # first one in February
    _conversation(c["I"], d(2018, 3, 20))
    closed_case("J", first_absence_day=d(2018, 2, 1), on=d(2018, 3, 20), reason="fejloprettet")
    _conversation(c["J"], d(2018, 3, 8))
    _conversation(case("K", first_absence_day=d(2018, 2, 10)), d(2018, 3, 31))  # last day of the period
    _conversation(case("L", first_absence_day=d(2018, 2, 10)), d(2018, 4, 1))  # the day after

    # --- end of week 13 (D + 90) in March 2018: D in [01-12-2017, 31-12-2017] -----------------------
    MeasureFactory(case=case("W1", first_absence_day=d(2017, 12, 1)), started_on=d(2018, 3, 1))  # D + 90
    MeasureFactory(case=case("W2", first_absence_day=d(2017, 12, 1)), started_on=d(2018, 3, 2))  # D + 91
    MeasureFactory(
        case=case("W3", first_absence_day=d(2017, 11, 30)), started_on=d(2018, 1, 1)
    )  # D+90 in Feb
    case("W4", first_absence_day=d(2017, 12, 31))  # D + 90 = 31-03-2018, no measure
    closed_case("W5", first_absence_day=d(2017, 12, 10), on=d(2018, 2, 3), reason="rask_eget_job")  # D + 55
    closed_case("W6", first_absence_day=d(2017, 12, 10), on=d(2018, 2, 4), reason="rask_eget_job")  # D + 56
    MeasureFactory(case=c["W6"], started_on=d(2018, 1, 9))
    not_counting = MeasureType.objects.create(code="kursus", label="Kursus", counts_for_week_13=False)
    MeasureFactory(
        case=case("W7", first_absence_day=d(2017, 12, 15)), type=not_counting, started_on=d(2018, 1, 4)
    )
    closed_case("W8", first_absence_day=d(2017, 12, 15), on=d(2018, 3, 30), reason="fejloprettet")
    MeasureFactory(case=c["W8"], started_on=d(2018, 1, 4))
    case("W9", first_absence_day=d(2017, 12, 20), unemployed=True, category=1)
    MeasureFactory(case=c["W9"], started_on=d(2018, 3, 10))  # D + 80

    # --- closed in March 2018 --------------------------------------------------------------------------
    closed_case("X1", first_absence_day=d(2018, 1, 1), on=d(2018, 3, 1), reason="rask_eget_job")  # 60 days
    closed_case("X2", first_absence_day=d(2018, 2, 1), on=d(2018, 3, 31), reason="opsagt")  # 59 days
    closed_case("X3", first_absence_day=d(2017, 10, 1), on=d(2018, 3, 15), reason="fleksjob")  # 166 days
    closed_case("X5", first_absence_day=d(2018, 1, 1), on=d(2018, 4, 1), reason="rask_eget_job")  # April
    closed_case("X6", first_absence_day=d(2018, 3, 1), on=d(2018, 3, 10), reason="barsel")  # 10 days
    return c
