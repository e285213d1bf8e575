"""A case's deadlines, computed by the pure rulebook functions from the case's records."""

import datetime as dt

from django.db.models import Min, OuterRef, Q, Subquery
from django.utils import timezone

from cases.models import Case, Complaint, Conversation, Measure, Visitation
from visitation.deadlines import KINDS, Absence, CaseFacts, Deadline, Rules
from visitation.deadlines import case_deadlines as compute_deadlines


def _first(queryset, field: str):
    return Subquery(queryset.order_by(field).values(field)[:1])


def _first_measure(case_ref, **started):
    return Subquery(
        Measure.objects.filter(case=case_ref, type__counts_for_week_13=True, **started)
        .values("case")
        .annotate(first=Min("started_on"))
        .values("first")[:1]
    )


def case_deadline_facts(*, case: Case, today: dt.date | None = None) -> CaseFacts:
    """Gather what the rules need: four queries (the case's dated records in one row, its conversations, the
    person's earlier cases, its complaints), plus one for the rule set unless it is already loaded. A
    measure dated after `today` (default: today) is planned, not started: it meets no deadline until its day
    has come."""
    today = today or timezone.localdate()
    records = (
        Case.objects.filter(pk=case.pk)
        .annotate(
            first_visitation_on=_first(Visitation.objects.filter(case=OuterRef("pk")), "decided_on"),
            first_measure_on=_first_measure(OuterRef("pk"), started_on__lte=today),
            first_measure_planned_on=_first_measure(OuterRef("pk"), started_on__gt=today),
        )
        .values(
            "first_visitation_on",
            "first_measure_on",
            "first_measure_planned_on",
        )
        .get()
    )
    # Earlier absences of the same person count towards the 22 weeks (§ 24); a case registered in error
    # was never an absence.
    earlier = (
        Case.objects.filter(person_id=case.person_id, first_absence_day__lt=case.first_absence_day)
        .exclude(closing_reason__excluded_from_figures=True)
        .values_list("first_absence_day", "closed_on", "employer_id")
    )
    conversations = Conversation.objects.filter(case=case).order_by("held_on", "id")
    records.update(_conversation_facts(list(conversations.values_list("held_on", "late_ground"))))
    records["complaints"] = [_complaint_fact(complaint) for complaint in Complaint.objects.filter(case=case)]
    return _facts(case, records, earlier, case.rule_set.as_rules())


def _conversation_facts(held: list[tuple[dt.date, str]]) -> dict:
    """The first conversation's day and ground for being late, and the days of the later ones (each day once),
    from a case's conversations as (held on, late ground) pairs in the order held (held_on, id)."""
    if not held:
        return {
            "first_conversation_on": None,
            "first_conversation_late_ground": "",
            "later_conversations_on": (),
        }
    first_on, late_ground = held[0]
    return {
        "first_conversation_on": first_on,
        "first_conversation_late_ground": late_ground or "",
        "later_conversations_on": tuple(sorted({day for day, _ground in held if day > first_on})),
    }


def _complaint_fact(complaint: Complaint) -> tuple[dt.date, dt.date | None]:
    return complaint.received_on, complaint.reassessment_done_on


def cases_deadline_facts(
    *, cases: list[Case], rules: dict[int, Rules], today: dt.date | None = None
) -> dict[int, CaseFacts]:
    """The same facts for many cases at once (the import): five queries whatever the number of cases.
    `rules` maps each case's rule_set_id to its plain rules (read the rule sets once)."""
    case_ids = [case.pk for case in cases]
    records: dict[int, dict] = {
        case_id: {
            "first_visitation_on": None,
            "first_measure_on": None,
            "first_measure_planned_on": None,
            "complaints": [],
        }
        for case_id in case_ids
    }
    today = today or timezone.localdate()
    for case_id, first in (
        Visitation.objects.filter(case_id__in=case_ids)
        .values("case_id")
        .annotate(first=Min("decided_on"))
        .values_list("case_id", "first")
    ):
        records[case_id]["first_visitation_on"] = first
    held: dict[int, list[tuple[dt.date, str]]] = {case_id: [] for case_id in case_ids}
    for case_id, held_on, late_ground in (
        Conversation.objects.filter(case_id__in=case_ids)
        .order_by("case_id", "held_on", "id")
        .values_list("case_id", "held_on", "late_ground")
    ):
        held[case_id].append((held_on, late_ground))
    for case_id, conversations in held.items():
        records[case_id].update(_conversation_facts(conversations))
    for case_id, first, planned in (
        Measure.objects.filter(case_id__in=case_ids, type__counts_for_week_13=True)
        .values("case_id")
        .annotate(
            first=Min("started_on", filter=Q(started_on__lte=today)),
            planned=Min("started_on", filter=Q(started_on__gt=today)),
        )
        .values_list("case_id", "first", "planned")
    ):
        records[case_id]["first_measure_on"] = first
        records[case_id]["first_measure_planned_on"] = planned
    for complaint in Complaint.objects.filter(case_id__in=case_ids):
        records[complaint.case_id]["complaints"].append(_complaint_fact(complaint))
    absences_by_person: dict[int, list[tuple]] = {}
    for person_id, first_day, closed_on, employer_id in (
        Case.objects.filter(person_id__in={case.person_id for case in cases})
        .exclude(closing_reason__excluded_from_figures=True)
        .values_list("person_id", "first_absence_day", "closed_on", "employer_id")
        .order_by("first_absence_day", "pk")
    ):
        absences_by_person.setdefault(person_id, []).append((first_day, closed_on, employer_id))
    return {
        case.pk: _facts(
            case,
            records[case.pk],
            [
                absence
                for absence in absences_by_person.get(case.person_id, [])
                if absence[0] < case.first_absence_day
            ],
            rules[case.rule_set_id],
        )
        for case in cases
    }


def _facts(case: Case, records: dict, earlier, rules: Rules) -> CaseFacts:
    visited_on = records["first_visitation_on"]
    if visited_on is None and case.category is not None:
        # Imported or demo cases may carry a category without a recorded visitation.
        visited_on = records["first_conversation_on"] or case.received_on or case.first_absence_day
    return CaseFacts(
        first_absence_day=case.first_absence_day,
        rules=rules,
        category=case.category,
        employed=case.employer_id is not None,
        visited_on=visited_on,
        first_conversation_on=records["first_conversation_on"],
        first_conversation_late_ground=records["first_conversation_late_ground"],
        later_conversations_on=records["later_conversations_on"],
        first_measure_on=records["first_measure_on"],
        first_measure_planned_on=records["first_measure_planned_on"],
        closed_on=case.closed_on,
        fast_track_requested_on=case.fast_track_requested_on,
        fast_track_answered_on=case.fast_track_answered_on,
        agreement_56_expires_on=case.agreement_56_expires_on,
        expected_full_recovery_on=case.expected_full_recovery_on,
        first_meeting_planned_on=case.first_meeting_planned_on,
        reassessment_decided_on=case.reassessment_decided_on,
        standby_from=case.standby_from,
        standby_until=case.standby_until,
        extension_until=case.extension_until,
        earlier_absences=tuple(
            Absence(first_absence_day=first_day, last_day=closed_on, employed=employer_id is not None)
            for first_day, closed_on, employer_id in earlier
        ),
        complaints=tuple(records["complaints"]),
    )


def case_deadlines(*, case: Case, today: dt.date | None = None) -> list[Deadline]:
    """Every deadline of the case, done and open, by due date (for the case page)."""
    return compute_deadlines(case_deadline_facts(case=case, today=today))


def case_deadlines_stored(*, case: Case) -> list[Deadline]:
    """The case's deadlines as stored (CaseDeadline rows, kept in step by cases/services/deadlines.py), by
    due date: one query, for the case page and the API. The same values as `case_deadlines` computes."""
    return [
        Deadline(
            kind=row.kind,
            due_on=row.due_on,
            legal_source=row.legal_source,
            done_on=row.done_on,
            planned_on=row.planned_on,
            late_ground=row.late_ground,
            absence_week=case.absence_week(row.due_on),
        )
        for row in sorted(case.deadlines.all(), key=lambda row: (row.due_on, KINDS.index(row.kind)))
    ]
