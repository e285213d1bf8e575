import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from cases.services.alerts import deadline_sweep


class Command(BaseCommand):
    help = "Run the deadline sweep synchronously (the same step Celery beat runs every 15 minutes)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--now", help="ISO date-time to sweep as of (default: now), e.g. 2017-10-13T08:00"
        )

    def handle(self, *args, now=None, **options):
        as_of = timezone.now()
        if now:
            try:
                as_of = dt.datetime.fromisoformat(now)
            except ValueError as error:
                raise CommandError(f"--now: {error}") from error
            if timezone.is_naive(as_of):
                as_of = timezone.make_aware(as_of)
        result = deadline_sweep(now=as_of)
        self.stdout.write(f"created={result.created}")
