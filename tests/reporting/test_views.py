import datetime as dt
import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from reporting.models import Milestone
from staff.roles import Role
from tests.factories import StaffMemberFactory, TeamFactory
from tests.reporting.conftest import MARCH_2018
from tests.reporting.factories import CaseFactory, ConversationFactory

MARCH = {"start": MARCH_2018[0], "end": MARCH_2018[1]}


def figure(html: str, name: str) -> str:
    match = re.search(rf'data-figure="{name}"[^>]*>([^<]*)<', html)
    assert match, name
    return match.group(1).replace("\xa0", " ")


def test_page_shows_the_same_numbers_as_the_command(client, leader, march_2018):
    client.force_login(leader)
    html = client.get(reverse("reporting:dashboard"), MARCH).content.decode()
    assert figure(html, "workplace_share") == "57,1 %"
    assert figure(html, "workplace_numerator") == "4"
    assert figure(html, "workplace_denominator") == "7"
    assert figure(html, "workplace_share_not_exempted") == "66,7 %"
    assert figure(html, "on_time_share") == "85,7 %"
    assert figure(html, "week13_share") == "50,0 %"
    assert figure(html, "median_days") == "59,5"
    assert figure(html, "closed") == "4"
    # every figure carries its definition
    assert "visitationskategori 2 eller 3" in html
    assert "ikke var afsluttet senest D + 55" in html


def test_empty_period_shows_dash_not_zero_percent(client, leader, march_2018):
    client.force_login(leader)
    html = client.get(
        reverse("reporting:dashboard"), {"start": "2030-01-01", "end": "2030-01-31"}
    ).content.decode()
    assert figure(html, "workplace_share") == "–"
    assert figure(html, "week13_share") == "–"
    assert "0,0 %" not in html


def test_end_before_start_is_explained(client, leader):
    client.force_login(leader)
    response = client.get(reverse("reporting:dashboard"), {"start": "2018-03-31", "end": "2018-03-01"})
    assert "Perioden slutter før den begynder" in response.content.decode()
    assert "data-figure" not in response.content.decode()


def test_unknown_team_is_a_form_error(client, leader):
    client.force_login(leader)
    response = client.get(reverse("reporting:dashboard"), {**MARCH, "team": "findes-ikke"})
    assert "Team:" in response.content.decode()


def test_milestones_month_by_month_in_words(client, leader, march_2018):
    assert Milestone.objects.count() == 10  # Herning's table, seeded by the data migration
    client.force_login(leader)
    html = client.get(reverse("reporting:dashboard"), MARCH).content.decode()
    # March 2018: milestone in force 45 % (due 31-03-2018); actual 57,1 % -> met
    workplace_row = re.search(r"Marts 2018</th>(.*?)</tr>", html, re.S).group(1)
    assert "45\xa0%" in workplace_row and "Nået" in workplace_row
    # week 13: milestone 44 %, actual 50,0 % -> met; a leader reads it in words, not only colour
    assert html.count("✓ Nået") == 2


def test_milestone_not_met_is_said_in_words(client, leader, march_2018):
    Milestone.objects.filter(due_on=dt.date(2018, 3, 31), figure="workplace_first_meeting").update(
        target_percent=60
    )
    client.force_login(leader)
    html = client.get(reverse("reporting:dashboard"), MARCH).content.decode()
    assert "✗ Ikke nået" in html


def test_drill_down_lists_the_cases_behind_the_number(client, leader, march_2018):
    client.force_login(leader)
    response = client.get(
        reverse("reporting:cases"), {**MARCH, "figure": "workplace_first_meeting", "part": "numerator"}
    )
    html = response.content.decode()
    shown = {name for name, case in march_2018.items() if str(case.person) in html}
    assert shown == {"A", "B", "F", "K"}
    assert "Sager: 4." in html


def test_drill_down_of_week13_and_exceptions(client, leader, march_2018):
    client.force_login(leader)
    html = client.get(
        reverse("reporting:cases"), {**MARCH, "figure": "week13_measure", "part": "denominator"}
    ).content.decode()
    assert {n for n, c in march_2018.items() if f">{c.person}<" in html} == {
        "W1",
        "W2",
        "W4",
        "W6",
        "W7",
        "W9",
    }
    html = client.get(
        reverse("reporting:cases"),
        {**MARCH, "figure": "workplace_first_meeting", "part": "exception:indlagt"},
    ).content.decode()
    assert {n for n, c in march_2018.items() if f">{c.person}<" in html} == {"E"}


def test_unknown_drill_down_is_404(client, leader):
    client.force_login(leader)
    response = client.get(reverse("reporting:cases"), {**MARCH, "figure": "nope", "part": "x"})
    assert response.status_code == 404


def test_leader_of_another_department_sees_none_of_these_cases(client, march_2018):
    stranger = StaffMemberFactory(user__username="sofie", user__roles=[Role.LEADER], team=TeamFactory()).user
    client.force_login(stranger)
    html = client.get(reverse("reporting:dashboard"), MARCH).content.decode()
    assert figure(html, "workplace_denominator") == "0"
    html = client.get(
        reverse("reporting:cases"), {**MARCH, "figure": "workplace_first_meeting", "part": "denominator"}
    ).content.decode()
    assert str(march_2018["A"].person) not in html


@pytest.mark.parametrize("url", ["reporting:dashboard", "reporting:cases", "reporting:export_xlsx"])
def test_consultants_may_not_read_reports(client, consultant, url):
    client.force_login(consultant)
    assert client.get(reverse(url), MARCH).status_code == 403


def test_team_filter(client, leader, march_2018, other_team):
    other_team.department = leader.staff.team.department
    other_team.save()
    ConversationFactory(
        case=CaseFactory(team=other_team, first_absence_day=dt.date(2018, 2, 1)), held_on=dt.date(2018, 3, 3)
    )
    client.force_login(leader)
    everyone = client.get(reverse("reporting:dashboard"), MARCH).content.decode()
    assert figure(everyone, "workplace_denominator") == "8"
    one_team = client.get(reverse("reporting:dashboard"), {**MARCH, "team": other_team.slug}).content.decode()
    assert figure(one_team, "workplace_denominator") == "1"


def test_page_query_count_does_not_grow_with_cases(
    client, leader, consultant, march_2018, django_assert_num_queries
):
    client.force_login(leader)
    period = {"start": "2017-10-01", "end": "2018-04-30"}  # seven months: the monthly breakdown is in SQL
    # A consultant's case in the punctuality tables, so that their groups are named (an empty set of names
    # asks the database nothing).
    own = CaseFactory(team=leader.staff.team, consultant=consultant, first_absence_day=dt.date(2018, 1, 10))
    ConversationFactory(case=own)
    # 1 session, 2 user, 3 roles, 4 leader's staff member (case visibility, shared with the case pages),
    # 5 milestones, 6-7 workplace (counts by month, exceptions), 8 exception reasons' labels, 9 week 13,
    # 10-12 duration (counts, closing reasons, sorted lengths for the median), 13-14 one caseworker (counts,
    # handovers), 15 survival values, 16 caseload, 17-18 flow (waiting, intake), 19 offers, 20-22
    # punctuality (one per target counted from D, one for every stored deadline kind), 23-24 the names of
    # its teams and consultants, 25 complaints, 26 leader's department, 27-28 filter choices (teams,
    # consultants)
    with django_assert_num_queries(28):
        assert client.get(reverse("reporting:dashboard"), period).status_code == 200
    for day in range(20):
        case = CaseFactory(
            team=leader.staff.team, first_absence_day=dt.date(2018, 1, 1) + dt.timedelta(days=day)
        )
        ConversationFactory(case=case)
    with django_assert_num_queries(28):
        assert (
            client.get(reverse("reporting:dashboard"), {**period, "start": "2016-01-01"}).status_code == 200
        )


def test_xlsx_has_one_sheet_per_figure_with_definition(client, leader, march_2018):
    client.force_login(leader)
    response = client.get(reverse("reporting:export_xlsx"), MARCH)
    assert response["Content-Disposition"].endswith('.xlsx"')
    workbook = load_workbook(io.BytesIO(response.content))
    assert "1. samtale på arbejdspladsen" in workbook.sheetnames
    assert "Indsats senest uge 13" in workbook.sheetnames
    sheet = workbook["1. samtale på arbejdspladsen"]
    assert "visitationskategori 2 eller 3" in sheet["A2"].value
    total = [row for row in sheet.iter_rows(values_only=True) if row[0] == "Hele perioden"][0]
    assert total[1:4] == (4, 7, pytest.approx(0.5714, abs=1e-4))
    assert sheet.cell(row=sheet.max_row, column=4).number_format == "0.0%"


def test_exports_are_guarded_against_formula_injection(client, leader, march_2018):
    leader.first_name, leader.last_name = '=HYPERLINK("http://evil")', ""
    leader.save()
    case = march_2018["W4"]
    case.consultant = leader
    case.save()
    client.force_login(leader)
    workbook = load_workbook(io.BytesIO(client.get(reverse("reporting:export_xlsx"), MARCH).content))
    cells = [
        c for row in workbook["Sagsstamme"].iter_rows(values_only=True) for c in row if isinstance(c, str)
    ]
    assert '\'=HYPERLINK("http://evil")' in cells
    assert not any(c.startswith("=") for c in cells)
    text = client.get(reverse("reporting:export_csv"), MARCH).content.decode("utf-8-sig")
    assert "'=HYPERLINK" in text
    assert "\n=" not in text and ";=" not in text
    assert "57,1 %" in text


def test_category_and_consultant_filters(client, leader, consultant, march_2018):
    for name in ("A", "B"):
        march_2018[name].consultant = consultant
        march_2018[name].save()
    march_2018["C"].category = 3
    march_2018["C"].save()
    client.force_login(leader)
    html = client.get(reverse("reporting:dashboard"), {**MARCH, "consultant": consultant.pk}).content.decode()
    assert (figure(html, "workplace_numerator"), figure(html, "workplace_denominator")) == ("2", "2")
    html = client.get(reverse("reporting:dashboard"), {**MARCH, "category": "3"}).content.decode()
    assert (figure(html, "workplace_numerator"), figure(html, "workplace_denominator")) == ("0", "1")
    # the drill-down keeps the filters
    html = client.get(
        reverse("reporting:cases"),
        {**MARCH, "category": "3", "figure": "workplace_first_meeting", "part": "denominator"},
    ).content.decode()
    assert "Sager: 1." in html and str(march_2018["C"].person) in html


def test_drill_down_of_duration_bands_and_survival_groups(client, leader, march_2018):
    client.force_login(leader)

    def drilled(figure, part):
        html = client.get(
            reverse("reporting:cases"), {**MARCH, "figure": figure, "part": part}
        ).content.decode()
        return {n for n, c in march_2018.items() if f">{c.person}<" in html}

    # closing weeks: X6 10 days -> week 2; X2 59 -> week 9; X1 60 -> week 9; X3 166 -> week 24
    assert drilled("duration", "weeks:1-8") == {"X6"}
    assert drilled("duration", "weeks:9-13") == {"X1", "X2"}
    assert drilled("duration", "weeks:14-26") == {"X3"}
    assert drilled("duration", "weeks:53") == set()
    assert drilled("survival", "workplace") == {"A", "B", "F", "K"}
    assert drilled("survival", "other") == {"C", "D", "E"}


def test_a_period_longer_than_five_years_is_refused_on_the_page(client, leader):
    client.force_login(leader)
    html = client.get(
        reverse("reporting:dashboard"), {"start": "2000-01-01", "end": "2018-03-31"}
    ).content.decode()
    assert "Vælg en periode på højst 60 måneder." in html
    assert "data-figure" not in html


def test_exception_reasons_are_shown_by_their_catalogue_label_not_their_code(client, leader, march_2018):
    client.force_login(leader)
    html = client.get(reverse("reporting:dashboard"), MARCH).content.decode()
    section = html[html.index('id="exceptions"') : html.index('id="closing"')]
    assert "<td>Indlagt eller netop opereret</td>" in section
    assert "<td>indlagt</td>" not in section
