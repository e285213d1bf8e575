"""The demo data obeys the SOF model's one-consultant rule (issue 14)."""

import io

import pytest
from django.core.management import call_command
from django.db.models import F

from meetings.models import Meeting


@pytest.mark.django_db
def test_every_booked_demo_meeting_is_with_the_cases_own_consultant():
    call_command("seed_demo", stdout=io.StringIO())
    booked = Meeting.objects.filter(status=Meeting.Status.BOOKED)
    assert booked.exists()
    assert not booked.exclude(consultant=F("case__consultant")).exists()
