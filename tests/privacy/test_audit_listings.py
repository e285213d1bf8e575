"""Every page that lists citizens or employers' meetings leaves audit entries (issue 17): 'Mine opgaver', the
team calendar (and a consultant's and one's own week), the allocation list, and the registration's duplicate
look-up by CPR number (the number only as the masked fingerprint the search keeps)."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import Alert, Conversation
from meetings.services import meeting_book
from staff.models import AuditEntry
from staff.privacy import cpr_term_fingerprint
from tests.cases.factories import AlertCaseFactory, PersonFactory
from tests.cases.factories import CaseFactory as PlainCaseFactory
from tests.meetings.factories import CaseFactory, at, consultant_with_calendar, next_weekday

pytestmark = pytest.mark.django_db


def entries(object_type: str) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(object_type=object_type).order_by("id"))


def test_my_alerts_records_a_read_of_each_case_listed(client, consultant):
    cases = [AlertCaseFactory(consultant=consultant) for _ in range(2)]
    for case in cases:
        for kind in ("first_follow_up", "reassessment"):  # two alerts of one case: one entry
            Alert.objects.create(
                case=case, kind=kind, level="due_soon", due_on=dt.date(2017, 10, 15), recipient=consultant
            )
    client.force_login(consultant)
    assert client.get(reverse("cases:my_alerts")).status_code == 200
    logged = entries("alert_list")
    assert {(e.case_uuid, e.person_uuid) for e in logged} == {(c.uuid, c.person.uuid) for c in cases}
    assert len(logged) == 2
    assert all(e.action == AuditEntry.Action.READ and e.actor == consultant for e in logged)


@pytest.fixture
def booked(booker, team):
    karen = consultant_with_calendar("karen", team=team)
    case = CaseFactory(employer__name="Mejeriet A/S")
    meeting = meeting_book(
        case=case,
        consultant=karen,
        starts_at=at(next_weekday(1), 10),
        minutes=60,
        place=Conversation.Place.WORKPLACE,
        address="",
        booked_by=booker,
    )
    return meeting


@pytest.mark.parametrize(
    "url_name, object_type",
    [("meetings:team_week", "team_calendar"), ("meetings:consultant_week", "consultant_calendar")],
)
def test_a_calendar_naming_employers_records_a_read_of_each_meetings_case(
    client, booker, booked, url_name, object_type
):
    client.force_login(booker)
    args = [booked.consultant.pk] if url_name == "meetings:consultant_week" else []
    monday = booked.starts_at.date() - dt.timedelta(days=booked.starts_at.weekday())
    response = client.get(reverse(url_name, args=args), {"uge": monday.isoformat()})
    assert "Mejeriet A/S" in response.content.decode()
    [entry] = entries(object_type)
    assert (entry.case_uuid, entry.person_uuid) == (booked.case.uuid, booked.case.person.uuid)
    assert entry.actor == booker and entry.action == AuditEntry.Action.READ


def test_the_team_calendars_audit_is_one_insert_however_many_meetings(
    client, booker, team, django_assert_num_queries
):
    karen = consultant_with_calendar("karen", team=team)
    day = next_weekday(1)
    monday = day - dt.timedelta(days=day.weekday())
    client.force_login(booker)

    def load() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            client.get(reverse("meetings:team_week"), {"uge": monday.isoformat()})
        return len(queries)

    meeting_book(
        case=CaseFactory(), consultant=karen, starts_at=at(day, 9), minutes=45,
        place=Conversation.Place.WORKPLACE, address="", booked_by=booker,
    )  # fmt: skip
    one = load()
    for hour in (11, 13, 14):
        meeting_book(
            case=CaseFactory(), consultant=karen, starts_at=at(day, hour), minutes=45,
            place=Conversation.Place.WORKPLACE, address="", booked_by=booker,
        )  # fmt: skip
    assert load() == one
    assert len(entries("team_calendar")) == 1 + 4


def test_the_allocation_list_records_a_read_of_each_case_listed(client, leader):
    waiting = [CaseFactory(consultant=None, team=None) for _ in range(3)]
    client.force_login(leader)
    assert client.get(reverse("meetings:allocation")).status_code == 200
    logged = entries("allocation")  # read: the list; a change (the allocation itself) has its own action
    assert {e.case_uuid for e in logged} == {case.uuid for case in waiting}
    assert all(e.person_uuid for e in logged)


CPR = "010180-1234"


def test_the_duplicate_look_up_is_a_search_with_the_cpr_fingerprint_and_a_read_of_each_case_shown(
    client, booker
):
    person = PersonFactory(cpr=CPR)
    earlier = PlainCaseFactory(person=person, first_absence_day=timezone.localdate() - dt.timedelta(days=60))
    client.force_login(booker)
    response = client.post(
        reverse("cases:register"),
        {
            "cpr": CPR,
            "person_name": "Hanne Hansen",
            "unemployed": "on",
            "first_absence_day": (timezone.localdate() - dt.timedelta(days=20)).isoformat(),
            "received_on": timezone.localdate().isoformat(),
            "source": "benefit_office",
        },
    )
    assert "Mulig dublet" in response.content.decode()
    [search] = [e for e in entries("duplicate_lookup") if e.action == AuditEntry.Action.SEARCH]
    assert search.search_terms == f"CPR#{cpr_term_fingerprint('0101801234')}"
    assert search.person_uuid == person.uuid
    [read] = [e for e in entries("duplicate_lookup") if e.action == AuditEntry.Action.READ]
    assert (read.case_uuid, read.person_uuid) == (earlier.uuid, person.uuid)
    for entry in AuditEntry.objects.all():  # the number in clear nowhere
        assert "0101801234" not in str(entry.__dict__) and "010180-1234" not in str(entry.__dict__)
