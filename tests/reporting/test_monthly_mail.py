"""The monthly figures e-mail: first working day of the month, once per leader, last month's figures."""

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.core import mail

from outbox.models import OutboxMessage
from outbox.services import outbox_deliver, outbox_redeliver
from reporting.models import MonthlyReportMail
from reporting.services import monthly_reports_prepare
from reporting.tasks import monthly_reports

COPENHAGEN = zoneinfo.ZoneInfo("Europe/Copenhagen")


def at(year, month, day, hour=7, minute=45) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=COPENHAGEN)


@pytest.fixture
def eager_celery():
    from sof.celery import app

    app.conf.task_always_eager = True
    yield app
    app.conf.task_always_eager = False


def run_beat(moment, capture):
    with time_machine.travel(moment, tick=False), capture(execute=True):
        return monthly_reports.delay().get()


def test_first_working_day_sends_last_months_figures_once(
    leader, march_2018, eager_celery, django_capture_on_commit_callbacks
):
    # 1 April 2018 is Easter Sunday and 2 April Easter Monday: the first working day is Tuesday 3 April.
    assert run_beat(at(2018, 4, 2), django_capture_on_commit_callbacks) == 0
    assert mail.outbox == []
    assert run_beat(at(2018, 4, 3), django_capture_on_commit_callbacks) == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [leader.email]
    assert message.subject == "Nøgletal for marts 2018"
    body = message.body.replace("\xa0", " ")
    assert "Første samtale på arbejdspladsen: 57,1 % (4 af 7) – milepæl 45 %: nået" in body
    assert "uden undtagne: 66,7 % (4 af 6)" in body
    assert "Første samtale senest uge 8: 85,7 % (6 af 7)" in body
    assert "Virksomhedsrettet indsats senest uge 13: 50,0 % (3 af 6) – milepæl 44 %: nået" in body
    assert "Afsluttede sager: 4, median 59,5 dage, tilbage i arbejde 50,0 %" in body
    assert "/rapporter/?start=2018-03-01&end=2018-03-31" in body
    assert not any(str(case.person) in body for case in march_2018.values())  # no names
    # a second run the same day, and the days after, send nothing more
    assert run_beat(at(2018, 4, 3, 8), django_capture_on_commit_callbacks) == 0
    assert run_beat(at(2018, 4, 4), django_capture_on_commit_callbacks) == 0
    assert len(mail.outbox) == 1
    assert MonthlyReportMail.objects.get().month == dt.date(2018, 4, 1)


def test_a_missed_first_working_day_is_caught_up(leader, eager_celery, django_capture_on_commit_callbacks):
    assert run_beat(at(2018, 5, 9), django_capture_on_commit_callbacks) == 1
    assert mail.outbox[0].subject == "Nøgletal for april 2018"
    assert "Første samtale på arbejdspladsen: – (0 af 0) – milepæl 45 %: ingen sager" in mail.outbox[
        0
    ].body.replace("\xa0", " ")


def test_a_failed_send_is_recorded_and_retried_without_duplicates(leader, settings):
    with time_machine.travel(at(2018, 4, 3), tick=False):
        [mail_id] = monthly_reports_prepare()  # the test's transaction never commits: nothing enqueued
        message = OutboxMessage.objects.get(kind="reporting.monthly_report", object_id=mail_id)
        # A real SMTP backend against a port where nothing listens: the connection is refused.
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2
        assert outbox_deliver(message_id=message.pk) == "pending"
    message.refresh_from_db()
    assert message.attempts == 1
    assert "ConnectionRefusedError" in message.last_error
    assert message.next_attempt_at == at(2018, 4, 3, 7, 46)  # one minute later
    assert MonthlyReportMail.objects.get().sent_at is None
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with time_machine.travel(at(2018, 4, 3, 7, 45) + dt.timedelta(seconds=30), tick=False):
        assert outbox_redeliver() == 0  # not due yet
    with time_machine.travel(at(2018, 4, 3, 7, 46), tick=False):
        assert outbox_redeliver() == 1
        assert outbox_redeliver() == 0
        assert outbox_deliver(message_id=message.pk) is None  # a duplicate task: already sent
    assert len(mail.outbox) == 1
    assert MonthlyReportMail.objects.get().sent_at is not None
