"""The booker's main journey: a new case arrives; she books a workplace meeting from her start page."""

import datetime as dt
import re
import time

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from meetings.models import Meeting
from sof.celery import app as celery_app
from staff.roles import Role
from tests.factories import StaffMemberFactory
from tests.meetings.factories import CaseFactory, consultant_with_calendar


@pytest.fixture
def eager_tasks():
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous


def test_booker_books_a_workplace_meeting_for_a_new_case_in_under_a_minute(page, log_in, team, eager_tasks):
    StaffMemberFactory(user__username="bente", user__first_name="Bente", user__roles=[Role.BOOKER], team=team)
    karen = consultant_with_calendar(
        "karen",
        team=team,
        user__first_name="Karen",
        user__last_name="Kjær",
        user__email="karen@jc.example.dk",
    )
    consultant_with_calendar(
        "jens", team=team, user__first_name="Jens", user__last_name="Juul", base_postcode="9000"
    )
    case = CaseFactory(
        employer__name="Møbelhuset Ikast A/S",
        employer__postcode="7430",
        employer__nearest_leader_name="Ole Dahl",
        employer__nearest_leader_email="ole@moebelhuset.example.dk",
        first_absence_day=timezone.localdate() - dt.timedelta(days=20),
    )

    started = time.perf_counter()
    log_in("bente")
    expect(page.get_by_role("heading", level=1)).to_have_text("Mødebooking")
    page.get_by_role("link", name="Book møde hos Møbelhuset Ikast A/S").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Book første møde")
    suggestions = page.get_by_test_id("suggestions")
    expect(suggestions.locator("li").first).to_contain_text("Karen Kjær")  # Karen is nearest (7400 → 7430)
    suggestions.get_by_role("link", name=re.compile("^Book Karen Kjær")).first.click()
    # One summary before anything is sent: who, when, the deadline, and what goes to whom.
    expect(page.get_by_role("heading", level=1)).to_have_text("Bekræft booking")
    expect(page.get_by_test_id("confirm-deadline")).to_contain_text("Fristen overholdes")
    expect(page.get_by_test_id("confirm-sends")).to_contain_text("ole@moebelhuset.example.dk")
    assert not Meeting.objects.exists() and not mail.outbox
    page.get_by_role("button", name="Bekræft og send").click()
    expect(page.get_by_role("alert")).to_contain_text("Mødet er booket")
    seconds = time.perf_counter() - started
    print(f"\nbooker journey: a workplace meeting booked in {seconds:.1f} seconds")
    assert seconds < 60

    meeting = Meeting.objects.get(case=case)
    assert meeting.consultant == karen and meeting.place == "arbejdsplads"
    expect(page.get_by_test_id("meeting")).to_contain_text("Møbelhuset Ikast A/S")
    assert sorted(m.to[0] for m in mail.outbox) == ["karen@jc.example.dk", "ole@moebelhuset.example.dk"]
    letter_url = page.get_by_role("link", name="Indkaldelsesbrev (PDF)").get_attribute("href")
    letter = page.request.get(letter_url)  # with the booker's session cookie
    assert letter.headers["content-type"] == "application/pdf" and letter.body()[:5] == b"%PDF-"


def test_booker_books_an_owned_case_with_its_consultant_and_a_late_slot_only_with_a_reason(
    page, log_in, team, eager_tasks
):
    """Issue 14: the case's own consultant is first and marked; a slot after the deadline says so and asks
    why before it books."""
    StaffMemberFactory(user__username="bente", user__roles=[Role.BOOKER], team=team)
    olga = consultant_with_calendar("olga", team=team, user__first_name="Olga", user__last_name="Ejer")
    consultant_with_calendar("karen", team=team, user__first_name="Karen", user__last_name="Kjær")
    case = CaseFactory(
        consultant=olga,
        employer__name="Sen Smedie ApS",
        first_absence_day=timezone.localdate() - dt.timedelta(days=60),  # week 8 ended 5 days ago
    )
    log_in("bente")
    page.goto(f"/booking/sag/{case.uuid}/")
    owner = page.get_by_test_id("owner")
    expect(owner).to_contain_text("Olga Ejer")
    expect(owner).to_contain_text("Sagens konsulent")
    late_slot = owner.get_by_role("link", name=re.compile("efter fristen")).first
    late_slot.click()
    expect(page.get_by_test_id("confirm-deadline")).to_contain_text("Efter fristen")
    page.get_by_role("button", name="Bekræft og send").click()
    expect(page.get_by_text("Skriv hvorfor.")).to_be_visible()
    assert not Meeting.objects.exists()

    page.get_by_label("Hvorfor efter fristen?").fill("Nærmeste leder er på ferie til mandag")
    page.get_by_role("button", name="Bekræft og send").click()
    expect(page.get_by_role("alert")).to_contain_text("Mødet er booket")
    meeting = Meeting.objects.get(case=case)
    assert meeting.consultant == olga and meeting.late_reason == "Nærmeste leder er på ferie til mandag"
