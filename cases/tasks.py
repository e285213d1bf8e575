"""Celery tasks: thin adapters around cases/services/alerts.py (the schedule is CELERY_BEAT_SCHEDULE)."""

from celery import shared_task
from django.utils import timezone

from cases.models import AlertDigest
from cases.services import alerts as alert_services
from cases.services.deadlines import cases_deadlines_refresh_lapsed


@shared_task(name="cases.deadline_sweep")
def deadline_sweep() -> int:
    """Create the alerts due now; also re-enqueue digests a broker outage left unsent."""
    result = alert_services.deadline_sweep(now=timezone.now())
    alert_services.alert_digests_requeue(now=timezone.now())
    return result.created


@shared_task(name="cases.morning_digest")
def morning_digest() -> int:
    """07:00 Monday to Friday; Danish public holidays are skipped inside the service."""
    return len(alert_services.alert_digests_prepare(now=timezone.now(), kind=AlertDigest.Kind.DAILY))


@shared_task(name="cases.weekly_leader_summary")
def weekly_leader_summary() -> int:
    return len(alert_services.alert_digests_prepare(now=timezone.now(), kind=AlertDigest.Kind.WEEKLY))


@shared_task(
    name="cases.send_alert_digest",
    autoretry_for=(alert_services.DigestSendFailed,),
    retry_backoff=60,  # 1, 2, 4, 8, 16 minutes … (with jitter), at most an hour apart
    retry_backoff_max=3600,
    retry_jitter=True,
    max_retries=alert_services.MAX_DIGEST_ATTEMPTS - 1,
)
def send_alert_digest(digest_id: int) -> bool:
    return alert_services.alert_digest_send(digest_id=digest_id)


@shared_task(name="cases.deadlines_refresh_lapsed")
def deadlines_refresh_lapsed() -> int:
    return cases_deadlines_refresh_lapsed(today=timezone.localdate())
