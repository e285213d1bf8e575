"""Thin views: authorise, validate with a form, call one service, redirect."""

import datetime as dt
from dataclasses import dataclass
from functools import partial
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.core.validators import slug_re
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from cases.models import Case
from cases.selectors.access import case_is_visible_to, cases_visible_to
from cases.services import meetings_link
from cases.views_casework import correction_page
from meetings import documents, selectors, services, slots
from meetings.forms import (
    AbsenceForm,
    AllocateForm,
    BookingForm,
    CancelForm,
    ConfirmBookingForm,
    ContactAttemptCorrectForm,
    ContactAttemptForm,
    RescheduleForm,
)
from meetings.models import ConsultantCalendar, ContactAttempt, Meeting
from outbox.selectors import message_waits_for_broker
from staff.audit import audit_record, audit_record_many
from staff.decorators import role_required
from staff.models import AuditEntry, Team
from staff.roles import Role, has_role
from staff.rows import labels_for, url_for_each
from staff.selectors import user_municipality_id
from visitation.models import Category

BOOKING_ROLES = (Role.BOOKER, Role.LEADER)
CALENDAR_ROLES = (Role.BOOKER, Role.LEADER, Role.CONSULTANT)
User = get_user_model()
ALLOCATION_LIST_LIMIT = 100


def _errors(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


def _form_errors(request, form) -> None:
    """A slot's form comes back to the booking page: its errors as messages, each naming its field."""
    for name, field_errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        for message in field_errors:
            messages.error(request, f"{label}: {message}" if label else message)


def _invitations_sentence(meeting: Meeting) -> str:
    """What the booker is told about the letter and invitation: on their way, or (the broker was down) going
    out shortly by themselves: the outbox delivers them once it is back, and there is nothing to do."""
    if message_waits_for_broker(kind=services.INVITATIONS, object_id=meeting.pk):
        return _("Brev og kalenderinvitation sendes om lidt; du skal ikke gøre mere.")
    return _("Brev og kalenderinvitation er sendt af sted.")


def _get_case_for_booker(request, case_uuid) -> Case:
    """The case if the user may see it (cases/selectors/access.py: the booker's share, the leader's
    department), else 404."""
    return get_object_or_404(
        cases_visible_to(request.user).select_related("employer", "consultant", "rule_set", "person"),
        uuid=case_uuid,
    )


def _get_meeting_for_user(user, meeting_uuid) -> Meeting:
    """A consultant sees the meetings in their own calendar; bookers and leaders the meetings of the cases
    they may see (cases/selectors/access.py)."""
    meeting = get_object_or_404(
        Meeting.objects.select_related("case__employer", "case__person", "consultant", "booked_by"),
        uuid=meeting_uuid,
    )
    if meeting.consultant_id == user.pk:
        return meeting
    if has_role(user, *BOOKING_ROLES) and case_is_visible_to(user, meeting.case):
        return meeting
    raise Http404


# --- the booker's queue and a case's booking page --------------------------------------------------------


@role_required(*BOOKING_ROLES)
def queue(request):
    today = timezone.localdate()
    entries = selectors.booking_queue(today=today, user=request.user)
    page = Paginator(entries, selectors.QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = selectors.booking_queue_rows(page.object_list)
    audit_record_many(
        request=request,
        action=AuditEntry.Action.READ,
        object_type="booking_queue",
        cases=[r.case for r in rows],
    )
    flow = selectors.booking_flow(entries=entries, today=today, user=request.user)
    context = {"rows": rows, "lines": _queue_row_labels(rows), "page": page, "flow": flow, "today": today}
    return render(request, "meetings/queue.html", context)


@dataclass(frozen=True)
class _QueueLine:
    """A queue row as the page shows it: the row, its case, and its link and texts."""

    row: selectors.QueueRow
    case: Case
    url: str
    deadline_text: str
    intake_late_text: str
    category: str
    last_outcome: str
    book_label: str


def _queue_row_labels(rows: list[selectors.QueueRow]) -> list[_QueueLine]:
    """Each queue row with its link and texts, made once per request (staff/rows.py): the same few day counts,
    categories and outcomes recur on every page of 50 rows, and each was a translation look-up per row."""
    booking_url = url_for_each("meetings:case_booking", "case_uuid")
    categories = labels_for(Category.choices)
    outcomes = labels_for(ContactAttempt.Outcome.choices)
    book_at = _("Book møde hos %(employer)s")
    plurals = {  # literal msgids, so that makemessages keeps finding them
        "overdue": lambda n: ngettext("Overskredet med %(days)s dag", "Overskredet med %(days)s dage", n),
        "left": lambda n: ngettext("%(days)s dag tilbage", "%(days)s dage tilbage", n),
        "late": lambda n: ngettext("%(days)s dag for sent", "%(days)s dage for sent", n),
    }
    counted: dict[tuple[str, int], str] = {}

    def days_text(kind: str, days: int) -> str:
        if (kind, days) not in counted:
            counted[kind, days] = plurals[kind](days) % {"days": days}
        return counted[kind, days]

    return [
        _QueueLine(
            row=row,
            case=row.case,
            url=booking_url(row.case.uuid),
            deadline_text=days_text("overdue", row.overdue_days)
            if row.days_left < 0
            else days_text("left", row.days_left),
            intake_late_text=days_text("late", row.intake_late_days) if row.intake_late_days else "",
            category=categories.get(row.case.category, ""),
            last_outcome=outcomes.get(row.last_attempt.outcome, "") if row.last_attempt else "",
            book_label=book_at % {"employer": row.case.employer.name},
        )
        for row in rows
    ]


@role_required(*BOOKING_ROLES)
def case_booking(request, case_uuid):
    case = _get_case_for_booker(request, case_uuid)
    audit_record(request=request, action=AuditEntry.Action.READ, object_type="booking", case=case)
    now = timezone.now()
    context = {
        "case": case,
        "deadline": selectors.first_meeting_deadline(case),
        "days_left": (selectors.first_meeting_deadline(case) - timezone.localdate()).days,
        "suggestions": selectors.consultant_suggestions(case=case, now=now) if not case.is_closed else [],
        "booked": Meeting.objects.filter(case=case, status=Meeting.Status.BOOKED).first(),
        "attempts": ContactAttempt.objects.filter(case=case).select_related("made_by"),
        "is_leader": has_role(request.user, Role.LEADER),
        "attempt_form": ContactAttemptForm(),
        "booking_form": BookingForm(
            initial={"day": timezone.localdate() + dt.timedelta(days=1)}, municipality_id=case.municipality_id
        ),
    }
    return render(request, "meetings/case_booking.html", context)


@require_POST
@role_required(*BOOKING_ROLES)
def contact_attempt_add(request, case_uuid):
    case = _get_case_for_booker(request, case_uuid)
    form = ContactAttemptForm(request.POST)
    if form.is_valid():
        try:
            services.contact_attempt_log(case=case, made_by=request.user, **form.cleaned_data)
            audit_record(
                request=request, action=AuditEntry.Action.CREATE, object_type="contact_attempt", case=case
            )
            messages.success(request, _("Kontaktforsøget er registreret."))
        except ValidationError as error:
            _errors(request, error)
    else:
        for field_errors in form.errors.values():
            for message in field_errors:
                messages.error(request, message)
    return redirect("meetings:case_booking", case_uuid=case.uuid)


@role_required(*BOOKING_ROLES)
def contact_attempt_correct(request, case_uuid, attempt_id):
    """Correct or annul a contact attempt: the booker who logged it, or a leader."""
    case = _get_case_for_booker(request, case_uuid)
    attempt = get_object_or_404(case.contact_attempts, pk=attempt_id)
    return correction_page(
        request,
        case,
        attempt,
        author_id=attempt.made_by_id,
        form_class=ContactAttemptCorrectForm,
        initial={"outcome": attempt.outcome, "channel": attempt.channel},
        correct=partial(services.contact_attempt_correct, attempt=attempt),
        annul=partial(services.contact_attempt_annul, attempt=attempt),
        heading=_("Ret kontaktforsøget %(when)s")
        % {"when": f"{timezone.localtime(attempt.made_at):%d-%m-%Y %H:%M}"},
        back_url=reverse("meetings:case_booking", kwargs={"case_uuid": case.uuid}),
    )


def _confirmation(case: Case, form, *, now) -> dict:
    """What the booker confirms: who, when, where, whether the deadline is met, and what goes to whom."""
    consultant = form.cleaned_data["consultant"]
    starts_at = form.starts_at()
    deadline = selectors.first_meeting_deadline(case)
    employer = case.employer
    return {
        "case": case,
        "form": form,
        "consultant": consultant,
        "starts_at": starts_at,
        "ends_at": starts_at + dt.timedelta(minutes=form.cleaned_data["minutes"]),
        "place": dict(form.fields["place"].choices)[form.cleaned_data["place"]],
        "address": form.cleaned_data["address"]
        or (f"{employer.address}, {employer.postcode} {employer.town}" if employer else ""),
        "deadline": deadline,
        "late": timezone.localtime(starts_at).date() > deadline,
        "handover": case.consultant_id is not None and case.consultant_id != consultant.pk,
        "leader_email": employer.nearest_leader_email if employer else "",
        "past": starts_at <= now,
    }


@role_required(*BOOKING_ROLES)
def confirm(request, case_uuid):
    """The summary before anything is sent (GET from a slot or the free-time form; nothing personal in the
    URL: a consultant's id, a date and a time)."""
    case = _get_case_for_booker(request, case_uuid)
    form = ConfirmBookingForm(request.GET, municipality_id=case.municipality_id)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect("meetings:case_booking", case_uuid=case.uuid)
    return render(request, "meetings/confirm.html", _confirmation(case, form, now=timezone.now()))


@require_POST
@role_required(*BOOKING_ROLES)
def book(request, case_uuid):
    case = _get_case_for_booker(request, case_uuid)
    form = ConfirmBookingForm(request.POST, municipality_id=case.municipality_id)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect("meetings:case_booking", case_uuid=case.uuid)
    data = form.cleaned_data
    # A double submit of the same confirmation books once: the second finds the meeting the first made.
    same = Meeting.objects.filter(
        case=case, consultant=data["consultant"], starts_at=form.starts_at(), status=Meeting.Status.BOOKED
    ).first()
    if same is not None:
        messages.info(request, _("Mødet var allerede booket."))
        return redirect("meetings:meeting_detail", meeting_uuid=same.uuid)
    try:
        meeting = services.meeting_book(
            case=case,
            consultant=data["consultant"],
            starts_at=form.starts_at(),
            minutes=data["minutes"],
            place=data["place"],
            address=data["address"],
            booked_by=request.user,
            late_reason=data["late_reason"],
            handover_reason=data["handover_reason"],
        )
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            for name, field_errors in error.message_dict.items():
                for message in field_errors:
                    form.add_error(name if name in form.fields else None, message)
        else:
            form.add_error(None, error)
        return render(
            request, "meetings/confirm.html", _confirmation(case, form, now=timezone.now()), status=200
        )
    audit_record(request=request, action=AuditEntry.Action.CREATE, object_type="meeting", case=case)
    messages.success(request, _("Mødet er booket.") + " " + _invitations_sentence(meeting))
    return redirect("meetings:meeting_detail", meeting_uuid=meeting.uuid)


# --- one meeting -----------------------------------------------------------------------------------------


@role_required(*CALENDAR_ROLES)
def meeting_detail(request, meeting_uuid):
    meeting = _get_meeting_for_user(request.user, meeting_uuid)
    audit_record(request=request, action=AuditEntry.Action.READ, object_type="meeting", case=meeting.case)
    local = timezone.localtime(meeting.starts_at)
    context = {
        "meeting": meeting,
        "place_text": documents.meeting_place_text(
            meeting, protected_address_shown=meeting.consultant_id == request.user.pk
        ),
        "can_book": has_role(request.user, *BOOKING_ROLES),
        "cancel_form": CancelForm(),
        "reschedule_form": RescheduleForm(initial={"day": local.date(), "time": local.time()}),
        "has_started": meeting.starts_at <= timezone.now(),
    }
    return render(request, "meetings/meeting_detail.html", context)


@role_required(*CALENDAR_ROLES)
def meeting_letter(request, meeting_uuid):
    meeting = _get_meeting_for_user(request.user, meeting_uuid)
    if not meeting.invitation_letter:
        raise Http404
    try:
        letter = meeting.invitation_letter.open("rb")
    except FileNotFoundError:
        # Named on the meeting but not in the document store (deleted, or never moved in from an old disk).
        return render(request, "meetings/letter_missing.html", {"meeting": meeting}, status=404)
    audit_record(request=request, action=AuditEntry.Action.EXPORT, object_type="letter", case=meeting.case)
    return FileResponse(
        letter,
        content_type="application/pdf",
        filename=f"indkaldelse-{timezone.localtime(meeting.starts_at):%Y-%m-%d}.pdf",
    )


@role_required(*CALENDAR_ROLES)
def meeting_invitation(request, meeting_uuid):
    meeting = _get_meeting_for_user(request.user, meeting_uuid)
    attendees = [a for a in [meeting.consultant.email, meeting.case.employer.nearest_leader_email] if a]
    audit_record(
        request=request, action=AuditEntry.Action.EXPORT, object_type="invitation", case=meeting.case
    )
    response = HttpResponse(documents.meeting_ics(meeting, attendees=attendees), content_type="text/calendar")
    response["Content-Disposition"] = 'attachment; filename="invitation.ics"'
    return response


@require_POST
@role_required(*CALENDAR_ROLES)
def meeting_cancel(request, meeting_uuid):
    meeting = _get_meeting_for_user(request.user, meeting_uuid)
    form = CancelForm(request.POST)
    if form.is_valid():
        try:
            services.meeting_cancel(
                meeting=meeting, cancelled_by=request.user, reason=form.cleaned_data["reason"]
            )
            audit_record(
                request=request, action=AuditEntry.Action.CHANGE, object_type="meeting", case=meeting.case
            )
            messages.success(request, _("Mødet er aflyst."))
        except ValidationError as error:
            _errors(request, error)
    else:
        messages.error(request, _("Skriv en årsag til aflysningen."))
    return redirect("meetings:meeting_detail", meeting_uuid=meeting.uuid)


@require_POST
@role_required(*BOOKING_ROLES)
def meeting_reschedule(request, meeting_uuid):
    meeting = _get_meeting_for_user(request.user, meeting_uuid)
    form = RescheduleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Udfyld ny dato, klokkeslæt og årsag."))
        return redirect("meetings:meeting_detail", meeting_uuid=meeting.uuid)
    try:
        new = services.meeting_reschedule(
            meeting=meeting,
            starts_at=form.starts_at(),
            rescheduled_by=request.user,
            reason=form.cleaned_data["reason"],
        )
    except ValidationError as error:
        _errors(request, error)
        return redirect("meetings:meeting_detail", meeting_uuid=meeting.uuid)
    audit_record(request=request, action=AuditEntry.Action.CHANGE, object_type="meeting", case=meeting.case)
    messages.success(request, _("Mødet er flyttet.") + " " + _invitations_sentence(new))
    return redirect("meetings:meeting_detail", meeting_uuid=new.uuid)


@require_POST
@role_required(*CALENDAR_ROLES)
def meeting_outcome(request, meeting_uuid):
    meeting = _get_meeting_for_user(request.user, meeting_uuid)
    status = request.POST.get("status", "")
    try:
        services.meeting_outcome_set(meeting=meeting, status=status, actor=request.user)
    except ValidationError as error:
        _errors(request, error)
        return redirect("meetings:meeting_detail", meeting_uuid=meeting.uuid)
    audit_record(request=request, action=AuditEntry.Action.CHANGE, object_type="meeting", case=meeting.case)
    if status == Meeting.Status.HELD:
        messages.success(request, _("Mødet er afholdt. Registrér samtalen på sagen."))
        if has_role(request.user, Role.CONSULTANT):  # the case page is the consultant's
            return redirect("cases:detail", uuid=meeting.case.uuid)
    else:
        messages.success(request, _("Udeblivelse registreret; sagen står igen i bookingkøen."))
    return redirect("meetings:meeting_detail", meeting_uuid=meeting.uuid)


# --- calendars -------------------------------------------------------------------------------------------


def _monday_from(request) -> dt.date:
    try:
        day = dt.date.fromisoformat(request.GET.get("uge", ""))
    except ValueError:
        day = timezone.localdate()
    return slots.monday_of(day)


def _chosen_team(request, teams):
    """The team named by ?team=<slug>, or None. Anything that is not a slug is not looked up (PostgreSQL
    refuses a NUL byte in a query: a 500 found by the fuzz tests)."""
    slug = request.GET.get("team", "")
    return teams.filter(slug=slug).first() if slug and slug_re.fullmatch(slug) else None


def _audit_week(request, rows, *, object_type: str) -> None:
    """A week view names each meeting's employer and links its case: one read entry per case shown."""
    audit_record_many(
        request=request,
        action=AuditEntry.Action.READ,
        object_type=object_type,
        cases=selectors.week_view_cases(rows),
    )


def _week_context(monday: dt.date) -> dict:
    iso = monday.isocalendar()
    return {
        "monday": monday,
        "sunday": monday + dt.timedelta(days=6),
        "week_number": iso.week,
        "previous_week": monday - dt.timedelta(days=7),
        "next_week": monday + dt.timedelta(days=7),
        "this_week": slots.monday_of(timezone.localdate()),
    }


@role_required(*CALENDAR_ROLES)
def team_week(request):
    monday = _monday_from(request)
    municipality_id = user_municipality_id(request.user)  # only the user's own municipality's calendars
    teams = Team.objects.filter(department__municipality_id=municipality_id)
    team = _chosen_team(request, teams)
    if team is None and getattr(request.user, "staff", None) and request.user.staff.team_id:
        team = teams.filter(pk=request.user.staff.team_id).first()
    consultants = selectors.bookable_consultants(municipality_id=municipality_id)
    if team:
        consultants = consultants.filter(staff__team=team)
    rows = selectors.week_view(consultants=list(consultants), monday=monday)
    _audit_week(request, rows, object_type="team_calendar")
    context = {
        "rows": rows,
        "teams": teams,
        "team": team,
        **_week_context(monday),
    }
    return render(request, "meetings/team_week.html", context)


@role_required(*CALENDAR_ROLES)
def consultant_week(request, user_id: int):
    # Another municipality's consultant is a 404: their week is not this user's to see (issue 16).
    consultants = selectors.bookable_consultants(municipality_id=user_municipality_id(request.user))
    consultant = get_object_or_404(consultants, pk=user_id)
    monday = _monday_from(request)
    rows = selectors.week_view(consultants=[consultant], monday=monday)
    _audit_week(request, rows, object_type="consultant_calendar")
    context = {"consultant": consultant, "rows": rows, **_week_context(monday)}
    return render(request, "meetings/consultant_week.html", context)


@role_required(Role.CONSULTANT)
def my_calendar(request):
    monday = _monday_from(request)
    calendar = ConsultantCalendar.objects.filter(consultant=request.user).first()
    rows = selectors.week_view(consultants=[request.user], monday=monday) if calendar else []
    _audit_week(request, rows, object_type="my_calendar")
    feed_url = None
    if calendar and calendar.feed_token:
        feed_url = request.build_absolute_uri(reverse("meetings:feed", kwargs={"token": calendar.feed_token}))
    context = {
        "consultant": request.user,
        "calendar": calendar,
        "rows": rows,
        "feed_url": feed_url,
        "absence_form": AbsenceForm(),
        "absences": request.user.absences.filter(ends_on__gte=timezone.localdate()),
        **_week_context(monday),
    }
    return render(request, "meetings/my_calendar.html", context)


@require_POST
@role_required(Role.CONSULTANT)
def my_feed(request):
    if request.POST.get("action") == "revoke":
        services.calendar_feed_token_revoke(consultant=request.user)
        messages.success(request, _("Kalenderlinket er slået fra. Det gamle link virker ikke længere."))
    else:
        services.calendar_feed_token_renew(consultant=request.user)
        messages.success(
            request, _("Der er lavet et nyt hemmeligt kalenderlink. Et tidligere link virker ikke længere.")
        )
    return redirect("meetings:my_calendar")


@require_POST
@role_required(Role.CONSULTANT)
def my_absence_add(request):
    form = AbsenceForm(request.POST)
    if form.is_valid():
        try:
            services.absence_add(consultant=request.user, **form.cleaned_data)
            messages.success(request, _("Fraværet er registreret."))
        except ValidationError as error:
            _errors(request, error)
    else:
        for field_errors in form.errors.values():
            for message in field_errors:
                messages.error(request, message)
    return redirect("meetings:my_calendar")


def feed(request, token: str):
    """The personal iCalendar feed. No login: the secret token in the URL is the key (calendar programs
    cannot log in); the owner can revoke or replace it on 'Min kalender'."""
    calendar = ConsultantCalendar.objects.filter(feed_token=token).select_related("consultant").first()
    if not token or calendar is None:
        raise Http404
    since = timezone.now() - dt.timedelta(days=60)
    meetings = list(
        Meeting.objects.filter(consultant=calendar.consultant, starts_at__gte=since)
        .exclude(status=Meeting.Status.NO_SHOW)
        .select_related("case__employer", "consultant")
    )
    body = documents.feed_ics(name=_("Møder – %(name)s") % {"name": str(calendar)}, meetings=meetings)
    return HttpResponse(body, content_type="text/calendar; charset=utf-8")


# --- allocation at the weekly team meeting ---------------------------------------------------------------


@role_required(Role.LEADER, Role.BOOKER)
def allocation(request):
    """Hedensted's practice: the team allocates new cases from one list with everyone's caseload visible."""
    member = getattr(request.user, "staff", None)
    municipality_id = user_municipality_id(request.user)  # only the user's own municipality's teams
    teams = Team.objects.filter(department__municipality_id=municipality_id)
    team = _chosen_team(request, teams) or (member.team if member else None)
    caseloads = selectors.team_caseloads(team=team) if team else []
    department_id = team.department_id if team else None
    cases = list(
        selectors.unallocated_cases(department_id=department_id, municipality_id=municipality_id)[
            :ALLOCATION_LIST_LIMIT
        ]
    )
    today = timezone.localdate()
    rows = [(case, selectors.first_meeting_deadline(case), case.absence_week(today)) for case in cases]
    audit_record_many(request=request, action=AuditEntry.Action.READ, object_type="allocation", cases=cases)
    context = {"team": team, "teams": teams, "caseloads": caseloads, "rows": rows}
    return render(request, "meetings/allocation.html", context)


@require_POST
@role_required(Role.LEADER, Role.BOOKER)
def allocate(request, case_uuid):
    case = _get_case_for_booker(request, case_uuid)
    form = AllocateForm(request.POST, municipality_id=case.municipality_id)
    if "consultant" in form.errors:
        raise Http404  # only a consultant of the case's municipality; any other value is not there to find
    consultant = form.cleaned_data["consultant"]
    team_slug = form.cleaned_data.get("team") or ""
    try:
        meetings_link.case_allocate(case=case, consultant=consultant, actor=request.user)
        audit_record(request=request, action=AuditEntry.Action.CHANGE, object_type="allocation", case=case)
        messages.success(
            request,
            _("Sagen er fordelt til %(name)s.") % {"name": consultant.get_full_name() or consultant.username},
        )
    except ValidationError as error:
        _errors(request, error)
    return redirect(
        reverse("meetings:allocation") + (f"?{urlencode({'team': team_slug})}" if team_slug else "")
    )
