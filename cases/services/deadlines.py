import datetime as dt

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from cases.models import Case, Measure
from cases.selectors.deadlines import case_deadlines, cases_deadline_facts
from cases.services.alerts import case_alerts_resolve_met
from visitation.deadlines import LAPSING_KINDS, WEEK13_MEASURE, next_deadline
from visitation.deadlines import case_deadlines as compute_deadlines
from visitation.models import RuleSet


@transaction.atomic
def case_deadlines_refresh(*, case: Case, today: dt.date | None = None) -> None:
    """Recompute and store the case's next deadline (date and kind). Every service that changes a case or its
    records calls this afterwards; nothing else (no signal) keeps the stored columns up to date.

    A week-13 target already missed on `today` (default: today) is skipped for the next deadline (it stays
    on the case page as missed); `cases_deadlines_refresh_lapsed` moves cases on when a target lapses."""
    today = today or timezone.localdate()
    upcoming = next_deadline(case_deadlines(case=case, today=today), closed=case.is_closed, today=today)
    case.next_deadline_on = upcoming.due_on if upcoming else None
    case.next_deadline_kind = upcoming.kind if upcoming else ""
    # update(), not save(): touch only the derived columns, never overwrite a concurrent change to the rest.
    Case.objects.filter(pk=case.pk).update(
        next_deadline_on=case.next_deadline_on, next_deadline_kind=case.next_deadline_kind
    )
    case_alerts_resolve_met(case=case)


def cases_deadlines_refresh_many(*, cases: list[Case], today: dt.date | None = None) -> int:
    """`case_deadlines_refresh` for many cases at once (the import): the same rules on the same facts, read
    in a fixed number of queries (the rule sets, four for the facts of the open cases, one bulk update of
    the cases whose stored deadline changes), whatever the number of cases. Pass the cases as they now are
    in the database; their `next_deadline_on/kind` are set in place. Returns the number of cases whose
    stored deadline changed."""
    if not cases:
        return 0
    today = today or timezone.localdate()
    # A closed case has no next deadline (next_deadline(closed=True)): no facts to read or rules to run.
    open_cases = [case for case in cases if not case.is_closed]
    facts = {}
    if open_cases:
        rules = {rule_set.pk: rule_set.as_rules() for rule_set in RuleSet.objects.all()}
        facts = cases_deadline_facts(cases=open_cases, rules=rules, today=today)
    changed = []
    for case in cases:
        upcoming = (
            None
            if case.is_closed
            else next_deadline(compute_deadlines(facts[case.pk]), closed=False, today=today)
        )
        due_on, kind = (upcoming.due_on, upcoming.kind) if upcoming else (None, "")
        if (case.next_deadline_on, case.next_deadline_kind) != (due_on, kind):
            case.next_deadline_on, case.next_deadline_kind = due_on, kind
            changed.append(case)
    # bulk_update() of the derived columns only, as the single-case refresh's update() does.
    Case.objects.bulk_update(changed, ["next_deadline_on", "next_deadline_kind"])
    return len(changed)


def cases_deadlines_refresh_all(*, rule_set_id: int | None = None) -> int:
    """Recompute the stored next deadline of every open case (optionally only those under one rule set),
    e.g. after an administrator corrected a rule set. One transaction per case, so a long run holds no lock
    on the whole table; returns the number of cases refreshed."""
    cases = Case.objects.filter(status=Case.Status.OPEN).select_related("rule_set").order_by("pk")
    if rule_set_id is not None:
        cases = cases.filter(rule_set_id=rule_set_id)
    count = 0
    for case in cases.iterator(chunk_size=500):
        case_deadlines_refresh(case=case)
        count += 1
    return count


def cases_deadlines_refresh_lapsed(*, today: dt.date | None = None) -> int:
    """Move on the open cases whose stored next deadline is a target that lapsed before `today`, or the
    week-13 target whose planned measure has now started (nightly, CELERY_BEAT_SCHEDULE
    "deadlines-refresh-lapsed"). Selects `< today` / `<= today`, never `==`, so a missed night loses nothing;
    running it twice changes nothing the second time."""
    today = today or timezone.localdate()
    measure_started = Measure.objects.filter(
        case=OuterRef("pk"), type__counts_for_week_13=True, started_on__lte=today
    )
    cases = Case.objects.filter(
        Q(next_deadline_kind__in=LAPSING_KINDS, next_deadline_on__lt=today)
        | Q(next_deadline_kind=WEEK13_MEASURE, next_deadline_on__isnull=False) & Exists(measure_started),
        status=Case.Status.OPEN,
    ).select_related("rule_set")
    count = 0
    for case in cases.iterator(chunk_size=500):
        case_deadlines_refresh(case=case, today=today)
        count += 1
    return count
