"""Deadline alerts: the sweep that creates them, acknowledging and resolving them, and the e-mail digests.

The sweep (Celery beat, every 15 minutes; `manage.py run_deadline_sweep`) reads stored, indexed columns only
(every open deadline row due within its lead: `due_on <= horizon`, never `== today`, so a missed run loses
nothing; its cost grows with the due rows, not with the open cases), turns them into *signals*
(case, kind, due date, level, recipient) and claims each signal once: the INSERT of an Alert row is the claim,
guarded by the unique constraint alert_once_per_case_kind_due_level and made in its own savepoint, so two
workers or a repeated beat create each alert exactly once. A signal that has gone (deadline met, case closed,
next level reached) resolves its open alert; the rule arithmetic itself stays in visitation/deadlines.py.

Levels of a deadline due on day X (today T):
- due soon: from the N-th working day before X (N admin-set, default 5; § 56 expiry 60 days before,
  re-assessment 4 weeks before), so a working day always remains before a legal deadline;
- due today: from the last working day on or before X (a Sunday deadline is "due today" on Friday);
- overdue: T > X; escalated: T > X + 7 days, sent also to the team leader (the consultant keeps the overdue).

Recipients: the responsible consultant; an unassigned case's alerts have no recipient and belong to the booker
queue of the case's team (every booker of that team sees them); escalations and exception decisions go to the
team leader (a user with the leader role in the case's team's department, the lowest id when several).
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cases import alert_kinds
from cases.models import Alert, AlertDigest, AlertSettings, Case, CaseException, SweepRun
from cases.selectors import alerts as alert_selectors
from outbox.services import outbox_put
from staff.roles import Role
from visitation import deadlines
from visitation.deadlines import is_working_day, last_working_day_before
from visitation.models import RuleSet

logger = logging.getLogger(__name__)

ESCALATION_AFTER_DAYS = 7  # overdue by more than 7 days: the team leader is told as well
EXCEPTION_DECISION_WORKING_DAYS = 5
# Kinds whose "due soon" comes a fixed number of calendar days ahead instead of N working days.
DUE_SOON_CALENDAR_DAYS = {
    deadlines.AGREEMENT_56_EXPIRY: 60,  # the municipality reminds before a § 56 agreement expires
    deadlines.REASSESSMENT: 28,  # "re-assessment in 4 weeks": time to consider a § 27 extension
    deadlines.EXTENSION_END: 28,  # a § 27 extension runs out in 4 weeks: time for the next decision
}
DIGEST = "cases.alert_digest"  # outbox kind, delivered by alert_digest_send (cases/apps.py)
Level = Alert.Level
# The rulebook's deadline kinds: their alerts follow the case's open deadline rows.
_DEADLINE_KINDS = set(deadlines.KINDS)


# --- Working days (the holiday calendar is the rulebook's: visitation.deadlines.is_working_day)


@lru_cache(maxsize=65_536)  # pure; the sweep asks it for every open case (docs/benchmarks.md)
def working_days_before(day: dt.date, count: int) -> dt.date:
    """The `count`-th working day before `day` (the day itself not counted)."""
    for _step in range(count):
        day = last_working_day_before(day, inclusive=False)
    return day


def add_working_days(day: dt.date, count: int) -> dt.date:
    """The `count`-th working day after `day` (the day itself not counted)."""
    for _step in range(count):
        day += dt.timedelta(days=1)
        while not is_working_day(day):
            day += dt.timedelta(days=1)
    return day


def due_soon_from(*, kind: str, due_on: dt.date, lead_working_days: int) -> dt.date:
    if kind in DUE_SOON_CALENDAR_DAYS:
        return due_on - dt.timedelta(days=DUE_SOON_CALENDAR_DAYS[kind])
    return working_days_before(due_on, lead_working_days)


def alert_levels(*, due_on: dt.date, today: dt.date, soon_from: dt.date) -> list[str]:
    """The levels an open deadline has reached today (pure). Past the escalation point the consultant's
    'overdue' stays alongside the leader's 'escalated'."""
    if today > due_on + dt.timedelta(days=ESCALATION_AFTER_DAYS):
        return [Level.OVERDUE, Level.ESCALATED]
    if today > due_on:
        return [Level.OVERDUE]
    if today >= last_working_day_before(due_on):
        return [Level.DUE_TODAY]
    if today >= soon_from:
        return [Level.DUE_SOON]
    return []


# --- Signals: what should exist as an (open) alert today


@dataclass(frozen=True)
class AlertSignal:
    kind: str
    level: str
    due_on: dt.date
    case_id: int | None = None
    recipient_id: int | None = None
    about_user_id: int | None = None

    @property
    def key(self) -> tuple:
        return _key(self.case_id, self.kind, self.due_on, self.level, self.about_user_id)


def _key(case_id, kind, due_on, level, about_user_id) -> tuple:
    if case_id is None:  # one open alert per person and kind (alert_one_open_per_person_kind)
        return ("person", about_user_id, kind)
    return ("case", case_id, kind, due_on, level)


@dataclass
class SweepResult:
    created: int = 0
    resolved: int = 0
    reopened: int = 0
    failed: int = 0
    signals: int = 0


@lru_cache(maxsize=65_536)  # pure; the sweep's due rows share a few hundred due dates
def _levels(kind: str, due_on: dt.date, today: dt.date, lead: int) -> tuple[str, ...]:
    soon_from = due_soon_from(kind=kind, due_on=due_on, lead_working_days=lead)
    return tuple(alert_levels(due_on=due_on, today=today, soon_from=soon_from))


def _deadline_signals(
    *,
    kind: str,
    due_on: dt.date,
    case_id: int,
    consultant_id: int | None,
    department_id: int | None,
    today: dt.date,
    lead: int,
    leaders: dict[int, int],
) -> list[AlertSignal]:
    signals = []
    for level in _levels(kind, due_on, today, lead):
        recipient_id = consultant_id
        if level == Level.ESCALATED:
            recipient_id = leaders.get(department_id) if department_id else None
            if recipient_id is None:
                # No leader to escalate to: the consultant (or the booker queue) keeps it, and it is logged.
                logger.warning("No team leader for case %s: escalation stays with the consultant", case_id)
                recipient_id = consultant_id
        signals.append(
            AlertSignal(kind=kind, level=level, due_on=due_on, case_id=case_id, recipient_id=recipient_id)
        )
    return signals


def _due_deadlines(*, today: dt.date, config: AlertSettings):
    """The open deadline rows that can have reached a level today: due within the lead in working days, or
    within their kind's own lead in calendar days."""
    ahead = {kind: today + dt.timedelta(days=days) for kind, days in DUE_SOON_CALENDAR_DAYS.items()}
    return alert_selectors.deadlines_due_by(
        day=add_working_days(today, config.due_soon_working_days), today=today, ahead=ahead
    )


def alert_signals(
    *, today: dt.date, now: dt.datetime | None = None, config: AlertSettings | None = None
) -> list[AlertSignal]:
    """Every alert that should be open today, read from stored columns (see the module docstring)."""
    config = config or AlertSettings.current()
    lead = config.due_soon_working_days
    leaders = alert_selectors.leaders_by_department()
    signals: list[AlertSignal] = []

    # 1. Every open deadline of an open case that can have reached a level (the rulebook's kinds, stored as
    # CaseDeadline rows): an index range over the due rows, not a pass over the open cases. A lapsing target
    # whose day has passed is missed, not overdue (stored so by the nightly refresh; skipped here until then).
    due = _due_deadlines(today=today, config=config)
    # The case's team's department, or its consultant's while the case has no team.
    for kind, due_on, case_id, consultant_id, team_department, consultant_department in due.values_list(
        "kind",
        "due_on",
        "case_id",
        "case__consultant_id",
        "case__team__department_id",
        "case__consultant__staff__team__department_id",
    ):
        signals += _deadline_signals(
            kind=kind,
            due_on=due_on,
            case_id=case_id,
            consultant_id=consultant_id,
            department_id=team_department or consultant_department,
            today=today,
            lead=lead,
            leaders=leaders,
        )

    # 2. First meeting not booked N working days before the end of week 8 (N admin-set, default 10).
    meeting_lead = config.first_meeting_lead_working_days
    weeks = list(RuleSet.objects.values_list("first_follow_up_week", flat=True)) or [8]
    span = (add_working_days(today, meeting_lead) - today).days
    absence_from = today - dt.timedelta(days=7 * max(weeks) - 1)  # the end of week n is still ahead
    absence_to = today + dt.timedelta(days=span) - dt.timedelta(days=7 * min(weeks) - 1)
    for row in alert_selectors.cases_without_first_meeting(
        absence_from=absence_from, absence_to=absence_to
    ).values("id", "consultant_id", "first_absence_day", "rule_set__first_follow_up_week"):
        end_of_week = deadlines.end_of_week(row["first_absence_day"], row["rule_set__first_follow_up_week"])
        if working_days_before(end_of_week, meeting_lead) <= today <= end_of_week:
            signals.append(
                AlertSignal(
                    kind=alert_kinds.FIRST_MEETING_NOT_BOOKED,
                    level=Level.DUE_SOON,
                    due_on=end_of_week,
                    case_id=row["id"],
                    recipient_id=row["consultant_id"],
                )
            )

    # 3. Exceptions pending a decision more than 5 working days: to the leader who decides.
    now = now or timezone.now()
    for row in alert_selectors.exceptions_pending_since(
        proposed_before=now - dt.timedelta(days=EXCEPTION_DECISION_WORKING_DAYS)
    ).values(
        "case_id", "proposed_at", "case__team__department_id", "case__consultant__staff__team__department_id"
    ):
        decide_by = add_working_days(timezone.localdate(row["proposed_at"]), EXCEPTION_DECISION_WORKING_DAYS)
        department_id = (
            row["case__team__department_id"] or row["case__consultant__staff__team__department_id"]
        )
        leader_id = leaders.get(department_id)
        if today > decide_by and leader_id is not None:
            signals.append(
                AlertSignal(
                    kind=alert_kinds.EXCEPTION_PENDING,
                    level=Level.OVERDUE,
                    due_on=decide_by,
                    case_id=row["case_id"],
                    recipient_id=leader_id,
                )
            )

    # 4. Consultants above their caseload target: one open alert per consultant, to the leader.
    for row in alert_selectors.consultants_above_caseload_target():
        leader_id = leaders.get(row["department_id"])
        if leader_id is not None:
            signals.append(
                AlertSignal(
                    kind=alert_kinds.CASELOAD_ABOVE_TARGET,
                    level=Level.OVERDUE,
                    due_on=today,
                    recipient_id=leader_id,
                    about_user_id=row["user_id"],
                )
            )

    return signals


# --- The sweep


CLAIM_BATCH = 500


def _alert_of(signal: AlertSignal) -> Alert:
    return Alert(
        case_id=signal.case_id,
        kind=signal.kind,
        level=signal.level,
        due_on=signal.due_on,
        recipient_id=signal.recipient_id,
        about_user_id=signal.about_user_id,
    )


def alert_create_once(*, signal: AlertSignal) -> Alert | None:
    """Claim one signal: INSERT its alert in a savepoint; the unique constraints make a second claim (another
    worker, a repeated beat) fail harmlessly. Returns the new alert, or None when it already existed."""
    try:
        with transaction.atomic():
            alert = _alert_of(signal)
            alert.save()
            return alert
    except IntegrityError:
        return None


def alerts_create_once(*, signals: list[AlertSignal]) -> list[Alert]:
    """Claim many signals: one INSERT per batch. A batch that meets an alert created meanwhile (by another
    worker) is rolled back and claimed alert by alert, so each alert is created, and counted, once."""
    created: list[Alert] = []
    for start in range(0, len(signals), CLAIM_BATCH):
        batch = signals[start : start + CLAIM_BATCH]
        try:
            with transaction.atomic():
                created += Alert.objects.bulk_create([_alert_of(signal) for signal in batch])
        except IntegrityError:
            created += [alert for signal in batch if (alert := alert_create_once(signal=signal)) is not None]
    return created


def deadline_sweep(*, now: dt.datetime | None = None) -> SweepResult:
    """One run of the sweep: create the missing alerts, resolve those whose signal has gone, record the run.
    Not one transaction: every batch of new alerts and every change commits on its own, so a worker killed
    halfway loses nothing done and the next run finishes the rest without duplicates."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    run = SweepRun.objects.create(started_at=timezone.now(), as_of=now)
    result = SweepResult()

    config = AlertSettings.current()
    signals = alert_signals(today=today, now=now, config=config)
    result.signals = len(signals)
    wanted = {signal.key: signal for signal in signals}

    # Alerts that exist: every alert of the cases with a signal (resolved ones too: a deadline that is back
    # is reopened, one a person resolved is not created again), and every open alert (those whose signal has
    # gone are resolved below). Both grow with the due deadlines, not with all open cases.
    fields = ("id", "case_id", "kind", "due_on", "level", "about_user_id", "recipient_id", "resolved_at")
    existing: dict[tuple, tuple] = {}
    # The due deadlines' cases in one statement; the few cases of the other signals by their ids.
    other_ids = sorted(
        {signal.case_id for signal in signals if signal.case_id and signal.kind not in _DEADLINE_KINDS}
    )
    reads = [
        Alert.objects.filter(resolved_at__isnull=True),
        Alert.objects.filter(case_id__in=_due_deadlines(today=today, config=config).values("case_id")),
    ] + [
        Alert.objects.filter(case_id__in=other_ids[start : start + CLAIM_BATCH])
        for start in range(0, len(other_ids), CLAIM_BATCH)
    ]
    for alerts in reads:
        for row in alerts.values_list(*fields, "resolved_by_id", named=True):
            existing[_key(row.case_id, row.kind, row.due_on, row.level, row.about_user_id)] = row

    missing = [signal for key, signal in wanted.items() if key not in existing]
    try:
        result.created = len(alerts_create_once(signals=missing))
    except Exception:
        logger.exception("Deadline sweep: creating the new alerts failed")
        result.failed += 1
    for key, signal in wanted.items():
        row = existing.get(key)
        if row is None:
            continue
        try:
            if row.resolved_at is not None and row.resolved_by_id is None:
                # Resolved by an earlier sweep, and the deadline is open again (a correction): reopen it.
                result.reopened += Alert.objects.filter(
                    pk=row.id, resolved_at__isnull=False, resolved_by__isnull=True
                ).update(resolved_at=None)
            elif row.resolved_at is None and row.recipient_id != signal.recipient_id:
                # The case was assigned (or handed over): the open alert follows it.
                Alert.objects.filter(pk=row.id, resolved_at__isnull=True).update(
                    recipient_id=signal.recipient_id
                )
        except Exception:
            logger.exception("Deadline sweep: alert %s failed", key)
            result.failed += 1

    # Signals that have gone: the deadline was met, moved or superseded by the next level, or the case closed
    # (every signal is of an open case, and every open alert was read above).
    gone = [row.id for key, row in existing.items() if row.resolved_at is None and key not in wanted]
    if gone:
        result.resolved += Alert.objects.filter(pk__in=gone, resolved_at__isnull=True).update(resolved_at=now)

    SweepRun.objects.filter(pk=run.pk).update(
        finished_at=timezone.now(), created=result.created, resolved=result.resolved, failed=result.failed
    )
    logger.info(
        "Deadline sweep as of %s: signals=%s created=%s resolved=%s reopened=%s failed=%s",
        now.isoformat(),
        result.signals,
        result.created,
        result.resolved,
        result.reopened,
        result.failed,
    )
    return result


# --- Resolving in the request that did the work


def case_alerts_resolve_met(
    *, case: Case, open_deadlines: set[tuple[str, dt.date]], now: dt.datetime | None = None
) -> int:
    """Resolve the open alerts a change has answered, in the same transaction as the change, so that "Mine
    opgaver" is right when the page comes back (the sweep would do it up to 15 minutes later).
    `open_deadlines` holds the (kind, due date) of the case's open deadlines as just stored: an alert of a
    rulebook kind for any other is answered. Like the sweep, it leaves resolved_by empty: a deadline that
    comes back (a correction) is reopened by the next sweep."""
    now = now or timezone.now()
    open_alerts = Alert.objects.filter(case=case, resolved_at__isnull=True)
    if case.is_closed:
        return open_alerts.update(resolved_at=now)
    answered = Q(kind__in=_DEADLINE_KINDS)
    for kind, due_on in open_deadlines:
        answered &= ~Q(kind=kind, due_on=due_on)
    if case.first_meeting_planned_on is not None:
        answered |= Q(kind=alert_kinds.FIRST_MEETING_NOT_BOOKED)
    if not case.exceptions.filter(status=CaseException.Status.PENDING).exists():
        answered |= Q(kind=alert_kinds.EXCEPTION_PENDING)
    return open_alerts.filter(answered).update(resolved_at=now)


# --- Acknowledge and resolve (Mine opgaver)


@transaction.atomic
def alert_acknowledge(*, alert: Alert, user) -> Alert:
    """Mark as read: the bell stops counting it; it stays on the list until resolved."""
    Alert.objects.filter(pk=alert.pk, read_at__isnull=True).update(read_at=timezone.now())
    alert.refresh_from_db()
    return alert


@transaction.atomic
def alert_resolve(*, alert: Alert, user) -> Alert:
    """Done: off the list. A deadline still open keeps counting: the leader is told 7 days after it."""
    now = timezone.now()
    Alert.objects.filter(pk=alert.pk, resolved_at__isnull=True).update(
        resolved_at=now, resolved_by=user, read_at=alert.read_at or now
    )
    alert.refresh_from_db()
    return alert


# --- E-mail digests: one mail per person per morning, one summary per leader per week


def _digest_recipients(kind: str):
    roles = [Role.LEADER] if kind == AlertDigest.Kind.WEEKLY else [Role.CONSULTANT, Role.BOOKER, Role.LEADER]
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name__in=roles)
        .exclude(email="")
        .distinct()
        .order_by("pk")
    )


@transaction.atomic
def alert_digests_prepare(*, now: dt.datetime | None = None, kind: str = AlertDigest.Kind.DAILY) -> list[int]:
    """Create today's digest rows, each with its outbox message (sent once this commits). Skips Danish
    holidays (and weekends): the next working day's digest covers everything since the last one, so nothing
    is lost."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    if not is_working_day(today):
        logger.info("No %s digest on %s: not a Danish working day", kind, today.isoformat())
        return []
    created = []
    for user in _digest_recipients(kind):
        if AlertDigest.objects.filter(recipient=user, kind=kind, digest_date=today).exists():
            continue
        previous = (
            AlertDigest.objects.filter(recipient=user, kind=kind, digest_date__lt=today)
            .order_by("-digest_date")
            .first()
        )
        digest = AlertDigest(
            recipient=user,
            kind=kind,
            digest_date=today,
            covers_from=previous.covers_until if previous else None,
            covers_until=now,
        )
        if kind == AlertDigest.Kind.DAILY:
            digest.alert_count = alert_selectors.alerts_for_digest(digest=digest).count()
            if digest.alert_count == 0:
                continue  # nothing new: no mail (and the next digest's window starts at the previous one)
        try:
            with transaction.atomic():
                digest.save()
        except IntegrityError:
            continue  # a parallel run made it
        created.append(digest.pk)
        outbox_put(kind=DIGEST, object_id=digest.pk)
    return created


def _absolute(path: str) -> str:
    return settings.SOF_BASE_URL.rstrip("/") + path


def _daily_message(digest: AlertDigest) -> EmailMessage | None:
    alerts = list(alert_selectors.alerts_for_digest(digest=digest))
    if not alerts:
        return None
    # No CPR number, no name and no health information: kind, level, due date, absence week and a link.
    lines = [_("Nye påmindelser om frister: %(count)s") % {"count": len(alerts)}, ""]
    for alert in alerts:
        week = ""
        if alert.case is not None:
            week = " " + _("(uge %(week)s)") % {"week": alert.case.absence_week(alert.due_on)}
        lines.append(
            f"- {alert_kinds.label(alert.kind)}: {alert.get_level_display().lower()}, "
            + _("frist %(date)s") % {"date": f"{alert.due_on:%d-%m-%Y}"}
            + week
        )
    lines += ["", _("Se og kvittér i Mine opgaver: %(url)s") % {"url": _absolute(reverse("cases:my_alerts"))}]
    subject = _("Påmindelser om frister %(date)s") % {"date": f"{digest.digest_date:%d-%m-%Y}"}
    return EmailMessage(subject, "\n".join(lines), settings.DEFAULT_FROM_EMAIL, [digest.recipient.email])


def _weekly_message(digest: AlertDigest) -> EmailMessage:
    leader = digest.recipient
    department_id = (
        type(leader).objects.filter(pk=leader.pk).values_list("staff__team__department_id", flat=True).first()
    )
    open_alerts = Alert.objects.filter(resolved_at__isnull=True).filter(
        Q(case__team__department_id=department_id) | Q(recipient=leader)
    )
    by_level = dict(open_alerts.values_list("level").annotate(n=Count("id")).order_by())
    caseloads = (
        open_alerts.filter(kind=alert_kinds.CASELOAD_ABOVE_TARGET)
        .select_related("about_user")
        .order_by("about_user__first_name")
    )
    pending = open_alerts.filter(kind=alert_kinds.EXCEPTION_PENDING).count()
    last_run = alert_selectors.last_sweep_run()
    week = digest.digest_date.isocalendar().week
    lines = [
        _("Ugeoversigt over frister, uge %(week)s") % {"week": week},
        "",
        _("Overskredne frister: %(count)s") % {"count": by_level.get(Level.OVERDUE, 0)},
        _("Overskredet i mere end 7 dage: %(count)s") % {"count": by_level.get(Level.ESCALATED, 0)},
        _("Forfalder snart eller i dag: %(count)s")
        % {"count": by_level.get(Level.DUE_SOON, 0) + by_level.get(Level.DUE_TODAY, 0)},
        _("Undtagelser, der har ventet på afgørelse i mere end 5 arbejdsdage: %(count)s")
        % {"count": pending},
        "",
        _("Sagsstamme over målet:"),
    ]
    lines += [
        f"- {alert.about_user.get_full_name() or alert.about_user.get_username()}" for alert in caseloads
    ]
    if not caseloads:
        lines.append("- " + _("ingen"))
    lines += [
        "",
        _("Seneste fristkørsel: %(when)s")
        % {"when": f"{timezone.localtime(last_run.started_at):%d-%m-%Y %H:%M}" if last_run else _("aldrig")},
        _("Se og kvittér i Mine opgaver: %(url)s") % {"url": _absolute(reverse("cases:my_alerts"))},
    ]
    subject = _("Ugeoversigt over frister, uge %(week)s") % {"week": week}
    return EmailMessage(subject, "\n".join(lines), settings.DEFAULT_FROM_EMAIL, [leader.email])


def alert_digest_send(*, digest_id: int) -> bool:
    """Send one digest at most once (the outbox's handler). The row is locked (SELECT … FOR UPDATE; SQLite's
    IMMEDIATE transactions serialise writers) and `sent_at` is committed with the send, so a second delivery
    finds it sent. A failed send raises; the outbox records the attempt and tries again with backoff.
    Returns True when a mail went out."""
    with transaction.atomic():
        digest = (
            AlertDigest.objects.select_for_update().select_related("recipient").filter(pk=digest_id).first()
        )
        if digest is None:
            logger.warning("Alert digest %s does not exist (deleted?): nothing to send", digest_id)
            return False
        if digest.sent_at is not None:
            return False
        with translation.override(settings.LANGUAGE_CODE):
            message = (
                _daily_message(digest) if digest.kind == AlertDigest.Kind.DAILY else _weekly_message(digest)
            )
        if message is None:  # everything resolved since the digest was prepared: nothing to say
            digest.sent_at = timezone.now()
            digest.alert_count = 0
            digest.save(update_fields=["sent_at", "alert_count"])
            return False
        message.send(fail_silently=False)
        digest.sent_at = timezone.now()
        digest.save(update_fields=["sent_at"])
        return True
