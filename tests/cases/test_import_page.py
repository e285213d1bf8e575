"""The import page (issues 9 and 17): the upload becomes a background job whose file rests encrypted, and the
audit entries of an import confirmed from the page say from which address and page it came."""

import base64

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cases.models import Case, ImportJob
from documents.models import StoredDocument
from sof.celery import app as celery_app
from staff.models import AuditEntry
from staff.roles import Role
from tests.factories import StaffMemberFactory

CPR = "0101802468"
SHEET = f"cpr;foerste_fravaersdag;kategori;konsulent\n{CPR[:6]}-{CPR[6:]};2018-02-01;2;alice\n".encode()


@pytest.fixture
def eager_celery():
    """Tasks run in the test's process when enqueued; the enqueuing waits for commit, so each request is
    wrapped in django_capture_on_commit_callbacks(execute=True) (conventions.md, Tests)."""
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous


@pytest.fixture
def previewed(client, leader, eager_celery, django_capture_on_commit_callbacks):
    """A leader has uploaded a valid sheet, the worker has checked it, and the leader sees its preview."""
    StaffMemberFactory(user__username="alice", user__roles=[Role.CONSULTANT])
    client.force_login(leader)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("cases:import"), {"file": SimpleUploadedFile("ark.csv", SHEET)})
    job = ImportJob.objects.get()
    assert response["Location"] == reverse("cases:import_job", args=[job.uuid])
    assert "Importér sagerne (1)" in client.get(response["Location"]).content.decode()
    return client


def test_the_waiting_sheet_rests_encrypted(previewed):
    stored = StoredDocument.objects.get(name=ImportJob.objects.get().file.name)
    content = bytes(stored.content)
    for cpr in (CPR, f"{CPR[:6]}-{CPR[6:]}"):
        assert cpr.encode() not in content
    assert base64.b64encode(SHEET)[:24] not in content  # the file itself, base64-encoded
    assert CPR not in str(dict(previewed.session))  # nor anything in the session


def test_confirming_imports_audits_address_and_page_and_deletes_the_file(
    previewed, leader, django_capture_on_commit_callbacks
):
    job = ImportJob.objects.get()
    confirm = reverse("cases:import_confirm", args=[job.uuid])
    with django_capture_on_commit_callbacks(execute=True):  # the worker writes after the request's commit
        response = previewed.post(confirm, REMOTE_ADDR="203.0.113.7")
    response = previewed.get(response["Location"])
    assert "Importeret: 1 sager (1 nye, 0 opdateret)." in response.content.decode()
    case = Case.objects.get()
    entry = AuditEntry.objects.get(case_uuid=case.uuid, detail="import")
    assert (entry.action, entry.actor, entry.remote_addr, entry.path) == (
        AuditEntry.Action.CREATE,
        leader,
        "203.0.113.7",
        confirm,
    )
    job.refresh_from_db()
    assert (job.status, job.file.name) == (ImportJob.Status.DONE, "")
    assert not StoredDocument.objects.exists()


def test_a_second_confirmation_imports_nothing_twice(previewed, django_capture_on_commit_callbacks):
    job = ImportJob.objects.get()
    confirm = reverse("cases:import_confirm", args=[job.uuid])
    with django_capture_on_commit_callbacks(execute=True):
        previewed.post(confirm)
    with django_capture_on_commit_callbacks(execute=True):
        response = previewed.post(confirm, follow=True)
    assert "Importen kan ikke bekræftes" in response.content.decode()
    assert Case.objects.count() == 1
