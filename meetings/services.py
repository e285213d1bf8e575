"""Writes for the meetings app: calendars, contact attempts, booking, moving and cancelling meetings."""

import datetime as dt
import logging
import secrets

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Case, Conversation, Correction, Employer
from cases.services.casework import (
    actor_name,
    case_hand_over,
    correction_changes,
    correction_keep,
    correction_lock,
)
from cases.services.meetings_link import case_assign_if_unassigned, case_first_meeting_planned_set
from cases.services.timeline import case_event_add
from meetings import documents, slots
from meetings.models import Absence, ConsultantCalendar, ContactAttempt, Meeting, WorkingHours
from meetings.selectors import calendars_for, first_meeting_deadline, local_tz
from outbox.services import outbox_put
from staff.selectors import staff_member_can_hold_first_meetings
from visitation.models import HandoverReason

logger = logging.getLogger(__name__)

# Outbox kinds (delivered by meeting_invitations_send and meeting_cancellation_send; meetings/apps.py).
INVITATIONS = "meetings.invitations"
CANCELLATION = "meetings.cancellation"


# --- calendars -------------------------------------------------------------------------------------------


@transaction.atomic
def calendar_set_working_hours(
    *,
    consultant: AbstractBaseUser,
    hours: dict[int, tuple[dt.time, dt.time]],
    office_weekday: int | None = None,
) -> ConsultantCalendar:
    """Replace a consultant's weekly working hours (weekday → from, to) and office day."""
    calendar, _created = ConsultantCalendar.objects.get_or_create(consultant=consultant)
    calendar.office_weekday = office_weekday
    calendar.full_clean()
    calendar.save()
    calendar.working_hours.all().delete()
    for weekday, (starts_at, ends_at) in sorted(hours.items()):
        row = WorkingHours(calendar=calendar, weekday=weekday, starts_at=starts_at, ends_at=ends_at)
        row.full_clean()
        row.save()
    return calendar


@transaction.atomic
def absence_add(*, consultant: AbstractBaseUser, kind: str, starts_on: dt.date, ends_on: dt.date) -> Absence:
    """Register an absence. Meetings already booked in it are not moved: the form warns about them."""
    absence = Absence(consultant=consultant, kind=kind, starts_on=starts_on, ends_on=ends_on)
    absence.full_clean()
    absence.save()
    return absence


@transaction.atomic
def calendar_feed_token_renew(*, consultant: AbstractBaseUser) -> str:
    """A new secret feed URL; the old one stops working at once."""
    calendar, _created = ConsultantCalendar.objects.get_or_create(consultant=consultant)
    calendar.feed_token = secrets.token_urlsafe(32)
    calendar.save(update_fields=["feed_token"])
    return calendar.feed_token


@transaction.atomic
def calendar_feed_token_revoke(*, consultant: AbstractBaseUser) -> None:
    ConsultantCalendar.objects.filter(consultant=consultant).update(feed_token=None)


# --- contact attempts ------------------------------------------------------------------------------------


@transaction.atomic
def contact_attempt_log(
    *,
    case: Case,
    made_by: AbstractBaseUser,
    outcome: str,
    channel: str = ContactAttempt.Channel.PHONE,
    note: str = "",
    leader_name: str = "",
    leader_phone: str = "",
    leader_email: str = "",
) -> ContactAttempt:
    """Log one call or e-mail to the employer. A nearest leader found is saved on the employer, so the next
    booker for the same workplace does not have to do the detective work again."""
    if case.employer_id is None:
        raise ValidationError(_("Sagen har ingen arbejdsgiver at kontakte."))
    employer = Employer.objects.select_for_update().get(pk=case.employer_id)
    attempt = ContactAttempt(
        case=case, employer=employer, made_by=made_by, outcome=outcome, channel=channel, note=note
    )
    attempt.full_clean()
    attempt.save()
    changed = []
    for field, value in [
        ("nearest_leader_name", leader_name),
        ("nearest_leader_phone", leader_phone),
        ("nearest_leader_email", leader_email),
    ]:
        if value and value != getattr(employer, field):
            setattr(employer, field, value)
            changed.append(field)
    if changed:
        employer.full_clean()
        employer.save(update_fields=changed)
    case_event_add(
        case=case,
        actor=made_by,
        kind="contact_attempt",
        text=_("Kontakt til arbejdsgiver (%(channel)s): %(outcome)s")
        % {"channel": attempt.get_channel_display().lower(), "outcome": attempt.get_outcome_display()},
    )
    return attempt


def _attempt_text(attempt: ContactAttempt) -> str:
    return f"{timezone.localtime(attempt.made_at):%d-%m-%Y %H:%M} ({attempt.get_channel_display().lower()})"


@transaction.atomic
def contact_attempt_correct(
    *, attempt: ContactAttempt, actor: AbstractBaseUser, reason: str, outcome: str, channel: str
) -> ContactAttempt:
    """Correct a contact attempt's outcome or channel: the booker who made it, or a leader."""
    locked, attempt = correction_lock(attempt, actor, reason, author_id=attempt.made_by_id)
    changed = correction_changes(
        {"outcome": attempt.outcome, "channel": attempt.channel}, {"outcome": outcome, "channel": channel}
    )
    old_text = _attempt_text(attempt)
    labels = {
        "outcome": dict(ContactAttempt.Outcome.choices),
        "channel": dict(ContactAttempt.Channel.choices),
    }
    attempt.outcome, attempt.channel = outcome, channel
    attempt.full_clean()  # an unknown outcome or channel is a field error
    attempt.save(update_fields=["outcome", "channel"])
    correction_keep(
        case=locked,
        record=attempt,
        kind=Correction.Kind.CORRECTED,
        values=changed,
        reason=reason,
        actor=actor,
    )
    diffs = "; ".join(
        f"{labels[field][old]} → {labels[field][new]}".lower() for field, (old, new) in changed.items()
    )
    case_event_add(
        case=locked,
        actor=actor,
        kind="correction",
        text=_("Kontaktforsøget %(attempt)s rettet af %(who)s: %(diffs)s. Begrundelse: %(reason)s")
        % {
            "attempt": old_text,
            "who": actor_name(actor),
            "diffs": diffs,
            "reason": reason.strip(),
        },
    )
    return attempt


@transaction.atomic
def contact_attempt_annul(*, attempt: ContactAttempt, actor: AbstractBaseUser, reason: str) -> None:
    """Annul a contact attempt logged in error (the wrong case, say): it leaves the booking page's list."""
    locked, attempt = correction_lock(attempt, actor, reason, author_id=attempt.made_by_id)
    kept = {
        "made_at": attempt.made_at.isoformat(),
        "made_by": attempt.made_by_id,
        "channel": attempt.channel,
        "outcome": attempt.outcome,
        "note": attempt.note,
    }
    correction_keep(
        case=locked, record=attempt, kind=Correction.Kind.ANNULLED, values=kept, reason=reason, actor=actor
    )
    text = _attempt_text(attempt)
    attempt.delete()
    case_event_add(
        case=locked,
        actor=actor,
        kind="correction",
        text=_("Kontaktforsøget %(attempt)s annulleret af %(who)s. Begrundelse: %(reason)s")
        % {"attempt": text, "who": actor_name(actor), "reason": reason.strip()},
    )


# --- booking ---------------------------------------------------------------------------------------------


def _d(day: dt.date) -> str:
    return day.strftime("%d-%m-%Y")


def _refuse(message: str):
    raise ValidationError(message, code="slot_refused")


@transaction.atomic
def meeting_book(
    *,
    case: Case,
    consultant: AbstractBaseUser,
    starts_at: dt.datetime,
    booked_by: AbstractBaseUser,
    minutes: int = slots.DEFAULT_MEETING_MINUTES,
    place: str = Conversation.Place.WORKPLACE,
    address: str = "",
    now: dt.datetime | None = None,
    late_reason: str = "",
    handover_reason: HandoverReason | None = None,
) -> Meeting:
    """Book a meeting in a consultant's calendar; refuse (ValidationError) a slot that is not free.

    One consultant per case (the SOF model): a case nobody holds becomes the booked consultant's; a case
    that has a consultant is booked with that consultant, or — an explicit choice with a reason from the
    handover catalogue — handed over to the booked one in the same transaction, so that the meeting, the
    letter and the case always name the same person. A first meeting after its deadline (the end of week 8,
    or earlier after Fast Track) needs a reason, kept on the meeting and in the timeline.

    Concurrency: the consultant's calendar row is locked (SELECT … FOR UPDATE) before the calendar is read,
    so two bookers choosing the same consultant are served one after the other and the second sees the
    first's meeting. Then the case row is locked, so one case is not booked twice. The partial unique
    constraints on Meeting are the backstop. (SQLite has no row locks; its IMMEDIATE transactions
    serialise all writers instead.) Lock order is always calendar, then case.
    """
    now = now or timezone.now()
    tz = local_tz()
    calendar_row = ConsultantCalendar.objects.select_for_update().filter(consultant=consultant).first()
    if calendar_row is None:
        _refuse(_("Konsulenten har ingen kalender med arbejdstider og kan ikke bookes."))
    case = Case.objects.select_for_update().get(pk=case.pk)  # no outer joins: FOR UPDATE refuses them
    if case.is_closed:
        _refuse(_("Sagen er afsluttet; der kan ikke bookes møder på den."))
    if Meeting.objects.filter(case=case, status=Meeting.Status.BOOKED).exists():
        _refuse(_("Sagen har allerede et booket møde. Flyt eller aflys det i stedet."))
    day = starts_at.astimezone(tz).date()
    is_first_meeting = not Conversation.objects.filter(case=case).exists()
    if is_first_meeting and not staff_member_can_hold_first_meetings(consultant, on=day):
        _refuse(
            _(
                "%(name)s er ikke kvalificeret til første opfølgningssamtale "
                "(ny fastholdelseskonsulent) den %(day)s."
            )
            % {
                "name": consultant.get_full_name() or consultant.get_username(),
                "day": day.strftime("%d-%m-%Y"),
            }
        )
    if place == Conversation.Place.WORKPLACE and case.employer_id is None:
        _refuse(_("Sagen har ingen arbejdsgiver; vælg et andet mødested."))
    deadline = first_meeting_deadline(case)
    late = is_first_meeting and day > deadline
    if late and not late_reason.strip():
        raise ValidationError(
            {
                "late_reason": _("Tidspunktet ligger efter fristen %(day)s. Skriv hvorfor.")
                % {"day": _d(deadline)}
            }
        )
    if case.consultant_id and case.consultant_id != consultant.pk:
        if handover_reason is None:
            raise ValidationError(
                {
                    "handover_reason": _(
                        "Sagen har allerede en ansvarlig konsulent. Book med den konsulent, eller vælg en "
                        "årsag til at overdrage sagen."
                    )
                }
            )
        case_hand_over(
            case=case, actor=booked_by, to_consultant=consultant, reason=handover_reason, on=now.date()
        )
        case.refresh_from_db()
    ends_at = starts_at + dt.timedelta(minutes=minutes)
    calendar = calendars_for(consultant_ids=[consultant.pk], first_day=day, last_day=day)[consultant.pk]
    refusal = slots.slot_refusal(calendar=calendar, starts_at=starts_at, ends_at=ends_at, now=now, tz=tz)
    if refusal:
        _refuse(refusal)
    meeting = Meeting(
        case=case,
        consultant=consultant,
        starts_at=starts_at,
        ends_at=ends_at,
        place=place,
        address=address,
        booked_by=booked_by,
        booked_at=now,
        late_reason=late_reason.strip() if late else "",
    )
    meeting.full_clean()
    try:
        with transaction.atomic():
            meeting.save()
    except IntegrityError:  # the constraint backstop: someone else got there between check and insert
        _refuse(_("Tidspunktet blev netop booket af en anden. Vælg et andet tidspunkt."))
    assigned = case_assign_if_unassigned(case=case, consultant=consultant)
    case_first_meeting_planned_set(case=case, planned_on=day)
    local = timezone.localtime(starts_at, tz)
    case_event_add(
        case=case,
        actor=booked_by,
        kind="meeting_booked",
        text=_("Møde booket %(day)s kl. %(time)s (%(place)s) med %(consultant)s")
        % {
            "day": local.strftime("%d-%m-%Y"),
            "time": local.strftime("%H:%M"),
            "place": meeting.get_place_display().lower(),
            "consultant": documents.consultant_name(meeting),
        }
        + (_("; sagen er tildelt konsulenten.") if assigned else ".")
        + (
            " "
            + _("Efter fristen %(day)s: %(reason)s") % {"day": _d(deadline), "reason": meeting.late_reason}
            if late
            else ""
        ),
    )
    meeting.invitation_letter.save(
        f"indkaldelse-{meeting.uuid}.pdf", ContentFile(documents.invitation_letter_pdf(meeting)), save=True
    )
    # The invitation leaves through the outbox: written with the meeting, so a broker that is down neither
    # fails the booking nor loses the invitation.
    outbox_put(kind=INVITATIONS, object_id=meeting.pk)
    return meeting


@transaction.atomic
def meeting_cancel(*, meeting: Meeting, cancelled_by: AbstractBaseUser, reason: str) -> Meeting:
    """Cancel a booked meeting with a reason. The citizen's letter is then never sent; the employer and the
    consultant get a cancellation if they already had the invitation."""
    if not reason.strip():
        raise ValidationError(_("Skriv en årsag til aflysningen."))
    meeting = Meeting.objects.select_for_update().select_related("case").get(pk=meeting.pk)
    if meeting.status != Meeting.Status.BOOKED:
        raise ValidationError(_("Kun bookede møder kan aflyses."))
    meeting.status = Meeting.Status.CANCELLED
    meeting.cancelled_at = timezone.now()
    meeting.cancel_reason = reason.strip()
    meeting.sequence += 1
    meeting.full_clean()
    meeting.save()
    case_first_meeting_planned_set(case=meeting.case, planned_on=None)
    case_event_add(
        case=meeting.case,
        actor=cancelled_by,
        kind="meeting_cancelled",
        text=_("Møde %(day)s aflyst: %(reason)s")
        % {
            "day": timezone.localtime(meeting.starts_at).strftime("%d-%m-%Y %H:%M"),
            "reason": meeting.cancel_reason,
        },
    )
    if meeting.invitations_sent_at:
        outbox_put(kind=CANCELLATION, object_id=meeting.pk)
    return meeting


@transaction.atomic
def meeting_reschedule(
    *,
    meeting: Meeting,
    starts_at: dt.datetime,
    rescheduled_by: AbstractBaseUser,
    reason: str,
    consultant: AbstractBaseUser | None = None,
) -> Meeting:
    """Move a meeting: the old one is cancelled with the reason and a new one booked (new letter and
    invitation). All or nothing: a refused new slot leaves the old meeting booked."""
    old = meeting_cancel(meeting=meeting, cancelled_by=rescheduled_by, reason=_("Flyttet: %s") % reason)
    return meeting_book(
        case=old.case,
        consultant=consultant or old.consultant,
        starts_at=starts_at,
        booked_by=rescheduled_by,
        minutes=int((old.ends_at - old.starts_at).total_seconds() // 60),
        place=old.place,
        address=old.address,
    )


@transaction.atomic
def meeting_outcome_set(*, meeting: Meeting, status: str, actor: AbstractBaseUser) -> Meeting:
    """Mark a booked meeting held or missed (no-show). Missed puts the case back in the booking queue."""
    if status not in (Meeting.Status.HELD, Meeting.Status.NO_SHOW):
        raise ValidationError(_("Ukendt udfald."))
    meeting = Meeting.objects.select_for_update().select_related("case").get(pk=meeting.pk)
    if meeting.status != Meeting.Status.BOOKED:
        raise ValidationError(_("Kun bookede møder kan markeres som afholdt eller udeblevet."))
    if meeting.starts_at > timezone.now():
        raise ValidationError(_("Mødet er ikke begyndt endnu."))
    meeting.status = status
    meeting.full_clean()
    meeting.save(update_fields=["status"])
    if status == Meeting.Status.NO_SHOW:
        case_first_meeting_planned_set(case=meeting.case, planned_on=None)
    case_event_add(
        case=meeting.case,
        actor=actor,
        kind=f"meeting_{status}",
        text=_("Møde %(day)s: %(status)s")
        % {
            "day": timezone.localtime(meeting.starts_at).strftime("%d-%m-%Y %H:%M"),
            "status": meeting.get_status_display().lower(),
        },
    )
    return meeting


# --- invitations (delivered by the outbox) ---------------------------------------------------------------


def _recipients(meeting: Meeting) -> list[str]:
    addresses = []
    if meeting.case.employer_id and meeting.case.employer.nearest_leader_email:
        addresses.append(meeting.case.employer.nearest_leader_email)
    if meeting.consultant.email:
        addresses.append(meeting.consultant.email)
    return addresses


def _mail(meeting: Meeting, *, subject: str, body: str, recipients: list[str]) -> None:
    ics = documents.meeting_ics(meeting, attendees=recipients)
    method = "CANCEL" if meeting.status == Meeting.Status.CANCELLED else "REQUEST"
    for address in recipients:  # one message each: the employer must not see the consultant's copy and back
        message = EmailMessage(subject=subject, body=body, to=[address])
        message.attach("invitation.ics", ics, f"text/calendar; charset=utf-8; method={method}")
        message.send()


def meeting_invitations_send(*, meeting_id: int) -> bool:
    """Send the e-mail with the .ics to the employer and the consultant and release the citizen's letter
    for Digital Post. Claims the meeting first (conditional UPDATE), so a second delivery sends nothing;
    a meeting cancelled before the outbox delivered it is never sent. Returns whether anything was sent."""
    claimed = Meeting.objects.filter(
        pk=meeting_id, status=Meeting.Status.BOOKED, invitations_sent_at__isnull=True
    ).update(invitations_sent_at=timezone.now())
    if not claimed:
        return False
    meeting = Meeting.objects.select_related("case__employer", "case__person", "consultant").get(
        pk=meeting_id
    )
    start = timezone.localtime(meeting.starts_at)
    # Subject: date and workplace only, never the citizen's CPR number.
    subject = f"{documents.meeting_summary(meeting)} {start:%d-%m-%Y} kl. {start:%H:%M}"
    body = "\n".join(
        [
            "Invitation til opfølgningssamtale på arbejdspladsen",
            "",
            f"Dato: {documents.long_date_da(start.date())} ({start:%d-%m-%Y})",
            f"Tidspunkt: kl. {start:%H:%M}-{timezone.localtime(meeting.ends_at):%H:%M}",
            f"Sted: {documents.meeting_place_text(meeting)}",
            f"Medarbejder: {meeting.case.person.name or '-'}",
            f"Konsulent: {documents.consultant_name(meeting)}",
            "",
            "Samtalen holdes med medarbejderen, nærmeste leder og jobcenterets konsulent.",
            "Kalenderinvitationen er vedhæftet.",
            "",
            "Med venlig hilsen",
            "Jobcenteret",
        ]
    )
    try:
        _mail(meeting, subject=subject, body=body, recipients=_recipients(meeting))
    except Exception:
        # Give the claim back so a retry can send; the failure is logged, not swallowed silently.
        Meeting.objects.filter(pk=meeting_id).update(invitations_sent_at=None)
        logger.exception("Invitation for meeting %s could not be sent", meeting_id)
        raise
    return True


def meeting_cancellation_send(*, meeting_id: int) -> bool:
    """The cancellation to those who had the invitation. Sent once: the outbox marks its message sent under
    a row lock in the transaction that sends."""
    meeting = Meeting.objects.select_related("case__employer", "consultant").get(pk=meeting_id)
    if meeting.status != Meeting.Status.CANCELLED or meeting.invitations_sent_at is None:
        return False
    start = timezone.localtime(meeting.starts_at)
    subject = f"Aflyst: {documents.meeting_summary(meeting)} {start:%d-%m-%Y} kl. {start:%H:%M}"
    body = f"Mødet {start:%d-%m-%Y} kl. {start:%H:%M} er aflyst.\n\nMed venlig hilsen\nJobcenteret"
    _mail(meeting, subject=subject, body=body, recipients=_recipients(meeting))
    return True


def meeting_data_erase(case_ids: list[int]) -> None:
    """Retention (cases/services/retention.py): remove what the meetings of anonymised cases say about the
    person: contact notes, meeting addresses and reasons, and the stored invitation letters (the files are
    deleted once the anonymisation commits, so a rollback leaves them in place)."""
    ContactAttempt.objects.filter(case_id__in=case_ids).update(note="")
    meetings = Meeting.objects.filter(case_id__in=case_ids)
    for meeting in meetings.exclude(invitation_letter=""):
        letter = meeting.invitation_letter
        transaction.on_commit(lambda storage=letter.storage, name=letter.name: storage.delete(name))
    meetings.update(address="", cancel_reason="", invitation_letter="")
