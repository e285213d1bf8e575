"""Celery tasks: thin adapters around cases/services/alerts.py (the schedule is CELERY_BEAT_SCHEDULE)."""

from celery import shared_task
from django.utils import timezone

from cases.models import AlertDigest
from cases.services import alerts as alert_services
from cases.services import import_jobs
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


# Imports (issue 17; cases/services/import_jobs.py). Each task is safe to run twice, so it is acknowledged
# only when done and given back to the broker if its worker dies. The limits leave room for the largest file
# allowed (settings.IMPORT_MAX_ROWS rows, measured in docs/notes/issue-17-imports.md) and stay below
# import_jobs.STALLED_AFTER, after which the clean-up enqueues a busy job again.
_IMPORT_TASK_OPTIONS = {
    "acks_late": True,
    "reject_on_worker_lost": True,
    "soft_time_limit": 15 * 60,
    "time_limit": 16 * 60,
}


@shared_task(name="cases.import_job_check", **_IMPORT_TASK_OPTIONS)
def import_job_check(job_id: int) -> None:
    import_jobs.import_job_check(job_id=job_id)


@shared_task(name="cases.import_job_save", **_IMPORT_TASK_OPTIONS)
def import_job_save(job_id: int) -> None:
    import_jobs.import_job_save(job_id=job_id)


@shared_task(name="cases.import_jobs_clean_up")
def import_jobs_clean_up() -> int:
    """Delete uploaded files past their 24 hours; enqueue again the jobs whose task was lost."""
    result = import_jobs.import_jobs_clean_up(now=timezone.now())
    for job_id in result.to_check:
        import_job_check.delay(job_id)
    for job_id in result.to_save:
        import_job_save.delay(job_id)
    return result.files_deleted
