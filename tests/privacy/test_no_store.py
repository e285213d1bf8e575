"""Cache-Control: no-store on every page and file with personal data (issue 17, sof.middleware.
NoStoreMiddleware): no browser history, proxy or shared computer keeps a case page, a list or a letter."""

import pytest
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse

from documents.models import StoredDocument
from meetings import services
from sof.middleware import NoStoreMiddleware
from staff.decorators import cache_allowed
from tests.cases.factories import AssignedCaseFactory
from tests.meetings.factories import CaseFactory, at, consultant_with_calendar, next_weekday

pytestmark = pytest.mark.django_db


def no_store(response) -> bool:
    return "no-store" in response.headers.get("Cache-Control", "")


@pytest.fixture
def meeting(team, booker):
    karen = consultant_with_calendar("karen", team=team)
    return services.meeting_book(
        case=CaseFactory(), consultant=karen, starts_at=at(next_weekday(3), 10, 30), booked_by=booker
    )


def test_the_consultants_pages_are_not_stored(client, consultant):
    case = AssignedCaseFactory(consultant=consultant)
    client.force_login(consultant)
    for url in [
        reverse("cases:my_cases"),
        reverse("cases:my_alerts"),
        reverse("cases:detail", args=[case.uuid]),
        reverse("cases:search") + "?q=Hansen",
        reverse("meetings:my_calendar"),
        reverse("meetings:team_week"),
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert no_store(response), url


def test_the_bookers_pages_the_letter_and_the_invitation_are_not_stored(client, booker, meeting):
    client.force_login(booker)
    for url in [
        reverse("meetings:queue"),
        reverse("meetings:allocation"),
        reverse("meetings:case_booking", args=[meeting.case.uuid]),
        reverse("meetings:meeting_detail", args=[meeting.uuid]),
        reverse("meetings:meeting_invitation", args=[meeting.uuid]),
        reverse("cases:register"),
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert no_store(response), url
    letter = client.get(reverse("meetings:meeting_letter", args=[meeting.uuid]))
    assert letter.status_code == 200 and letter["Content-Type"] == "application/pdf"
    assert no_store(letter)
    StoredDocument.objects.filter(name=meeting.invitation_letter.name).delete()
    missing = client.get(reverse("meetings:meeting_letter", args=[meeting.uuid]))
    assert missing.status_code == 404 and no_store(missing)


def test_the_leaders_report_and_the_calendar_feed_are_not_stored(client, leader, meeting):
    client.force_login(leader)
    assert no_store(client.get(reverse("reporting:dashboard")))
    client.logout()
    from meetings.services import calendar_feed_token_renew

    token = calendar_feed_token_renew(consultant=meeting.consultant)
    feed = client.get(reverse("meetings:feed", args=[token]))  # no session: the secret token is the key
    assert feed.status_code == 200 and no_store(feed)


def test_never_cache_keeps_its_header_and_a_view_may_opt_out():
    request = RequestFactory().get("/")

    def never_cached(request):
        response = HttpResponse("x")
        response["Cache-Control"] = "max-age=0, no-cache, no-store, must-revalidate, private"
        return response

    assert NoStoreMiddleware(never_cached)(request)["Cache-Control"].startswith("max-age=0")

    def public(request):
        response = HttpResponse("x")
        response["Cache-Control"] = "public, max-age=600"
        return response

    assert NoStoreMiddleware(public)(request)["Cache-Control"] == "no-store"  # not without opting out
    assert NoStoreMiddleware(cache_allowed(public))(request)["Cache-Control"] == "public, max-age=600"
