"""The Celery configuration a worker and beat run with (Open Forms' src/openforms/tests/test_celery_beat.py is
the anchor): every beat entry names a task a worker has, with arguments it accepts; every task survives a
killed worker; no module but a tasks module's own app config imports a tasks module."""

import ast
import inspect
from pathlib import Path

import pytest
from django.conf import settings

from sof.celery import app as celery_app

PROJECT_APPS = ["documents", "outbox", "staff", "visitation", "cases", "meetings", "reporting", "api", "sof"]
ROOT = Path(settings.BASE_DIR)


@pytest.fixture(scope="module")
def worker_tasks():
    """The tasks a worker registers at start-up (autodiscovery of every installed app's tasks module)."""
    celery_app.loader.import_default_modules()
    return celery_app.tasks


@pytest.mark.parametrize("entry", sorted(settings.CELERY_BEAT_SCHEDULE))
def test_every_beat_entry_names_a_registered_task_that_takes_its_arguments(entry, worker_tasks):
    config = settings.CELERY_BEAT_SCHEDULE[entry]
    assert config["task"] in worker_tasks, f"beat entry {entry!r}: no task named {config['task']!r}"
    task = worker_tasks[config["task"]]
    try:
        inspect.signature(task.run).bind(*config.get("args", ()), **config.get("kwargs", {}))
    except TypeError as error:
        pytest.fail(f"beat entry {entry!r}: {config['task']} does not accept its arguments: {error}")


def test_every_project_task_is_acknowledged_late_and_rejected_when_its_worker_dies(worker_tasks):
    """A worker killed mid-task (SIGKILL, out of memory) leaves the message for the next process; prefetch 1
    so that no worker holds messages it is not working on. Time limits end a task that hangs."""
    ours = {
        name: task for name, task in worker_tasks.items() if task.__module__.split(".")[0] in PROJECT_APPS
    }
    assert {"cases.deadline_sweep", "outbox.deliver", "outbox.redeliver"} <= set(ours)
    for name, task in ours.items():
        assert task.acks_late is True, name
        assert task.reject_on_worker_lost is True, name
    assert celery_app.conf.worker_prefetch_multiplier == 1
    assert 0 < celery_app.conf.task_soft_time_limit < celery_app.conf.task_time_limit


def _imported_modules(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names |= {f"{node.module}.{alias.name}" for alias in node.names} | {node.module}
    return names


def test_no_service_imports_a_task():
    """Services put outbox messages (or are called by tasks): no service, selector or model imports a tasks
    module, so there are no services ↔ tasks import circles. A view may hand a task to a service (the import
    page passes the import job's task in)."""
    offenders = []
    for app in PROJECT_APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            layer = relative.split("/")[1].removesuffix(".py")
            if layer not in ("services", "selectors", "models"):
                continue
            tasks_imports = {name for name in _imported_modules(path) if name.split(".")[-1] == "tasks"}
            if tasks_imports:
                offenders.append(f"{relative}: {sorted(tasks_imports)}")
    assert offenders == []
