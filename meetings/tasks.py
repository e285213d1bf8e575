"""Celery tasks: adapters that fetch by id and call a service."""

from celery import shared_task

from meetings import services


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_meeting_invitations(meeting_id: int) -> bool:
    return services.meeting_invitations_send(meeting_id=meeting_id)


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_meeting_cancellation(meeting_id: int) -> bool:
    return services.meeting_cancellation_send(meeting_id=meeting_id)
