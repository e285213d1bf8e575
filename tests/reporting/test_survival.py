import pytest

from reporting.survival import at_risk, kaplan_meier, survival_at


def test_textbook_example_with_censoring():
    # 5 cases: returned in weeks 3 and 5, one censored in week 4, one returned in week 8, one open at week 10
    observations = [(3, True), (4, False), (5, True), (8, True), (10, False)]
    steps = kaplan_meier(observations)
    assert survival_at(steps, 2) == 1.0
    assert survival_at(steps, 3) == pytest.approx(4 / 5)
    assert survival_at(steps, 4) == pytest.approx(4 / 5)  # a censoring does not lower the curve
    assert survival_at(steps, 5) == pytest.approx(4 / 5 * 2 / 3)  # 3 at risk in week 5, not 4
    assert survival_at(steps, 8) == pytest.approx(4 / 5 * 2 / 3 * 1 / 2)
    assert survival_at(steps, 52) == pytest.approx(4 / 15)  # the open case keeps the curve above zero
    assert [at_risk(observations, w) for w in (0, 4, 8, 13)] == [5, 4, 2, 0]


def test_no_cases_no_curve_below_one():
    assert [step.at_risk for step in kaplan_meier([])] == [0]
    assert survival_at(kaplan_meier([]), 10) == 1.0
