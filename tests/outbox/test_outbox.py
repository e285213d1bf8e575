"""The outbox: what leaves the system is written with the change, delivered once, delivered later when the
broker or the mail server was down, and given up (visible, retryable) after OUTBOX_MAX_ATTEMPTS."""

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from meetings import services as meeting_services
from meetings.models import Meeting
from outbox.models import OutboxMessage
from outbox.services import backoff, outbox_deliver, outbox_redeliver
from outbox.tasks import redeliver
from sof.celery import app as celery_app
from staff.models import AuditEntry
from tests.meetings.factories import CaseFactory, at, consultant_with_calendar, next_weekday

pytestmark = pytest.mark.django_db

WAITING = "Mødet er booket. Brev og kalenderinvitation sendes om lidt; du skal ikke gøre mere."
SENT = "Mødet er booket. Brev og kalenderinvitation er sendt af sted."


@pytest.fixture
def karen(team):
    return consultant_with_calendar("karen", team=team, user__first_name="Karen", user__last_name="Kjær")


@pytest.fixture
def case():
    return CaseFactory(employer__nearest_leader_email="leder@virksomhed.dk")


@pytest.fixture
def eager_celery():
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous


def booking(karen) -> dict:
    return {
        "consultant": karen.pk,
        "day": next_weekday(1).isoformat(),
        "time": "10:00",
        "minutes": 60,
        "place": "arbejdsplads",
        "address": "",
    }


def recipients() -> list[str]:
    return sorted(address for message in mail.outbox for address in message.to)


# Transactional: the booking really commits, so its on-commit hand-over to the broker runs when it does in
# production, before the view writes its message (a test transaction would run it only at the test's end).
@pytest.mark.django_db(transaction=True)
def test_booking_while_the_broker_is_down_succeeds_and_the_invitation_follows_once(
    client, booker, karen, case, broker_down, caplog
):
    client.force_login(booker)
    response = client.post(reverse("meetings:book", args=[case.uuid]), booking(karen), follow=True)
    # The booker sees the booked meeting, told that the letter and invitation go out shortly.
    meeting = Meeting.objects.get(case=case)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == reverse("meetings:meeting_detail", args=[meeting.uuid])
    assert WAITING in response.content.decode()
    assert "could not be handed to the broker" in caplog.text
    # The booking is audited like any other; nothing is sent yet, and the outbox holds the invitation.
    assert AuditEntry.objects.filter(
        action=AuditEntry.Action.CREATE, object_type="meeting", case_uuid=case.uuid
    ).exists()
    assert (meeting.invitations_sent_at, mail.outbox) == (None, [])
    message = OutboxMessage.objects.get(kind=meeting_services.INVITATIONS, object_id=meeting.pk)
    assert (message.status, message.queued_at, message.attempts) == ("pending", None, 0)

    broker_down.back()
    # The beat job, every minute: the message is left two minutes to its own task, then delivered.
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=1)):
        assert redeliver.apply().get() == 0
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=2, seconds=1)):
        assert redeliver.apply().get() == 1
        assert redeliver.apply().get() == 0
    assert recipients() == ["karen@jobcenter.example.dk", "leder@virksomhed.dk"]  # each once
    assert mail.outbox[0].attachments[0][0] == "invitation.ics"
    meeting.refresh_from_db()
    assert meeting.invitations_sent_at is not None
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("sent", 1)
    # The meeting page no longer says anything is waiting; a retry of the booking finds the meeting.
    again = client.post(reverse("meetings:book", args=[case.uuid]), booking(karen), follow=True)
    assert "Mødet var allerede booket." in again.content.decode()
    assert len(mail.outbox) == 2


@pytest.mark.django_db(transaction=True)
def test_booking_with_the_broker_up_sends_at_once(client, booker, karen, case, eager_celery):
    client.force_login(booker)
    response = client.post(reverse("meetings:book", args=[case.uuid]), booking(karen), follow=True)
    assert SENT in response.content.decode()
    assert recipients() == ["karen@jobcenter.example.dk", "leder@virksomhed.dk"]
    message = OutboxMessage.objects.get()
    assert message.status == "sent" and message.queued_at is not None
    # The beat job later, and a duplicate of the task, send nothing more.
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=5)):
        assert outbox_redeliver() == 0
    assert outbox_deliver(message_id=message.pk) is None
    assert len(mail.outbox) == 2


def test_a_meeting_cancelled_before_its_invitation_went_out_sends_nothing(booker, karen, case):
    meeting = meeting_services.meeting_book(
        case=case, consultant=karen, starts_at=at(next_weekday(1), 10), booked_by=booker
    )
    meeting_services.meeting_cancel(meeting=meeting, cancelled_by=booker, reason="Borgeren er raskmeldt")
    [message] = OutboxMessage.objects.all()  # no cancellation: nobody had the invitation
    assert outbox_deliver(message_id=message.pk) == "skipped"
    assert mail.outbox == []


def test_a_cancellation_is_sent_once(booker, karen, case):
    meeting = meeting_services.meeting_book(
        case=case, consultant=karen, starts_at=at(next_weekday(1), 10), booked_by=booker
    )
    outbox_deliver(message_id=OutboxMessage.objects.get().pk)
    meeting_services.meeting_cancel(meeting=meeting, cancelled_by=booker, reason="Borgeren er raskmeldt")
    cancellation = OutboxMessage.objects.get(kind=meeting_services.CANCELLATION)
    assert outbox_deliver(message_id=cancellation.pk) == "sent"
    assert outbox_deliver(message_id=cancellation.pk) is None
    assert [m.subject.startswith("Aflyst:") for m in mail.outbox] == [False, False, True, True]


class RefusingBackend:
    """A mail server that refuses every message (a wrong relay setting, say)."""

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("mail server refused")


def test_after_the_last_attempt_a_message_is_dead_visible_and_can_be_sent_again(
    client, administrator, booker, karen, case, settings, eager_celery, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "tests.outbox.test_outbox.RefusingBackend"
    settings.OUTBOX_MAX_ATTEMPTS = 3
    meeting = meeting_services.meeting_book(
        case=case, consultant=karen, starts_at=at(next_weekday(1), 10), booked_by=booker
    )
    message = OutboxMessage.objects.get()  # the test's transaction does not commit: not handed over
    now = message.next_attempt_at  # two minutes after it was written
    waits = []
    for _attempt in range(3):
        with time_machine.travel(now, tick=False):
            assert outbox_redeliver() == 1
        message.refresh_from_db()
        waits.append(message.next_attempt_at - now)
        now = message.next_attempt_at
    assert waits[:2] == [dt.timedelta(minutes=1), dt.timedelta(minutes=2)]  # backoff after attempts 1 and 2
    assert (message.status, message.attempts) == ("dead", 3)
    assert "mail server refused" in message.last_error
    with time_machine.travel(now + dt.timedelta(hours=5), tick=False):
        assert outbox_redeliver() == 0  # dead: never tried again by itself
    assert client.get(reverse("healthz")).json()["outbox_dead"] == 1

    # The administrator finds it among the outgoing messages and, the mail server fixed, sends it again.
    client.force_login(administrator)
    changelist = reverse("admin:outbox_outboxmessage_changelist")
    page = client.get(changelist, {"status__exact": "dead"})
    assert page.status_code == 200
    assert "meetings.invitations" in page.content.decode() and "mail server refused" in page.content.decode()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(changelist, {"action": "retry", "_selected_action": [message.pk]}, follow=True)
    assert "1 besked(er) sendes igen." in response.content.decode()
    message.refresh_from_db()
    assert message.status == "sent"
    meeting.refresh_from_db()
    assert meeting.invitations_sent_at is not None
    assert recipients() == ["karen@jobcenter.example.dk", "leder@virksomhed.dk"]
    assert client.get(reverse("healthz")).json()["outbox_dead"] == 0


def test_backoff_doubles_up_to_an_hour():
    assert [backoff(n) for n in (1, 2, 3, 7, 8, 20)] == [
        dt.timedelta(minutes=1),
        dt.timedelta(minutes=2),
        dt.timedelta(minutes=4),
        dt.timedelta(hours=1),
        dt.timedelta(hours=1),
        dt.timedelta(hours=1),
    ]
