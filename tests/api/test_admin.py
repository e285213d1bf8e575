"""The administrator creates an API client and sees its token once; it can be replaced and revoked."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from api.models import ApiClient, Scope
from tests.api.conftest import api_for

pytestmark = pytest.mark.django_db


def token_on(page: str) -> str:
    return re.search(r'data-testid="api-token">([^<]+)<', page)[1]


def test_the_administrator_creates_a_client_and_sees_a_working_token_once(client, administrator, team):
    client.force_login(administrator)
    expires = (timezone.localtime() + dt.timedelta(days=30)).replace(microsecond=0)
    response = client.post(
        "/admin/api/apiclient/add/",
        {
            "name": "BI-teamet",
            "municipality": team.department.municipality.pk,
            "scopes": [Scope.CASES_READ],
            "expires_at_0": expires.strftime("%d-%m-%Y"),
            "expires_at_1": expires.strftime("%H:%M:%S"),
        },
    )
    assert response.status_code == 200, response.content.decode()[:3000]
    token = token_on(response.content.decode())
    bi = ApiClient.objects.get(name="BI-teamet")
    assert bi.token_hint == token[:8] and token not in bi.token_hash
    assert api_for(token).get("/api/v1/cases/").status_code == 200
    assert token not in client.get(f"/admin/api/apiclient/{bi.pk}/change/").content.decode()

    replaced = client.post(
        "/admin/api/apiclient/", {"action": "new_token", "_selected_action": [bi.pk]}
    ).content.decode()
    assert api_for(token).get("/api/v1/cases/").status_code == 401
    assert api_for(token_on(replaced)).get("/api/v1/cases/").status_code == 200

    client.post("/admin/api/apiclient/", {"action": "revoke", "_selected_action": [bi.pk]})
    assert api_for(token_on(replaced)).get("/api/v1/cases/").status_code == 401


def test_a_client_with_intake_needs_a_team_of_its_own_municipality(client, administrator, team):
    client.force_login(administrator)
    response = client.post(
        "/admin/api/apiclient/add/",
        {
            "name": "Ydelse",
            "municipality": team.department.municipality.pk,
            "scopes": [Scope.INTAKE_WRITE],
            "expires_at_0": "01-01-2030",
            "expires_at_1": "00:00:00",
        },
    )
    assert "En klient med intake:write skal have et team." in response.content.decode()
    assert not ApiClient.objects.exists()
