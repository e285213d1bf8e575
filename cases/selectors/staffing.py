"""Case figures the staff pages show (registered in CasesConfig.ready through staff.hooks, because staff
may not import cases)."""

import datetime as dt

from django.db.models import Count, Q
from django.db.models.functions import Coalesce, TruncMonth

from cases.models import Case


def new_category_2_3_cases_by_month(
    *, municipality, first_month: dt.date, last_month: dt.date
) -> dict[dt.date, int]:
    """Demand for first workplace meetings: employed category 2/3 cases by the month the follow-up team
    received them (first day of absence when no received date), cases registered in error left out."""
    received = Coalesce("received_on", "first_absence_day")
    rows = (
        Case.objects.annotate(received=received)
        .filter(
            Q(team__department__municipality=municipality) | Q(team__isnull=True),
            category__in=[2, 3],
            employer__isnull=False,
            received__gte=first_month,
            received__lt=_next_month(last_month),
        )
        .exclude(closing_reason__excluded_from_figures=True)
        .annotate(month=TruncMonth("received"))
        .values("month")
        .annotate(cases=Count("id"))
    )
    return {row["month"]: row["cases"] for row in rows}


def open_cases_by_consultant(*, staff_members) -> dict[int, int]:
    """Open cases per staff member (by id) where they are the responsible consultant."""
    rows = (
        Case.objects.filter(status=Case.Status.OPEN, consultant__staff__in=staff_members)
        .values("consultant__staff")
        .annotate(cases=Count("id"))
    )
    return {row["consultant__staff"]: row["cases"] for row in rows}


def _next_month(month: dt.date) -> dt.date:
    return (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
