"""Retention report and run. Without --commit it only reports what would be anonymised (the dry run the
municipality reviews first); the Celery job (sof.tasks.retention_sweep) does the same as --commit."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from cases.services.retention import retention_run
from staff.audit import audit_purge, audit_retention_cutoff
from staff.models import AuditEntry


class Command(BaseCommand):
    help = "Anonymiserer afsluttede sager efter opbevaringsperioden (uden --commit: kun rapport)."

    def add_arguments(self, parser):
        parser.add_argument("--commit", action="store_true", help="Anonymisér (ellers kun rapport).")

    def handle(self, *args, commit: bool, **options):
        report = retention_run(today=timezone.localdate(), dry_run=not commit)
        audit_before = audit_retention_cutoff()
        if commit:
            audit_removed = audit_purge(before=audit_before)
        else:
            audit_removed = AuditEntry.objects.filter(occurred_at__lt=audit_before).count()
        mode = "anonymised" if commit else "dry_run"
        self.stdout.write(
            f"{mode} cutoff={report.cutoff:%Y-%m-%d} persons={report.persons} cases={report.cases} "
            f"audit_entries_removed={audit_removed if commit else 0} audit_entries_due={audit_removed}"
        )
