"""Project-wide Celery jobs (adapters: they call services)."""

from celery import shared_task
from django.utils import timezone

from cases.services.retention import retention_run
from staff.audit import audit_purge, audit_retention_cutoff


@shared_task
def retention_sweep() -> dict:
    """Anonymise people whose cases all closed before the retention cut-off; purge audit entries past the
    audit log's own retention period. Safe to run twice: anonymised people are no longer selected."""
    report = retention_run(today=timezone.localdate(), dry_run=False)
    removed = audit_purge(before=audit_retention_cutoff())
    return {"persons": report.persons, "cases": report.cases, "audit_entries_removed": removed}
