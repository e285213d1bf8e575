"""The deadline sweep and the digests, run step by step with time frozen (time-machine)."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command

from cases import alert_kinds
from cases.models import Alert, AlertDigest, AlertSettings, Case, CaseException, Conversation, SweepRun
from cases.services import alerts as alert_services
from outbox.models import OutboxMessage
from outbox.services import outbox_deliver, outbox_redeliver
from staff.roles import Role
from tests.cases.factories import AlertCaseFactory, deadline_store
from tests.factories import StaffMemberFactory
from visitation import deadlines
from visitation.models import ExceptionReason

COPENHAGEN = ZoneInfo("Europe/Copenhagen")
HH_FIRST_DAY = dt.date(2017, 8, 21)  # seed 001, case "HH": sick-listed Monday 21 August 2017
HH_WEEK8_END = dt.date(2017, 10, 15)  # Sunday: the first follow-up's legal deadline


def at(year, month, day, hour=8, minute=0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=COPENHAGEN)


def sweep(moment: dt.datetime):
    with time_machine.travel(moment, tick=False):
        return alert_services.deadline_sweep()


def open_alerts(**filters):
    return set(
        Alert.objects.filter(resolved_at__isnull=True, **filters).values_list(
            "kind", "level", "recipient__username"
        )
    )


@pytest.fixture
def hh_case(consultant):
    return AlertCaseFactory(
        consultant=consultant,
        first_absence_day=HH_FIRST_DAY,
        next_deadline_on=HH_WEEK8_END,
        next_deadline_kind=deadlines.FIRST_FOLLOW_UP,
        first_meeting_planned_on=dt.date(2017, 10, 12),  # booked: no "not booked" alert
    )


# --- Levels (pure)


@pytest.mark.parametrize(
    ("today", "levels"),
    [
        (dt.date(2017, 10, 6), []),  # Friday the week before: 6 working days ahead
        (dt.date(2017, 10, 9), ["due_soon"]),  # Monday: the 5th working day before Sunday 15 October
        (dt.date(2017, 10, 12), ["due_soon"]),
        (dt.date(2017, 10, 13), ["due_today"]),  # Friday: the last working day before the Sunday deadline
        (dt.date(2017, 10, 15), ["due_today"]),
        (dt.date(2017, 10, 16), ["overdue"]),
        (dt.date(2017, 10, 22), ["overdue"]),  # overdue by 7 days: not yet escalated
        (dt.date(2017, 10, 23), ["overdue", "escalated"]),  # overdue by more than 7 days
    ],
)
def test_levels_of_the_hh_deadline(today, levels):
    soon_from = alert_services.due_soon_from(
        kind=deadlines.FIRST_FOLLOW_UP, due_on=HH_WEEK8_END, lead_working_days=5
    )
    assert alert_services.alert_levels(due_on=HH_WEEK8_END, today=today, soon_from=soon_from) == levels


def test_due_soon_leaves_a_working_day_before_a_deadline_after_easter():
    # Deadline Tuesday 22 April 2025, the day after Easter Monday: Maundy Thursday, Good Friday and Easter
    # Monday are holidays, so the 5th working day before is Thursday 10 April (16, 15, 14, 11, 10).
    assert alert_services.working_days_before(dt.date(2025, 4, 22), 5) == dt.date(2025, 4, 10)
    # and "due today" fires on the deadline itself (a working day) …
    levels = alert_services.alert_levels(
        due_on=dt.date(2025, 4, 22), today=dt.date(2025, 4, 22), soon_from=dt.date(2025, 4, 10)
    )
    assert levels == ["due_today"]
    # … while the Tuesday-after-Easter deadline is 'due soon' over the whole holiday.
    for day in (dt.date(2025, 4, 17), dt.date(2025, 4, 18), dt.date(2025, 4, 21)):
        assert alert_services.alert_levels(
            due_on=dt.date(2025, 4, 22), today=day, soon_from=dt.date(2025, 4, 10)
        ) == ["due_soon"]


# --- The sweep on the worked example "HH"


def test_hh_alerts_on_the_right_days_and_never_twice(hh_case, consultant, leader):
    assert sweep(at(2017, 10, 6)).created == 0
    assert open_alerts() == set()

    assert sweep(at(2017, 10, 9)).created == 1
    assert open_alerts() == {("first_follow_up", "due_soon", "alice")}
    # The same day again, and a quarter of an hour later: nothing new.
    assert sweep(at(2017, 10, 9)).created == 0
    assert sweep(at(2017, 10, 9, 8, 15)).created == 0

    # Friday: due today; the superseded 'due soon' is resolved by the sweep.
    assert sweep(at(2017, 10, 13)).created == 1
    assert open_alerts() == {("first_follow_up", "due_today", "alice")}

    assert sweep(at(2017, 10, 16)).created == 1
    assert open_alerts() == {("first_follow_up", "overdue", "alice")}

    # More than 7 days overdue: the leader of the team's department is told too, the consultant keeps hers.
    assert sweep(at(2017, 10, 23)).created == 1
    assert open_alerts() == {
        ("first_follow_up", "overdue", "alice"),
        ("first_follow_up", "escalated", "lars"),
    }
    assert sweep(at(2017, 10, 23, 9)).created == 0
    assert Alert.objects.count() == 4
    assert SweepRun.objects.count() == 8  # every run is recorded


def test_a_missed_run_loses_nothing(hh_case):
    # No sweep ran for days (worker down): the first run after is overdue, not silent.
    assert sweep(at(2017, 10, 18)).created == 1
    assert open_alerts() == {("first_follow_up", "overdue", "alice")}


def test_meeting_held_resolves_the_alert(hh_case):
    sweep(at(2017, 10, 13))
    # The conversation is held; the rulebook's refresh stores the first follow-up as met and the next one.
    deadline_store(hh_case, deadlines.FIRST_FOLLOW_UP, HH_WEEK8_END, done_on=dt.date(2017, 10, 13))
    deadline_store(hh_case, deadlines.NEXT_FOLLOW_UP, dt.date(2017, 11, 9))
    result = sweep(at(2017, 10, 13, 10))
    assert result.created == 0 and result.resolved == 1
    assert open_alerts() == set()
    # Four weeks later the recurring follow-up alerts again (a new due date is a new alert).
    assert sweep(at(2017, 11, 3)).created == 1
    assert open_alerts() == {("next_follow_up", "due_soon", "alice")}


def test_closed_case_alerts_are_resolved(hh_case):
    sweep(at(2017, 10, 16))
    Case.objects.filter(pk=hh_case.pk).update(status=Case.Status.CLOSED, closed_on=dt.date(2017, 10, 16))
    assert sweep(at(2017, 10, 16, 9)).resolved == 1
    assert open_alerts() == set()
    assert sweep(at(2017, 10, 30)).created == 0


def test_user_resolved_alert_is_not_recreated_but_still_escalates(hh_case, consultant, leader):
    sweep(at(2017, 10, 16))
    alert = Alert.objects.get(level="overdue")
    alert_services.alert_resolve(alert=alert, user=consultant)
    assert sweep(at(2017, 10, 17)).created == 0
    assert open_alerts() == set()
    # The deadline itself is still not met: 7 days on the leader is told.
    assert sweep(at(2017, 10, 23)).created == 1
    assert open_alerts() == {("first_follow_up", "escalated", "lars")}


def test_unassigned_case_goes_to_the_booker_queue_and_follows_the_assignment(team, consultant, booker):
    case = AlertCaseFactory(
        consultant=None,
        team=team,
        next_deadline_on=HH_WEEK8_END,
        next_deadline_kind=deadlines.FIRST_FOLLOW_UP,
        first_meeting_planned_on=dt.date(2017, 10, 12),
    )
    sweep(at(2017, 10, 9))
    alert = Alert.objects.get()
    assert alert.recipient is None  # the booker queue
    # The booker assigns the case; the open alert follows it to the consultant.
    Case.objects.filter(pk=case.pk).update(consultant=consultant)
    assert sweep(at(2017, 10, 9, 9)).created == 0
    alert.refresh_from_db()
    assert alert.recipient == consultant


def test_fast_track_meeting_alerts(consultant):
    # Fast Track requested Monday 4 September 2017: the first conversation within 2 weeks (Monday 18
    # September).
    AlertCaseFactory(
        consultant=consultant,
        fast_track_requested_on=dt.date(2017, 9, 4),
        source=Case.Source.FAST_TRACK,
        next_deadline_on=dt.date(2017, 9, 18),
        next_deadline_kind=deadlines.FAST_TRACK_MEETING,
    )
    assert sweep(at(2017, 9, 8)).created == 0
    assert sweep(at(2017, 9, 11)).created == 1  # 5 working days before Monday 18 September
    assert sweep(at(2017, 9, 18)).created == 1
    assert open_alerts() == {("fast_track_meeting", "due_today", "alice")}


def test_agreement_56_expiry_behind_an_earlier_deadline(consultant):
    AlertCaseFactory(
        consultant=consultant,
        agreement_56_expires_on=dt.date(2018, 3, 1),
        next_deadline_on=dt.date(2018, 1, 20),
        next_deadline_kind=deadlines.NEXT_FOLLOW_UP,
    )
    assert sweep(at(2017, 12, 30)).created == 0  # 61 days before
    assert sweep(at(2017, 12, 31)).created == 1  # within 60 days, while the follow-up is the next deadline
    assert open_alerts() == {("agreement_56_expiry", "due_soon", "alice")}


def test_reassessment_alerts_four_weeks_ahead(consultant):
    AlertCaseFactory(
        consultant=consultant,
        next_deadline_on=dt.date(2018, 2, 28),
        next_deadline_kind=deadlines.REASSESSMENT,
    )
    assert sweep(at(2018, 1, 30)).created == 0
    assert sweep(at(2018, 1, 31)).created == 1
    assert open_alerts() == {("reassessment", "due_soon", "alice")}


def test_first_meeting_not_booked_ten_working_days_before_week_8(consultant):
    # HH without a booked meeting: the 10th working day before Sunday 15 October 2017 is Monday 2 October.
    case = AlertCaseFactory(
        consultant=consultant, next_deadline_on=HH_WEEK8_END, next_deadline_kind=deadlines.FIRST_FOLLOW_UP
    )
    assert sweep(at(2017, 9, 29)).created == 0
    assert sweep(at(2017, 10, 2)).created == 1
    assert open_alerts(kind=alert_kinds.FIRST_MEETING_NOT_BOOKED) == {
        ("first_meeting_not_booked", "due_soon", "alice")
    }
    # The booker books the meeting: the alert is resolved.
    Case.objects.filter(pk=case.pk).update(first_meeting_planned_on=dt.date(2017, 10, 12))
    sweep(at(2017, 10, 2, 10))
    assert open_alerts(kind=alert_kinds.FIRST_MEETING_NOT_BOOKED) == set()


def test_first_meeting_lead_is_set_by_the_administrator(consultant):
    AlertSettings.objects.create(first_meeting_lead_working_days=3)
    AlertCaseFactory(consultant=consultant)
    assert sweep(at(2017, 10, 10)).created == 0  # the 4th working day before
    assert sweep(at(2017, 10, 11)).created == 1


def test_no_first_meeting_alert_once_a_conversation_is_held(consultant):
    case = AlertCaseFactory(consultant=consultant)
    Conversation.objects.create(
        case=case, held_on=dt.date(2017, 9, 25), place="telefon", recorded_by=consultant
    )
    assert sweep(at(2017, 10, 2)).created == 0


def test_category_1_case_open_after_week_8(consultant):
    AlertCaseFactory(
        consultant=consultant,
        category=1,
        next_deadline_on=HH_WEEK8_END,
        next_deadline_kind=deadlines.CATEGORY1_AFTER_WEEK8,
    )
    sweep(at(2017, 10, 16))
    assert open_alerts() == {("category1_after_week8", "overdue", "alice")}


def test_exception_pending_more_than_five_working_days_goes_to_the_leader(consultant, leader, hh_case):
    CaseException.objects.create(
        case=hh_case,
        reason=ExceptionReason.objects.get(code="indlagt"),
        proposed_by=consultant,
        proposed_at=at(2017, 9, 28, 14),  # Thursday: 5 working days end Thursday 5 October
    )
    assert sweep(at(2017, 10, 5)).created == 0
    assert sweep(at(2017, 10, 6)).created == 1
    assert open_alerts(kind=alert_kinds.EXCEPTION_PENDING) == {("exception_pending", "overdue", "lars")}
    CaseException.objects.update(
        status=CaseException.Status.APPROVED, decided_by=leader, decided_at=at(2017, 10, 6)
    )
    assert sweep(at(2017, 10, 6, 9)).resolved == 1


def test_caseload_above_target_once_per_episode(consultant, leader):
    consultant.staff.caseload_target = 2
    consultant.staff.save()
    for _n in range(3):
        AlertCaseFactory(consultant=consultant, first_meeting_planned_on=dt.date(2017, 10, 12))
    assert sweep(at(2017, 10, 2)).created == 1
    assert sweep(at(2017, 10, 9)).created == 0
    alert = Alert.objects.get(kind=alert_kinds.CASELOAD_ABOVE_TARGET)
    assert (alert.recipient, alert.about_user) == (leader, consultant)
    Case.objects.filter(pk=Case.objects.first().pk).update(status=Case.Status.CLOSED)
    assert sweep(at(2017, 10, 10)).resolved == 1
    assert open_alerts() == set()


def test_management_command_prints_created(hh_case, capsys):
    call_command("run_deadline_sweep", "--now", "2017-10-13T08:00")
    assert capsys.readouterr().out.strip().splitlines()[-1] == "created=1"
    call_command("run_deadline_sweep", "--now", "2017-10-13T08:00")
    assert capsys.readouterr().out.strip().splitlines()[-1] == "created=0"


# --- Morning digest


@pytest.fixture
def eager_celery():
    from sof.celery import app

    app.conf.task_always_eager = True
    yield app
    app.conf.task_always_eager = False


def test_morning_digest_one_mail_per_person_without_cpr(
    hh_case, consultant, leader, eager_celery, django_capture_on_commit_callbacks
):
    second = AlertCaseFactory(
        consultant=consultant,
        next_deadline_on=dt.date(2017, 10, 10),
        next_deadline_kind=deadlines.NEXT_FOLLOW_UP,
        first_meeting_planned_on=dt.date(2017, 10, 2),
    )
    sweep(at(2017, 10, 10))  # two alerts for alice
    with (
        time_machine.travel(at(2017, 10, 11, 7), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        created = alert_services.alert_digests_prepare()
    assert len(created) == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["alice@jobcenter.example.dk"]
    assert message.subject == "Påmindelser om frister 11-10-2017"
    assert (
        "Første opfølgningssamtale senest ved udgangen af uge 8: forfalder snart, frist 15-10-2017 (uge 8)"
        in (message.body)
    )
    assert "Næste opfølgningssamtale: forfalder i dag, frist 10-10-2017 (uge 8)" in message.body
    for person in (hh_case.person, second.person):
        digits = person.cpr.replace("-", "")
        assert digits[:6] not in message.subject + message.body
        assert person.name not in message.subject + message.body
    assert AlertDigest.objects.get().sent_at is not None

    # A second run the same morning, and a retry of the same digest: no new mail.
    with (
        time_machine.travel(at(2017, 10, 11, 7, 5), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert alert_services.alert_digests_prepare() == []
    assert alert_services.alert_digest_send(digest_id=created[0]) is False
    assert len(mail.outbox) == 1

    # Next morning: only what is new since (the follow-up became overdue), not yesterday's alerts again.
    sweep(at(2017, 10, 11, 12))
    with (
        time_machine.travel(at(2017, 10, 12, 7), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert len(alert_services.alert_digests_prepare()) == 1
    assert len(mail.outbox) == 2
    body = mail.outbox[1].body
    assert body.startswith("Nye påmindelser om frister: 1\n")
    assert "Næste opfølgningssamtale: overskredet, frist 10-10-2017" in body
    assert "Første opfølgningssamtale" not in body
    # The morning after, with nothing new: no mail at all.
    with (
        time_machine.travel(at(2017, 10, 13, 7), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert alert_services.alert_digests_prepare() == []
    assert len(mail.outbox) == 2


def test_no_digest_on_a_danish_holiday(hh_case, eager_celery, django_capture_on_commit_callbacks):
    sweep(at(2017, 10, 9))
    # Christmas Day 2017 is a Monday.
    with (
        time_machine.travel(at(2017, 12, 25, 7), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert alert_services.alert_digests_prepare() == []
    assert mail.outbox == []


class FlakyBackend:
    """An e-mail backend whose first send fails like an unreachable SMTP server."""

    failures_left = 1

    def __init__(self, *args, **kwargs):
        from django.core.mail.backends.locmem import EmailBackend

        self.backend = EmailBackend(*args, **kwargs)

    def send_messages(self, messages):
        if FlakyBackend.failures_left:
            FlakyBackend.failures_left -= 1
            raise ConnectionRefusedError("SMTP server unreachable")
        return self.backend.send_messages(messages)


def test_failed_send_is_recorded_retried_and_mailed_once(hh_case, settings):
    settings.EMAIL_BACKEND = "tests.cases.test_alerts.FlakyBackend"
    FlakyBackend.failures_left = 1
    sweep(at(2017, 10, 9))
    with time_machine.travel(at(2017, 10, 10, 7), tick=False):
        [digest_id] = alert_services.alert_digests_prepare()
        message = OutboxMessage.objects.get(kind=alert_services.DIGEST, object_id=digest_id)
        assert outbox_deliver(message_id=message.pk) == OutboxMessage.Status.PENDING
    message.refresh_from_db()
    assert (message.attempts, message.next_attempt_at) == (1, at(2017, 10, 10, 7, 1))
    assert "SMTP server unreachable" in message.last_error
    assert AlertDigest.objects.get().sent_at is None
    assert mail.outbox == []
    # The redeliver job sends it once its next attempt is due; a duplicate delivery finds it sent.
    with time_machine.travel(at(2017, 10, 10, 7, 1), tick=False):
        assert outbox_redeliver() == 1
        assert outbox_deliver(message_id=message.pk) is None
        assert alert_services.alert_digest_send(digest_id=digest_id) is False
    assert len(mail.outbox) == 1


def test_weekly_leader_summary(hh_case, leader, consultant, eager_celery, django_capture_on_commit_callbacks):
    sweep(at(2017, 10, 23))
    with (
        time_machine.travel(at(2017, 10, 23, 7, 30), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        alert_services.alert_digests_prepare(kind=AlertDigest.Kind.WEEKLY)
    [message] = mail.outbox
    assert message.to == ["lars@jobcenter.example.dk"]
    assert message.subject == "Ugeoversigt over frister, uge 43"
    assert "Overskredet i mere end 7 dage: 1" in message.body


def test_booker_sees_the_queue_but_not_other_teams(team, other_team, booker):
    AlertCaseFactory(
        consultant=None,
        team=team,
        next_deadline_on=HH_WEEK8_END,
        next_deadline_kind="first_follow_up",
        first_meeting_planned_on=dt.date(2017, 10, 12),
    )
    AlertCaseFactory(
        consultant=None,
        team=other_team,
        next_deadline_on=HH_WEEK8_END,
        next_deadline_kind="first_follow_up",
        first_meeting_planned_on=dt.date(2017, 10, 12),
    )
    sweep(at(2017, 10, 9))
    from cases.selectors.alerts import alert_list_for_user, alert_unread_count

    assert Alert.objects.count() == 2
    assert alert_unread_count(user=booker) == 1
    assert [a.case.team for a in alert_list_for_user(user=booker)] == [team]


def test_leader_without_role_gets_no_escalation(team, consultant, hh_case):
    # A staff member of the department without the leader role is not a leader.
    StaffMemberFactory(user__username="notaleader", user__roles=[Role.CONSULTANT], team=team)
    sweep(at(2017, 10, 23))
    assert open_alerts(level="escalated") == {("first_follow_up", "escalated", "alice")}


def test_a_sweep_killed_halfway_neither_loses_nor_duplicates(consultant, leader, monkeypatch):
    for n in range(6):
        AlertCaseFactory(
            consultant=consultant,
            next_deadline_on=dt.date(2017, 10, 1) + dt.timedelta(days=n),
            next_deadline_kind=deadlines.FIRST_FOLLOW_UP,
            first_meeting_planned_on=dt.date(2017, 9, 30),
        )
    monkeypatch.setattr(alert_services, "CLAIM_BATCH", 4)
    bulk_create = Alert.objects.bulk_create
    batches = []

    def killed_after_one_batch(alerts, *args, **kwargs):
        if batches:
            raise SystemExit("worker killed")  # not an Exception: nothing in the sweep catches it
        batches.append(alerts)
        return bulk_create(alerts, *args, **kwargs)

    monkeypatch.setattr(Alert.objects, "bulk_create", killed_after_one_batch)
    with pytest.raises(SystemExit):
        sweep(at(2017, 10, 20))
    assert Alert.objects.count() == 4  # each batch commits on its own: what was done before the kill stays
    monkeypatch.undo()
    # After the restart: the rest, and nothing twice (6 overdue, all escalated: 12 alerts).
    assert sweep(at(2017, 10, 20, 8, 15)).created == 8
    assert Alert.objects.count() == 12
    assert SweepRun.objects.filter(finished_at__isnull=True).count() == 1  # the killed run is visible


def test_broker_down_digest_is_logged_and_sent_later(
    hh_case, consultant, broker_down, django_capture_on_commit_callbacks, caplog, client
):
    sweep(at(2017, 10, 9))
    with (
        time_machine.travel(at(2017, 10, 10, 7), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        [digest_id] = alert_services.alert_digests_prepare()  # the enqueue fails on commit: no exception
    assert "could not be handed to the broker" in caplog.text
    assert AlertDigest.objects.get().sent_at is None
    # The web app keeps working meanwhile.
    client.force_login(consultant)
    assert client.get("/sager/opgaver/").status_code == 200
    # The outbox's redeliver job (every minute) sends it once it is due, two minutes after it was written.
    with time_machine.travel(at(2017, 10, 10, 7, 1), tick=False):
        assert outbox_redeliver() == 0
    with time_machine.travel(at(2017, 10, 10, 7, 2), tick=False):
        assert outbox_redeliver() == 1
        assert outbox_redeliver() == 0
    assert AlertDigest.objects.get(pk=digest_id).sent_at is not None
    assert len(mail.outbox) == 1
