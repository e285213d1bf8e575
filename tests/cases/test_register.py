"""Registering a case: the service, the form's bad-input rules and the duplicate warning."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from cases.crypto import cpr_hash
from cases.models import Assignment, Case, Employer, Person
from cases.services.cases import case_register
from tests.cases.factories import CaseFactory, PersonFactory
from tests.factories import EmployerFactory

pytestmark = pytest.mark.django_db

URL = "/sager/opret/"


def today():
    return timezone.localdate()


def form_data(**overrides):
    data = {
        "cpr": "010180-1234",
        "person_name": "Hanne Hansen",
        "employer": "",
        "new_employer_name": "",
        "first_absence_day": (today() - dt.timedelta(days=20)).isoformat(),
        "received_on": today().isoformat(),
        "source": "benefit_office",
        "consultant": "",
    }
    data.update(overrides)
    return data


def test_service_registers_person_case_timeline_assignment_and_next_deadline(consultant, booker):
    employer = EmployerFactory()
    first_day = today() - dt.timedelta(days=10)
    case = case_register(
        cpr="0101801234",
        first_absence_day=first_day,
        received_on=today(),
        employer=employer,
        consultant=consultant,
        registered_by=booker,
    )
    person = case.person
    assert person.cpr == "010180-1234" and person.cpr_masked == "010180-XXXX"
    assert "0101801234" not in person.cpr_encrypted  # encrypted at rest
    assert person.cpr_hash == cpr_hash("0101801234")
    assert (person.birth_date, person.sex) == (dt.date(1980, 1, 1), "F")  # last digit even: a woman
    assert case.rule_set.name == ("2025" if first_day >= dt.date(2025, 1, 1) else "SOF 2017")
    assert case.team == consultant.staff.team
    assert Assignment.objects.get(case=case).consultant == consultant
    assert [e.kind for e in case.events.all()] == ["registered", "assigned"]
    assert case.next_deadline_kind == "visitation"
    assert case.next_deadline_on == first_day + dt.timedelta(days=48)


def test_service_finds_the_same_person_again_by_cpr():
    first = case_register(
        cpr="010180-1234", first_absence_day=dt.date(2017, 3, 1), employer=None, allow_historical=True
    )
    second = case_register(
        cpr="0101801234", first_absence_day=dt.date(2017, 8, 21), employer=None, allow_historical=True
    )
    assert first.person == second.person
    assert Person.objects.count() == 1


def test_service_accepts_historical_dates_only_when_asked():
    old = dt.date(2017, 8, 21)
    with pytest.raises(ValidationError) as error:
        case_register(cpr="010180-1234", first_absence_day=old, employer=None)
    assert "first_absence_day" in error.value.message_dict
    case = case_register(
        cpr="010180-1234",
        first_absence_day=old,
        received_on=dt.date(2017, 9, 4),
        employer=None,
        allow_historical=True,
        registered_at=timezone.make_aware(dt.datetime(2017, 9, 4, 9, 0)),
    )
    assert case.rule_set.name == "SOF 2017"
    assert case.events.get().occurred_at.date() == dt.date(2017, 9, 4)


def test_service_refuses_future_dates_even_for_imports():
    with pytest.raises(ValidationError) as error:
        case_register(
            cpr="010180-1234",
            first_absence_day=today() + dt.timedelta(days=1),
            employer=None,
            allow_historical=True,
        )
    assert "Første fraværsdag kan ikke ligge i fremtiden." in error.value.message_dict["first_absence_day"]


def test_booker_registers_a_case_with_a_new_employer_by_cvr(client, booker):
    client.force_login(booker)
    response = client.post(URL, form_data(employer="2000 0031", new_employer_name="Tømrerfirmaet ApS"))
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.employer.cvr == "20000031" and case.employer.name == "Tømrerfirmaet ApS"
    # The booker opens no case pages: she lands on the new case's booking page, told where it waits.
    assert response.url == f"/booking/sag/{case.uuid}/"
    page = client.get(response.url).content.decode()
    assert "Sagen for 010180-XXXX" in page and "010180-1234" not in page
    assert "Den venter på at blive fordelt til en konsulent (listen Fordeling)." in page


def test_a_category_2_case_from_the_benefit_office_waits_in_the_booking_queue(client, booker, consultant):
    client.force_login(booker)
    response = client.post(
        URL, form_data(employer="2000 0031", new_employer_name="Tømrerfirmaet ApS", category=2)
    )
    case = Case.objects.get()
    assert case.category == 2 and response.url == f"/booking/sag/{case.uuid}/"
    due_on = case.first_absence_day + dt.timedelta(days=55)
    page = client.get(response.url).content.decode()
    assert (
        "Den venter på booking af første møde i mødebookerens kø; mødet skal holdes senest "
        f"{due_on:%d-%m-%Y}." in page
    )
    queue = client.get(reverse("meetings:queue")).content.decode()
    assert str(case.uuid) in queue


def test_registered_with_a_consultant_the_case_waits_for_visitation_with_them(client, leader, consultant):
    client.force_login(leader)
    response = client.post(
        URL, form_data(employer="2000 0031", new_employer_name="Tømrer ApS", consultant=consultant.pk)
    )
    page = client.get(response.url).content.decode()
    name = consultant.get_full_name() or consultant.get_username()
    assert f"Den ligger hos {name}, som visiterer den (Mine sager)." in page


def test_a_category_the_rule_set_does_not_have_is_a_field_error(client, leader):
    client.force_login(leader)
    response = client.post(URL, form_data(employer="2000 0031", new_employer_name="Tømrer ApS", category=7))
    assert response.status_code == 200 and not Case.objects.exists()
    assert "category" in response.context["form"].errors


def test_leader_registers_by_employer_name_and_lands_on_the_case(client, leader, consultant):
    employer = EmployerFactory(name="Herning Plastfabrik A/S")
    client.force_login(leader)
    response = client.post(URL, form_data(employer="plastfabrik", consultant=consultant.pk))
    case = Case.objects.get()
    assert case.employer == employer and case.consultant == consultant
    assert response.url == f"/sager/{case.uuid}/"


def test_employer_search_suggests_by_name_and_cvr(client, booker):
    EmployerFactory(name="Herning Plastfabrik A/S", cvr="20000031")
    client.force_login(booker)
    by_name = client.get("/sager/arbejdsgivere/", {"employer": "plast"}).content.decode()
    assert '<option value="20000031">Herning Plastfabrik A/S' in by_name
    by_cvr = client.get("/sager/arbejdsgivere/", {"employer": "2000"}).content.decode()
    assert "Herning Plastfabrik" in by_cvr


def test_consultant_may_not_register(client, consultant):
    client.force_login(consultant)
    assert client.get(URL).status_code == 403


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"cpr": "320180-1234"}, "cpr", "CPR-nummeret indeholder ikke en gyldig fødselsdato."),
        ({"cpr": "01018-1234"}, "cpr", "Et CPR-nummer skrives DDMMÅÅ-XXXX."),
        ({"cpr": "010130-4234"}, "cpr", "århundredecifferet"),  # 4 and year 30: born 2030
        ({"employer": "20000030"}, "employer", "20000030 er ikke et gyldigt CVR-nummer."),
        ({"employer": "1234567"}, "employer", "Et CVR-nummer har 8 cifre."),
        ({"employer": "20000031"}, "new_employer_name", "findes ikke i systemet"),
        ({"employer": "ukendt firma"}, "employer", "Ingen arbejdsgiver hedder »ukendt firma«"),
        ({}, "employer", "markér at borgeren er sygemeldt fra ledighed"),
        (
            {"first_absence_day": "FUTURE"},
            "first_absence_day",
            "Første fraværsdag kan ikke ligge i fremtiden.",
        ),
        (
            {"first_absence_day": "OLD"},
            "first_absence_day",
            "Første fraværsdag kan ikke ligge mere end et år tilbage.",
        ),
        (
            {"received_on": "BEFORE"},
            "received_on",
            "Modtaget-datoen kan ikke ligge før første fraværsdag.",
        ),
    ],
)
def test_bad_input_gives_a_message_on_the_field_and_saves_nothing(client, booker, overrides, field, message):
    dates = {
        "FUTURE": (today() + dt.timedelta(days=1)).isoformat(),
        "OLD": (today() - dt.timedelta(days=400)).isoformat(),
        "BEFORE": (today() - dt.timedelta(days=30)).isoformat(),
    }
    overrides = {key: dates.get(value, value) for key, value in overrides.items()}
    if "employer" not in overrides:
        overrides.setdefault("unemployed", "" if field == "employer" else "on")
    client.force_login(booker)
    response = client.post(URL, form_data(**overrides))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors, errors
    assert any(message in error for error in errors[field]), errors[field]
    assert Case.objects.count() == 0 and Person.objects.count() == 0
    assert Employer.objects.filter(cvr="20000031").count() == 0


def test_a_cpr_failing_modulus_11_is_accepted(client, booker):
    client.force_login(booker)
    response = client.post(URL, form_data(cpr="010180-1235", unemployed="on"))  # fails modulus 11
    assert response.status_code == 302
    assert Case.objects.get().person.cpr == "010180-1235"


def test_probable_duplicate_is_warned_and_saved_only_when_confirmed(client, booker):
    person = PersonFactory(cpr="010180-1234")
    CaseFactory(person=person, first_absence_day=today() - dt.timedelta(days=60), employer=None)
    client.force_login(booker)
    data = form_data(unemployed="on")
    response = client.post(URL, data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Mulig dublet" in page
    assert "confirm_duplicate" in response.context["form"].errors
    assert Case.objects.count() == 1
    response = client.post(URL, data | {"confirm_duplicate": "on"})
    assert response.status_code == 302
    assert Case.objects.filter(person=person).count() == 2


def test_same_person_and_same_first_day_is_refused(client, booker):
    person = PersonFactory(cpr="010180-1234")
    first_day = today() - dt.timedelta(days=20)
    CaseFactory(person=person, first_absence_day=first_day, employer=None)
    client.force_login(booker)
    response = client.post(
        URL, form_data(unemployed="on", first_absence_day=first_day.isoformat(), confirm_duplicate="on")
    )
    assert "allerede en sag med første fraværsdag" in response.context["form"].errors["first_absence_day"][0]
    assert Case.objects.count() == 1


def test_a_closed_earlier_case_is_no_duplicate(client, booker):
    person = PersonFactory(cpr="010180-1234")
    CaseFactory(
        person=person,
        first_absence_day=today() - dt.timedelta(days=200),
        employer=None,
        status="closed",
        closed_on=today() - dt.timedelta(days=100),
    )
    client.force_login(booker)
    assert client.post(URL, form_data(unemployed="on")).status_code == 302
