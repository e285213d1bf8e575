import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from cases.models import Assignment, Case
from meetings import documents, selectors, services
from meetings.models import ContactAttempt, Meeting
from tests.meetings.factories import CaseFactory, at, consultant_with_calendar, next_weekday
from tests.meetings.test_documents import pdf_text
from visitation.models import HandoverReason

pytestmark = pytest.mark.django_db


@pytest.fixture
def calendar_consultant(team):
    return consultant_with_calendar("karen", team=team, user__email="karen@jobcenter.example.dk")


@pytest.fixture
def case():
    return CaseFactory(employer__nearest_leader_email="leder@virksomhed.example.dk")


def book(case, consultant, booker, start):
    return services.meeting_book(case=case, consultant=consultant, starts_at=start, booked_by=booker)


def test_booking_assigns_the_case_sets_the_planned_date_and_stores_the_letter(
    case, calendar_consultant, booker, django_capture_on_commit_callbacks
):
    day = next_weekday(1)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        meeting = book(case, calendar_consultant, booker, at(day, 10))
    case.refresh_from_db()
    assert case.consultant == calendar_consultant and case.team == calendar_consultant.staff.team
    assert Assignment.objects.filter(case=case, consultant=calendar_consultant).count() == 1
    assert case.first_meeting_planned_on == day
    assert meeting.invitation_letter.read(5) == b"%PDF-"
    assert case.events.filter(kind="meeting_booked").exists()
    # The invitations go out only after commit: one e-mail each to the employer and the consultant.
    assert len(callbacks) == 1
    assert sorted(m.to[0] for m in mail.outbox) == [
        "karen@jobcenter.example.dk",
        "leder@virksomhed.example.dk",
    ]
    message = mail.outbox[0]
    assert message.attachments[0][0] == "invitation.ics"
    assert "method=REQUEST" in message.attachments[0][2]
    assert case.employer.name in message.subject
    assert case.person.cpr.replace("-", "") not in message.subject.replace("-", "")
    meeting.refresh_from_db()
    assert meeting.invitations_sent_at is not None


def test_an_owned_case_is_booked_with_its_consultant_or_handed_over_with_a_reason(
    case, calendar_consultant, team, booker
):
    """One consultant per case (issue 14): the meeting, the letter and the case name the same person."""
    owner = consultant_with_calendar("olga", team=team, user__first_name="Olga", user__last_name="Ejer")
    case.consultant = owner
    case.save()
    with pytest.raises(ValidationError) as refused:
        book(case, calendar_consultant, booker, at(next_weekday(1), 10))
    assert "handover_reason" in refused.value.message_dict
    assert not Meeting.objects.filter(case=case).exists()

    reason = HandoverReason.objects.get(code="andet")
    meeting = services.meeting_book(
        case=case,
        consultant=calendar_consultant,
        starts_at=at(next_weekday(1), 10),
        booked_by=booker,
        handover_reason=reason,
    )
    case.refresh_from_db()
    assert case.consultant == meeting.consultant == calendar_consultant
    assert Assignment.objects.get(case=case, ended_on__isnull=True).reason == reason
    assert case.events.filter(kind="handover").exists()
    assert documents.consultant_name(meeting) in pdf_text(meeting.invitation_letter.read())


def test_the_owner_is_booked_without_any_handover(case, calendar_consultant, booker):
    case.consultant = calendar_consultant
    case.save()
    book(case, calendar_consultant, booker, at(next_weekday(1), 10))
    assert not Assignment.objects.filter(case=case, reason__isnull=False).exists()


def test_a_first_meeting_after_the_deadline_needs_a_reason_and_says_so(calendar_consultant, booker):
    case = CaseFactory(first_absence_day=timezone.localdate() - dt.timedelta(days=54))  # week 8 ends tomorrow
    late_day = next_weekday(2)
    with pytest.raises(ValidationError) as refused:
        book(case, calendar_consultant, booker, at(late_day, 10))
    assert "late_reason" in refused.value.message_dict
    meeting = services.meeting_book(
        case=case,
        consultant=calendar_consultant,
        starts_at=at(late_day, 10),
        booked_by=booker,
        late_reason="Nærmeste leder på ferie til næste uge",
    )
    assert meeting.late_reason == "Nærmeste leder på ferie til næste uge"
    booked = case.events.get(kind="meeting_booked").text
    assert "Efter fristen" in booked and "ferie" in booked


def test_fast_track_moves_the_first_meetings_deadline_forward(calendar_consultant, booker):
    """§ 13 b, stk. 2: after a Fast Track request the first conversation is held within 2 weeks of it."""
    today = timezone.localdate()
    case = CaseFactory(
        first_absence_day=today - dt.timedelta(days=21), fast_track_requested_on=today - dt.timedelta(days=13)
    )
    assert selectors.first_meeting_deadline(case) == today + dt.timedelta(days=1)
    with pytest.raises(ValidationError, match="efter fristen"):
        book(case, calendar_consultant, booker, at(next_weekday(2), 10))


def test_a_taken_slot_a_closed_case_and_a_second_meeting_are_refused(calendar_consultant, booker):
    day = next_weekday(2)
    book(CaseFactory(), calendar_consultant, booker, at(day, 9))
    with pytest.raises(ValidationError, match="optaget"):
        book(CaseFactory(), calendar_consultant, booker, at(day, 9, 30))
    closed = CaseFactory(status=Case.Status.CLOSED, closed_on=timezone.localdate())
    with pytest.raises(ValidationError, match="afsluttet"):
        book(closed, calendar_consultant, booker, at(day, 12))
    case = CaseFactory()
    book(case, calendar_consultant, booker, at(day, 13))
    with pytest.raises(ValidationError, match="allerede et booket møde"):
        book(case, calendar_consultant, booker, at(day, 14))
    assert Meeting.objects.filter(status=Meeting.Status.BOOKED).count() == 2


def test_outside_hours_absence_and_past_are_refused(calendar_consultant, booker):
    day = next_weekday(3)
    services.absence_add(consultant=calendar_consultant, kind="holiday", starts_on=day, ends_on=day)
    with pytest.raises(ValidationError, match="fraværende \\(ferie\\)"):
        book(CaseFactory(), calendar_consultant, booker, at(day, 10))
    with pytest.raises(ValidationError, match="uden for konsulentens arbejdstid"):
        book(CaseFactory(), calendar_consultant, booker, at(next_weekday(4), 15, 30))
    with pytest.raises(ValidationError, match="overstået"):
        book(CaseFactory(), calendar_consultant, booker, timezone.now() - dt.timedelta(hours=1))
    assert not Meeting.objects.exists()


def test_a_consultant_without_a_calendar_cannot_be_booked(consultant, booker):
    with pytest.raises(ValidationError, match="ingen kalender"):
        book(CaseFactory(), consultant, booker, at(next_weekday(1), 10))


def test_a_meeting_cancelled_before_the_invitations_went_out_sends_nothing(
    case, calendar_consultant, booker, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        meeting = book(case, calendar_consultant, booker, at(next_weekday(1), 10))
    services.meeting_cancel(meeting=meeting, cancelled_by=booker, reason="Borgeren er indlagt")
    for callback in callbacks:  # the queued task runs only now: too late, the meeting is cancelled
        callback()
    assert mail.outbox == []
    meeting.refresh_from_db()
    assert meeting.invitations_sent_at is None
    case.refresh_from_db()
    assert case.first_meeting_planned_on is None


def test_cancelling_after_the_invitations_sends_a_cancellation_and_frees_the_slot(
    case, calendar_consultant, booker, django_capture_on_commit_callbacks
):
    start = at(next_weekday(1), 10)
    with django_capture_on_commit_callbacks(execute=True):
        meeting = book(case, calendar_consultant, booker, start)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_cancel(meeting=meeting, cancelled_by=booker, reason="Lederen er syg")
    assert len(mail.outbox) == 2
    assert mail.outbox[0].subject.startswith("Aflyst:")
    assert "method=CANCEL" in mail.outbox[0].attachments[0][2]
    assert b"STATUS:CANCELLED" in mail.outbox[0].attachments[0][1].encode()
    # the slot is free again, and the same invitation task run twice sends nothing more
    assert services.meeting_invitations_send(meeting_id=meeting.pk) is False
    book(CaseFactory(), calendar_consultant, booker, start)


def test_invitations_are_sent_once_even_if_the_task_runs_twice(case, calendar_consultant, booker):
    meeting = book(case, calendar_consultant, booker, at(next_weekday(1), 10))
    assert services.meeting_invitations_send(meeting_id=meeting.pk) is True
    assert services.meeting_invitations_send(meeting_id=meeting.pk) is False
    assert len(mail.outbox) == 2


def test_reschedule_moves_the_meeting_and_a_refused_new_slot_keeps_the_old(case, calendar_consultant, booker):
    day = next_weekday(1)
    meeting = book(case, calendar_consultant, booker, at(day, 10))
    with pytest.raises(ValidationError, match="uden for"):
        services.meeting_reschedule(meeting=meeting, starts_at=at(day, 20), rescheduled_by=booker, reason="x")
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.BOOKED
    new = services.meeting_reschedule(
        meeting=meeting, starts_at=at(day, 13), rescheduled_by=booker, reason="Ønske"
    )
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.CANCELLED and meeting.cancel_reason == "Flyttet: Ønske"
    assert new.status == Meeting.Status.BOOKED and timezone.localtime(new.starts_at).hour == 13


def test_no_show_puts_the_case_back_in_the_queue(case, calendar_consultant, booker):
    meeting = book(case, calendar_consultant, booker, at(next_weekday(1), 10))
    with pytest.raises(ValidationError, match="ikke begyndt"):
        services.meeting_outcome_set(meeting=meeting, status=Meeting.Status.NO_SHOW, actor=booker)
    Meeting.objects.filter(pk=meeting.pk).update(
        starts_at=timezone.now() - dt.timedelta(hours=2), ends_at=timezone.now() - dt.timedelta(hours=1)
    )
    services.meeting_outcome_set(meeting=meeting, status=Meeting.Status.NO_SHOW, actor=booker)
    case.refresh_from_db()
    assert case.first_meeting_planned_on is None


def test_contact_attempt_saves_the_nearest_leader_on_the_employer(booker):
    case = CaseFactory(employer__nearest_leader_name="")
    services.contact_attempt_log(
        case=case,
        made_by=booker,
        outcome=ContactAttempt.Outcome.WRONG_PERSON,
        note="HR henviste til driftslederen",
        leader_name="Jette Bak",
        leader_phone="20 30 40 50",
    )
    case.employer.refresh_from_db()
    assert (case.employer.nearest_leader_name, case.employer.nearest_leader_phone) == (
        "Jette Bak",
        "20 30 40 50",
    )
    assert ContactAttempt.objects.get().get_outcome_display() == "Forkert person"
    with pytest.raises(ValidationError):
        services.contact_attempt_log(case=case, made_by=booker, outcome="maybe")


def test_feed_token_renew_replaces_and_revoke_removes(calendar_consultant):
    first = services.calendar_feed_token_renew(consultant=calendar_consultant)
    second = services.calendar_feed_token_renew(consultant=calendar_consultant)
    assert first != second and len(second) >= 40
    services.calendar_feed_token_revoke(consultant=calendar_consultant)
    assert calendar_consultant.meeting_calendar.__class__.objects.get().feed_token is None


def test_a_consultant_not_yet_qualified_is_neither_suggested_nor_booked_for_a_first_meeting(team, booker):
    from meetings.selectors import consultant_suggestions

    trainee = consultant_with_calendar("tina", team=team, qualified=False, user__first_name="Tina")
    qualified = consultant_with_calendar("karen", team=team)
    case = CaseFactory()
    suggested = [s.consultant for s in consultant_suggestions(case=case, now=timezone.now())]
    assert suggested == [qualified]
    with pytest.raises(ValidationError, match="ikke kvalificeret til første opfølgningssamtale"):
        book(case, trainee, booker, at(next_weekday(1), 10))
