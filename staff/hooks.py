"""Figures the staff pages show but do not own: they come from the case data, which lives in `cases`.

`cases` is to the right of `staff` in the one-way dependency order, so `staff` never imports it. Instead the
app that owns the figure registers a function here at start-up (in its AppConfig.ready), and the staff pages
show the figure when one is registered and leave the column out when none is:

    from staff import hooks
    hooks.first_meeting_demand_register(new_category_2_3_cases_by_month)
    hooks.caseload_register(open_cases_by_consultant)
"""

from collections.abc import Callable
from datetime import date

# (municipality, first month, last month) -> {first day of a month: new category 2/3 cases that month}
DemandSource = Callable[..., dict[date, int]]
# (staff members) -> {staff member id: open cases where they are the responsible consultant}
CaseloadSource = Callable[..., dict[int, int]]

_demand_sources: list[DemandSource] = []
_caseload_sources: list[CaseloadSource] = []


def first_meeting_demand_register(source: DemandSource) -> None:
    if source not in _demand_sources:
        _demand_sources.append(source)


def first_meeting_demand_unregister(source: DemandSource) -> None:
    if source in _demand_sources:
        _demand_sources.remove(source)


def caseload_register(source: CaseloadSource) -> None:
    if source not in _caseload_sources:
        _caseload_sources.append(source)


def caseload_unregister(source: CaseloadSource) -> None:
    if source in _caseload_sources:
        _caseload_sources.remove(source)


def first_meeting_demand(*, municipality, first_month: date, last_month: date) -> dict[date, int] | None:
    """New category 2/3 cases per month from the registered source (the last one wins), or None."""
    if not _demand_sources:
        return None
    return _demand_sources[-1](municipality=municipality, first_month=first_month, last_month=last_month)


def caseload(*, staff_members: list) -> dict[int, int] | None:
    """Open cases per staff member id from the registered source, or None."""
    if not _caseload_sources:
        return None
    return _caseload_sources[-1](staff_members=staff_members)
