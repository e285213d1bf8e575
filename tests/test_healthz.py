import pytest
from django.urls import reverse

from sof.celery import app as celery_app


def test_healthz_reports_database_and_broker(client, db):
    # Runs against the configured broker: the file-system transport by default, Redis in CI.
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {
        "database": "ok",
        "broker": "ok",
        "deadline_sweep": "late",  # no sweep has run in this empty database: a warning, not a 503
        "deadline_sweep_last_run": None,
        "outbox": "ok",
        "outbox_dead": 0,
    }


def test_healthz_shows_the_last_deadline_sweep(client, db):
    from cases.services.alerts import deadline_sweep

    deadline_sweep()
    body = client.get(reverse("healthz")).json()
    assert body["deadline_sweep"] == "ok"
    assert body["deadline_sweep_last_run"] is not None


@pytest.fixture
def unreachable_broker():
    # Nothing listens on port 1 of the loopback address: a real refused connection. (broker_write_url,
    # because a CELERY_BROKER_URL environment variable takes precedence over conf.broker_url.)
    celery_app.conf.broker_write_url = "redis://127.0.0.1:1/0"
    yield
    celery_app.conf.broker_write_url = None


def test_healthz_is_503_when_the_broker_is_down(client, db, unreachable_broker):
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["broker"] == "down"


def test_healthz_counts_dead_letters_as_a_warning(client, db):
    """A message the outbox gave up on is counted; the status stays 200 (a restart cannot fix a mail server
    that refuses: sof/views.py, _outbox_status), so monitoring alerts on the body, not the code."""
    from django.utils import timezone

    from outbox.models import OutboxMessage

    OutboxMessage.objects.create(
        kind="meetings.invitations",
        object_id=1,
        status=OutboxMessage.Status.DEAD,
        next_attempt_at=timezone.now(),
    )
    OutboxMessage.objects.create(kind="meetings.invitations", object_id=2, next_attempt_at=timezone.now())
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert (response.json()["outbox"], response.json()["outbox_dead"]) == ("dead_letters", 1)
