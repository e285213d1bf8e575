"""The shape of the report's SQL at scale (docs/benchmarks.md): the figures' correlated subqueries are
evaluated once per case, and a leader's cases are found through the index on the case's team."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.models import Case
from cases.selectors.cases import case_visible_filter
from reporting import figures
from reporting.figures import Period

PERIOD = Period(dt.date(2018, 1, 1), dt.date(2018, 12, 31))


@pytest.mark.django_db
@pytest.mark.parametrize("figure", [figures.workplace_figures, figures.week13_figures])
def test_aggregates_read_the_annotated_cases_as_a_fenced_subquery(figure):
    # Without the LIMIT, PostgreSQL flattens Django's subquery and runs the first-conversation subqueries
    # once per FILTER: 5 counts × 13 periods × 3 per case (minutes at 100,000 cases).
    with CaptureQueriesContext(connection) as captured:
        figure(Case.objects.all(), PERIOD)
    aggregate = next(q["sql"] for q in captured if q["sql"].startswith("SELECT COUNT("))
    inner = aggregate.split(" FROM (", 1)[1]
    assert " LIMIT " in inner


@pytest.mark.django_db
def test_a_leaders_cases_are_selected_by_a_list_of_team_ids_without_joining_the_team(leader, team):
    # A literal list lets PostgreSQL use the team_id index; "IN (SELECT …)" with "OR team_id IS NULL" became a
    # filter over every case in the country (docs/benchmarks.md, report page).
    sql = str(Case.objects.filter(case_visible_filter(user=leader)).query)
    assert f'"cases_case"."team_id" IN ({team.pk})' in sql
    assert "SELECT" not in sql.split(" WHERE ", 1)[1]
    assert 'JOIN "staff_team"' not in sql
