"""The access log is read by people: every kind of entry and role in words, people by name (issue 15)."""

import re
from pathlib import Path

import pytest
from django.urls import reverse

from staff.audit import audit_record
from staff.models import AUDIT_OBJECT_TYPES, AuditEntry
from tests.cases.factories import CaseFactory

ROOT = Path(__file__).resolve().parents[2]
APPS = ["cases", "meetings", "reporting", "staff", "sof", "documents"]


def object_types_written_by_the_code() -> set[str]:
    found = set()
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            found |= set(re.findall(r'object_type="([a-z_]+)"', path.read_text(encoding="utf-8")))
    return found


def test_every_object_type_the_code_writes_has_words():
    written = object_types_written_by_the_code()
    assert "case" in written  # the scan finds the code's audit calls
    assert sorted(written - set(AUDIT_OBJECT_TYPES)) == []


@pytest.mark.django_db
def test_the_access_log_names_people_roles_and_pages_in_words(client, rf, consultant, leader, team):
    case = CaseFactory(consultant=consultant, team=team)
    request = rf.get("/")
    request.user = consultant
    audit_record(request=request, action=AuditEntry.Action.READ, object_type="booking_queue", case=case)
    client.force_login(leader)

    page = client.get(reverse("cases:access_log", args=[case.uuid])).content.decode()

    assert f"{consultant.get_full_name()} (alice)" in page
    assert "bookingkøen" in page and "booking_queue" not in page
    assert "Fastholdelseskonsulent" in page
