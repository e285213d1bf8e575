"""Keeping a case's stored deadlines in step with its facts.

Every service that changes a case or its records calls `case_deadlines_refresh` afterwards, in its own
transaction; nothing else (no signal) writes the stored deadlines. Two things are stored: a CaseDeadline row
per deadline the rulebook computes (open, met, late or missed; the sweep alerts every open one), and the
case's next deadline (`Case.next_deadline_on/kind`, which lists order by)."""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from cases.models import Case, CaseDeadline, Measure
from cases.selectors.deadlines import case_deadlines, cases_deadline_facts
from cases.services.alerts import case_alerts_resolve_met
from visitation.deadlines import LAPSING_KINDS, WEEK13_MEASURE, Deadline, next_deadline
from visitation.deadlines import case_deadlines as compute_deadlines
from visitation.models import RuleSet

State = CaseDeadline.State
# The columns a refresh may change on an existing row (its key is case, kind and due date).
_ROW_FIELDS = ("done_on", "planned_on", "late_ground", "state", "legal_source", "rule_set_id")
# Cases per read and write of their rows (the import and the rebuild): well inside every database's limit
# on the number of parameters of one statement.
_CHUNK = 500


def deadline_state(deadline: Deadline, *, closed: bool, today: dt.date) -> str:
    """The stored state of a computed deadline (pure): met or late once done; missed when it can no longer
    be done (the case closed, or a target that lapses, like the week-13 measure, whose day has passed); open
    otherwise. Only open rows alert."""
    if deadline.done_on is not None:
        return State.MET if deadline.done_on <= deadline.due_on else State.LATE
    if closed or (deadline.kind in LAPSING_KINDS and deadline.due_on < today):
        return State.MISSED
    return State.OPEN


def deadline_rows(
    *, case: Case, deadlines: Iterable[Deadline], today: dt.date
) -> dict[tuple[str, dt.date], CaseDeadline]:
    """The rows a case's computed deadlines are stored as, by (kind, due date). Two deadlines with the same
    key (two complaints received the same day) are one row: open while either is open."""
    rows: dict[tuple[str, dt.date], CaseDeadline] = {}
    for deadline in deadlines:
        key = (deadline.kind, deadline.due_on)
        state = deadline_state(deadline, closed=case.is_closed, today=today)
        if key in rows and state != State.OPEN:
            continue
        rows[key] = CaseDeadline(
            case_id=case.pk,
            kind=deadline.kind,
            due_on=deadline.due_on,
            done_on=deadline.done_on,
            planned_on=deadline.planned_on,
            late_ground=deadline.late_ground,
            state=state,
            legal_source=deadline.legal_source,
            rule_set_id=case.rule_set_id,
        )
    return rows


@dataclass
class RowChanges:
    """What storing the computed rows changed (or, in a check, would change)."""

    created: list[CaseDeadline]
    updated: list[CaseDeadline]
    deleted: list[CaseDeadline]


def _rows_store(
    *, wanted: dict[int, dict[tuple[str, dt.date], CaseDeadline]], write: bool = True
) -> RowChanges:
    """Make the stored rows of the cases in `wanted` (case id → rows by key) equal to it: one read, then only
    what differs is deleted, inserted or updated (nothing is written when nothing moved)."""
    changes = RowChanges([], [], [])
    stored = CaseDeadline.objects.filter(case_id__in=list(wanted))
    seen = set()
    for row in stored:
        key = (row.kind, row.due_on)
        new = wanted[row.case_id].get(key)
        seen.add((row.case_id, key))
        if new is None:
            changes.deleted.append(row)
        elif any(getattr(row, name) != getattr(new, name) for name in _ROW_FIELDS):
            new.pk = row.pk
            changes.updated.append(new)
    changes.created = [
        row for case_id, rows in wanted.items() for key, row in rows.items() if (case_id, key) not in seen
    ]
    if write:
        if changes.deleted:
            CaseDeadline.objects.filter(pk__in=[row.pk for row in changes.deleted]).delete()
        CaseDeadline.objects.bulk_create(changes.created)
        CaseDeadline.objects.bulk_update(changes.updated, _ROW_FIELDS)
    return changes


def _open_keys(rows: dict[tuple[str, dt.date], CaseDeadline]) -> set[tuple[str, dt.date]]:
    return {key for key, row in rows.items() if row.state == State.OPEN}


@transaction.atomic
def case_deadlines_refresh(*, case: Case, today: dt.date | None = None) -> None:
    """Recompute the case's deadlines and store them: its rows (as a difference) and its next deadline, then
    resolve the alerts the change has answered — all in the caller's transaction.

    A week-13 target already missed on `today` (default: today) is stored as missed and skipped for the
    next deadline; `cases_deadlines_refresh_lapsed` moves cases on when a target lapses overnight."""
    today = today or timezone.localdate()
    deadlines = case_deadlines(case=case, today=today)
    rows = deadline_rows(case=case, deadlines=deadlines, today=today)
    _rows_store(wanted={case.pk: rows})
    upcoming = next_deadline(deadlines, closed=case.is_closed, today=today)
    case.next_deadline_on = upcoming.due_on if upcoming else None
    case.next_deadline_kind = upcoming.kind if upcoming else ""
    # update(), not save(): touch only the derived columns, never overwrite a concurrent change to the rest.
    Case.objects.filter(pk=case.pk).update(
        next_deadline_on=case.next_deadline_on, next_deadline_kind=case.next_deadline_kind
    )
    case_alerts_resolve_met(case=case, open_deadlines=_open_keys(rows))


def _refresh_chunk(
    cases: list[Case], *, today: dt.date, rules: dict, write: bool = True
) -> tuple[RowChanges, list[tuple[Case, tuple]], int]:
    """Recompute a chunk of cases (five queries for the facts), store their rows as a difference (unless not
    `write`), and set each case's next deadline in place. Returns the row changes, the cases whose next
    deadline moved with what was stored before, and the number of rows computed."""
    facts = cases_deadline_facts(cases=cases, rules=rules, today=today)
    computed = {case.pk: compute_deadlines(facts[case.pk]) for case in cases}
    wanted = {case.pk: deadline_rows(case=case, deadlines=computed[case.pk], today=today) for case in cases}
    changes = _rows_store(wanted=wanted, write=write)
    moved = []
    for case in cases:
        upcoming = next_deadline(computed[case.pk], closed=case.is_closed, today=today)
        due_on, kind = (upcoming.due_on, upcoming.kind) if upcoming else (None, "")
        if (case.next_deadline_on, case.next_deadline_kind) != (due_on, kind):
            moved.append((case, (case.next_deadline_kind, case.next_deadline_on)))
            case.next_deadline_on, case.next_deadline_kind = due_on, kind
    return changes, moved, sum(len(rows) for rows in wanted.values())


def _rules() -> dict:
    return {rule_set.pk: rule_set.as_rules() for rule_set in RuleSet.objects.all()}


def cases_deadlines_refresh_many(*, cases: list[Case], today: dt.date | None = None) -> int:
    """`case_deadlines_refresh` for many cases at once (the import): the same rules on the same facts, read
    and written in a fixed number of queries per 500 cases (the rule sets; five for the facts; one read of
    the stored rows, at most three writes of those that moved; one bulk update of the cases whose next
    deadline changes). Pass the cases as they now are in the database; their `next_deadline_on/kind` are set
    in place. The import resolves no alerts: its cases are new or changed by a sheet, and the sweep resolves
    what a sheet has answered. Returns the number of cases whose next deadline changed."""
    today = today or timezone.localdate()
    rules = _rules() if cases else {}
    changed = []
    for start in range(0, len(cases), _CHUNK):
        _changes, moved, _rows = _refresh_chunk(cases[start : start + _CHUNK], today=today, rules=rules)
        changed += [case for case, _before in moved]
    # bulk_update() of the derived columns only, as the single-case refresh's update() does.
    Case.objects.bulk_update(changed, ["next_deadline_on", "next_deadline_kind"], batch_size=_CHUNK)
    return len(changed)


@dataclass
class RebuildResult:
    cases: int = 0
    rows: int = 0
    created: int = 0
    updated: int = 0
    deleted: int = 0
    next_changed: int = 0
    examples: list[str] = field(default_factory=list)

    @property
    def differences(self) -> int:
        return self.created + self.updated + self.deleted + self.next_changed

    def add_examples(self, lines: Iterable[str], limit: int = 10) -> None:
        self.examples += list(lines)[: max(0, limit - len(self.examples))]


def cases_deadlines_rebuild(*, check: bool = False, today: dt.date | None = None) -> RebuildResult:
    """Recompute every case's deadline rows and next deadline from its facts and count what differed from
    what is stored (`manage.py deadlines_rebuild`). With `check`, nothing is written: a consistency check.
    Otherwise each chunk of 500 cases is corrected in its own transaction, so a long run holds no lock on
    the whole table."""
    today = today or timezone.localdate()
    rules = _rules()
    result = RebuildResult()
    ids = list(Case.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), _CHUNK):
        with transaction.atomic():
            chunk = list(Case.objects.filter(pk__in=ids[start : start + _CHUNK]).order_by("pk"))
            changes, moved, rows = _refresh_chunk(chunk, today=today, rules=rules, write=not check)
            if not check:
                Case.objects.bulk_update(
                    [case for case, _before in moved], ["next_deadline_on", "next_deadline_kind"]
                )
        result.cases += len(chunk)
        result.rows += rows
        result.created += len(changes.created)
        result.updated += len(changes.updated)
        result.deleted += len(changes.deleted)
        result.next_changed += len(moved)
        result.add_examples(
            f"case {case.pk}: next deadline {kind or '-'} {due_on}, should be "
            f"{case.next_deadline_kind or '-'} {case.next_deadline_on}"
            for case, (kind, due_on) in moved
        )
        for verb, changed_rows in (
            ("missing", changes.created),
            ("differs", changes.updated),
            ("extra", changes.deleted),
        ):
            result.add_examples(
                f"case {row.case_id}: {row.kind} {row.due_on} {row.state} {verb}" for row in changed_rows
            )
    return result


def cases_deadlines_refresh_all(*, rule_set_id: int | None = None) -> int:
    """Recompute the stored deadlines of every open case (optionally only those under one rule set), e.g.
    after an administrator corrected a rule set. One transaction per case, so a long run holds no lock on the
    whole table; returns the number of cases refreshed."""
    cases = Case.objects.filter(status=Case.Status.OPEN).select_related("rule_set").order_by("pk")
    if rule_set_id is not None:
        cases = cases.filter(rule_set_id=rule_set_id)
    count = 0
    for case in cases.iterator(chunk_size=500):
        case_deadlines_refresh(case=case)
        count += 1
    return count


def cases_deadlines_refresh_lapsed(*, today: dt.date | None = None) -> int:
    """Move on the open cases with an open target that lapsed before `today` (stored as missed from now on),
    or an open week-13 target whose planned measure has now started (nightly, CELERY_BEAT_SCHEDULE
    "deadlines-refresh-lapsed"). Selects `< today` / `<= today`, never `==`, so a missed night loses nothing;
    running it twice changes nothing the second time."""
    today = today or timezone.localdate()
    measure_started = Measure.objects.filter(
        case=OuterRef("case_id"), type__counts_for_week_13=True, started_on__lte=today
    )
    due = CaseDeadline.objects.filter(
        Q(kind__in=LAPSING_KINDS, due_on__lt=today) | Q(kind=WEEK13_MEASURE) & Exists(measure_started),
        state=State.OPEN,
        case__status=Case.Status.OPEN,
    )
    cases = Case.objects.filter(pk__in=due.values("case_id")).select_related("rule_set").order_by("pk")
    count = 0
    for case in cases.iterator(chunk_size=500):
        case_deadlines_refresh(case=case, today=today)
        count += 1
    return count
