"""The documents a booking produces: the invitation letter to the citizen (PDF) and the calendar
invitation (.ics) for the employer and the consultant.

The letter is always in Danish: it is an official letter from a Danish municipality to a citizen, whatever
language the booker's screen is in. It holds no CPR number (Digital Post addresses the citizen by CPR
outside the document) and no health information.
"""

import datetime as dt

import icalendar
from django.conf import settings
from django.utils import timezone
from fpdf import FPDF

from cases.models import Conversation
from meetings.models import Meeting

WEEKDAYS_DA = ["mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag"]
MONTHS_DA = [
    "januar", "februar", "marts", "april", "maj", "juni",
    "juli", "august", "september", "oktober", "november", "december",
]  # fmt: skip
BEFOREHAND = "Kontakt os på forhånd, hvis noget ikke skal drøftes på arbejdspladsen."
PRODID = "-//Jobcenter//Sammen om fastholdelse//DA"


def long_date_da(day: dt.date) -> str:
    """'torsdag den 12. oktober 2017'."""
    return f"{WEEKDAYS_DA[day.weekday()]} den {day.day}. {MONTHS_DA[day.month - 1]} {day.year}"


def _latin1(text: str) -> str:
    """The PDF's built-in fonts cover Latin-1 (æ, ø, å); typographic dashes and quotes are mapped."""
    for fancy, plain in {"–": "-", "—": "-", "“": '"', "”": '"', "’": "'", "…": "..."}.items():
        text = text.replace(fancy, plain)
    return text.encode("latin-1", errors="replace").decode("latin-1")


PROTECTED_ADDRESS = "adresse beskyttet"
# Places whose address is not the citizen's: shown even when the citizen's address is protected.
PUBLIC_PLACES = (Conversation.Place.WORKPLACE, Conversation.Place.JOB_CENTRE)


def meeting_place_text(meeting: Meeting, *, protected_address_shown: bool = False) -> str:
    """Where the meeting is, for the letter, the invitation, the e-mail and the meeting page. A citizen with
    name and address protection: an address typed for any other place (their home, say) reads "adresse
    beskyttet", except for the consultant who holds the meeting (`protected_address_shown`)."""
    person = meeting.case.person
    if person.address_protected and meeting.place not in PUBLIC_PLACES and not protected_address_shown:
        return f"{meeting.get_place_display()} ({PROTECTED_ADDRESS})"
    if meeting.place == Conversation.Place.WORKPLACE and meeting.case.employer_id:
        employer = meeting.case.employer
        return ", ".join(
            part
            for part in [employer.name, employer.address, f"{employer.postcode} {employer.town}".strip()]
            if part
        )
    return meeting.address or meeting.get_place_display()


def consultant_name(meeting: Meeting) -> str:
    return meeting.consultant.get_full_name() or meeting.consultant.get_username()


def _sender_lines(meeting: Meeting) -> list[str]:
    """The letter's sender block: the job centre (its municipality's details) and the consultant's direct
    line and e-mail."""
    staff = getattr(meeting.consultant, "staff", None)
    municipality = staff.team.department.municipality if staff is not None and staff.team_id else None
    lines = [
        getattr(municipality, "jobcenter_name", "") or "Jobcenteret",
        getattr(municipality, "jobcenter_address", ""),
        f"Telefon {municipality.jobcenter_phone}" if getattr(municipality, "jobcenter_phone", "") else "",
        getattr(municipality, "jobcenter_email", ""),
        " ",
        f"Din konsulent: {consultant_name(meeting)}",
        f"Direkte telefon: {staff.phone}" if staff is not None and staff.phone else "",
        f"E-mail: {meeting.consultant.email}" if meeting.consultant.email else "",
    ]
    return [line for line in lines if line]


def _how_to_reach(meeting: Meeting) -> str:
    staff = getattr(meeting.consultant, "staff", None)
    ways = [
        f"ring på {staff.phone}" if staff is not None and staff.phone else "",
        f"skriv til {meeting.consultant.email}" if meeting.consultant.email else "",
    ]
    return " eller ".join(way for way in ways if way)


def invitation_letter_pdf(meeting: Meeting) -> bytes:
    """The invitation to the citizen, as a Danish municipal letter: the job centre's sender block, the
    citizen, the date; the meeting's time and place and who takes part; what to do if the time does not
    suit; the note that they may tell us beforehand what must not be discussed at the workplace."""
    case = meeting.case
    start = timezone.localtime(meeting.starts_at)
    end = timezone.localtime(meeting.ends_at)
    sender = _sender_lines(meeting)
    consultant = consultant_name(meeting)
    pdf = FPDF(format="A4")
    pdf.set_title(_latin1("Indkaldelse til opfølgningssamtale"))
    pdf.set_author(_latin1(sender[0]))
    pdf.set_margins(25, 20, 25)
    pdf.add_page()
    pdf.set_font("Helvetica", size=9)
    for line in [*sender, " ", f"Dato: {timezone.localdate():%d-%m-%Y}"]:
        pdf.cell(0, 4.5, _latin1(line), align="R", new_x="LMARGIN", new_y="NEXT")
    # The citizen (Digital Post delivers by CPR number, which the letter itself never shows).
    pdf.ln(4)
    pdf.set_font("Helvetica", size=11)
    pdf.cell(0, 6, _latin1(case.person.name or "Til borgeren"), new_x="LMARGIN", new_y="NEXT")
    if case.person.address_protected:  # sent by Digital Post only; the letter names no address
        pdf.cell(0, 6, _latin1(PROTECTED_ADDRESS.capitalize()), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(10)
    pdf.set_font("Helvetica", style="B", size=14)
    pdf.multi_cell(0, 7, _latin1("Indkaldelse til opfølgningssamtale på din arbejdsplads"))
    pdf.ln(4)
    pdf.set_font("Helvetica", size=11)
    greeting = f"Kære {case.person.name}" if case.person.name else "Kære borger"
    pdf.multi_cell(0, 6, _latin1(f"{greeting},"))
    pdf.ln(2)
    pdf.multi_cell(
        0,
        6,
        _latin1(
            "Du er sygemeldt, og jobcenteret skal holde en opfølgningssamtale med dig. "
            "Samtalen holdes sammen med din nærmeste leder, så I sammen kan finde "
            "en vej tilbage til arbejdet."
        ),
    )
    pdf.ln(4)
    leader = case.employer.nearest_leader_name if case.employer_id else ""
    participants = f"Dig, din nærmeste leder{' ' + leader if leader else ''} og {consultant}"
    rows = [
        ("Dato", f"{long_date_da(start.date())} ({start:%d-%m-%Y})"),
        ("Tidspunkt", f"kl. {start:%H:%M} - {end:%H:%M}"),
        ("Sted", meeting_place_text(meeting)),
        ("Deltagere", participants),
        ("Din konsulent", consultant),
    ]
    for label, value in rows:
        pdf.set_font("Helvetica", style="B", size=11)
        pdf.cell(40, 7, _latin1(label))
        pdf.set_font("Helvetica", size=11)
        pdf.multi_cell(0, 7, _latin1(value), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font("Helvetica", style="B", size=11)
    pdf.multi_cell(0, 6, _latin1(BEFOREHAND))
    pdf.set_font("Helvetica", size=11)
    pdf.ln(2)
    reach = _how_to_reach(meeting)
    pdf.multi_cell(
        0,
        6,
        _latin1(
            "Hvis tidspunktet ikke passer, så kontakt din konsulent hurtigst muligt"
            + (f" ({reach})" if reach else "")
            + ", så finder vi et nyt tidspunkt. Du skal ikke forberede noget særligt, "
            "men tænk gerne over, hvad der kan hjælpe dig tilbage på arbejdet."
        ),
    )
    pdf.ln(6)
    pdf.multi_cell(0, 6, _latin1(f"Med venlig hilsen\n{consultant}\nFastholdelseskonsulent, {sender[0]}"))
    return bytes(pdf.output())


def meeting_summary(meeting: Meeting) -> str:
    """Title used in e-mail subjects and calendars: no CPR number, no health information."""
    employer = meeting.case.employer.name if meeting.case.employer_id else meeting.get_place_display()
    return f"Opfølgningssamtale - {employer}"


def _event(meeting: Meeting, *, cancelled: bool) -> icalendar.Event:
    event = icalendar.Event()
    event.add("uid", f"{meeting.uuid}@sof")
    event.add("dtstamp", timezone.now())
    event.add("dtstart", meeting.starts_at)
    event.add("dtend", meeting.ends_at)
    event.add("summary", meeting_summary(meeting))
    event.add("location", meeting_place_text(meeting))
    event.add("sequence", meeting.sequence)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("description", f"Konsulent: {consultant_name(meeting)}. {BEFOREHAND}")
    return event


def meeting_ics(meeting: Meeting, *, attendees: list[str]) -> bytes:
    """A single-event invitation (METHOD:REQUEST) or, for a cancelled meeting, its cancellation."""
    cancelled = meeting.status == Meeting.Status.CANCELLED
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if cancelled else "REQUEST")
    event = _event(meeting, cancelled=cancelled)
    organizer = icalendar.vCalAddress(f"mailto:{settings.DEFAULT_FROM_EMAIL}")
    organizer.params["cn"] = icalendar.vText("Jobcenter")
    event.add("organizer", organizer)
    for address in attendees:
        attendee = icalendar.vCalAddress(f"mailto:{address}")
        attendee.params["role"] = icalendar.vText("REQ-PARTICIPANT")
        event.add("attendee", attendee, encode=0)
    calendar.add_component(event)
    return calendar.to_ical()


def feed_ics(*, name: str, meetings: list[Meeting]) -> bytes:
    """The consultant's personal feed: booked and held meetings, without the citizen's name (a feed URL is
    a secret that may end up in places a case file should not)."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    for meeting in meetings:
        calendar.add_component(_event(meeting, cancelled=meeting.status == Meeting.Status.CANCELLED))
    return calendar.to_ical()
