"""A deadline sweep whose worker is killed with SIGKILL halfway is finished by a worker within a minute, with
every alert exactly once (issue 17, part 2). Real processes: a Celery worker started as a subprocess on Redis,
writing to this test's PostgreSQL database, killed the way the kernel's OOM killer or a lost node kills it.

The data is real (hundreds of cases with overdue deadlines, a thousand alerts); only the database is made
slow: a statement trigger, created in the test database by this test, sleeps before each INSERT into the
alerts table, as a loaded server would. So the sweep, which commits its new alerts 500 at a time, is killed
with some alerts committed and the rest still to do, every time.
"""

import datetime as dt
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from cases.models import Alert, SweepRun
from cases.services.alerts import alert_signals
from tests.cases.factories import AlertCaseFactory
from visitation import deadlines

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql" or not settings.CELERY_BROKER_URL.startswith("redis://"),
    reason="kills a real Celery worker process: needs PostgreSQL (a database a second process shares) and "
    "Redis as the broker; runs in CI's second pass (DATABASE_URL=postgres://… CELERY_BROKER_URL=redis://…)",
)

CASES = 550  # overdue by more than a week: 'overdue' and 'escalated' each, 1,100 alerts and more
SECONDS_PER_INSERT = 1.5


@pytest.fixture
def overdue_cases(transactional_db, consultant, leader):
    today = timezone.localdate()
    for n in range(CASES):
        AlertCaseFactory(
            consultant=consultant,
            next_deadline_on=today - dt.timedelta(days=10 + n % 30),
            next_deadline_kind=deadlines.FIRST_FOLLOW_UP,
            first_meeting_planned_on=today - dt.timedelta(days=40),
        )
    # What the sweep must create: the signals as of now (also computed by the worker's sweep).
    return {signal.key for signal in alert_signals(today=today)}


@pytest.fixture
def slow_alert_inserts(transactional_db):
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE FUNCTION sof_test_slow_insert() RETURNS trigger LANGUAGE plpgsql AS "
            f"$$ BEGIN PERFORM pg_sleep({SECONDS_PER_INSERT}); RETURN NULL; END $$"
        )
        cursor.execute(
            f"CREATE TRIGGER sof_test_slow_insert BEFORE INSERT ON {Alert._meta.db_table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION sof_test_slow_insert()"
        )
    yield
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TRIGGER IF EXISTS sof_test_slow_insert ON {Alert._meta.db_table}")
        cursor.execute("DROP FUNCTION IF EXISTS sof_test_slow_insert()")


class Workers:
    """Celery workers as subprocesses (`celery -A sof worker`, prefork, one process, as in production) on a
    queue of this test's own, against this test's database."""

    def __init__(self, log_dir: Path):
        db = connection.settings_dict
        credentials = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
        address = f"{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
        self.env = {
            **os.environ,
            "DATABASE_URL": f"postgres://{credentials}@{address}/{db['NAME']}",
            "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
            # The worker consumes this queue, and its start-up sweep (sof/celery.py) goes to it.
            "CELERY_TASK_DEFAULT_QUEUE": f"sof-test-{uuid.uuid4().hex[:12]}",
        }
        self.log_dir = log_dir
        self.processes: list[subprocess.Popen] = []

    def start(self) -> subprocess.Popen:
        number = len(self.processes) + 1
        log = (self.log_dir / f"worker-{number}.log").open("w")
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "sof",
                "worker",
                "--pool=prefork",
                "--concurrency=1",
                "--loglevel=INFO",
                "--without-gossip",
                "--without-mingle",
                "--hostname",
                f"killtest{number}@%h",
            ],
            cwd=settings.BASE_DIR,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: the whole worker can be killed at once
        )
        self.processes.append(process)
        return process

    def log(self) -> str:
        return "\n".join(path.read_text() for path in sorted(self.log_dir.glob("worker-*.log")))

    def stop_all(self):
        for process in self.processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(10)


@pytest.fixture
def workers(tmp_path):
    workers = Workers(tmp_path)
    yield workers
    workers.stop_all()


def pool_process(worker: subprocess.Popen, timeout: float = 30) -> int:
    """The pid of the worker's pool process (the one running tasks)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        children = Path(f"/proc/{worker.pid}/task/{worker.pid}/children").read_text().split()
        if children:
            return int(children[0])
        time.sleep(0.1)
    raise AssertionError("the worker started no pool process")


def wait_for(condition, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def sweep_halfway() -> bool:
    """A sweep has committed its first batch of alerts and has more to do."""
    return SweepRun.objects.filter(finished_at__isnull=True).exists() and Alert.objects.count() >= 500


def alert_keys() -> list[tuple]:
    return [
        ("case", case_id, kind, due_on, level)
        for case_id, kind, due_on, level in Alert.objects.filter(case__isnull=False).values_list(
            "case_id", "kind", "due_on", "level"
        )
    ] + [
        ("person", about_user_id, kind)
        for about_user_id, kind in Alert.objects.filter(case__isnull=True).values_list(
            "about_user_id", "kind"
        )
    ]


def test_a_sweep_whose_pool_process_is_killed_is_run_again_by_the_worker(
    overdue_cases, slow_alert_inserts, workers
):
    """The process running the sweep dies (SIGKILL): the message was not acknowledged (acks_late) and is
    handed back (reject_on_worker_lost), so the worker's next process runs the same sweep again at once."""
    expected = overdue_cases
    assert len(expected) > 2 * 500
    worker = workers.start()  # its start-up sweep (sof/celery.py) is the only sweep message
    assert wait_for(sweep_halfway, timeout=60), workers.log()
    killed_at = time.monotonic()
    os.kill(pool_process(worker), signal.SIGKILL)
    assert 500 <= Alert.objects.count() < len(expected)

    assert wait_for(lambda: SweepRun.objects.filter(finished_at__isnull=False).exists(), timeout=60), (
        workers.log()
    )
    assert time.monotonic() - killed_at < 60
    keys = alert_keys()
    assert sorted(keys) == sorted(expected)  # every alert, each exactly once
    # The killed run is visible as unfinished; the same message ran once more and finished.
    assert SweepRun.objects.count() == 2
    assert "WorkerLostError" in workers.log() or "SIGKILL" in workers.log()


def test_a_sweep_whose_whole_worker_is_killed_is_finished_by_a_new_worker_within_a_minute(
    overdue_cases, slow_alert_inserts, workers
):
    """The whole worker dies (SIGKILL to every process of it). A new worker sweeps when it starts
    (sof/celery.py); the sweep claims each alert once, so it creates just what the killed one had not."""
    expected = overdue_cases
    first = workers.start()
    assert wait_for(sweep_halfway, timeout=60), workers.log()
    os.killpg(first.pid, signal.SIGKILL)
    first.wait(10)
    done_before = Alert.objects.count()
    assert 500 <= done_before < len(expected)

    killed_at = time.monotonic()
    workers.start()
    assert wait_for(lambda: SweepRun.objects.filter(finished_at__isnull=False).exists(), timeout=60), (
        workers.log()
    )
    assert time.monotonic() - killed_at < 60
    assert sorted(alert_keys()) == sorted(expected)  # every alert, each exactly once
    assert SweepRun.objects.get(finished_at__isnull=False).created == len(expected) - done_before
