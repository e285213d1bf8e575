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
    suggestions.get_by_role("button", name=re.compile("^Book Karen Kjær")).first.click()
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
