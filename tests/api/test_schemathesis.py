"""Schemathesis against the committed schema (docs/openapi.yaml) and the live test server (issue 20): a
bounded number of generated requests per operation, the same ones on every run (derandomize), and neither a
500 nor a response that breaks the schema."""

from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.api.conftest import make_client

SCHEMA = schemathesis.openapi.from_path(Path(__file__).resolve().parents[2] / "docs" / "openapi.yaml")
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture
def token(transactional_db, team):
    return make_client("schemathesis", team)[1]


@SCHEMA.parametrize()
@settings(
    max_examples=30,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
    ],
)
def test_the_api_keeps_its_schema(case, live_server, token):
    case.call_and_validate(
        base_url=live_server.url, headers={"Authorization": f"Bearer {token}"}, checks=CHECKS
    )
