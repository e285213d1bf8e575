import re
import zlib

import icalendar
import pytest

from meetings import documents, services
from tests.meetings.factories import CaseFactory, at, consultant_with_calendar, next_weekday

pytestmark = pytest.mark.django_db


def pdf_text(data: bytes) -> str:
    """The text drawn on the pages: fpdf2 writes compressed content streams with Latin-1 strings."""
    chunks = []
    # Up to 'endstream' with whatever line end precedes it: the compressed bytes may themselves end in \r,
    # which a pattern ending in \r?\n would cut off (then nothing decompressed, depending on the test data).
    # decompressobj() leaves the line end after the compressed data in unused_data.
    for stream in re.findall(rb"stream\r?\n(.*?)endstream", data, re.S):
        try:
            chunks.append(zlib.decompressobj().decompress(stream).decode("latin-1"))
        except zlib.error:
            continue
    return " ".join(re.findall(r"\((.*?)\)\s*Tj", "\n".join(chunks)))


@pytest.fixture
def meeting(team, booker):
    consultant = consultant_with_calendar(
        "karen",
        team=team,
        user__first_name="Karen",
        user__last_name="Ølgaard",
        user__email="karen@jc.example.dk",
    )
    case = CaseFactory(
        person__name="Hanne Holm",
        employer__name="Møbelhuset Ikast A/S",
        employer__address="Fabriksvej 7",
        employer__postcode="7430",
        employer__town="Ikast",
        employer__nearest_leader_email="leder@moebelhuset.example.dk",
    )
    return services.meeting_book(
        case=case, consultant=consultant, starts_at=at(next_weekday(3), 10, 30), booked_by=booker
    )


def test_the_letter_is_a_pdf_with_date_time_place_consultant_and_the_note(meeting):
    data = meeting.invitation_letter.read()
    assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")
    text = pdf_text(data)
    day = next_weekday(3)
    assert "Hanne Holm" in text
    assert documents.long_date_da(day) in text  # e.g. "torsdag den 12. oktober 2017"
    assert day.strftime("%d-%m-%Y") in text
    assert "kl. 10:30 - 11:30" in text
    assert "Møbelhuset Ikast A/S, Fabriksvej 7, 7430 Ikast" in text
    assert "Karen Ølgaard" in text
    assert "Kontakt os på forhånd, hvis noget ikke skal drøftes på arbejdspladsen." in text
    assert meeting.case.person.cpr not in text and meeting.case.person.cpr.replace("-", "") not in text


def test_the_invitation_is_a_valid_ics_event_with_time_place_and_attendees(meeting):
    data = documents.meeting_ics(meeting, attendees=["leder@moebelhuset.example.dk", "karen@jc.example.dk"])
    calendar = icalendar.Calendar.from_ical(data)
    assert calendar["METHOD"] == "REQUEST"
    event = calendar.walk("VEVENT")[0]
    assert event["UID"] == f"{meeting.uuid}@sof"
    assert event.decoded("DTSTART") == meeting.starts_at
    assert event.decoded("DTEND") == meeting.ends_at
    assert str(event["LOCATION"]) == "Møbelhuset Ikast A/S, Fabriksvej 7, 7430 Ikast"
    assert str(event["SUMMARY"]) == "Opfølgningssamtale - Møbelhuset Ikast A/S"
    assert sorted(str(a) for a in event["ATTENDEE"]) == [
        "mailto:karen@jc.example.dk",
        "mailto:leder@moebelhuset.example.dk",
    ]
    assert "Hanne" not in data.decode()  # the citizen is named in the e-mail body, not in calendars


def test_the_letter_reads_like_a_municipal_letter(team, booker):
    """Issue 15: sender block with the job centre and the consultant's direct line, who takes part, what to
    do if the time does not suit."""
    municipality = team.department.municipality
    municipality.jobcenter_name = "Jobcenter Herning"
    municipality.jobcenter_address = "Fredhøjvej 2, 7400 Herning"
    municipality.jobcenter_phone = "96 28 68 00"
    municipality.save()
    karen = consultant_with_calendar(
        "karen",
        team=team,
        user__first_name="Karen",
        user__last_name="Ølgaard",
        user__email="k@jc.dk",
        phone="96 28 70 11",
    )
    case = CaseFactory(person__name="Hanne Holm", employer__nearest_leader_name="Ole Dahl")
    meeting = services.meeting_book(
        case=case, consultant=karen, starts_at=at(next_weekday(3), 10), booked_by=booker
    )

    text = pdf_text(meeting.invitation_letter.read())

    for expected in [
        "Jobcenter Herning",
        "Fredhøjvej 2, 7400 Herning",
        "Telefon 96 28 68 00",
        "Direkte telefon: 96 28 70 11",
        "Dig, din nærmeste leder Ole Dahl og Karen Ølgaard",
        "Hvis tidspunktet ikke passer",
        "Fastholdelseskonsulent, Jobcenter Herning",
    ]:
        assert expected in text, expected
    assert "96 28 70 11 eller skriv til k@jc.dk" in " ".join(text.split())
