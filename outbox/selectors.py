"""Reads for the outbox: dead letters for /healthz and the admin, and whether a message still waits."""

from outbox.models import OutboxMessage


def dead_message_count() -> int:
    return OutboxMessage.objects.filter(status=OutboxMessage.Status.DEAD).count()


def message_waits_for_broker(*, kind: str, object_id: int) -> bool:
    """True when the message was written but could not be handed to the broker (it was down): it is then
    delivered by outbox.redeliver within minutes of the broker being back."""
    return OutboxMessage.objects.filter(
        kind=kind, object_id=object_id, status=OutboxMessage.Status.PENDING, queued_at__isnull=True
    ).exists()
