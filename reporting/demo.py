"""Demo milestones: the second demo municipality sets its own targets for the workplace figure, so its
leader's report is measured against them, not against the installation's general (Herning's) milestones."""

import datetime as dt
from decimal import Decimal

from reporting.models import Figure, Milestone
from staff.models import Municipality

RKS_WORKPLACE_TARGETS = [(dt.date(2026, 6, 30), "50"), (dt.date(2026, 12, 31), "60")]


def seed_municipality_milestones() -> int:
    """Idempotent; returns the number of milestones of Ringkøbing-Skjern (0 without the municipality)."""
    rks = Municipality.objects.filter(code=760).first()
    if rks is None:
        return 0
    for due_on, target in RKS_WORKPLACE_TARGETS:
        Milestone.objects.update_or_create(
            municipality=rks,
            figure=Figure.WORKPLACE_FIRST_MEETING,
            due_on=due_on,
            defaults={"target_percent": Decimal(target), "note": "Demo: Ringkøbing-Skjerns egne mål"},
        )
    return len(RKS_WORKPLACE_TARGETS)
