"""Celery tasks: thin adapters around outbox/services.py (the schedule is CELERY_BEAT_SCHEDULE)."""

from celery import shared_task

from outbox import services


@shared_task(name="outbox.deliver")
def deliver(message_id: int) -> str | None:
    """Handed to the broker when the message's transaction commits."""
    return services.outbox_deliver(message_id=message_id)


@shared_task(name="outbox.redeliver")
def redeliver() -> int:
    """Every minute: pending messages whose next attempt is due (broker was down, a send failed, a worker
    died)."""
    return services.outbox_redeliver()
