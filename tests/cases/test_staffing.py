"""The conversion programme's demand and caseload columns read the real case data."""

import datetime as dt

from django.urls import reverse

from cases.models import Case
from cases.selectors.staffing import new_category_2_3_cases_by_month, open_cases_by_consultant
from tests.cases.factories import CaseFactory


def test_demand_counts_employed_category_2_3_cases_by_month_received(consultant, team):
    municipality = team.department.municipality
    october = dt.date(2026, 10, 1)
    for category, received in [
        (2, dt.date(2026, 10, 3)),
        (3, dt.date(2026, 10, 30)),
        (2, dt.date(2026, 11, 2)),
    ]:
        CaseFactory(consultant=consultant, team=team, category=category, received_on=received)
    CaseFactory(consultant=consultant, team=team, category=1, received_on=dt.date(2026, 10, 5))

    demand = new_category_2_3_cases_by_month(
        municipality=municipality, first_month=october, last_month=dt.date(2026, 11, 1)
    )

    assert demand == {october: 2, dt.date(2026, 11, 1): 1}


def test_caseload_counts_open_cases_of_each_consultant(consultant, team):
    CaseFactory.create_batch(2, consultant=consultant, team=team)
    CaseFactory(consultant=consultant, team=team, status=Case.Status.CLOSED)

    assert open_cases_by_consultant(staff_members=[consultant.staff]) == {consultant.staff.pk: 2}


def test_programme_page_shows_the_case_data(client, leader, consultant, team):
    CaseFactory.create_batch(3, consultant=consultant, team=team)
    client.force_login(leader)
    page = client.get(reverse("staff:programme")).content.decode()
    assert "Nye kategori 2/3-sager" in page
    assert "3 / 45" in page
