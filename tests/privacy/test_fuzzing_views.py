"""No 500 on any input (issue 17): every POST form of case work, the allocation and the booking views fuzzed
with hypothesis. Each form gets any subset of its own fields (with their prefixes), each a plausible value (a
real choice, an existing id, a date near the case or at the edge of staff/dates.py's ranges) or nasty text.
Asserted: never a 500, and a refused post saves nothing at all (the views write their audit entry only after
the service has saved; no new entry, no change anywhere)."""

import datetime as dt
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from cases import forms_casework
from cases.models import (
    Assignment,
    Case,
    CaseEvent,
    CaseException,
    Conversation,
    Correction,
    Employer,
    GradualReturnStep,
    Measure,
    Offer,
    Visitation,
)
from cases.services.casework import case_close
from cases.views_casework import ACTIONS, _form
from meetings import forms as meeting_forms
from meetings.models import ContactAttempt, Meeting
from staff.models import AuditEntry
from tests.cases.factories import (
    AssignedCaseFactory,
    CaseExceptionFactory,
    ConversationFactory,
    MeasureFactory,
    OfferFactory,
)
from tests.meetings.factories import CaseFactory, at, consultant_with_calendar, next_weekday
from tests.privacy.fuzzing import FUZZ, dates_around, form_data, nasty_text
from visitation.models import ClosingReason

HTMX = {"HTTP_HX_REQUEST": "true"}
CASE_WORK_MODELS = [
    Case,
    CaseEvent,
    Assignment,
    Visitation,
    Conversation,
    Correction,
    Measure,
    GradualReturnStep,
    Offer,
    CaseException,
]
BOOKING_MODELS = [Case, CaseEvent, Assignment, Employer, Meeting, ContactAttempt]


def snapshot(models) -> dict:
    return {model.__name__: list(model.objects.order_by("pk").values()) for model in models}


def audit_writes() -> int:
    """Entries of writes: not reads, and not refusals (a 404 or 403 is audited as "denied")."""
    return AuditEntry.objects.exclude(action__in=[AuditEntry.Action.READ, AuditEntry.Action.DENIED]).count()


class Invariant:
    """Before a post: what the database holds. After: a 500 never; a refused post (no audit entry of a
    write) left every row as it was."""

    def __init__(self, models):
        self.models = models
        self.before = snapshot(models)
        self.writes = audit_writes()

    def check(self, response) -> bool:
        assert response.status_code < 500
        saved = audit_writes() > self.writes
        if not saved:
            assert snapshot(self.models) == self.before
        return saved


def new_case(consultant, **kwargs):
    today = timezone.localdate()
    return AssignedCaseFactory(
        consultant=consultant, first_absence_day=today - dt.timedelta(days=40), **kwargs
    )


def case_dates(case) -> list[str]:
    return dates_around(timezone.localdate(), case.first_absence_day)


# --- the case page's action forms ---------------------------------------------------------------------


@pytest.mark.parametrize("action", ACTIONS, ids=lambda action: action.slug)
@FUZZ
@given(data=st.data())
def test_every_case_work_action_never_500s_or_saves_half(client, consultant, leader, action, data):
    client.force_login(leader if action.leader_only else consultant)
    case = new_case(consultant)
    posted = data.draw(form_data(_form(action, case), dates=case_dates(case)))
    invariant = Invariant(CASE_WORK_MODELS)
    response = client.post(reverse("cases:action", args=[case.uuid, action.slug]), posted, **HTMX)
    if invariant.check(response):
        assert response.status_code == 204 and response["HX-Redirect"]
    else:
        assert response.status_code == 200  # the section again, with its errors


@pytest.mark.parametrize("record", ["offer", "measure"])
@FUZZ
@given(data=st.data())
def test_finishing_an_offer_or_measure_never_500s_or_saves_half(client, consultant, record, data):
    client.force_login(consultant)
    case = new_case(consultant)
    if record == "offer":
        thing = OfferFactory(case=case, ended_on=None, score_end=None)
        url = reverse("cases:offer_finish", args=[case.uuid, thing.pk])
    else:
        thing = MeasureFactory(case=case, started_on=case.first_absence_day + dt.timedelta(days=10))
        url = reverse("cases:measure_end", args=[case.uuid, thing.pk])
    form = forms_casework.OfferFinishForm(prefix="finish")
    posted = data.draw(form_data(form, dates=case_dates(case)))
    invariant = Invariant(CASE_WORK_MODELS)
    assert client.post(url, posted).status_code == 302
    invariant.check(client.get(reverse("cases:detail", args=[case.uuid])))


@pytest.mark.parametrize("record", ["conversation", "measure", "offer"])
@pytest.mark.parametrize("annul", [False, True], ids=["correct", "annul"])
@FUZZ
@given(data=st.data())
def test_correcting_or_annulling_a_record_never_500s_or_saves_half(client, consultant, record, annul, data):
    client.force_login(consultant)
    case = new_case(consultant)
    if record == "conversation":
        thing = ConversationFactory(
            case=case, held_on=case.first_absence_day + dt.timedelta(days=20), recorded_by=consultant
        )
        form = forms_casework.ConversationCorrectForm(prefix="correct")
    elif record == "measure":
        thing = MeasureFactory(case=case, started_on=case.first_absence_day + dt.timedelta(days=10))
        form = forms_casework.MeasureCorrectForm(prefix="correct")
    else:
        thing = OfferFactory(case=case)
        form = forms_casework.OfferCorrectForm(prefix="correct")
    if annul:
        form = forms_casework.AnnulForm(prefix="annul")
    posted = data.draw(form_data(form, dates=case_dates(case)))
    if annul:
        posted.setdefault("annul-reason", "")  # the key that says which of the two forms was posted
    invariant = Invariant(CASE_WORK_MODELS)
    response = client.post(reverse(f"cases:{record}_correct", args=[case.uuid, thing.pk]), posted)
    if invariant.check(response):
        assert response.status_code == 302
    else:
        assert response.status_code == 200  # the page again, with the errors next to the fields


@FUZZ
@given(data=st.data())
def test_deciding_an_exception_never_500s_or_saves_half(client, consultant, leader, data):
    client.force_login(leader)
    case = new_case(consultant)
    exception = CaseExceptionFactory(
        case=case,
        proposed_by=consultant,
        status=CaseException.Status.PENDING,
        decided_by=None,
        decided_at=None,
    )
    posted = data.draw(form_data(forms_casework.ExceptionDecideForm(prefix="decide"), dates=[]))
    posted["next"] = data.draw(st.one_of(st.just("case"), nasty_text))
    invariant = Invariant(CASE_WORK_MODELS)
    invariant.check(client.post(reverse("cases:exception_decide", args=[exception.pk]), posted))


@FUZZ
@given(data=st.data())
def test_reopening_a_case_never_500s_or_saves_half(client, consultant, leader, data):
    client.force_login(leader)
    case = new_case(consultant)
    case_close(
        case=case,
        actor=leader,
        closed_on=timezone.localdate(),
        reason=ClosingReason.objects.filter(active=True)[0],
    )
    posted = data.draw(form_data(forms_casework.ReopenForm(prefix="reopen"), dates=[]))
    invariant = Invariant(CASE_WORK_MODELS)
    invariant.check(client.post(reverse("cases:reopen", args=[case.uuid]), posted))


# --- allocation and booking ---------------------------------------------------------------------------


@pytest.fixture
def karen(team):
    return consultant_with_calendar("karen", team=team)


@FUZZ
@given(
    consultant_id=st.one_of(nasty_text, st.just("KAREN")),
    team_slug=st.one_of(nasty_text, st.just("fastholdelse")),
)
def test_allocation_never_500s_or_saves_half(client, leader, karen, consultant_id, team_slug):
    client.force_login(leader)
    case = CaseFactory(consultant=None, team=None)
    posted = {"consultant": str(karen.pk) if consultant_id == "KAREN" else consultant_id, "team": team_slug}
    invariant = Invariant(BOOKING_MODELS)
    response = client.post(reverse("meetings:allocate", args=[case.uuid]), posted)
    if invariant.check(response):
        assert Case.objects.get(pk=case.pk).consultant == karen
    else:
        assert response.status_code == 404  # anything but a consultant of the case's municipality
    for page in ("meetings:allocation", "meetings:team_week"):  # the list and the calendar read ?team= too
        assert client.get(reverse(page), {"team": team_slug, "uge": team_slug}).status_code == 200


def booking_data(data, case, karen) -> dict:
    form = meeting_forms.ConfirmBookingForm(municipality_id=case.municipality_id)
    slot_day = next_weekday(1)
    dates = [slot_day.isoformat(), *dates_around(timezone.localdate(), case.first_absence_day)]
    posted = data.draw(form_data(form, dates=dates))
    if data.draw(st.booleans()):  # often a real slot, so the later checks are reached too
        posted.update({"consultant": str(karen.pk), "day": slot_day.isoformat(), "time": "10:00"})
    return posted


@FUZZ
@given(data=st.data())
def test_booking_never_500s_or_saves_half(client, booker, karen, data):
    client.force_login(booker)
    case = CaseFactory()
    posted = booking_data(data, case, karen)
    # the confirmation page (GET) and the booking itself (POST) take the same fields
    assert client.get(reverse("meetings:confirm", args=[case.uuid]), posted).status_code < 500
    invariant = Invariant(BOOKING_MODELS)
    response = client.post(reverse("meetings:book", args=[case.uuid]), posted)
    if invariant.check(response):
        assert Meeting.objects.filter(case=case).count() == 1


@FUZZ
@given(data=st.data())
def test_logging_a_contact_attempt_never_500s_or_saves_half(client, booker, data):
    client.force_login(booker)
    case = CaseFactory()
    posted = data.draw(form_data(meeting_forms.ContactAttemptForm(), dates=[]))
    invariant = Invariant(BOOKING_MODELS)
    invariant.check(client.post(reverse("meetings:contact_attempt_add", args=[case.uuid]), posted))


@pytest.mark.parametrize("view", ["meeting_cancel", "meeting_reschedule", "meeting_outcome"])
@FUZZ
@given(data=st.data())
def test_changing_a_booked_meeting_never_500s_or_saves_half(client, booker, team, view, data):
    client.force_login(booker)
    case = CaseFactory()
    from meetings.services import meeting_book

    consultant = consultant_with_calendar(f"k-{uuid.uuid4().hex[:12]}", team=team)  # a free calendar
    meeting = meeting_book(
        case=case,
        consultant=consultant,
        starts_at=at(next_weekday(2), 10),
        minutes=60,
        place=Conversation.Place.WORKPLACE,
        address="",
        booked_by=booker,
    )
    form = {
        "meeting_cancel": meeting_forms.CancelForm(),
        "meeting_reschedule": meeting_forms.RescheduleForm(),
        "meeting_outcome": None,
    }[view]
    dates = [next_weekday(3).isoformat(), *dates_around(timezone.localdate(), case.first_absence_day)]
    if form is not None:
        posted = data.draw(form_data(form, dates=dates))
    else:
        posted = {"status": data.draw(st.one_of(st.sampled_from(Meeting.Status.values), nasty_text))}
    invariant = Invariant(BOOKING_MODELS)
    invariant.check(client.post(reverse(f"meetings:{view}", args=[meeting.uuid]), posted))
