"""Kaplan–Meier estimate of the share not yet back at work, by absence week (pure, no database).

An observation is (week, returned): the absence week in which the case returned to work (returned=True), or
the last week it was observed without returning (still open, or closed for another reason): censored, not
dropped.
"""

from collections import Counter
from dataclasses import dataclass

AT_RISK_WEEKS = (0, 8, 13, 26, 39, 52)


@dataclass(frozen=True)
class Step:
    week: int
    survival: float  # share not yet back at work after this week
    at_risk: int
    returned: int
    censored: int


def kaplan_meier(observations: list[tuple[int, bool]]) -> list[Step]:
    """One step per week with an event or a censoring, starting at week 0 with everyone at risk. Counts
    each week once (linear in the observations: a department's tens of thousands of cases)."""
    returned = Counter(week for week, event in observations if event)
    censored = Counter(week for week, event in observations if not event)
    at_risk = len(observations)
    steps = [Step(week=0, survival=1.0, at_risk=at_risk, returned=0, censored=0)]
    survival = 1.0
    for week in sorted(returned.keys() | censored.keys()):
        events, dropped = returned[week], censored[week]
        if at_risk:
            survival *= 1 - events / at_risk
        steps.append(Step(week=week, survival=survival, at_risk=at_risk, returned=events, censored=dropped))
        at_risk -= events + dropped
    return steps


def survival_at(steps: list[Step], week: int) -> float:
    value = 1.0
    for step in steps:
        if step.week <= week:
            value = step.survival
    return value


def at_risk(observations: list[tuple[int, bool]], week: int) -> int:
    """Cases still followed (neither returned nor censored) at the start of the week."""
    return sum(1 for w, _ in observations if w >= week)
