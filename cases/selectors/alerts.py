"""Reads for deadline alerts: what the sweep looks at, and who sees which alert.

Who sees an alert: its recipient; an alert without recipient belongs to the booker queue (unassigned
cases), so every booker who may open its case (cases/selectors/access.py: their department's) sees it.
"""

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone

from cases import alert_kinds
from cases.models import Alert, AlertDigest, Case, CaseDeadline, CaseException, Conversation, SweepRun
from cases.selectors.access import cases_visible_to
from staff.models import StaffMember
from staff.roles import Role, roles_of
from visitation.deadlines import LAPSING_KINDS


def _visible_q(user: AbstractBaseUser) -> Q:
    visible = Q(recipient=user)
    if Role.BOOKER in roles_of(user):
        # The team queue's alerts on the cases the booker may open (cases/selectors/access.py).
        visible |= Q(recipient__isnull=True, case__in=cases_visible_to(user))
    return visible


def alert_list_for_user(*, user: AbstractBaseUser, include_resolved: bool = False) -> QuerySet[Alert]:
    """'Mine opgaver': the alerts the user must act on, what is most urgent first."""
    alerts = Alert.objects.filter(_visible_q(user))
    if not include_resolved:
        alerts = alerts.filter(resolved_at__isnull=True)
    return alerts.select_related("case__person", "case__employer", "case__consultant", "about_user").order_by(
        "due_on", "case_id", "kind", "level"
    )


def alert_consultant(alert: Alert):
    """Whose work the alert is about: the case's responsible consultant, or the consultant a caseload alert
    names; None for a case nobody holds yet."""
    return alert.case.consultant if alert.case_id else alert.about_user


@dataclass(frozen=True)
class AlertGroup:
    kind: str
    label: str
    consultant_id: int | None
    consultant_name: str
    count: int
    overdue: int


def alert_groups(alerts: list[Alert]) -> list[AlertGroup]:
    """The alerts summed up by kind and consultant, the largest group first: a leader's escalations come from
    many consultants' cases, and 32 rows of the same kind say less than "Revurdering · Karen · 32"."""
    counts, overdue, names = Counter(), Counter(), {}
    for alert in alerts:
        consultant = alert_consultant(alert)
        key = (alert.kind, consultant.pk if consultant else None)
        counts[key] += 1
        overdue[key] += alert.is_overdue
        names[key] = (consultant.get_full_name() or consultant.get_username()) if consultant else ""
    groups = []
    for key, count in counts.items():
        kind, consultant_id = key
        groups.append(
            AlertGroup(kind, alert_kinds.label(kind), consultant_id, names[key], count, overdue[key])
        )
    return sorted(groups, key=lambda group: (-group.count, group.label, group.consultant_name))


def alert_unread_count(*, user: AbstractBaseUser) -> int:
    """The bell: unresolved alerts the user has not acknowledged."""
    return Alert.objects.filter(_visible_q(user), resolved_at__isnull=True, read_at__isnull=True).count()


def alert_get_for_user(*, user: AbstractBaseUser, alert_id: int) -> Alert | None:
    return Alert.objects.filter(_visible_q(user), pk=alert_id).first()


def alerts_for_digest(*, digest: AlertDigest) -> QuerySet[Alert]:
    """The alerts a daily digest mails: visible to its recipient, created in its window, still open."""
    alerts = Alert.objects.filter(
        _visible_q(digest.recipient), created_at__lt=digest.covers_until, resolved_at__isnull=True
    )
    if digest.covers_from is not None:
        alerts = alerts.filter(created_at__gte=digest.covers_from)
    return alerts.select_related("case").order_by("due_on", "case_id", "kind", "level")


# --- What the sweep reads (all on stored, indexed columns; `<=`, never `==`, so a missed run loses nothing).


def deadlines_due_by(*, day: dt.date, today: dt.date, ahead: dict[str, dt.date]) -> QuerySet[CaseDeadline]:
    """Open deadlines of open cases due on or before `day`, or, for the kinds in `ahead`, on or before their
    own later day (index deadline_open_by_due: a range up to the latest day), except lapsing targets whose day
    has passed (missed, not overdue)."""
    due = Q(due_on__lte=day)
    for kind, last_day in ahead.items():
        due |= Q(kind=kind, due_on__lte=last_day)
    return (
        CaseDeadline.objects.filter(
            state=CaseDeadline.State.OPEN,
            due_on__lte=max([day, *ahead.values()]),
            case__status=Case.Status.OPEN,
        )
        .filter(due)
        .exclude(kind__in=LAPSING_KINDS, due_on__lt=today)
    )


def cases_without_first_meeting(*, absence_from: dt.date, absence_to: dt.date) -> QuerySet[Case]:
    """Open cases with an employer, not (yet) category 1, no first meeting booked and no conversation held,
    whose first day of absence lies in [absence_from, absence_to] (index case_by_first_absence_day)."""
    return (
        Case.objects.filter(
            status=Case.Status.OPEN,
            employer__isnull=False,
            first_meeting_planned_on__isnull=True,
            first_absence_day__gte=absence_from,
            first_absence_day__lte=absence_to,
        )
        .exclude(category=1)
        .exclude(Exists(Conversation.objects.filter(case=OuterRef("pk"))))
    )


def exceptions_pending_since(*, proposed_before: dt.datetime) -> QuerySet[CaseException]:
    """Exceptions still waiting for a decision, proposed before a moment (index exception_pending)."""
    return CaseException.objects.filter(
        status=CaseException.Status.PENDING, proposed_at__lt=proposed_before, case__status=Case.Status.OPEN
    )


def consultants_above_caseload_target() -> QuerySet[Case]:
    """Consultants with more open cases than their caseload target: rows of `user_id`, `department_id`,
    `open_cases` and `caseload_target`."""
    # One count over the open cases, grouped by consultant (a HAVING against their target), not a count per
    # staff member: that ran the consultant's whole history through their index twice per person (40 ms of
    # the sweep's 150 at 100k cases). A consultant without a staff record has no target: NULL fails HAVING.
    return (
        Case.objects.filter(
            status=Case.Status.OPEN,
            consultant__is_active=True,
            consultant__groups__name=Role.CONSULTANT,
        )
        .order_by()
        .values(
            user_id=F("consultant_id"),
            department_id=F("consultant__staff__team__department_id"),
            caseload_target=F("consultant__staff__caseload_target"),
        )
        .annotate(open_cases=Count("*"))
        .filter(open_cases__gt=F("caseload_target"))
    )


def leaders_by_department() -> dict[int, int]:
    """The team leader per department: the first active user with the leader role (lowest id, stable)."""
    leaders: dict[int, int] = {}
    rows = (
        StaffMember.objects.filter(user__is_active=True, user__groups__name=Role.LEADER, team__isnull=False)
        .order_by("user_id")
        .values_list("team__department_id", "user_id")
    )
    for department_id, user_id in rows:
        leaders.setdefault(department_id, user_id)
    return leaders


def last_sweep_run() -> SweepRun | None:
    return SweepRun.objects.order_by("-started_at").first()


SWEEP_LATE_AFTER = dt.timedelta(hours=1)


def sweep_is_late(*, now: dt.datetime | None = None) -> bool:
    """True when no deadline sweep has started within the last hour (or none ever ran)."""
    last = last_sweep_run()
    return last is None or last.started_at < (now or timezone.now()) - SWEEP_LATE_AFTER
