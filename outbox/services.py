"""Writes for the outbox: put a message in (in the caller's transaction), deliver it, redeliver what is left.

A service that must send something calls `outbox_put()` inside its own transaction. Once that transaction
commits, the message is handed to the broker (`outbox.deliver`); when the broker cannot be reached the error
is logged and nothing else happens: the user's request succeeds and the row stays pending. The beat job
`outbox.redeliver` (every minute) delivers every pending message whose next attempt is due, so a message is
delivered within a few minutes of the broker (or the mail server) being back. After OUTBOX_MAX_ATTEMPTS failed
attempts a message is dead: the administrator sees it in the admin (and can retry it) and /healthz counts it.

Delivery is at least once: the message row is locked while its handler runs and marked sent in the same
transaction, so two workers never deliver it at the same time and a delivered message is never delivered
again; a worker killed between sending and committing leaves it pending, and it is sent again. Handlers are
idempotent where the row they deliver allows it (a meeting's invitations_sent_at, a digest's sent_at).
"""

import datetime as dt
import logging
import time

from celery import current_app
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from outbox.models import OutboxMessage
from outbox.registry import handler_for

logger = logging.getLogger(__name__)

DELIVER_TASK = "outbox.deliver"  # by name: services never import tasks (outbox/tasks.py imports this module)
# The task handed to the broker on commit delivers within seconds; redeliver leaves a message that long first.
FIRST_REDELIVERY_AFTER = dt.timedelta(minutes=2)
MAX_BACKOFF = dt.timedelta(hours=1)
# One redeliver run stops after this many messages or this long, well inside the task's soft time limit
# (CELERY_TASK_SOFT_TIME_LIMIT); the next run a minute later goes on with the rest.
REDELIVER_BATCH = 200
REDELIVER_SECONDS = 120


def backoff(attempts: int) -> dt.timedelta:
    """Wait after the `attempts`-th failed attempt: 1, 2, 4, 8 … minutes, at most an hour."""
    return min(dt.timedelta(minutes=2 ** max(attempts - 1, 0)), MAX_BACKOFF)


def outbox_put(*, kind: str, object_id: int) -> OutboxMessage:
    """Write a message in the caller's transaction and hand it to the broker once that commits."""
    handler_for(kind)  # an unknown kind fails here, in the request, not later in a worker
    message = OutboxMessage(
        kind=kind, object_id=object_id, next_attempt_at=timezone.now() + FIRST_REDELIVERY_AFTER
    )
    message.full_clean()
    message.save()
    transaction.on_commit(lambda: _hand_to_broker(message.pk))
    return message


def _hand_to_broker(message_id: int) -> bool:
    """Runs on commit. A broker that is down must not fail the user's request: the error is logged and the
    row stays pending for outbox.redeliver."""
    try:
        current_app.tasks[DELIVER_TASK].delay(message_id)
    except Exception:
        logger.warning(
            "Outbox message %s could not be handed to the broker; outbox.redeliver will deliver it",
            message_id,
            exc_info=True,
        )
        return False
    OutboxMessage.objects.filter(pk=message_id, queued_at__isnull=True).update(queued_at=timezone.now())
    return True


def _deliver_locked(message: OutboxMessage) -> str:
    """Run the message's handler; the caller holds the row lock. Returns the new status."""
    message.attempts += 1
    try:
        with transaction.atomic():  # a failing handler's writes are undone; the attempt is recorded
            sent = handler_for(message.kind)(message.object_id)
    except Exception as error:  # also Celery's SoftTimeLimitExceeded: a hanging mail server is a failure
        message.last_error = f"{type(error).__name__}: {error}"[:500]
        if message.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
            message.status = OutboxMessage.Status.DEAD
            logger.error(
                "Outbox message %s (%s) is dead after %s attempts", message.pk, message, message.attempts
            )
        else:
            message.next_attempt_at = timezone.now() + backoff(message.attempts)
            logger.warning("Outbox message %s (%s) failed, attempt %s", message.pk, message, message.attempts)
    else:
        message.status = OutboxMessage.Status.SENT if sent else OutboxMessage.Status.SKIPPED
        message.sent_at = timezone.now()
        message.last_error = ""
    message.save(update_fields=["attempts", "status", "next_attempt_at", "last_error", "sent_at"])
    return message.status


def _pending_locked():
    # SKIP LOCKED (PostgreSQL): a message another worker is delivering right now is left to it. SQLite has
    # no row locks; its IMMEDIATE transactions serialise the writers instead.
    return OutboxMessage.objects.select_for_update(skip_locked=True).filter(
        status=OutboxMessage.Status.PENDING
    )


def outbox_deliver(*, message_id: int) -> str | None:
    """Deliver one message if it is still pending and no one else is delivering it. Returns the new status,
    or None when there was nothing to do (already sent, dead, or being delivered by another worker)."""
    with transaction.atomic():
        message = _pending_locked().filter(pk=message_id).first()
        if message is None:
            return None
        return _deliver_locked(message)


def outbox_deliver_next_due() -> str | None:
    """Deliver the oldest pending message whose next attempt is due; None when there is none."""
    with transaction.atomic():
        message = (
            _pending_locked().filter(next_attempt_at__lte=timezone.now()).order_by("next_attempt_at").first()
        )
        if message is None:
            return None
        return _deliver_locked(message)


def outbox_redeliver(*, batch: int = REDELIVER_BATCH, seconds: float = REDELIVER_SECONDS) -> int:
    """The beat job's loop: deliver due messages one at a time until none is due, or the batch or time is
    used up. Returns how many were tried."""
    started = time.monotonic()
    tried = 0
    while tried < batch and time.monotonic() - started < seconds:
        if outbox_deliver_next_due() is None:
            break
        tried += 1
    return tried


@transaction.atomic
def outbox_retry(*, message_ids: list[int]) -> int:
    """The administrator's retry of dead messages: pending again with a fresh count of attempts, handed to
    the broker now. Returns how many were revived."""
    ids = list(
        OutboxMessage.objects.filter(pk__in=message_ids, status=OutboxMessage.Status.DEAD).values_list(
            "pk", flat=True
        )
    )
    OutboxMessage.objects.filter(pk__in=ids).update(
        status=OutboxMessage.Status.PENDING, attempts=0, next_attempt_at=timezone.now(), queued_at=None
    )
    for message_id in ids:
        transaction.on_commit(lambda message_id=message_id: _hand_to_broker(message_id))
    return len(ids)
