import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import Conversation
from cases.services.casework import standby_end, standby_start
from meetings import services
from meetings.models import Meeting
from meetings.selectors import QUEUE_PAGE_SIZE
from staff.models import AuditEntry
from tests.meetings.factories import CaseFactory, at, consultant_with_calendar, next_weekday

pytestmark = pytest.mark.django_db


@pytest.fixture
def karen(team):
    return consultant_with_calendar("karen", team=team, user__first_name="Karen", user__last_name="Kjær")


def test_the_queue_lists_cases_waiting_for_a_first_meeting_most_urgent_first(
    client, booker, karen, django_assert_num_queries
):
    today = timezone.localdate()
    urgent = CaseFactory(employer__name="Haster ApS", first_absence_day=today - dt.timedelta(days=50))
    later = CaseFactory(
        employer__name="Senere ApS",
        first_absence_day=today - dt.timedelta(days=10),
        received_on=today,
        employer__nearest_leader_name="Ole Dahl",
        employer__nearest_leader_phone="11 22 33 44",
    )
    late_intake = CaseFactory(
        employer__name="Sent ApS", first_absence_day=today - dt.timedelta(days=52), received_on=today
    )
    CaseFactory(employer__name="Kategori1 ApS", category=1)
    CaseFactory(employer=None)
    booked = CaseFactory(employer__name="Booket ApS")
    services.meeting_book(case=booked, consultant=karen, starts_at=at(next_weekday(1), 10), booked_by=booker)
    held = CaseFactory(employer__name="Holdt ApS")
    Conversation.objects.create(
        case=held, held_on=today, place="arbejdsplads", recorded_by=karen, minutes="Diagnose: hemmelig"
    )
    client.force_login(booker)
    # session, user, roles; the booker's department (cases/selectors/access.py); the whole queue's order
    # (plain values); the page's cases (employer, person, consultant, rule set, attempt count joined); flow:
    # meetings booked this week; the audit entries for the cases shown (one insert). Last contact attempts
    # are not read when no case has any.
    with django_assert_num_queries(8):
        response = client.get(reverse("meetings:queue"))
    html = response.content.decode()
    assert [row.case for row in response.context["rows"]] == [late_intake, urgent, later]
    for absent in ["Kategori1 ApS", "Booket ApS", "Holdt ApS", "hemmelig"]:
        assert absent not in html
    assert "Ole Dahl" in html and "11 22 33 44" in html
    assert "ikke fundet" in html  # the others' nearest leader must be found
    assert "4 dage for sent" in html  # intake by the end of week 7 (day 49); received on day 53
    assert "Overskredet med" not in html
    flow = response.context["flow"]
    assert (flow.waiting, flow.booked_this_week, flow.due_in_7_days, flow.late_intake) == (3, 1, 2, 1)


def test_a_long_queue_shows_a_page_at_a_time_of_the_departments_cases_and_counts_them_all(
    client, booker, team, other_team
):
    today = timezone.localdate()
    waiting = [
        CaseFactory(team=team, first_absence_day=today - dt.timedelta(days=55 - n))
        for n in range(QUEUE_PAGE_SIZE + 5)
    ]
    CaseFactory(team=other_team, employer__name="Anden Afdeling ApS")
    elsewhere = consultant_with_calendar("otto", team=other_team)
    services.meeting_book(
        case=CaseFactory(team=other_team),
        consultant=elsewhere,
        starts_at=at(next_weekday(2), 10),
        booked_by=booker,
    )
    client.force_login(booker)

    first = client.get(reverse("meetings:queue"))
    assert [row.case for row in first.context["rows"]] == waiting[:QUEUE_PAGE_SIZE]
    assert f"Viser 1–{QUEUE_PAGE_SIZE} af {QUEUE_PAGE_SIZE + 5}" in first.content.decode()
    assert 'href="?page=2">Næste</a>' in first.content.decode()
    assert (first.context["flow"].waiting, first.context["flow"].booked_this_week) == (QUEUE_PAGE_SIZE + 5, 0)
    reads = AuditEntry.objects.filter(object_type="booking_queue")
    assert reads.count() == QUEUE_PAGE_SIZE  # what was shown, not the whole queue

    second = client.get(reverse("meetings:queue"), {"page": 2})
    assert [row.case for row in second.context["rows"]] == waiting[QUEUE_PAGE_SIZE:]
    for response in (first, second):
        assert "Anden Afdeling ApS" not in response.content.decode()


def test_only_bookers_and_leaders_open_the_queue(client, consultant, booker):
    client.force_login(consultant)
    assert client.get(reverse("meetings:queue")).status_code == 403
    client.force_login(booker)
    assert client.get(reverse("meetings:queue")).status_code == 200


def test_booking_page_ranks_consultants_and_a_slot_button_books(client, booker, karen, team):
    consultant_with_calendar("jens", team=team, base_postcode="9000")  # Aalborg: far away
    case = CaseFactory(employer__contact_consultant=karen)
    client.force_login(booker)
    response = client.get(reverse("meetings:case_booking", args=[case.uuid]))
    suggestions = response.context["suggestions"]
    assert [s.consultant for s in suggestions][0] == karen
    assert "Fast kontaktkonsulent for virksomheden" in response.content.decode()
    slot = suggestions[0].free_slots[0]
    response = client.post(
        reverse("meetings:book", args=[case.uuid]),
        {
            "consultant": karen.pk,
            "day": slot.strftime("%Y-%m-%d"),
            "time": timezone.localtime(slot).strftime("%H:%M"),
            "minutes": 60,
            "place": "arbejdsplads",
        },
        follow=True,
    )
    meeting = Meeting.objects.get(case=case)
    assert response.redirect_chain[-1][0] == reverse("meetings:meeting_detail", args=[meeting.uuid])
    assert "Mødet er booket" in response.content.decode()
    letter = client.get(reverse("meetings:meeting_letter", args=[meeting.uuid]))
    assert letter["Content-Type"] == "application/pdf"


def test_a_refused_slot_shows_the_reason_and_books_nothing(client, booker, karen):
    case = CaseFactory()
    client.force_login(booker)
    response = client.post(
        reverse("meetings:book", args=[case.uuid]),
        {
            "consultant": karen.pk,
            "day": next_weekday(5).isoformat(),
            "time": "10:00",
            "minutes": 60,
            "place": "arbejdsplads",
        },
        follow=True,
    )
    assert "Konsulenten arbejder ikke lørdag." in response.content.decode()
    assert not Meeting.objects.exists()


def test_the_consultant_sees_the_meeting_in_the_week_view_and_the_feed(client, booker, karen):
    case = CaseFactory(employer__name="Ugevisning ApS")
    day = next_weekday(1)
    services.meeting_book(case=case, consultant=karen, starts_at=at(day, 9), booked_by=booker)
    client.force_login(karen)
    week = client.get(reverse("meetings:my_calendar"), {"uge": day.isoformat()})
    assert "Ugevisning ApS" in week.content.decode() and "09:00–10:00" in week.content.decode()
    client.post(reverse("meetings:my_feed"), {"action": "renew"})
    token = karen.meeting_calendar.__class__.objects.get(consultant=karen).feed_token
    client.logout()
    feed = client.get(reverse("meetings:feed", args=[token]))
    assert feed.status_code == 200 and feed["Content-Type"].startswith("text/calendar")
    body = feed.content.decode()
    assert "SUMMARY:Opfølgningssamtale - Ugevisning ApS" in body
    assert case.person.name not in body
    client.force_login(karen)
    client.post(reverse("meetings:my_feed"), {"action": "revoke"})
    client.logout()
    assert client.get(reverse("meetings:feed", args=[token])).status_code == 404


def test_team_week_shows_every_consultant_with_absences_in_words(client, leader, karen, team):
    day = next_weekday(2)
    services.absence_add(consultant=karen, kind="course", starts_on=day, ends_on=day)
    client.force_login(leader)
    html = client.get(
        reverse("meetings:team_week"), {"uge": day.isoformat(), "team": team.slug}
    ).content.decode()
    assert "Karen Kjær" in html and "Fravær" in html and "Kursus" in html


def test_another_consultant_cannot_open_a_meeting(client, booker, karen, other_consultant):
    meeting = services.meeting_book(
        case=CaseFactory(), consultant=karen, starts_at=at(next_weekday(1), 9), booked_by=booker
    )
    client.force_login(other_consultant)
    assert client.get(reverse("meetings:meeting_detail", args=[meeting.uuid])).status_code == 404
    client.force_login(karen)
    assert client.get(reverse("meetings:meeting_detail", args=[meeting.uuid])).status_code == 200


def test_held_takes_the_consultant_to_the_case_page_to_record_the_conversation(client, booker, karen):
    case = CaseFactory()
    meeting = services.meeting_book(
        case=case, consultant=karen, starts_at=at(next_weekday(1), 9), booked_by=booker
    )
    Meeting.objects.filter(pk=meeting.pk).update(
        starts_at=timezone.now() - dt.timedelta(hours=1), ends_at=timezone.now()
    )
    client.force_login(karen)
    response = client.post(reverse("meetings:meeting_outcome", args=[meeting.uuid]), {"status": "held"})
    assert response.status_code == 302 and response["Location"] == reverse("cases:detail", args=[case.uuid])
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.HELD


def test_the_owner_is_first_and_a_slot_leads_to_a_summary_before_anything_is_sent(
    client, booker, karen, team, django_capture_on_commit_callbacks
):
    """Issue 14: the case's consultant first (marked), and one summary — who, when, where, the deadline,
    what goes to whom — before letters and invitations leave."""
    contact = consultant_with_calendar("jens", team=team)
    case = CaseFactory(
        consultant=karen, employer__contact_consultant=contact, employer__nearest_leader_email="l@v.dk"
    )
    client.force_login(booker)
    page = client.get(reverse("meetings:case_booking", args=[case.uuid]))
    suggestions = page.context["suggestions"]
    assert suggestions[0].consultant == karen and suggestions[0].is_owner
    assert 'data-testid="owner"' in page.content.decode()

    slot = timezone.localtime(suggestions[0].free_slots[0])
    query = {"consultant": karen.pk, "day": f"{slot:%Y-%m-%d}", "time": f"{slot:%H:%M}", "minutes": 60}
    summary = client.get(reverse("meetings:confirm", args=[case.uuid]), {**query, "place": "arbejdsplads"})
    text = summary.content.decode()
    assert "Sagens konsulent" in text and "Fristen overholdes" in text
    assert "Kalenderinvitation til nærmeste leder (l@v.dk)" in text
    assert not Meeting.objects.exists() and not mail_sent()

    posted = {**query, "place": "arbejdsplads", "address": ""}
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(reverse("meetings:book", args=[case.uuid]), posted, follow=True)
        second = client.post(reverse("meetings:book", args=[case.uuid]), posted, follow=True)  # double submit
    meeting = Meeting.objects.get(case=case)
    assert first.redirect_chain[-1][0] == second.redirect_chain[-1][0] == f"/booking/moede/{meeting.uuid}/"
    assert "Mødet var allerede booket." in second.content.decode()


def test_another_consultant_asks_for_a_handover_reason_on_the_summary(client, booker, karen, team):
    owner = consultant_with_calendar("olga", team=team, user__first_name="Olga", user__last_name="Ejer")
    case = CaseFactory(consultant=owner)
    client.force_login(booker)
    day = next_weekday(1)
    query = {
        "consultant": karen.pk,
        "day": day.isoformat(),
        "time": "10:00",
        "minutes": 60,
        "place": "arbejdsplads",
    }
    text = client.get(reverse("meetings:confirm", args=[case.uuid]), query).content.decode()
    assert "Sagen er Olga Ejers." in text and 'name="handover_reason"' in text

    refused = client.post(reverse("meetings:book", args=[case.uuid]), {**query, "address": ""})
    assert refused.status_code == 200 and "vælg en årsag til at overdrage sagen" in refused.content.decode()
    assert not Meeting.objects.exists()


def mail_sent() -> bool:
    from django.core import mail

    return bool(mail.outbox)


def test_the_queue_orders_by_the_earliest_of_week_8_and_the_fast_track_deadline(client, booker):
    today = timezone.localdate()
    week_8_soon = CaseFactory(employer__name="Uge otte ApS", first_absence_day=today - dt.timedelta(days=45))
    fast_track = CaseFactory(
        employer__name="Fast track ApS",
        first_absence_day=today - dt.timedelta(days=14),
        fast_track_requested_on=today - dt.timedelta(days=10),  # first conversation due in 4 days
    )
    client.force_login(booker)
    rows = client.get(reverse("meetings:queue")).context["rows"]
    assert [row.case for row in rows][:2] == [fast_track, week_8_soon]
    assert rows[0].deadline == today + dt.timedelta(days=4)


def test_the_queue_reads_the_stored_deadline_so_a_standby_that_ended_moves_it(client, booker, consultant):
    # Sick 60 days ago, in the standby scheme (seriously ill) from day 30 until yesterday: the end of week 8
    # (5 days ago) fell in standby, so the first follow-up counts four weeks from the day standby ended
    # (cases/services/deadlines.py stores it; the queue reads the stored row) — not 5 days overdue.
    today = timezone.localdate()
    case = CaseFactory(employer__name="Standby ApS", first_absence_day=today - dt.timedelta(days=60))
    standby_start(case=case, actor=consultant, ground="kraeft", started_on=today - dt.timedelta(days=30))
    standby_end(case=case, actor=consultant, ended_on=today - dt.timedelta(days=1))
    client.force_login(booker)
    rows = client.get(reverse("meetings:queue")).context["rows"]
    assert [row.deadline for row in rows if row.case == case] == [today + dt.timedelta(days=27)]
