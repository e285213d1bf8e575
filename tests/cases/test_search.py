"""Finding a case (issue 14, point 4): by full CPR number (posted, through the keyed hash), by part of a name
regardless of accents, by employer name or CVR number — only among the cases the user may open, each search
an audit entry with the CPR number masked."""

import datetime as dt

import pytest
from django.urls import reverse

from cases.folding import Folded, fold
from cases.models import Person
from staff.models import AuditEntry
from tests.cases.factories import AssignedCaseFactory
from tests.factories import EmployerFactory

URL = reverse("cases:search")
CPR = "150375-1234"


@pytest.fixture
def soren(consultant):
    """Alice's case, waiting for booking (category 2, with an employer): in the booker's share too."""
    return AssignedCaseFactory(
        consultant=consultant,
        person__cpr=CPR,
        person__name="Søren Jørgensen",
        employer=EmployerFactory(name="Ærø Værft A/S"),
    )


@pytest.fixture
def other_teams_case(other_consultant):
    return AssignedCaseFactory(
        consultant=other_consultant, person__name="Søren Andersen", person__cpr="010190-1111"
    )


def found(response) -> list[str]:
    """The names in the result table, in order."""
    return [row["case"].person.name for row in response.context["rows"] or []]


def test_folding_is_the_same_in_python_and_in_the_database(db):
    names = ["Søren Jørgensen", "ÅSE AAGAARD", "José Müller-Lüdenscheidt", "Şahin Öztürk", "Łukasz Żółć"]
    for name in names:
        Person.objects.create(
            cpr_hash=name, cpr_encrypted="-", birth_date=dt.date(1980, 1, 1), sex="F", name=name
        )
    stored = dict(Person.objects.values_list("name", "name_folded"))
    assert stored == {name: fold(name) for name in names}
    assert fold("Søren Jørgensen") == fold("soeren joergensen") == "soren jorgensen"
    assert fold("Åse Aagaard") == "ase agard"
    assert Person.objects.annotate(again=Folded("name")).filter(again=fold("sahin ozturk")).count() == 1


def test_a_full_cpr_number_finds_the_case_and_is_kept_only_masked(client, consultant, soren):
    client.force_login(consultant)
    for typed in (CPR, "1503751234", "150375 1234"):
        response = client.post(URL, {"q": typed})
        assert found(response) == ["Søren Jørgensen"]
        body = response.content.decode()
        assert "Søgt på CPR-nummer 150375-XXXX." in body
        assert "1234" not in body  # the number is not echoed into the field nor anywhere on the page
        assert reverse("cases:detail", kwargs={"uuid": soren.uuid}) in body
    search = AuditEntry.objects.filter(action=AuditEntry.Action.SEARCH).first()
    assert search.object_type == "case_search" and search.search_terms.startswith("CPR#")
    assert "150375" not in search.search_terms and "1234" not in search.search_terms
    assert "/sager/soeg/" == search.path
    read = AuditEntry.objects.filter(action=AuditEntry.Action.READ, object_type="case_search").first()
    assert read.case_uuid == soren.uuid


@pytest.mark.parametrize(
    "typed, message, may_be_a_cpr_number",
    [
        ("150375", "Der søges ikke på dele af et CPR-nummer.", True),
        ("150375-12", "Der søges ikke på dele af et CPR-nummer.", True),
        ("321375-1234", "CPR-nummeret indeholder ikke en gyldig fødselsdato.", True),
        ("S", "Skriv mindst 2 tegn.", False),
        ("Søren 1503751234", "Søg på CPR- eller CVR-nummeret alene, uden navn.", True),
        ("12345678", "12345678 er ikke et gyldigt CVR-nummer.", False),
    ],
)
def test_bad_terms_are_named_and_search_nothing(
    client, consultant, soren, typed, message, may_be_a_cpr_number
):
    client.force_login(consultant)
    response = client.post(URL, {"q": typed})
    body = response.content.decode()
    assert response.status_code == 200 and message in body
    assert response.context["rows"] is None
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.SEARCH).exists()
    if may_be_a_cpr_number:
        assert typed not in body  # a (possibly mistyped) CPR number is not echoed


def test_a_cpr_number_in_the_address_is_refused(client, consultant, soren):
    client.force_login(consultant)
    response = client.get(URL, {"q": CPR})
    body = response.content.decode()
    assert "Søg efter et CPR-nummer i søgefeltet, så nummeret ikke står i adressen." in body
    assert CPR not in body and response.context["rows"] is None


@pytest.mark.parametrize("typed", ["jørg", "JORG", "soren joergensen", "Søren", "ren jø"])
def test_part_of_a_name_regardless_of_case_and_accents(client, consultant, soren, typed):
    client.force_login(consultant)
    assert found(client.post(URL, {"q": typed})) == ["Søren Jørgensen"]


def test_names_and_employers_also_in_the_address(client, consultant, soren):
    client.force_login(consultant)
    assert found(client.get(URL, {"q": "aero vaerft"})) == ["Søren Jørgensen"]
    assert found(client.get(URL, {"q": soren.employer.cvr})) == ["Søren Jørgensen"]
    assert found(client.get(URL, {"q": "Værft"})) == ["Søren Jørgensen"]


def test_nobody_finds_a_case_they_may_not_open_not_even_by_its_count(
    client, consultant, other_consultant, leader, soren, other_teams_case
):
    client.force_login(other_consultant)
    response = client.post(URL, {"q": CPR})
    assert found(response) == [] and "0 sager fundet." in response.content.decode()
    assert found(client.post(URL, {"q": "søren"})) == ["Søren Andersen"]
    client.force_login(consultant)
    assert found(client.post(URL, {"q": "søren"})) == ["Søren Jørgensen"]
    client.force_login(leader)  # the leader's department: Alice's team, not Charlie's
    assert found(client.post(URL, {"q": "søren"})) == ["Søren Jørgensen"]


def test_the_booker_finds_the_booking_page_and_no_case_outside_her_share(client, booker, consultant, soren):
    held = AssignedCaseFactory(consultant=consultant, person__name="Søren Holm")
    held.first_meeting_planned_on = dt.date.today() - dt.timedelta(days=3)  # met: no longer the booker's
    held.save()
    client.force_login(booker)
    response = client.post(URL, {"q": "søren"})
    assert found(response) == ["Søren Jørgensen"]
    body = response.content.decode()
    assert reverse("meetings:case_booking", kwargs={"case_uuid": soren.uuid}) in body
    assert reverse("cases:detail", kwargs={"uuid": soren.uuid}) not in body


def test_the_administrator_does_not_search_cases(client, administrator, soren):
    client.force_login(administrator)
    assert client.post(URL, {"q": "søren"}).status_code == 403
    page = client.get(reverse("admin:index")).content.decode()
    assert 'id="topbar-search"' not in page


def test_the_top_bar_field_posts_the_search(client, booker):
    client.force_login(booker)
    page = client.get(reverse("meetings:queue")).content.decode()
    form = page.split('id="topbar-search"')[0].rsplit("<form", 1)[1]
    assert f'action="{URL}" method="post"' in form


def test_query_budget(client, consultant, soren, django_assert_num_queries):
    for number in range(10):
        AssignedCaseFactory(consultant=consultant, person__name=f"Søren {number}")
    client.force_login(consultant)
    client.post(URL, {"q": "søren"})  # warm the session and the user's roles
    # session, user, roles, staff placement, the search (cases with person, employer, consultant),
    # the search's audit entry, the read entries (one bulk insert)
    with django_assert_num_queries(7):
        response = client.post(URL, {"q": "søren"})
    assert len(found(response)) == 11
