import datetime as dt

import pytest
from django.core.cache import cache
from django.utils import timezone
from rest_framework.test import APIClient

from api.models import ApiClient, Scope
from tests.factories import MunicipalityFactory, TeamFactory
from tests.reporting.conftest import march_2018  # noqa: F401 (the report scenario, for figures)

ALL_SCOPES = list(Scope.values)


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()  # the throttle counts requests per client in the cache
    yield
    cache.clear()


def make_client(name: str, team, *, scopes=ALL_SCOPES, **fields) -> tuple[ApiClient, str]:
    fields.setdefault("expires_at", timezone.now() + dt.timedelta(days=30))
    client = ApiClient(
        name=name, municipality=team.department.municipality, intake_team=team, scopes=scopes, **fields
    )
    token = client.new_token()
    client.full_clean()
    client.save()
    return client, token


def api_for(token: str | None) -> APIClient:
    api = APIClient()
    if token:
        api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return api


@pytest.fixture
def herning(team):
    """The benefit office's system of the team's municipality (Herning), with every scope."""
    return make_client("ydelse-herning", team)


@pytest.fixture
def other_team(db):
    return TeamFactory(
        department__municipality=MunicipalityFactory(code=760, name="Ringkøbing-Skjern Kommune")
    )


@pytest.fixture
def other(other_team):
    """Another municipality's client."""
    return make_client("ydelse-rks", other_team)
