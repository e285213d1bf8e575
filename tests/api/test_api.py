"""The integration API (issue 20): intake, figures, pseudonymised cases and deadlines, each scoped to the
client's municipality, with problem details for bad input and 401/403 for bad tokens."""

import datetime as dt
import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from api.authentication import ClientRateThrottle
from api.models import Scope
from cases.models import Case, Person
from cases.services.deadlines import case_deadlines_refresh
from staff.models import AuditEntry
from tests.api.conftest import api_for, make_client
from tests.cases.factories import CaseFactory, ConversationFactory, cpr_for
from tests.reporting.conftest import EXPECTED_MARCH_2018, MARCH_2018

pytestmark = pytest.mark.django_db
TODAY = dt.date.today()


def intake(**changes) -> dict:
    return {
        "cpr": "150375-1122",
        "first_absence_day": (TODAY - dt.timedelta(days=10)).isoformat(),
        "employer_cvr": "29403473",
        "employer_name": "Møbelhuset Ikast A/S",
        "received_on": (TODAY - dt.timedelta(days=3)).isoformat(),
        "category": 2,
        **changes,
    }


def post_intake(token, body) -> object:
    return api_for(token).post("/api/v1/intake/", body, format="json")


# --- Intake -------------------------------------------------------------------------------------------------


def test_intake_creates_a_case_in_the_clients_team_and_a_repeat_answers_the_same_id(herning, team):
    client, token = herning
    first = post_intake(token, intake())
    assert first.status_code == 201, first.content
    case = Case.objects.get(uuid=first.json()["id"])
    assert (case.team, case.category, case.source, case.employer.cvr) == (
        team,
        2,
        "benefit_office",
        "29403473",
    )
    assert case.next_deadline_on is not None  # the rulebook ran: the case waits in the booker's queue

    again = post_intake(token, intake())
    assert again.status_code == 200 and again.json() == {"id": str(case.uuid), "created": False}
    assert Case.objects.count() == 1
    entries = AuditEntry.objects.filter(actor_username="api:ydelse-herning", object_type="api_intake")
    assert [entry.action for entry in entries.order_by("id")] == ["create", "read"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (intake(cpr="310275-1234"), "cpr"),  # 31 February
        (intake(cpr="010180-5234"), "cpr"),  # century digit 5 with year 80: born 2080
        (intake(employer_cvr="29403474"), "employer_cvr"),  # wrong check digit
        (intake(first_absence_day="9999-12-31"), "first_absence_day"),
        (intake(first_absence_day="0001-01-01"), "first_absence_day"),
        (intake(first_absence_day="i går"), "first_absence_day"),
        (intake(category=7), "category"),
        (intake(category="to"), "category"),
        (intake(nickname="Hanne"), "nickname"),
        ({k: v for k, v in intake().items() if k != "employer_name"}, "employer_name"),
        (intake(cpr=["150375-1122"]), "cpr"),
    ],
)
def test_bad_intake_names_the_field_as_problem_details_and_saves_nothing(herning, body, field):
    _client, token = herning
    response = post_intake(token, body)
    assert response.status_code == 400, response.content
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == 400 and field in problem["errors"], problem
    assert Case.objects.count() == 0 and Person.objects.count() == 0


def test_malformed_json_and_an_oversized_body_are_refused(herning):
    _client, token = herning
    api = api_for(token)
    broken = api.post("/api/v1/intake/", '{"cpr": ', content_type="application/json")
    assert broken.status_code == 400 and broken["Content-Type"] == "application/problem+json"
    huge = api.post("/api/v1/intake/", intake(employer_name="x" * 70_000), format="json")
    assert huge.status_code == 413 and huge.json()["status"] == 413
    assert Case.objects.count() == 0


def test_an_existing_case_of_another_municipality_is_a_conflict_without_its_id(herning, other):
    _client, token = other
    assert post_intake(token, intake()).status_code == 201
    response = post_intake(herning[1], intake())
    assert response.status_code == 409
    assert "id" not in response.json()


# --- Tokens and scopes --------------------------------------------------------------------------------------


def test_no_unknown_revoked_or_expired_token_gets_in_and_nothing_else_is_said(herning, team):
    client, token = herning
    expired, expired_token = make_client("gammel", team, expires_at=timezone.now() - dt.timedelta(seconds=1))
    for attempt in [None, "not-a-token", expired_token]:
        response = post_intake(attempt, intake())
        assert response.status_code == 401
        assert set(response.json()) == {"type", "title", "status"}
    client.revoked_at = timezone.now()
    client.save()
    assert post_intake(token, intake()).status_code == 401
    assert Case.objects.count() == 0


def test_a_missing_scope_is_403(team):
    _client, token = make_client("kun-bi", team, scopes=[Scope.CASES_READ])
    response = post_intake(token, intake())
    assert response.status_code == 403 and set(response.json()) == {"type", "title", "status"}
    assert (
        api_for(token).get("/api/v1/figures/", {"from": "2018-03-01", "to": "2018-03-31"}).status_code == 403
    )


def test_tokens_are_stored_hashed(herning):
    client, token = herning
    assert token not in client.token_hash and client.token_hash != token and len(client.token_hash) == 64


def test_rate_limit_answers_429_with_retry_after(herning, monkeypatch):
    monkeypatch.setattr(ClientRateThrottle, "THROTTLE_RATES", {"client": "2/min"})
    _client, token = herning
    api = api_for(token)
    statuses = [api.get("/api/v1/cases/").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    assert int(api.get("/api/v1/cases/")["Retry-After"]) > 0


# --- Figures ------------------------------------------------------------------------------------------------


def test_figures_are_exactly_the_commands_json(herning, march_2018):
    _client, token = herning
    response = api_for(token).get("/api/v1/figures/", {"from": MARCH_2018[0], "to": MARCH_2018[1]})
    out = io.StringIO()
    call_command("milestone_report", "--from", MARCH_2018[0], "--to", MARCH_2018[1], stdout=out)
    assert response.status_code == 200
    assert response.json() == json.loads(out.getvalue())
    assert {key: response.json()[key] for key in EXPECTED_MARCH_2018} == EXPECTED_MARCH_2018


def test_figures_count_only_the_clients_municipality(other, march_2018):
    _client, token = other
    report = api_for(token).get("/api/v1/figures/", {"from": MARCH_2018[0], "to": MARCH_2018[1]}).json()
    assert report["workplace_first_meeting"]["denominator"] == 0


@pytest.mark.parametrize(
    "query",
    [{"from": "2018-03-31", "to": "2018-03-01"}, {"from": "marts", "to": "2018-03-31"}, {"to": "2018-03-31"}],
)
def test_bad_figures_queries_are_400(herning, query):
    assert api_for(herning[1]).get("/api/v1/figures/", query).status_code == 400


def test_another_municipalitys_team_is_unknown(herning, other_team):
    query = {"from": "2018-03-01", "to": "2018-03-31", "team": other_team.slug}
    response = api_for(herning[1]).get("/api/v1/figures/", query)
    assert response.status_code == 400 and "team" in response.json()["errors"]


# --- Cases for BI and deadlines -----------------------------------------------------------------------------


def test_cases_are_pseudonymised_and_only_the_clients(herning, team, other_team):
    mine = CaseFactory(team=team, person__cpr=cpr_for(1), person__name="Hanne Holm", category=2)
    ConversationFactory(case=mine, held_on=mine.first_absence_day + dt.timedelta(days=40))
    CaseFactory(team=other_team)
    response = api_for(herning[1]).get("/api/v1/cases/")
    assert response.status_code == 200
    (row,) = response.json()["results"]
    assert row["id"] == str(mine.uuid) and row["municipality"] == 657 and row["team"] == team.slug
    assert row["first_conversation_place"] == "arbejdsplads" and row["first_conversation_employer_present"]
    text = response.content.decode()
    assert "Hanne" not in text and cpr_for(1) not in text and cpr_for(1).replace("-", "") not in text


def test_cases_page_by_cursor_and_filter_by_updated_since(herning, team, monkeypatch):
    from api import views

    monkeypatch.setattr(views.BiPagination, "page_size", 2)
    cases = [CaseFactory(team=team) for _ in range(3)]
    api = api_for(herning[1])
    first = api.get("/api/v1/cases/").json()
    second = api.get(first["next"]).json()
    assert [row["id"] for row in first["results"] + second["results"]] == [str(c.uuid) for c in cases]
    assert second["next"] is None

    later = timezone.now() + dt.timedelta(seconds=1)
    assert api.get("/api/v1/cases/", {"updated_since": later.isoformat()}).json()["results"] == []
    assert api.get("/api/v1/cases/", {"updated_since": "gisp"}).status_code == 400


def test_a_cases_deadlines_and_no_other_municipalitys(herning, team, other_team):
    mine = CaseFactory(team=team, first_absence_day=TODAY - dt.timedelta(days=20), category=2)
    case_deadlines_refresh(case=mine)  # as every service that registers or changes a case does
    theirs = CaseFactory(team=other_team)
    api = api_for(herning[1])
    response = api.get(f"/api/v1/cases/{mine.uuid}/deadlines/")
    assert response.status_code == 200
    first = next(row for row in response.json() if row["kind"] == "first_follow_up")
    assert first["due_on"] == (mine.first_absence_day + dt.timedelta(days=55)).isoformat()
    assert first["state"] == "open" and first["rule_set"] == mine.rule_set.name and first["legal_source"]
    assert api.get(f"/api/v1/cases/{theirs.uuid}/deadlines/").status_code == 404


# --- The schema ---------------------------------------------------------------------------------------------


def test_the_committed_schema_is_up_to_date(tmp_path):
    fresh = tmp_path / "openapi.yaml"
    call_command("spectacular", "--file", str(fresh), "--validate", "--fail-on-warn")
    committed = (Path(__file__).resolve().parents[2] / "docs" / "openapi.yaml").read_text()
    assert fresh.read_text() == committed, "run: python manage.py spectacular --file docs/openapi.yaml"


def test_the_reference_page_is_served_without_a_cdn(client):
    page = client.get("/api/v1/docs/").content.decode()
    assert "/static/drf_spectacular_sidecar/redoc" in page and "cdn." not in page
