"""generate_load_data: the synthetic data the benchmarks run on (small sizes; big runs: `make bench`)."""

import datetime as dt
from collections import Counter
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from cases.identifiers import parse_cpr
from cases.models import Case, CaseDeadline, CaseEvent, Conversation, Person
from loadgen.load_data import cpr_for, cvr_for
from staff.models import Municipality
from staff.roles import Role, roles_of


def test_generated_identifiers_are_valid_and_unique():
    cprs = [cpr_for(number)[0] for number in range(0, 200_000, 7)]
    assert len(set(cprs)) == len(cprs)
    for digits in cprs[:500]:
        parse_cpr(digits)  # valid date and century digit
    cvrs = [cvr for cvr in (cvr_for(n) for n in range(1, 2000)) if cvr]
    assert len(set(cvrs)) == len(cvrs) > 1700
    assert all(
        sum(int(d) * w for d, w in zip(c, (2, 7, 6, 5, 4, 3, 2, 1), strict=True)) % 11 == 0 for c in cvrs
    )


@pytest.mark.django_db
def test_generate_load_data_writes_believable_cases_with_the_stored_deadlines_the_services_compute():
    call_command(
        "generate_load_data", "--municipalities", "2", "--years", "1", "--cases", "400", "--seed", "5"
    )

    cases = Case.objects.all()
    assert cases.count() == 400
    assert Municipality.objects.filter(name__startswith="Belastningskommune").count() == 2
    # Municipality 1 is the large one (three times an average municipality's share).
    by_team = Counter(cases.values_list("team__department__municipality__name", flat=True))
    assert by_team["Belastningskommune 001"] > by_team["Belastningskommune 002"]
    # The demo's distributions: mostly category 2, some closed with reasons, some repeat absences.
    categories = Counter(cases.values_list("category", flat=True))
    assert categories[2] > categories[1] > 0
    closed = cases.filter(status=Case.Status.CLOSED)
    assert closed.exists() and not closed.filter(closing_reason__isnull=True).exists()
    assert Person.objects.count() < 400  # some people fall ill again
    assert Conversation.objects.filter(place="arbejdsplads").exists()
    assert CaseEvent.objects.filter(kind="registered").count() == 400
    assert not Conversation.objects.filter(held_on__gt=dt.date.today()).exists()  # noqa: DTZ011

    # Every case's stored deadlines (rows, next deadline) are what case_deadlines_refresh would store: the
    # rebuild's check finds no difference.
    assert CaseDeadline.objects.filter(state=CaseDeadline.State.OPEN, case__status=Case.Status.OPEN).exists()
    assert CaseDeadline.objects.filter(case__status=Case.Status.CLOSED).exists()
    out = StringIO()
    call_command("deadlines_rebuild", "--check", stdout=out)
    assert "cases=400 " in out.getvalue() and "differences=0 " in out.getvalue()

    # The CPR number decrypts and matches the stored birth date.
    person = Person.objects.order_by("pk").first()
    assert parse_cpr(person.cpr).birth_date == person.birth_date

    # Logins with roles, caseloads near the recommended 45.
    User = get_user_model()
    assert roles_of(User.objects.get(username="m001-konsulent1")) == {Role.CONSULTANT}
    assert roles_of(User.objects.get(username="m001-booker1")) == {Role.BOOKER}
    assert roles_of(User.objects.get(username="m002-leder1")) == {Role.LEADER}
    assert User.objects.get(username="m001-leder1").check_password("sof-demo-2026")


@pytest.mark.django_db
def test_a_second_run_adds_municipalities_without_collisions():
    call_command("generate_load_data", "--municipalities", "1", "--years", "1", "--cases", "60")
    call_command("generate_load_data", "--municipalities", "1", "--years", "1", "--cases", "60")
    assert Case.objects.count() == 120
    assert get_user_model().objects.filter(username="m002-leder1").exists()
    call_command("generate_load_data", "--municipalities", "1", "--years", "1", "--cases", "30", "--replace")
    assert Case.objects.count() == 30
    assert not get_user_model().objects.filter(username="m002-leder1").exists()
