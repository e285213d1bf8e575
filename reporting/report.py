"""The report page's content: every figure of domain.md for one selection of cases and one period.

Views, the XLSX/CSV exports and the monthly overview all read this one structure, so the page and the
exports cannot disagree. The number of queries is fixed (it does not grow with cases or months).
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from cases.models import Case
from reporting import figures
from reporting.figures import Period
from reporting.models import Figure, Milestone
from reporting.survival import AT_RISK_WEEKS, at_risk, kaplan_meier, survival_at
from visitation.models import ExceptionReason

SURVIVAL_GROUPS = {
    "workplace": _("Første samtale på arbejdspladsen"),
    "other": _("Øvrige"),
}


@dataclass
class MonthRow:
    period: Period
    numerator: int
    denominator: int
    share: float | None
    target_percent: float | None
    milestone_due_on: dt.date | None

    @property
    def status(self) -> str:
        """'met', 'not_met', 'no_cases' or 'no_milestone' (the page says it in words, not colour alone)."""
        if self.target_percent is None:
            return "no_milestone"
        if self.share is None:
            return "no_cases"
        return "met" if self.share * 100 >= self.target_percent - 1e-9 else "not_met"


def milestone_in_force(milestones: list[Milestone], figure: str, on: dt.date) -> Milestone | None:
    """The latest milestone of the figure due on or before the day (milestones sorted by due date)."""
    found = None
    for milestone in milestones:
        if milestone.figure == figure and milestone.due_on <= on:
            found = milestone
    return found


def _against_milestones(months: list[dict], milestones: list[Milestone], figure: str) -> list[MonthRow]:
    rows = []
    for month in months:
        milestone = milestone_in_force(milestones, figure, month["period"].end)
        rows.append(
            MonthRow(
                period=month["period"],
                numerator=month["numerator"],
                denominator=month["denominator"],
                share=month["share"],
                target_percent=float(milestone.target_percent) if milestone else None,
                milestone_due_on=milestone.due_on if milestone else None,
            )
        )
    return rows


def build_report(
    cases: QuerySet[Case], period: Period, *, today: dt.date, milestones: list[Milestone]
) -> dict:
    """The report's figures; `milestones` sorted by due date (reporting.selectors.milestones_for)."""
    workplace, on_time, workplace_months = figures.workplace_figures(cases, period)
    week13, week13_months = figures.week13_figures(cases, period)
    duration, closing_reasons, closed_days = figures.duration_figures(cases, period)
    one_caseworker, handovers = figures.one_caseworker_figures(cases, period)
    exception_labels = dict(ExceptionReason.objects.values_list("code", "label"))
    as_of = min(period.end, today)
    observations = figures.survival_observations(cases, period, as_of)
    survival = {}
    for group, label in SURVIVAL_GROUPS.items():
        steps = kaplan_meier(observations[group])
        survival[group] = {
            "label": label,
            "cases": len(observations[group]),
            "returned": sum(1 for _, returned in observations[group] if returned),
            "steps": steps,
            "at_risk": [
                {
                    "week": week,
                    "at_risk": at_risk(observations[group], week),
                    "survival": survival_at(steps, week) if observations[group] else None,
                }
                for week in AT_RISK_WEEKS
            ],
        }
    return {
        "period": period,
        "as_of": as_of,
        "workplace_first_meeting": workplace,
        "first_meeting_on_time": on_time,
        "workplace_months": workplace_months,
        "workplace_milestones": _against_milestones(
            workplace_months, milestones, Figure.WORKPLACE_FIRST_MEETING
        ),
        # The figures (and the JSON of formats.md) name reasons by code; people read the catalogue's label.
        "exception_reasons": [
            {"code": code, "label": exception_labels.get(code, code), "cases": count}
            for code, count in workplace["exceptions_by_reason"].items()
        ],
        "week13_measure": week13,
        "week13_milestones": _against_milestones(week13_months, milestones, Figure.WEEK13_MEASURE),
        "duration": duration,
        "closing_reasons": closing_reasons,
        "duration_distribution": figures.duration_distribution(closed_days),
        "one_caseworker": one_caseworker,
        "handovers": handovers,
        "caseload": figures.caseload(cases),
        "flow": figures.flow_figures(cases, period, today),
        "offers": figures.offers_progression(cases, period),
        "survival": survival,
        "punctuality": figures.punctuality_figures(cases, period, today),
        "complaints": figures.complaints_figures(cases, period, today),
        "definitions": figures.DEFINITIONS,
    }
