"""Celery tasks: thin adapters around reporting/services.py (the schedule is CELERY_BEAT_SCHEDULE)."""

from celery import shared_task
from django.utils import timezone

from reporting import services


@shared_task(name="reporting.monthly_reports")
def monthly_reports() -> int:
    """Every working morning; does something only from the month's first working day until all are sent."""
    return len(services.monthly_reports_prepare(now=timezone.now()))


@shared_task(
    name="reporting.send_monthly_report",
    autoretry_for=(services.MonthlyReportSendFailed,),
    retry_backoff=60,
    retry_backoff_max=3600,
    retry_jitter=True,
    max_retries=services.MAX_ATTEMPTS - 1,
)
def send_monthly_report(mail_id: int) -> bool:
    return services.monthly_report_send(mail_id=mail_id)
