"""Ranking consultants for a case's first meeting. Pure: the selector gathers the facts, this weighs them.

Seed 002: Herning chose by fixed company contact, industry knowledge and caseload; Vejle by fixed company
contact, distance to the workplace and free calendar time. All five count here, and every point a consultant
gets is explained to the booker in words.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

CONTACT_POINTS = 40
INDUSTRY_POINTS_PER_CASE = 3
INDUSTRY_POINTS_MAX = 15
DISTANCE_POINTS_MAX = 20
DISTANCE_ZERO_AT_KM = 100
CASELOAD_POINTS_MAX = 20
FREE_TIME_POINTS_MAX = 15
FREE_SLOTS_FOR_FULL_POINTS = 10
NO_TIME_PENALTY = -100


@dataclass
class Suggestion:
    consultant: object
    is_contact_consultant: bool
    industry_cases: int
    distance_km: float | None
    open_cases: int
    caseload_target: int
    free_slots: list[dt.datetime]  # the first few free start times to offer as buttons
    free_slot_count: int  # free hour slots before the deadline
    is_owner: bool = False  # the case's responsible consultant: always first (the SOF model's one consultant)
    late_slots: frozenset = frozenset()  # the shown slots that lie after the deadline
    score: float = 0
    reasons: list[str] = field(default_factory=list)


def _km(value: float) -> str:
    return f"{value:.0f}".replace(".", ",")


def score(suggestion: Suggestion, *, deadline: dt.date) -> tuple[float, list[str]]:
    points = 0.0
    reasons = []
    if suggestion.is_contact_consultant:
        points += CONTACT_POINTS
        reasons.append(_("Fast kontaktkonsulent for virksomheden"))
    if suggestion.industry_cases:
        points += min(INDUSTRY_POINTS_MAX, INDUSTRY_POINTS_PER_CASE * suggestion.industry_cases)
        reasons.append(
            ngettext(
                "Erfaring fra branchen: %(n)d sag",
                "Erfaring fra branchen: %(n)d sager",
                suggestion.industry_cases,
            )
            % {"n": suggestion.industry_cases}
        )
    if suggestion.distance_km is not None:
        points += DISTANCE_POINTS_MAX * max(0.0, 1 - suggestion.distance_km / DISTANCE_ZERO_AT_KM)
        reasons.append(_("%(km)s km fra arbejdspladsen") % {"km": _km(suggestion.distance_km)})
    else:
        reasons.append(_("Afstand ukendt"))
    target = max(1, suggestion.caseload_target)
    points += CASELOAD_POINTS_MAX * max(0.0, min(1.0, (target - suggestion.open_cases) / target))
    reasons.append(
        _("Sagsstamme %(open)d af %(target)d")
        % {"open": suggestion.open_cases, "target": suggestion.caseload_target}
    )
    if suggestion.free_slot_count:
        points += FREE_TIME_POINTS_MAX * min(1.0, suggestion.free_slot_count / FREE_SLOTS_FOR_FULL_POINTS)
        reasons.append(
            ngettext(
                "%(n)d ledig time før fristen %(deadline)s",
                "%(n)d ledige timer før fristen %(deadline)s",
                suggestion.free_slot_count,
            )
            % {"n": suggestion.free_slot_count, "deadline": deadline.strftime("%d-%m-%Y")}
        )
    else:
        points += NO_TIME_PENALTY
        reasons.append(
            _("Ingen ledig tid før fristen %(deadline)s") % {"deadline": deadline.strftime("%d-%m-%Y")}
        )
    return round(points, 1), reasons


def rank(suggestions: list[Suggestion], *, deadline: dt.date) -> list[Suggestion]:
    """The case's own consultant first, whatever the points (one consultant from start to finish); the
    others by points, for a case nobody holds yet or a handover."""
    for suggestion in suggestions:
        suggestion.score, suggestion.reasons = score(suggestion, deadline=deadline)
    return sorted(suggestions, key=lambda s: (not s.is_owner, -s.score, s.open_cases, s.consultant.pk))
