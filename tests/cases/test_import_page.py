"""Issue 9, the import page: the uploaded sheet waits in the session encrypted, and the audit entries of an
import made from the page say from which address and page it came."""

import base64
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cases.models import Case
from cases.views_casework import IMPORT_SESSION_KEY
from staff.models import AuditEntry
from staff.roles import Role
from tests.factories import StaffMemberFactory

CPR = "0101802468"
SHEET = f"cpr;foerste_fravaersdag;kategori;konsulent\n{CPR[:6]}-{CPR[6:]};2018-02-01;2;alice\n".encode()


@pytest.fixture
def previewed(client, leader):
    """A leader has uploaded a valid sheet and sees its preview."""
    StaffMemberFactory(user__username="alice", user__roles=[Role.CONSULTANT])
    client.force_login(leader)
    response = client.post(reverse("cases:import"), {"file": SimpleUploadedFile("ark.csv", SHEET)})
    assert "Importér sagerne" in response.content.decode()
    return client


def test_the_waiting_sheet_holds_no_cpr_number_in_the_session(previewed):
    stored = previewed.session[IMPORT_SESSION_KEY]
    text = json.dumps(stored)
    for cpr in (CPR, f"{CPR[:6]}-{CPR[6:]}"):
        assert cpr not in text
        assert base64.b64encode(cpr.encode()).decode()[:12] not in text
    assert base64.b64encode(SHEET).decode()[:24] not in text  # the file itself, base64-encoded
    # Nor does any value decode to it as base64 (the former storage).
    for value in stored.values():
        try:
            decoded = base64.b64decode(value + "==", altchars=b"-_")
        except ValueError:
            continue
        assert CPR.encode() not in decoded and CPR[:6].encode() + b"-" not in decoded


def test_confirming_imports_and_audits_address_and_page(previewed, leader):
    response = previewed.post(
        reverse("cases:import"), {"confirm": "1"}, follow=True, REMOTE_ADDR="203.0.113.7"
    )
    assert "Importeret: 1 sager (1 nye, 0 opdateret)." in response.content.decode()
    case = Case.objects.get()
    entry = AuditEntry.objects.get(case_uuid=case.uuid, detail="import")
    assert (entry.action, entry.actor, entry.remote_addr, entry.path) == (
        AuditEntry.Action.CREATE,
        leader,
        "203.0.113.7",
        reverse("cases:import"),
    )
    assert IMPORT_SESSION_KEY not in previewed.session


def test_a_sheet_left_unencrypted_by_an_older_session_is_not_imported(previewed):
    session = previewed.session
    session[IMPORT_SESSION_KEY] = {"name": "ark.csv", "data": base64.b64encode(SHEET).decode()}
    session.save()
    response = previewed.post(reverse("cases:import"), {"confirm": "1"}, follow=True)
    assert "Upload filen igen: forhåndsvisningen er udløbet." in response.content.decode()
    assert not Case.objects.exists()
