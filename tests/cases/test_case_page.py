"""The case page: who may open it, and the story it tells (person, employer, deadlines, timeline)."""

import datetime as dt

import pytest
from django.urls import reverse

from cases.services.deadlines import case_deadlines_refresh
from cases.services.timeline import case_event_add
from staff.models import AuditEntry
from tests.cases.factories import CaseFactory, ConversationFactory, PersonFactory, VisitationFactory
from tests.factories import DepartmentFactory, EmployerFactory, StaffMemberFactory, TeamFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def hh_case(consultant, team):
    """Seed 001's case "HH": sick from Monday 21 August 2017, workplace meeting 12 October 2017."""
    case = CaseFactory(
        person=PersonFactory(cpr="150375-1122", name="Hanne Holm"),
        employer=EmployerFactory(name="Møbelfabrikken A/S", nearest_leader_name="Kim Lund"),
        first_absence_day=dt.date(2017, 8, 21),
        consultant=consultant,
        team=team,
        category=2,
    )
    VisitationFactory(case=case, decided_on=dt.date(2017, 10, 12), category=2, decided_by=consultant)
    ConversationFactory(case=case, held_on=dt.date(2017, 10, 12), recorded_by=consultant)
    case_event_add(case=case, actor=consultant, kind="conversation", text="Første samtale på arbejdspladsen")
    case_event_add(
        case=case, actor=consultant, kind="registered", text="Sagen er oprettet", occurred_at=at(2017, 8, 30)
    )
    case_event_add(
        case=case,
        actor=consultant,
        kind="measure",
        text="Delvis raskmelding påbegyndt",
        occurred_at=at(2017, 10, 30),
    )
    case_deadlines_refresh(case=case)
    return case


def at(year, month, day):
    return dt.datetime(year, month, day, 10, tzinfo=dt.UTC)


def url(case):
    return f"/sager/{case.uuid}/"


def test_held_later_follow_ups_are_summed_up_and_the_open_one_stays_in_the_table(client, consultant, hh_case):
    """§ 13 b, stk. 1: a conversation at least every four weeks. After the first (12 October) two more were
    held, on time (9 November) and 5 days late (12 December): they are one line under the table, the open one
    (due 9 January) is a row."""
    for held_on in (dt.date(2017, 11, 9), dt.date(2017, 12, 12)):
        ConversationFactory(case=hh_case, held_on=held_on, recorded_by=consultant)
    case_deadlines_refresh(case=hh_case)
    client.force_login(consultant)
    page = client.get(url(hh_case)).content.decode()
    summary = page[page.index('data-testid="held-follow-ups"') :]
    assert "2 senere opfølgningssamtaler holdt, 1 for sent" in summary
    assert "Frist 09-11-2017: overholdt 09-11-2017" in summary
    assert "Frist 07-12-2017: udført for sent 12-12-2017" in summary
    table = page[page.index('id="deadlines-heading"') : page.index('data-testid="held-follow-ups"')]
    assert table.count("Senere opfølgningssamtale") == 1 and "09-01-2018" in table


def test_case_page_tells_the_story(client, consultant, hh_case):
    client.force_login(consultant)
    response = client.get(url(hh_case))
    page = response.content.decode()
    assert "Hanne Holm" in page and "150375-XXXX" in page
    assert "Møbelfabrikken A/S" in page and "Kim Lund" in page
    assert "1. opfølgningssamtale" in page
    assert "15-10-2017" in page and "uge 8" in page and "sygedagpengeloven § 13 b, stk. 1" in page
    assert "Overholdt" in page and "12-10-2017" in page
    # The timeline is newest first, and a conversation is listed once: in the conversations' table, where
    # the place says "Arbejdsplads" with its workplace badge, not again as a timeline entry.
    timeline = page[page.index('id="timeline-heading"') :]
    assert "Delvis raskmelding påbegyndt" in timeline and "Første samtale på arbejdspladsen" not in timeline
    assert timeline.index("Delvis raskmelding påbegyndt") < timeline.index("Sagen er oprettet")
    # the deadlines arrive in date order
    kinds = [row["deadline"].kind for row in response.context["deadline_rows"]]
    assert kinds[:3] == ["visitation", "first_follow_up", "next_follow_up"]


def test_cpr_never_in_full_for_leaders(client, leader, hh_case):
    client.force_login(leader)
    page = client.get(url(hh_case)).content.decode()
    assert "150375-XXXX" in page and "150375-1122" not in page


def test_consultant_may_reveal_the_full_cpr_and_the_reveal_is_logged_on_its_own(client, consultant, hh_case):
    client.force_login(consultant)
    page = client.get(url(hh_case)).content.decode()
    assert "150375-1122" not in page  # fetched only when opened
    reveal = reverse("cases:full_cpr", args=[hh_case.uuid])
    assert f'hx-get="{reveal}"' in page
    response = client.get(reveal)
    assert response.content.decode() == "150375-1122" and response["Cache-Control"] == "no-store"
    entry = AuditEntry.objects.get(object_type="cpr")
    assert (entry.actor, entry.action, entry.case_uuid) == (consultant, "read", hh_case.uuid)


def test_only_the_cases_consultants_may_reveal_the_full_cpr(client, hh_case, leader, other_consultant):
    reveal = reverse("cases:full_cpr", args=[hh_case.uuid])
    client.force_login(leader)
    assert client.get(reveal).status_code == 403
    client.force_login(other_consultant)
    assert client.get(reveal).status_code == 404
    assert not AuditEntry.objects.filter(object_type="cpr").exists()


def test_who_may_open_the_case(client, hh_case, consultant, other_consultant, booker, leader, administrator):
    colleague = StaffMemberFactory(user__username="bo", user__roles=["consultant"], team=hh_case.team).user
    other_department_leader = StaffMemberFactory(
        user__username="lone", user__roles=["leader"], team=TeamFactory(department=DepartmentFactory())
    ).user
    expected = {
        consultant: 200,  # own case
        colleague: 200,  # own team's case
        leader: 200,  # their department's case
        other_consultant: 404,  # another team
        other_department_leader: 404,
        booker: 404,  # only through the booking app
        administrator: 404,  # sets the product up, reads no cases
    }
    for user, status in expected.items():
        client.force_login(user)
        assert client.get(url(hh_case)).status_code == status, user.username


def test_anonymous_is_sent_to_login(client, hh_case):
    response = client.get(url(hh_case))
    assert response.status_code == 302 and "/login/" in response.url


def test_case_page_query_budget(client, consultant, hh_case, django_assert_num_queries):
    client.force_login(consultant)
    # session, user, roles, staff member (authorisation), case with its relations, audit entry (insert),
    # the stored deadlines (1), timeline events (8); the case-work panel:
    # visitations, conversations, measures (+ their steps when there are any), offers, exceptions,
    # complaints, assignments (7). The forms' choices are read when a form is fetched
    # (test_casework_views.py), not with the page. None grows with the rows.
    with django_assert_num_queries(15):
        client.get(url(hh_case))
