"""Celery tasks: thin adapters around cases/services/alerts.py (the schedule is CELERY_BEAT_SCHEDULE)."""

from celery import shared_task
from django.utils import timezone

from cases.models import AlertDigest
from cases.services import alerts as alert_services
from cases.services.deadlines import cases_deadlines_refresh_lapsed


@shared_task(name="cases.deadline_sweep")
def deadline_sweep() -> int:
    """Create the alerts due now. Safe to run twice or to rerun after a killed worker: each alert is claimed
    once (cases/services/alerts.py)."""
    return alert_services.deadline_sweep(now=timezone.now()).created


@shared_task(name="cases.morning_digest")
def morning_digest() -> int:
    """07:00 Monday to Friday; Danish public holidays are skipped inside the service."""
    return len(alert_services.alert_digests_prepare(now=timezone.now(), kind=AlertDigest.Kind.DAILY))


@shared_task(name="cases.weekly_leader_summary")
def weekly_leader_summary() -> int:
    return len(alert_services.alert_digests_prepare(now=timezone.now(), kind=AlertDigest.Kind.WEEKLY))


@shared_task(name="cases.deadlines_refresh_lapsed")
def deadlines_refresh_lapsed() -> int:
    return cases_deadlines_refresh_lapsed(today=timezone.localdate())
