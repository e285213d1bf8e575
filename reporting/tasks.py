"""Celery tasks: thin adapters around reporting/services.py (the schedule is CELERY_BEAT_SCHEDULE)."""

from celery import shared_task
from django.utils import timezone

from reporting import services


@shared_task(name="reporting.monthly_reports")
def monthly_reports() -> int:
    """Every working morning; creates each leader's mail once, from the month's first working
    day on (the outbox sends them)."""
    return len(services.monthly_reports_prepare(now=timezone.now()))
