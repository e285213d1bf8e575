"""Corrections with history (issue 14): the author or a leader corrects or annuls a recorded conversation
with a reason; the old values are kept, the timeline says who, when and what, and deadlines and figures use
the corrected values (an annulled conversation counts nowhere). A closed case stays read-only."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from cases.models import Conversation, Correction
from cases.selectors.deadlines import case_deadlines
from cases.services.casework import (
    case_close,
    conversation_annul,
    conversation_correct,
    conversation_record,
    exception_annul,
    exception_decide,
    exception_propose,
    visitation_annul,
    visitation_correct,
    visitation_set,
)
from meetings.models import ContactAttempt
from meetings.services import contact_attempt_log
from reporting import figures
from reporting.selectors import report_cases
from tests.cases.factories import AssignedCaseFactory
from visitation.deadlines import FIRST_FOLLOW_UP
from visitation.models import ClosingReason, ExceptionReason

P = Conversation.Participant
ALL_THREE = [P.CITIZEN, P.NEAREST_LEADER, P.CONSULTANT]


@pytest.fixture
def case(consultant):
    return AssignedCaseFactory(consultant=consultant)


@pytest.fixture
def phone_call(case, consultant):
    """Recorded in haste: a workplace meeting typed as a phone call."""
    return conversation_record(
        case=case,
        actor=consultant,
        held_on=dt.date.today() - dt.timedelta(days=2),
        place=Conversation.Place.PHONE,
        participants=ALL_THREE,
    )


def workplace_share(today):
    period = figures.Period(today - dt.timedelta(days=7), today)
    workplace, _on_time, _months = figures.workplace_figures(report_cases(), period, by_month=False)
    return workplace["numerator"], workplace["denominator"]


def test_correcting_the_place_changes_the_figure_and_keeps_the_old_value(case, consultant, phone_call):
    today = dt.date.today()
    assert workplace_share(today) == (0, 1)
    conversation_correct(
        conversation=phone_call,
        actor=consultant,
        reason="Tastefejl: mødet var på virksomheden",
        held_on=phone_call.held_on,
        place=Conversation.Place.WORKPLACE,
        participants=ALL_THREE,
    )
    assert workplace_share(today) == (1, 1)
    correction = Correction.objects.get()
    assert correction.values == {"place": ["telefon", "arbejdsplads"]} and correction.made_by == consultant
    event = case.events.get(kind="correction")
    name = consultant.get_full_name() or consultant.get_username()
    assert event.text == (
        f"Samtalen {phone_call.held_on:%d-%m-%Y} rettet af {name} den {today:%d-%m-%Y}: "
        "sted Telefon → Arbejdspladsen. Begrundelse: Tastefejl: mødet var på virksomheden"
    )


def test_an_annulled_conversation_counts_nowhere_and_its_values_are_kept(case, leader, phone_call):
    conversation_annul(conversation=phone_call, actor=leader, reason="Registreret på den forkerte borger")
    assert not Conversation.objects.exists()
    case.refresh_from_db()
    assert case.next_deadline_kind == FIRST_FOLLOW_UP  # the first conversation is due again
    assert workplace_share(dt.date.today()) == (0, 0)
    kept = Correction.objects.get(kind=Correction.Kind.ANNULLED)
    assert kept.values["place"] == "telefon" and kept.reason == "Registreret på den forkerte borger"
    assert "annulleret af" in case.events.get(kind="correction").text


def test_a_correction_that_makes_the_case_impossible_gets_the_forms_error(case, consultant, phone_call):
    with pytest.raises(ValidationError) as error:
        conversation_correct(
            conversation=phone_call,
            actor=consultant,
            reason="x",
            held_on=case.first_absence_day - dt.timedelta(days=1),
            place=phone_call.place,
            participants=ALL_THREE,
        )
    assert "Datoen ligger før første fraværsdag" in error.value.message_dict["held_on"][0]
    with pytest.raises(ValidationError) as error:
        conversation_correct(
            conversation=phone_call,
            actor=consultant,
            reason="x",
            held_on=dt.date.today() + dt.timedelta(days=1),
            place=phone_call.place,
            participants=ALL_THREE,
        )
    assert error.value.message_dict["held_on"] == ["Datoen ligger i fremtiden."]
    with pytest.raises(ValidationError) as error:
        conversation_correct(
            conversation=phone_call, actor=consultant, reason=" ", held_on=phone_call.held_on, place="hjemme",
            participants=ALL_THREE,
        )  # fmt: skip
    assert error.value.message_dict["reason"] == ["Skriv hvorfor."]
    assert not Correction.objects.exists()


def test_only_the_author_or_a_leader_and_never_on_a_closed_case(
    case, consultant, other_consultant, leader, phone_call
):
    with pytest.raises(PermissionDenied):
        conversation_annul(conversation=phone_call, actor=other_consultant, reason="x")
    case_close(
        case=case,
        actor=consultant,
        closed_on=dt.date.today(),
        reason=ClosingReason.objects.get(code="rask_eget_job"),
    )
    with pytest.raises(ValidationError):
        conversation_annul(conversation=phone_call, actor=leader, reason="x")
    assert Conversation.objects.count() == 1


def test_the_correction_page(client, consultant, case, phone_call):
    client.force_login(consultant)
    page = client.get(reverse("cases:detail", kwargs={"uuid": case.uuid})).content.decode()
    url = reverse("cases:conversation_correct", kwargs={"uuid": case.uuid, "conversation_id": phone_call.pk})
    assert url in page
    response = client.post(
        url,
        {
            "correct-held_on": phone_call.held_on.isoformat(),
            "correct-place": "arbejdsplads",
            "correct-participants": ALL_THREE,
            "correct-reason": "Tastefejl",
        },
    )
    assert response.status_code == 302
    page = client.get(response.url).content.decode()
    assert "Rettelsen er gemt." in page and "sted Telefon → Arbejdspladsen" in page
    assert "Møde på arbejdspladsen" in page
    # A bad correction comes back on the field, nothing changed.
    response = client.post(
        url,
        {
            "correct-held_on": (case.first_absence_day - dt.timedelta(days=1)).isoformat(),
            "correct-place": "telefon",
            "correct-participants": ALL_THREE,
            "correct-reason": "x",
        },
    )
    assert response.status_code == 200 and "Datoen ligger før første fraværsdag" in response.content.decode()
    assert Correction.objects.count() == 1


def test_anonymisation_clears_what_an_annulment_kept(case, consultant, phone_call):
    from cases.services.retention import person_anonymise

    phone_call.minutes = "Diskusprolaps"
    phone_call.save()
    conversation_annul(conversation=phone_call, actor=consultant, reason="Forkert borger: Hanne Holm")
    person_anonymise(person=case.person)
    kept = Correction.objects.get()
    assert kept.values == {} and kept.reason == "—" and kept.kind == Correction.Kind.ANNULLED


def test_correcting_a_measures_start_reopens_the_week_13_target(client, case, consultant, leader):
    from cases.services.casework import measure_annul, measure_start
    from visitation.models import MeasureType

    today = dt.date.today()
    measure = measure_start(
        case=case,
        actor=consultant,
        type=MeasureType.objects.get(code="virksomhedspraktik"),
        started_on=today,  # D + 30: in time
    )
    client.force_login(leader)
    url = reverse("cases:measure_correct", kwargs={"uuid": case.uuid, "measure_id": measure.pk})
    assert url in client.get(reverse("cases:detail", kwargs={"uuid": case.uuid})).content.decode()
    response = client.post(
        url,
        {
            "correct-type": measure.type.pk,
            "correct-started_on": (case.first_absence_day + dt.timedelta(days=91)).isoformat(),
            "correct-reason": "Startede først efter uge 13",
        },
    )
    assert response.status_code == 302
    [week13] = [d for d in case_deadlines(case=case) if d.kind == "week13_measure"]
    assert week13.state(today) == "open"  # it now starts after week 13: not met
    event = case.events.get(kind="correction")
    assert f"start {today:%d-%m-%Y} → {case.first_absence_day + dt.timedelta(days=91):%d-%m-%Y}" in event.text
    measure_annul(measure=measure, actor=leader, reason="Fejlregistreret")
    assert not case.measures.exists()
    assert list(Correction.objects.values_list("record_type", "kind")) == [
        ("measure", "corrected"),
        ("measure", "annulled"),
    ]


def test_an_offer_is_corrected_and_annulled_without_its_scores_in_the_timeline(client, case, consultant):
    from cases.services.casework import offer_add
    from visitation.models import OfferType

    today = dt.date.today()
    offer = offer_add(
        case=case,
        actor=consultant,
        type=OfferType.objects.get(code="mindfulness"),
        started_on=today - dt.timedelta(days=3),
        score_start=3,
    )
    client.force_login(consultant)
    url = reverse("cases:offer_correct", kwargs={"uuid": case.uuid, "offer_id": offer.pk})
    assert url in client.get(reverse("cases:detail", kwargs={"uuid": case.uuid})).content.decode()
    response = client.post(
        url,
        {
            "correct-type": offer.type.pk,
            "correct-started_on": (today - dt.timedelta(days=5)).isoformat(),
            "correct-reason": "Forkert startdato",
        },
    )
    assert response.status_code == 302
    offer.refresh_from_db()
    assert offer.started_on == today - dt.timedelta(days=5) and offer.score_start == 3
    response = client.post(url, {"annul-reason": "Borgeren takkede nej"})
    assert response.status_code == 302 and not case.offers.exists()
    texts = list(case.events.filter(kind="correction").values_list("text", flat=True))
    assert len(texts) == 2 and "Tilbuddet Mindfulness fra" in texts[0] and "annulleret" in texts[1]
    assert Correction.objects.get(kind=Correction.Kind.ANNULLED).values["score_start"] == 3


# --- visitations, exception proposals and contact attempts -------------------------------------------------


def test_a_visitation_is_corrected_and_annulled_and_the_category_follows(client, case, consultant, leader):
    first = visitation_set(case=case, actor=consultant, category=1, decided_on=case.first_absence_day)
    second = visitation_set(
        case=case, actor=consultant, category=2, decided_on=case.first_absence_day + dt.timedelta(days=3)
    )
    case.refresh_from_db()
    assert case.category == 2
    client.force_login(consultant)
    url = reverse("cases:visitation_correct", args=[case.uuid, second.pk])
    assert "Ret eller annullér" in client.get(reverse("cases:detail", args=[case.uuid])).content.decode()
    form = {"correct-decided_on": second.decided_on.isoformat(), "correct-reason": "Fejl"}
    refused = client.post(url, {**form, "correct-category": 3})  # not in the 2025 rule set: the form's error
    assert "Kategori 3 findes ikke i regelsættet 2025." in refused.content.decode()
    response = client.post(url, {**form, "correct-category": 1})
    assert response.status_code == 302, response.context["correct_form"].errors
    case.refresh_from_db()
    assert case.category == 1
    assert Correction.objects.get(record_type="visitation").values == {"category": ["2", "1"]}
    assert case.events.filter(kind="correction", text__contains="kategori 2 → 1").exists()
    # Annulled: the case falls back to the visitation before it; a visitation not one's own only for leaders.
    visitation_annul(visitation=second, actor=leader, reason="Registreret på forkert sag")
    case.refresh_from_db()
    assert case.category == 1 and list(case.visitations.all()) == [first]
    visitation_annul(visitation=first, actor=consultant, reason="Forkert sag")
    case.refresh_from_db()
    assert case.category is None


def test_a_visitation_correction_gets_the_forms_errors(case, consultant, other_consultant):
    visitation = visitation_set(case=case, actor=consultant, category=2, decided_on=case.first_absence_day)
    with pytest.raises(ValidationError) as error:
        visitation_correct(
            visitation=visitation,
            actor=consultant,
            reason="x",
            category=2,
            decided_on=case.first_absence_day - dt.timedelta(days=1),
        )
    assert "decided_on" in error.value.message_dict
    with pytest.raises(PermissionDenied):
        visitation_correct(
            visitation=visitation,
            actor=other_consultant,
            reason="x",
            category=1,
            decided_on=visitation.decided_on,
        )
    visitation.refresh_from_db()
    assert visitation.category == 2 and not Correction.objects.exists()


def test_an_exception_proposal_is_corrected_by_its_proposer_a_decided_one_only_by_a_leader(
    client, case, consultant, leader
):
    reasons = list(ExceptionReason.objects.filter(active=True)[:2])
    proposal = exception_propose(case=case, actor=consultant, reason=reasons[0])
    client.force_login(consultant)
    url = reverse("cases:exception_correct", args=[case.uuid, proposal.pk])
    response = client.post(
        url, {"correct-exception_reason": reasons[1].pk, "correct-reason": "Forkert årsag valgt"}
    )
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.reason == reasons[1]
    exception_decide(exception=proposal, actor=leader, approve=True)
    # Decided: the proposer can no longer change it; a leader can annul it, and it counts nowhere.
    assert client.get(url).status_code == 403
    with pytest.raises(PermissionDenied):
        exception_annul(exception=proposal, actor=consultant, reason="fortryder")
    exception_annul(exception=proposal, actor=leader, reason="Godkendt på forkert sag")
    assert not case.exceptions.exists()
    kept = Correction.objects.get(kind=Correction.Kind.ANNULLED)
    assert kept.values["status"] == "approved" and kept.values["reason"] == reasons[1].code


def test_a_contact_attempt_is_corrected_by_its_booker_and_annulled(client, booker, consultant):
    case = AssignedCaseFactory(consultant=consultant, category=2)
    attempt = contact_attempt_log(case=case, made_by=booker, outcome=ContactAttempt.Outcome.NO_ANSWER)
    client.force_login(booker)
    booking = reverse("meetings:case_booking", args=[case.uuid])
    assert "Ret eller annullér" in client.get(booking).content.decode()
    url = reverse("meetings:contact_attempt_correct", args=[case.uuid, attempt.pk])
    bad = client.post(url, {"correct-outcome": "nonsense", "correct-channel": "phone", "correct-reason": "x"})
    assert bad.status_code == 200 and "correct-outcome" in bad.content.decode()
    response = client.post(
        url,
        {"correct-outcome": "plan_agreed", "correct-channel": "email", "correct-reason": "Det var en mail"},
    )
    assert response.status_code == 302 and response.url == booking
    attempt.refresh_from_db()
    assert (attempt.outcome, attempt.channel) == ("plan_agreed", "email")
    assert Correction.objects.get().values == {
        "outcome": ["no_answer", "plan_agreed"],
        "channel": ["phone", "email"],
    }
    response = client.post(url, {"annul-reason": "Forkert sag"})
    assert response.status_code == 302 and not case.contact_attempts.exists()
    assert case.events.filter(kind="correction", text__contains="annulleret").exists()
