"""The Celery application. Beat's schedule lives in settings (CELERY_BEAT_SCHEDULE)."""

import os

from celery import Celery
from celery.signals import worker_ready

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sof.settings")

app = Celery("sof")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_ready.connect
def sweep_when_a_worker_starts(sender, **kwargs):
    """Beat's first sweep comes up to 15 minutes after start-up; one at once makes "Mine opgaver" current (and
    never say "the sweep has never run" while a worker is up). The sweep is idempotent, so a second worker
    starting, or beat's own run, does no harm."""
    sender.app.send_task("cases.deadline_sweep")
