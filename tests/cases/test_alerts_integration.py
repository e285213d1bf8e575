"""The alert jobs against the real infrastructure: two concurrent sweeps on PostgreSQL, and a real Celery
worker consuming the configured broker (the file-system transport by default, Redis in CI)."""

import datetime as dt
import threading
import time
import uuid
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.db import connection

from cases.models import Alert, AlertDigest, SweepRun
from cases.services import alerts as alert_services
from cases.tasks import deadline_sweep, morning_digest
from sof.celery import app as celery_app
from tests.cases.factories import AlertCaseFactory
from visitation import deadlines

POSTGRESQL = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
COPENHAGEN = ZoneInfo("Europe/Copenhagen")


@pytest.mark.skipif(not POSTGRESQL, reason="row locking and concurrent inserts need PostgreSQL")
def test_two_concurrent_sweeps_create_each_alert_once(transactional_db, consultant, leader):
    for n in range(30):
        AlertCaseFactory(
            consultant=consultant,
            next_deadline_on=dt.date(2017, 10, 1) + dt.timedelta(days=n),
            next_deadline_kind=deadlines.FIRST_FOLLOW_UP,
            first_meeting_planned_on=dt.date(2017, 9, 30),
        )
    now = dt.datetime(2017, 10, 20, 8, tzinfo=COPENHAGEN)
    start = threading.Barrier(2)
    results, errors = [], []

    def run():
        try:
            start.wait()
            results.append(alert_services.deadline_sweep(now=now))
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connection.close()  # each thread has its own connection

    threads = [threading.Thread(target=run) for _n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    # Friday 20 October 2017, 30 cases due 1–30 October: 19 overdue (1–19), 12 of them escalated (1–12), 3 due
    # today (20–22: the weekend's deadlines are due on Friday), 5 due soon (23–27) → 39 alerts, each once.
    assert Alert.objects.count() == 39
    assert sum(result.created for result in results) == 39
    assert len(set(Alert.objects.values_list("case_id", "kind", "due_on", "level"))) == 39
    assert alert_services.deadline_sweep(now=now).created == 0


@pytest.fixture
def test_queue():
    """A queue of this test's own, so that the worker takes only this test's messages from a shared broker
    (and a running `make run` worker cannot take them)."""
    queue = f"sof-test-{uuid.uuid4().hex[:12]}"
    previous = celery_app.conf.task_default_queue
    celery_app.conf.task_default_queue = queue
    yield queue
    celery_app.conf.task_default_queue = previous


def wait_for(condition, timeout=60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


def test_real_worker_runs_the_sweep_and_delivers_the_morning_digest(transactional_db, consultant, test_queue):
    from celery.contrib.testing.worker import start_worker

    # Wednesday 7 October 2026, 07:00, ticking: a working day for the digest's holiday check.
    with time_machine.travel(dt.datetime(2026, 10, 7, 7, 0, tzinfo=COPENHAGEN), tick=True):
        AlertCaseFactory(
            consultant=consultant,
            first_absence_day=dt.date(2026, 8, 10),
            next_deadline_on=dt.date(2026, 10, 4),
            next_deadline_kind=deadlines.FIRST_FOLLOW_UP,
            first_meeting_planned_on=dt.date(2026, 10, 1),
        )
        with start_worker(
            celery_app, pool="solo", perform_ping_check=False, queues=[test_queue], shutdown_timeout=30
        ):
            # Sent through the broker (not eager), run by the worker thread on its own connection.
            deadline_sweep.delay()
            assert wait_for(lambda: SweepRun.objects.filter(finished_at__isnull=False).exists())
            assert wait_for(lambda: Alert.objects.filter(level="overdue").exists())
            # The morning digest task prepares the digest and, on commit, enqueues its sending: a second
            # message through the broker, whose task mails through Django's e-mail backend.
            morning_digest.delay()
            assert wait_for(lambda: AlertDigest.objects.filter(sent_at__isnull=False).exists())
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [consultant.email]
    assert "Første opfølgningssamtale" in mail.outbox[0].body
