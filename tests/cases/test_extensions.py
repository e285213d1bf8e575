"""§ 27 extensions after the re-assessment and the first conversation held late for the person's condition
(issue 18, parts 3 and 2): what the consultant records, what is refused (field errors, nothing saved), and
the extension's end date alerting four weeks ahead."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from cases.models import Alert, Case, Conversation, ReassessmentDecision
from cases.selectors.deadlines import case_deadlines
from cases.services import alerts as alert_services
from cases.services.casework import conversation_record, reassessment_decide, standby_start
from cases.services.deadlines import case_deadlines_refresh
from tests.cases.factories import AssignedCaseFactory, ConversationFactory
from visitation import deadlines

pytestmark = pytest.mark.django_db
TODAY = dt.date.today()
HTMX = {"HTTP_HX_REQUEST": "true"}
P = Conversation.Participant


@pytest.fixture
def long_case(consultant):
    """A category-2 case 300 days into the absence: its re-assessment date (§ 24) has passed."""
    case = AssignedCaseFactory(consultant=consultant, first_absence_day=TODAY - dt.timedelta(days=300))
    ConversationFactory(case=case, held_on=TODAY - dt.timedelta(days=250), recorded_by=consultant)
    case_deadlines_refresh(case=case)
    case.refresh_from_db()
    return case


def reassessment_date(case: Case) -> dt.date:
    return next(d.due_on for d in case_deadlines(case=case) if d.kind == deadlines.REASSESSMENT)


def nothing_saved(case: Case, events_before: int) -> bool:
    case.refresh_from_db()
    return (
        not ReassessmentDecision.objects.filter(case=case).exists()
        and case.extension_until is None
        and case.reassessment_decided_on is None
        and not case.is_closed
        and case.events.count() == events_before
    )


# --- § 27 extensions -------------------------------------------------------------------------------------


def test_an_extension_to_clarify_work_ability_runs_to_its_date_and_that_date_is_a_deadline(
    long_case, consultant
):
    """§ 27, stk. 1, nr. 2: up to 69 weeks from the re-assessment date; the last allowed day is accepted."""
    latest = reassessment_date(long_case) + dt.timedelta(weeks=69)
    reassessment_decide(
        case=long_case,
        actor=consultant,
        decided_on=TODAY,
        outcome="extension_27",
        extension_ground="arbejdsevne",
        extension_until=latest,
    )
    long_case.refresh_from_db()
    decision = long_case.reassessment_decisions.get()
    assert (decision.outcome, decision.extension_ground, decision.extension_until) == (
        "extension_27",
        "arbejdsevne",
        latest,
    )
    assert long_case.extension_until == latest and long_case.reassessment_decided_on == TODAY
    found = {d.kind: d for d in case_deadlines(case=long_case)}
    assert found[deadlines.EXTENSION_END].due_on == latest and not found[deadlines.EXTENSION_END].is_done
    assert found[deadlines.REASSESSMENT].done_on == TODAY
    assert (
        long_case.events.filter(kind="reassessment")
        .get()
        .text.endswith(f"Nr. 2: arbejdsevnen skal afklares (op til 69 uger), til og med {latest:%d-%m-%Y}")
    )


@pytest.mark.parametrize(
    ("values", "field"),
    [
        # One day beyond § 27, stk. 1, nr. 3's 134 weeks from the re-assessment date.
        ({"outcome": "extension_27", "extension_ground": "behandling", "until_weeks": 134, "extra_days": 1},
         "extension_until"),
        ({"outcome": "extension_27", "extension_ground": "arbejdsevne", "until_weeks": 69, "extra_days": 1},
         "extension_until"),
        ({"outcome": "extension_27", "extension_ground": "arbejdsevne"}, "extension_until"),  # no end date
        ({"outcome": "extension_27", "extension_ground": ""}, "extension_ground"),  # ground missing
        ({"outcome": "extension_27", "extension_ground": "lottogevinst"}, "extension_ground"),
        ({"outcome": "jobafklaring", "extension_ground": "livstruende"}, "extension_ground"),
        ({"outcome": "jobafklaring", "until_weeks": 10}, "extension_until"),
        ({"outcome": "extension_27", "extension_ground": "livstruende", "until_weeks": 0}, "extension_until"),
    ],
)  # fmt: skip
def test_bad_extension_input_is_a_field_error_and_saves_nothing(long_case, consultant, values, field):
    values = dict(values)
    weeks, extra = values.pop("until_weeks", None), values.pop("extra_days", 0)
    until = None
    if weeks is not None:
        until = reassessment_date(long_case) + dt.timedelta(weeks=weeks, days=extra) if weeks else TODAY
    events = long_case.events.count()
    with pytest.raises(ValidationError) as error:
        reassessment_decide(
            case=long_case, actor=consultant, decided_on=TODAY, extension_until=until, **values
        )
    assert field in error.value.message_dict
    assert nothing_saved(long_case, events)


def test_a_later_decision_replaces_the_extension_and_keeps_the_reassessment_met(long_case, consultant):
    """When an extension runs out a new decision follows (another ground, or the transition): the
    re-assessment stays completed by the first decision, the extension's end moves to the new one."""
    first_day = TODAY - dt.timedelta(days=60)
    reassessment_decide(
        case=long_case,
        actor=consultant,
        decided_on=first_day,
        outcome="extension_27",
        extension_ground="rehabiliteringsteam",
        extension_until=TODAY,
    )
    with pytest.raises(ValidationError) as error:  # not before the latest decision
        reassessment_decide(
            case=long_case,
            actor=consultant,
            decided_on=first_day - dt.timedelta(days=1),
            outcome="extension_27",
            extension_ground="livstruende",
        )
    assert "decided_on" in error.value.message_dict
    later = reassessment_date(long_case) + dt.timedelta(weeks=134)
    reassessment_decide(
        case=long_case,
        actor=consultant,
        decided_on=TODAY,
        outcome="extension_27",
        extension_ground="behandling",
        extension_until=later,
    )
    long_case.refresh_from_db()
    found = {d.kind: d for d in case_deadlines(case=long_case)}
    assert found[deadlines.REASSESSMENT].done_on == first_day
    assert found[deadlines.EXTENSION_END].due_on == later
    assert [d.extension_ground for d in long_case.reassessment_decisions.all()] == [
        "rehabiliteringsteam",
        "behandling",
    ]
    reassessment_decide(case=long_case, actor=consultant, decided_on=TODAY, outcome="jobafklaring")
    long_case.refresh_from_db()
    assert long_case.is_closed and long_case.extension_until is None
    assert deadlines.EXTENSION_END not in {d.kind for d in case_deadlines(case=long_case)}


def test_the_transition_to_jobafklaring_closes_the_case_with_that_closing_reason(long_case, consultant):
    reassessment_decide(case=long_case, actor=consultant, decided_on=TODAY, outcome="jobafklaring")
    long_case.refresh_from_db()
    assert long_case.is_closed and long_case.closed_on == TODAY
    assert (
        long_case.closing_reason.code == "jobafklaring"
        and not long_case.closing_reason.counts_as_return_to_work
    )
    assert long_case.next_deadline_on is None and long_case.extension_until is None
    assert long_case.reassessment_decisions.get().outcome == "jobafklaring"
    assert [e.kind for e in long_case.events.order_by("id")][-2:] == ["reassessment", "closed"]


def test_a_transition_dated_before_the_latest_conversation_is_refused_and_saves_nothing(
    long_case, consultant
):
    """The case cannot close before its latest conversation: the decision is refused as a whole (the closing
    happens in the same transaction), with the error on the decision's date."""
    ConversationFactory(case=long_case, held_on=TODAY - dt.timedelta(days=3), recorded_by=consultant)
    events = long_case.events.count()
    with pytest.raises(ValidationError) as error:
        reassessment_decide(
            case=long_case, actor=consultant, decided_on=TODAY - dt.timedelta(days=5), outcome="jobafklaring"
        )
    assert "decided_on" in error.value.message_dict
    assert nothing_saved(long_case, events)


def test_the_reassessment_form_shows_the_error_next_to_the_end_date(client, consultant, long_case):
    client.force_login(consultant)
    url = reverse("cases:action", kwargs={"uuid": long_case.uuid, "slug": "reassessment"})
    beyond = reassessment_date(long_case) + dt.timedelta(weeks=69, days=1)
    response = client.post(
        url,
        {
            "reassessment-decided_on": TODAY.isoformat(),
            "reassessment-outcome": "extension_27",
            "reassessment-extension_ground": "arbejdsevne",
            "reassessment-extension_until": beyond.isoformat(),
        },
        **HTMX,
    )
    content = response.content.decode()
    assert response.status_code == 200 and "Forlængelsen kan højst løbe til og med" in content
    assert "69 uger fra revurderingstidspunktet" in content
    assert not ReassessmentDecision.objects.exists()
    ok = client.post(
        url,
        {
            "reassessment-decided_on": TODAY.isoformat(),
            "reassessment-outcome": "extension_27",
            "reassessment-extension_ground": "arbejdsevne",
            "reassessment-extension_until": (beyond - dt.timedelta(days=1)).isoformat(),
        },
        **HTMX,
    )
    assert ok.status_code == 204
    page = client.get(reverse("cases:detail", kwargs={"uuid": long_case.uuid})).content.decode()
    assert "§ 27-forlængelse udløber" in page


def test_the_extensions_end_alerts_four_weeks_ahead_and_once(consultant):
    """A person with a life-threatening illness in standby (no follow-up due), extended under § 27, stk. 1,
    nr. 5 to a day 40 days ahead: the sweep says so 28 days before, once."""
    case = AssignedCaseFactory(consultant=consultant, first_absence_day=TODAY - dt.timedelta(days=250))
    ConversationFactory(case=case, held_on=TODAY - dt.timedelta(days=20), recorded_by=consultant)
    standby_start(case=case, actor=consultant, ground="kraeft", started_on=TODAY - dt.timedelta(days=10))
    until = TODAY + dt.timedelta(days=40)
    reassessment_decide(
        case=case,
        actor=consultant,
        decided_on=TODAY - dt.timedelta(days=5),
        outcome="extension_27",
        extension_ground="livstruende",
        extension_until=until,
    )
    case.refresh_from_db()
    assert (case.next_deadline_kind, case.next_deadline_on) == (deadlines.EXTENSION_END, until)

    def sweep(day: dt.date):
        moment = dt.datetime.combine(day, dt.time(8), tzinfo=ZoneInfo("Europe/Copenhagen"))
        with time_machine.travel(moment, tick=False):
            return alert_services.deadline_sweep()

    def extension_alerts():
        return set(
            Alert.objects.filter(case=case, kind=deadlines.EXTENSION_END).values_list("level", "due_on")
        )

    sweep(until - dt.timedelta(days=29))
    assert extension_alerts() == set()
    sweep(until - dt.timedelta(days=28))
    assert extension_alerts() == {("due_soon", until)}
    assert Alert.objects.get(case=case, kind=deadlines.EXTENSION_END).recipient == consultant
    sweep(until - dt.timedelta(days=28))
    assert Alert.objects.filter(case=case, kind=deadlines.EXTENSION_END).count() == 1


# --- The first conversation held late for the person's condition ----------------------------------------


@pytest.fixture
def week_10_case(consultant):
    """Day 70 of the absence: the first conversation's deadline (end of week 8, D + 55) has passed."""
    return AssignedCaseFactory(consultant=consultant, first_absence_day=TODAY - dt.timedelta(days=70))


def record(case, actor, held_on, **kwargs):
    return conversation_record(
        case=case,
        actor=actor,
        held_on=held_on,
        place=Conversation.Place.HOSPITAL,
        participants=[P.CITIZEN, P.CONSULTANT],
        **kwargs,
    )


def test_a_late_first_conversation_keeps_its_ground_and_stays_late(client, consultant, week_10_case):
    record(week_10_case, consultant, TODAY - dt.timedelta(days=2), late_ground="tilstand")
    first = next(d for d in case_deadlines(case=week_10_case) if d.kind == deadlines.FIRST_FOLLOW_UP)
    assert first.state(TODAY) == "late" and first.late_ground == "tilstand"
    assert week_10_case.conversations.get().late_ground == "tilstand"
    client.force_login(consultant)
    page = client.get(reverse("cases:detail", kwargs={"uuid": week_10_case.uuid})).content.decode()
    assert "Udført for sent" in page
    assert "Grund: Borgerens tilstand gjorde samtalen umulig i tide (indlagt)" in page


@pytest.mark.parametrize(
    ("held_days_after_d", "earlier_conversation"),
    [(55, False), (40, False), (65, True)],  # on the deadline; well before; a later (not the first) one
)
def test_the_late_ground_on_a_conversation_that_is_not_a_late_first_one_is_refused(
    consultant, week_10_case, held_days_after_d, earlier_conversation
):
    d = week_10_case.first_absence_day
    if earlier_conversation:
        ConversationFactory(case=week_10_case, held_on=d + dt.timedelta(days=60), recorded_by=consultant)
    before = week_10_case.conversations.count()
    events = week_10_case.events.count()
    with pytest.raises(ValidationError) as error:
        record(week_10_case, consultant, d + dt.timedelta(days=held_days_after_d), late_ground="tilstand")
    assert "late_ground" in error.value.message_dict
    assert week_10_case.conversations.count() == before and week_10_case.events.count() == events


def test_the_conversation_form_refuses_the_ground_for_an_on_time_conversation(
    client, consultant, week_10_case
):
    client.force_login(consultant)
    on_time = week_10_case.first_absence_day + dt.timedelta(days=50)
    response = client.post(
        reverse("cases:action", kwargs={"uuid": week_10_case.uuid, "slug": "conversation"}),
        {
            "conversation-held_on": on_time.isoformat(),
            "conversation-place": "hospital",
            "conversation-participants": ["citizen", "consultant"],
            "conversation-late_ground": "tilstand",
        },
        **HTMX,
    )
    assert response.status_code == 200
    assert "Grunden kan kun angives for den første opfølgningssamtale" in response.content.decode()
    assert not week_10_case.conversations.exists()
