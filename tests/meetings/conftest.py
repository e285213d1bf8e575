import pytest

from sof.celery import app as celery_app


@pytest.fixture(autouse=True)
def eager_celery():
    """Run tasks in-process; on_commit callbacks still need django_capture_on_commit_callbacks."""
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous
