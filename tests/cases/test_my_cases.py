"""'Mine sager': the consultant's cases ordered by what is due, with a traffic light in words."""

import datetime as dt

import pytest
from django.utils import timezone

from cases.models import Case
from cases.services.deadlines import case_deadlines_refresh
from tests.cases.factories import CaseFactory

pytestmark = pytest.mark.django_db
URL = "/sager/mine/"


def make_case(consultant, days_ago: int, **kwargs) -> Case:
    case = CaseFactory(
        consultant=consultant,
        first_absence_day=timezone.localdate() - dt.timedelta(days=days_ago),
        received_on=None,
        **kwargs,
    )
    case_deadlines_refresh(case=case)
    return case


def test_cases_are_sorted_by_next_deadline_with_light_and_words(client, consultant, other_consultant):
    # visitation due at D + 48: 45 days ago → 3 days left (amber); 10 days ago → 38 left (green);
    # 60 days ago → overdue (red)
    soon = make_case(consultant, 45, person__name="Søren Snart")
    later = make_case(consultant, 10, person__name="Lise Længe")
    overdue = make_case(consultant, 60, person__name="Otto Over")
    make_case(other_consultant, 50, person__name="Anden Konsulents Sag")
    closed = make_case(consultant, 30, person__name="Afsluttet Sag", status="closed")
    client.force_login(consultant)
    response = client.get(URL)
    page = response.content.decode()
    rows = response.context["rows"]
    assert [row["case"] for row in rows] == [overdue, soon, later]
    assert [row["light"] for row in rows] == ["red", "amber", "green"]
    assert [row["days_left"] for row in rows] == [-12, 3, 38]
    assert "Overskredet" in page and "Snart" in page and "God tid" in page
    assert "uge 7" in page  # Søren: 45 days → week 7
    assert "Anden Konsulents Sag" not in page and closed.person.name not in page
    assert "Visitation (senest uge 7)" in page


def test_filters_by_category_and_status(client, consultant):
    two = make_case(consultant, 20, category=2)
    make_case(consultant, 20, category=1)
    closed = make_case(consultant, 30, category=2, status="closed")
    client.force_login(consultant)
    assert [r["case"] for r in client.get(URL, {"category": "2"}).context["rows"]] == [two]
    both = client.get(URL, {"category": "2", "status": "all"}).context["rows"]
    assert {r["case"] for r in both} == {two, closed}
    unvisited = client.get(URL, {"category": "none"}).context["rows"]
    assert unvisited == []


def test_query_budget_does_not_grow_with_the_number_of_cases(client, consultant, django_assert_num_queries):
    client.force_login(consultant)
    for days_ago in range(3):
        make_case(consultant, 10 + days_ago)
    # 1 session, 2 user, 3 the user's roles (cached on the request), 4 the cases with person and employer,
    # 5 the audit entries for the cases shown (one bulk insert)
    with django_assert_num_queries(5):
        first = client.get(URL)
    for days_ago in range(20):
        make_case(consultant, 20 + days_ago)
    with django_assert_num_queries(5):
        second = client.get(URL)
    assert len(first.context["rows"]) == 3 and len(second.context["rows"]) == 23


def test_only_consultants_have_mine_sager(client, booker):
    client.force_login(booker)
    assert client.get(URL).status_code == 403


def test_a_case_says_how_many_more_deadlines_are_overdue_behind_the_next(client, consultant):
    # 70 days into the absence, Fast Track requested in week 2, nothing done since: the employee's reply
    # (2 bank days), the conversation within 2 weeks of the request and the first follow-up (week 8) are
    # all overdue; the list shows the earliest and says two more are overdue.
    today = timezone.localdate()
    make_case(consultant, 70, category=2, fast_track_requested_on=today - dt.timedelta(days=63))
    make_case(consultant, 60, category=2, person__name="Kun én frist")
    client.force_login(consultant)
    page = client.get(URL).content.decode()
    assert page.count("og 2 frister mere overskredet") == 1
    assert "frist mere overskredet" not in page
