"""Restricted cases (beskyttet sag, issue 16): a case concerning the municipality's own staff, or someone
close to them, is open only to its responsible consultant, its named deputies and its department's leaders;
it never goes to the member of staff it concerns or their team; every use is in the audit log the
data-protection officer lists; figures still count it."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from cases.models import Case, Conversation, Restriction
from cases.selectors.access import can_see_health, cases_visible_to
from cases.services.casework import case_hand_over
from cases.services.restriction import case_restriction_set
from meetings import documents
from meetings.services import calendar_set_working_hours, meeting_book
from reporting.selectors import report_cases
from staff.models import AuditEntry
from staff.roles import Role
from tests.factories import StaffMemberFactory
from tests.meetings.factories import NINE_TO_FOUR, CaseFactory, at, consultant_with_calendar, next_weekday
from tests.meetings.test_documents import pdf_text
from visitation.models import HandoverReason

pytestmark = pytest.mark.django_db

MINUTES = "HELBRED-I-BESKYTTET-SAG"


@pytest.fixture
def teammate(team):
    """A consultant in Alice's team: sees the team's cases, not its restricted ones."""
    return StaffMemberFactory(user__username="tove", user__roles=[Role.CONSULTANT], team=team).user


@pytest.fixture
def restricted(consultant, team, leader):
    """Alice's case of a person who works for the municipality (a colleague in another team)."""
    case = CaseFactory(
        consultant=consultant, team=team, first_absence_day=dt.date.today() - dt.timedelta(days=20)
    )
    Conversation.objects.create(
        case=case, held_on=dt.date.today(), place="telefon", minutes=MINUTES, recorded_by=consultant
    )
    return case_restriction_set(case=case, actor=leader, restriction=Restriction.OWN_STAFF)


def page(user, case) -> tuple[int, str]:
    client = Client()
    client.force_login(user)
    response = client.get(reverse("cases:detail", args=[case.uuid]))
    return response.status_code, response.content.decode()


def test_only_the_consultant_deputies_and_the_departments_leaders_open_it(
    restricted, consultant, teammate, leader, booker, other_consultant
):
    for user in (consultant, leader):
        status, body = page(user, restricted)
        assert status == 200 and MINUTES in body and "Beskyttet sag" in body
    for user in (teammate, other_consultant):
        assert page(user, restricted)[0] == 404
        assert restricted not in cases_visible_to(user)
    # The booker's share leaves it out: not on the queue, its booking page a 404.
    assert restricted not in cases_visible_to(booker)
    client = Client()
    client.force_login(booker)
    assert client.get(reverse("meetings:case_booking", args=[restricted.uuid])).status_code == 404
    # A named deputy (here in another team) opens it in full, health information included.
    case_restriction_set(
        case=restricted, actor=leader, restriction=Restriction.OWN_STAFF, deputies=[other_consultant]
    )
    status, body = page(other_consultant, restricted)
    assert status == 200 and MINUTES in body
    assert can_see_health(other_consultant, Case.objects.get(pk=restricted.pk))
    # Lifted: the team sees it again.
    case_restriction_set(case=restricted, actor=leader, restriction="")
    assert page(teammate, restricted)[0] == 200
    assert page(other_consultant, restricted)[0] == 404


def test_search_finds_it_only_for_those_who_may_open_it(restricted, consultant, teammate):
    for user, found in ((consultant, True), (teammate, False)):
        client = Client()
        client.force_login(user)
        response = client.post(reverse("cases:search"), {"q": restricted.person.cpr})
        assert (restricted.person.name in response.content.decode()) is found, user


def test_figures_still_count_it(restricted, leader):
    assert restricted in report_cases(user=leader)


def test_it_never_goes_to_the_member_of_staff_it_concerns_or_their_team(consultant, team, leader, other_team):
    staff_member = StaffMemberFactory(
        user__username="sygemeldt", user__roles=[Role.CONSULTANT], team=team
    ).user
    elsewhere = consultant_with_calendar("else", team=other_team)
    case = CaseFactory(consultant=elsewhere, team=other_team)
    case = case_restriction_set(
        case=case, actor=leader, restriction=Restriction.OWN_STAFF, restricted_staff=staff_member
    )
    reason = HandoverReason.objects.get(code="andet")
    for to in (staff_member, consultant):  # the person themself; a consultant of their team
        with pytest.raises(ValidationError) as refused:
            case_hand_over(case=case, actor=leader, to_consultant=to, reason=reason)
        assert "to_consultant" in refused.value.message_dict
    case.refresh_from_db()
    assert case.consultant == elsewhere
    # Nor can a deputy be one of them, or the restriction name a member of staff of their own case's team.
    with pytest.raises(ValidationError) as refused:
        case_restriction_set(
            case=case,
            actor=leader,
            restriction=Restriction.OWN_STAFF,
            restricted_staff=staff_member,
            deputies=[consultant],
        )
    assert "deputies" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        case_restriction_set(
            case=case, actor=leader, restriction=Restriction.CLOSE_TO_STAFF, restricted_staff=elsewhere
        )
    assert "restricted_staff" in refused.value.message_dict


def test_a_booker_registers_it_and_is_told_where_it_waits(client, booker, leader, teammate):
    client.force_login(booker)
    response = client.post(
        reverse("cases:register"),
        {
            "cpr": "010180-1234",
            "person_name": "Hanne Hansen",
            "unemployed": "on",
            "first_absence_day": (dt.date.today() - dt.timedelta(days=20)).isoformat(),
            "received_on": dt.date.today().isoformat(),
            "source": "benefit_office",
            "restriction": Restriction.CLOSE_TO_STAFF,
            "restricted_staff": teammate.pk,
        },
        follow=True,
    )
    case = Case.objects.get()
    assert case.restriction == Restriction.CLOSE_TO_STAFF and case.restricted_staff == teammate
    assert "Sagen er beskyttet: en leder fordeler den og booker første møde." in response.content.decode()
    assert case.events.filter(kind="restriction").exists()
    assert case not in cases_visible_to(booker)
    assert case in cases_visible_to(leader)


def test_only_a_leader_sets_it_and_the_consultant_cannot(client, consultant, own_case):
    client.force_login(consultant)
    response = client.post(
        reverse("cases:action", args=[own_case.uuid, "restriction"]),
        {"restriction-restriction": "egen_ansat"},
    )
    assert response.status_code in (403, 404)
    own_case.refresh_from_db()
    assert own_case.restriction == ""


def test_the_data_protection_officer_lists_every_use_of_restricted_cases(
    restricted, consultant, teammate, own_case, django_user_model
):
    page(consultant, restricted)  # read
    page(teammate, restricted)  # denied
    page(consultant, own_case)  # an ordinary case: not on the list
    officer = django_user_model.objects.create_superuser("dpo", "dpo@example.dk", "x")
    client = Client()
    client.force_login(officer)
    response = client.get(reverse("admin:staff_auditentry_changelist"), {"restricted": "yes"})
    listed = list(response.context["cl"].queryset)
    assert {entry.case_uuid for entry in listed} == {restricted.uuid}
    assert {(entry.actor, entry.action) for entry in listed} >= {
        (consultant, AuditEntry.Action.READ),
        (teammate, AuditEntry.Action.DENIED),
    }


def test_the_team_calendar_shows_its_meetings_as_busy_only(restricted, consultant, teammate, leader):
    calendar_set_working_hours(consultant=consultant, hours=NINE_TO_FOUR)
    day = next_weekday(1)
    meeting_book(case=restricted, consultant=consultant, starts_at=at(day, 10), booked_by=leader)
    url = reverse("meetings:team_week") + f"?uge={day.isoformat()}"
    for user, shows_employer in ((consultant, True), (teammate, False), (leader, False)):
        client = Client()
        client.force_login(user)
        body = client.get(url).content.decode()
        assert (restricted.employer.name in body) is shows_employer, user
        assert ("Optaget (beskyttet sag)" in body) is not shows_employer, user


# --- name and address protection ---------------------------------------------------------------------------


def test_a_protected_address_appears_only_for_the_consultant_who_holds_the_meeting(
    client, team, booker, leader
):
    """A home visit for a citizen with navne- og adressebeskyttelse: the letter, the employer's invitation
    (e-mail and .ics) and the booker's page say "adresse beskyttet"; the consultant sees where to go."""
    consultant = consultant_with_calendar("karen", team=team)  # qualified for first meetings
    case = CaseFactory(
        consultant=consultant, team=team, employer__nearest_leader_email="leder@firma.example.dk"
    )
    case_restriction_set(case=case, actor=leader, restriction="", address_protected=True)
    home = "Hemmelig Allé 7, 7400 Herning"
    meeting = meeting_book(
        case=case,
        consultant=consultant,
        starts_at=at(next_weekday(2), 10),
        booked_by=booker,
        place=Conversation.Place.HOME,
        address=home,
    )
    letter = pdf_text(documents.invitation_letter_pdf(meeting))
    invitation = documents.meeting_ics(meeting, attendees=["leder@firma.example.dk"]).decode()
    assert home not in letter and "Adresse beskyttet" in letter
    assert "Hemmelig" not in invitation and "adresse beskyttet" in invitation
    url = reverse("meetings:meeting_detail", args=[meeting.uuid])
    for user, shown in ((booker, False), (leader, False), (consultant, True)):
        client.force_login(user)
        assert (home in client.get(url).content.decode()) is shown, user
    assert case.events.filter(text__contains="navne- og adressebeskyttelse").exists()
