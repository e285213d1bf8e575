"""PostgreSQL runs without JIT: the report's aggregates are costed high enough to trigger the JIT compiler,
which spent seconds compiling queries that run in milliseconds (docs/benchmarks.md)."""

import pytest
from django.db import connection


@pytest.mark.django_db
def test_postgresql_sessions_run_without_jit():
    if connection.vendor != "postgresql":
        pytest.skip("a PostgreSQL setting")
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
