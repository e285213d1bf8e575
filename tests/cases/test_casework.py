"""The case-work services: what a consultant or leader notices on the case and its timeline."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cases.models import Case, CaseException, Conversation, Measure
from cases.selectors.deadlines import case_deadlines
from cases.services.casework import (
    agreement_56_register,
    case_close,
    case_hand_over,
    case_reopen,
    conversation_record,
    exception_decide,
    exception_propose,
    fast_track_register,
    measure_start,
    offer_add,
    offer_finish,
    reassessment_decide,
    retention_plan_register,
    visitation_set,
)
from tests.cases.factories import AssignedCaseFactory
from tests.factories import StaffMemberFactory
from visitation.models import ClosingReason, ExceptionReason, HandoverReason, MeasureType, OfferType

HH_ABSENCE = dt.date(2017, 8, 21)  # seed 001: "21.08.17 HH sygemeldes fra job."
P = Conversation.Participant


@pytest.fixture
def hh_case(consultant):
    return AssignedCaseFactory(
        consultant=consultant, first_absence_day=HH_ABSENCE, received_on=dt.date(2017, 9, 20), category=None
    )


def timeline(case):
    return [event.text for event in case.events.order_by("occurred_at", "id")]


def test_the_hh_case_reads_like_seed_001(hh_case, consultant, leader):
    visitation_set(case=hh_case, actor=consultant, category=2, decided_on=dt.date(2017, 10, 9))
    conversation = conversation_record(
        case=hh_case,
        actor=consultant,
        held_on=dt.date(2017, 10, 12),
        place=Conversation.Place.WORKPLACE,
        participants=[P.CITIZEN, P.NEAREST_LEADER, P.CONSULTANT],
        plan="Optrapning 25 t/uge, +2,5 t hver 3. uge",
        next_step="Nyt møde på virksomheden i januar",
        minutes="Stress, hukommelse og koncentration.",
        gradual_return_steps=[
            (dt.date(2017, 10, 16), Decimal("25")),
            (dt.date(2017, 11, 6), Decimal("27.5")),
            (dt.date(2017, 11, 27), Decimal("30")),
        ],
    )
    offer_add(
        case=hh_case,
        actor=consultant,
        type=OfferType.objects.get(code="psykoedukation"),
        started_on=dt.date(2017, 11, 2),
        ended_on=dt.date(2017, 12, 7),
        score_start=4,
        score_end=7,
    )
    conversation_record(
        case=hh_case,
        actor=consultant,
        held_on=dt.date(2018, 1, 4),
        place=Conversation.Place.WORKPLACE,
        participants=[P.CITIZEN, P.NEAREST_LEADER, P.CONSULTANT],
        next_step="Fuld tid",
    )
    agreement_56_register(case=hh_case, actor=consultant, approved_on=dt.date(2018, 1, 8))
    case_close(
        case=hh_case,
        actor=consultant,
        closed_on=dt.date(2018, 1, 8),
        reason=ClosingReason.objects.get(code="rask_eget_job"),
    )

    assert conversation.counts_as_workplace_meeting and conversation.employer_took_part
    assert hh_case.absence_week(conversation.held_on) == 8
    measure = Measure.objects.get(case=hh_case)
    assert measure.type.code == "delvis_raskmelding" and measure.started_on == dt.date(2017, 10, 16)
    assert [(s.from_date, s.hours_per_week) for s in measure.steps.all()] == [
        (dt.date(2017, 10, 16), Decimal("25.0")),
        (dt.date(2017, 11, 6), Decimal("27.5")),
        (dt.date(2017, 11, 27), Decimal("30.0")),
    ]
    assert timeline(hh_case) == [
        "Visiteret til kategori 2 den 09-10-2017",
        "1. opfølgningssamtale 12-10-2017 (arbejdspladsen, uge 8) med borgeren, nærmeste leder, konsulenten"
        " – møde på arbejdspladsen med arbejdsgiver, borger og konsulent. Næste skridt: Nyt møde på"
        " virksomheden i januar",
        "Optrapningsplan: 25 t/uge fra 16-10-2017, 27,5 t/uge fra 06-11-2017, 30 t/uge fra 27-11-2017",
        "Tilbud: Psykoedukation fra 02-11-2017 til 07-12-2017",
        "2. opfølgningssamtale 04-01-2018 (arbejdspladsen, uge 20) med borgeren, nærmeste leder, konsulenten"
        " – møde på arbejdspladsen med arbejdsgiver, borger og konsulent. Næste skridt: Fuld tid",
        "§ 56-aftale godkendt 08-01-2018, udløber 07-01-2020",
        "Sagen afsluttet 08-01-2018: Rask til eget job (uge 21)",
    ]
    # Health information stays out of the timeline that every role reads.
    assert not any("Stress" in line for line in timeline(hh_case))
    assert all(event.actor == consultant for event in hh_case.events.all())
    hh_case.refresh_from_db()
    assert hh_case.is_closed and hh_case.category == 2


def test_visitation_history_and_reassessment(hh_case, consultant):
    visitation_set(case=hh_case, actor=consultant, category=1, decided_on=dt.date(2017, 9, 20))
    visitation_set(
        case=hh_case, actor=consultant, category=2, decided_on=dt.date(2017, 10, 12), rationale="Ikke rask"
    )
    hh_case.refresh_from_db()
    assert hh_case.category == 2
    assert list(hh_case.visitations.values_list("category", flat=True)) == [1, 2]
    assert timeline(hh_case)[-1] == "Revisiteret fra kategori 1 til kategori 2 den 12-10-2017"


@pytest.mark.parametrize(
    ("day", "message"),
    [
        (dt.date(2017, 8, 20), "før første fraværsdag"),
        (dt.date.today() + dt.timedelta(days=1), "i fremtiden"),
    ],
)
def test_impossible_dates_are_refused_with_the_field_named(hh_case, consultant, day, message):
    with pytest.raises(ValidationError) as error:
        visitation_set(case=hh_case, actor=consultant, category=2, decided_on=day)
    assert message in str(error.value.message_dict["decided_on"])
    assert not hh_case.visitations.exists() and not hh_case.events.exists()


def test_category_3_does_not_exist_under_the_2025_rules(consultant):
    case = AssignedCaseFactory(
        consultant=consultant, first_absence_day=dt.date.today() - dt.timedelta(days=20)
    )
    with pytest.raises(ValidationError) as error:
        visitation_set(case=case, actor=consultant, category=3, decided_on=dt.date.today())
    assert "category" in error.value.message_dict


def test_a_double_submitted_conversation_is_saved_once(hh_case, consultant):
    kwargs = dict(
        case=hh_case,
        actor=consultant,
        held_on=dt.date(2017, 10, 12),
        place="arbejdsplads",
        participants=[P.CITIZEN, P.CONSULTANT],
        gradual_return_steps=[(dt.date(2017, 10, 16), Decimal(25))],
    )
    conversation_record(**kwargs)
    with pytest.raises(ValidationError):
        conversation_record(**kwargs)
    assert hh_case.conversations.count() == 1 and hh_case.measures.count() == 1


def test_a_conversation_without_the_employer_is_not_a_workplace_meeting(hh_case, consultant):
    conversation = conversation_record(
        case=hh_case,
        actor=consultant,
        held_on=dt.date(2017, 10, 12),
        place="arbejdsplads",
        participants=[P.CITIZEN, P.CONSULTANT],
    )
    assert not conversation.employer_took_part and not conversation.counts_as_workplace_meeting
    assert "møde på arbejdspladsen med" not in timeline(hh_case)[-1]


def test_a_bad_step_saves_nothing(hh_case, consultant):
    with pytest.raises(ValidationError) as error:
        conversation_record(
            case=hh_case,
            actor=consultant,
            held_on=dt.date(2017, 10, 12),
            place="arbejdsplads",
            participants=[P.CITIZEN],
            gradual_return_steps=[(dt.date(2017, 10, 16), Decimal(25)), (dt.date(2017, 11, 6), Decimal(90))],
        )
    assert "steps" in error.value.message_dict
    assert not hh_case.conversations.exists() and not hh_case.events.exists()


def test_measure_with_schedule_and_period_check(hh_case, consultant):
    practice = MeasureType.objects.get(code="virksomhedspraktik")
    with pytest.raises(ValidationError) as error:
        measure_start(
            case=hh_case,
            actor=consultant,
            type=practice,
            started_on=dt.date(2017, 11, 1),
            ended_on=dt.date(2017, 10, 1),
        )
    assert "ended_on" in error.value.message_dict
    measure_start(case=hh_case, actor=consultant, type=practice, started_on=dt.date(2017, 11, 1))
    assert timeline(hh_case) == ["Virksomhedsrettet indsats: Virksomhedspraktik fra 01-11-2017"]


def test_offer_scores_must_be_1_to_10_and_can_be_finished(hh_case, consultant):
    coaching = OfferType.objects.get(code="coaching")
    with pytest.raises(ValidationError) as error:
        offer_add(
            case=hh_case, actor=consultant, type=coaching, started_on=dt.date(2017, 11, 1), score_start=11
        )
    assert "score_start" in error.value.message_dict
    offer = offer_add(
        case=hh_case, actor=consultant, type=coaching, started_on=dt.date(2017, 11, 1), score_start=3
    )
    offer_finish(offer=offer, actor=consultant, ended_on=dt.date(2017, 12, 1), score_end=6)
    offer.refresh_from_db()
    assert (offer.score_start, offer.score_end, offer.ended_on) == (3, 6, dt.date(2017, 12, 1))


def test_exception_is_decided_by_a_leader_never_by_the_proposer(hh_case, consultant, leader, booker):
    reason = ExceptionReason.objects.get(code="indlagt")
    exception = exception_propose(case=hh_case, actor=booker, reason=reason, note="Opereret i går")
    with pytest.raises(ValidationError):
        exception_propose(case=hh_case, actor=consultant, reason=reason)  # one pending at a time
    with pytest.raises(PermissionDenied):
        exception_decide(exception=exception, actor=consultant, approve=True)  # not a leader

    own = AssignedCaseFactory(consultant=consultant)
    leaders_own = exception_propose(case=own, actor=leader, reason=reason)
    with pytest.raises(ValidationError, match="foreslået"):
        exception_decide(exception=leaders_own, actor=leader, approve=True)

    exception_decide(exception=exception, actor=leader, approve=True, note="OK")
    with pytest.raises(ValidationError, match="allerede afgjort"):
        exception_decide(exception=exception, actor=leader, approve=False)
    exception.refresh_from_db()
    assert exception.status == CaseException.Status.APPROVED and exception.decided_by == leader
    assert timeline(hh_case)[-1] == "Undtagelse godkendt: Indlagt eller netop opereret"
    assert "Opereret" not in " ".join(timeline(hh_case))


def test_handover_moves_the_case_to_the_new_consultants_team(
    hh_case, consultant, other_consultant, other_team
):
    reason = HandoverReason.objects.get(code="opsagt_ledighed")
    case_hand_over(
        case=hh_case, actor=consultant, to_consultant=other_consultant, reason=reason, on=dt.date(2017, 11, 1)
    )
    hh_case.refresh_from_db()
    assert hh_case.consultant == other_consultant and hh_case.team == other_team
    first, second = hh_case.assignments.all()
    assert (first.consultant, first.ended_on) == (consultant, dt.date(2017, 11, 1))
    assert (second.consultant, second.reason, second.ended_on) == (other_consultant, reason, None)
    with pytest.raises(ValidationError):
        case_hand_over(case=hh_case, actor=consultant, to_consultant=other_consultant, reason=reason)
    assert "Sagen overdraget fra" in timeline(hh_case)[-1]


def test_handover_only_to_a_consultant(hh_case, consultant, booker):
    with pytest.raises(ValidationError) as error:
        case_hand_over(
            case=hh_case,
            actor=consultant,
            to_consultant=booker,
            reason=HandoverReason.objects.get(code="kapacitet"),
        )
    assert "to_consultant" in error.value.message_dict


def test_fast_track_only_within_5_weeks_and_deadline_two_weeks_later(hh_case, consultant):
    with pytest.raises(ValidationError) as error:
        fast_track_register(
            case=hh_case, actor=consultant, requested_on=dt.date(2017, 9, 26), requested_by="employer"
        )
    assert "requested_on" in error.value.message_dict
    fast_track_register(
        case=hh_case,
        actor=consultant,
        requested_on=dt.date(2017, 9, 1),
        requested_by="employer",
        answered_on=dt.date(2017, 9, 4),
    )
    assert timeline(hh_case)[-1] == (
        "Fast track anmodet 01-09-2017 af arbejdsgiveren; samtale senest 15-09-2017; "
        "medarbejderen svarede 04-09-2017"
    )


def test_retention_plan_and_agreement_56(hh_case, consultant):
    retention_plan_register(case=hh_case, actor=consultant, received_on=dt.date(2017, 10, 1))
    agreement_56_register(case=hh_case, actor=consultant, approved_on=dt.date(2020, 2, 29))
    hh_case.refresh_from_db()
    assert hh_case.retention_plan_received_on == dt.date(2017, 10, 1)
    assert hh_case.agreement_56_expires_on == dt.date(2022, 2, 27)


def test_the_reassessment_decision_completes_the_reassessment_deadline(hh_case, consultant):
    def reassessment():
        return next(d for d in case_deadlines(case=hh_case) if d.kind == "reassessment")

    assert not reassessment().is_done  # HH has been on benefit for years: the re-assessment is long due
    decided = dt.date(2018, 2, 28)
    with pytest.raises(ValidationError) as error:
        reassessment_decide(case=hh_case, actor=consultant, decided_on=decided, outcome="stop")
    assert "outcome" in error.value.message_dict  # payment never simply stops
    reassessment_decide(
        case=hh_case,
        actor=consultant,
        decided_on=decided,
        outcome="extension_27",
        extension_ground="livstruende",  # § 27, stk. 1, nr. 5: no maximum, no end date needed
    )
    hh_case.refresh_from_db()
    assert reassessment().done_on == dt.date(2018, 2, 28)
    assert hh_case.next_deadline_kind != "reassessment"
    assert timeline(hh_case)[-1] == (
        "Revurdering afgjort 28-02-2018: Forlængelse efter § 27 – Nr. 5: livstruende, alvorlig sygdom"
    )


def test_closed_case_is_read_only_until_a_leader_reopens_it(hh_case, consultant, leader):
    conversation_record(
        case=hh_case,
        actor=consultant,
        held_on=dt.date(2017, 10, 12),
        place="jobcenter",
        participants=[P.CITIZEN],
    )
    reason = ClosingReason.objects.get(code="opsagt")
    with pytest.raises(ValidationError) as error:
        case_close(case=hh_case, actor=consultant, closed_on=dt.date(2017, 10, 1), reason=reason)
    assert "closed_on" in error.value.message_dict
    case_close(case=hh_case, actor=consultant, closed_on=dt.date(2017, 11, 1), reason=reason)
    with pytest.raises(ValidationError, match="afsluttet"):
        visitation_set(case=hh_case, actor=consultant, category=2, decided_on=dt.date(2017, 10, 20))
    with pytest.raises(PermissionDenied):
        case_reopen(case=hh_case, actor=consultant, reason="Fejl")
    with pytest.raises(ValidationError):
        case_reopen(case=hh_case, actor=leader, reason=" ")
    case_reopen(case=hh_case, actor=leader, reason="Genansat")
    hh_case.refresh_from_db()
    assert hh_case.status == Case.Status.OPEN and hh_case.closed_on is None
    assert timeline(hh_case)[-1] == "Sagen genåbnet (var afsluttet: Opsagt). Begrundelse: Genansat"


def test_a_booker_may_propose_but_nobody_without_a_role(hh_case):
    stranger = StaffMemberFactory(user__username="nobody", user__roles=[]).user
    with pytest.raises(PermissionDenied):
        exception_propose(case=hh_case, actor=stranger, reason=ExceptionReason.objects.get(code="afstand"))


def test_expected_full_recovery_is_kept_on_the_case(hh_case, consultant):
    with pytest.raises(ValidationError) as error:
        visitation_set(
            case=hh_case,
            actor=consultant,
            category=2,
            decided_on=dt.date(2017, 10, 9),
            expected_full_recovery_on=dt.date(2017, 8, 1),
        )
    assert "expected_full_recovery_on" in error.value.message_dict
    visitation_set(
        case=hh_case,
        actor=consultant,
        category=2,
        decided_on=dt.date(2017, 10, 9),
        expected_full_recovery_on=dt.date(2017, 11, 30),
    )
    hh_case.refresh_from_db()
    assert hh_case.expected_full_recovery_on == dt.date(2017, 11, 30)
