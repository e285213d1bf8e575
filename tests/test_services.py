"""The suite runs on the services it was told to use; CI relies on this to prove PostgreSQL and Redis work."""

import os

from django.db import connection

from sof.celery import app as celery_app


def test_database_is_the_configured_one(db):
    expected = "postgresql" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "sqlite"
    assert connection.vendor == expected


def test_broker_is_the_configured_one_and_answers():
    expected = os.environ.get("CELERY_BROKER_URL", "filesystem://").split("://")[0]
    with celery_app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)
        assert conn.transport_cls == expected
