"""Issue 17, part 3: imports as background jobs. The upload request stores the file and a job; a worker reads
and checks it under the row and unpacked-size limits; the preview shows counts, the first rows and every
error a page at a time; confirm writes all or nothing; the file is deleted after confirm, cancel or 24 hours.

Tasks run eagerly here, after the request's commit (django_capture_on_commit_callbacks), as a worker would
run them after the request has ended."""

import datetime as dt
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook

from cases.models import Case, ImportJob, Person
from cases.services import import_jobs
from cases.tasks import import_jobs_clean_up
from documents.models import StoredDocument
from staff.roles import Role
from tests.cases.factories import cpr_for
from tests.cases.test_import import HEADER, full_row
from tests.cases.test_import_bulk import sheet
from tests.cases.test_import_page import eager_celery  # noqa: F401 (a fixture)
from tests.factories import StaffMemberFactory

CENTURY_MESSAGE = "CPR-nummerets 7. ciffer (århundredecifferet) passer ikke med fødselsåret."


@pytest.fixture
def alice(consultant):
    return consultant


@pytest.fixture
def signed_in(client, leader, alice, eager_celery):  # noqa: F811
    client.force_login(leader)
    return client


@pytest.fixture
def upload(signed_in, django_capture_on_commit_callbacks):
    """Upload a file; the worker's check runs after the request (as it would in a worker). Returns the job
    and the job page the leader is sent to."""

    def upload(data: bytes, name: str = "ark.csv"):
        with django_capture_on_commit_callbacks(execute=True):
            response = signed_in.post(reverse("cases:import"), {"file": SimpleUploadedFile(name, data)})
        assert response.status_code == 302
        job = ImportJob.objects.get(uuid=response["Location"].rstrip("/").rsplit("/", 1)[-1])
        return job, signed_in.get(response["Location"]).content.decode()

    return upload


@pytest.fixture
def confirm(signed_in, django_capture_on_commit_callbacks):
    def confirm(job: ImportJob) -> str:
        with django_capture_on_commit_callbacks(execute=True):
            response = signed_in.post(reverse("cases:import_confirm", args=[job.uuid]))
        assert response.status_code == 302
        return signed_in.get(response["Location"]).content.decode()

    return confirm


def many_rows(count: int, first: int = 0) -> list[dict]:
    return [full_row(cpr=cpr_for(first + n)) for n in range(count)]


def test_the_upload_request_only_stores_the_file_and_the_job(signed_in, django_capture_on_commit_callbacks):
    """The request returns before the file is read: it leaves the job 'reading', with the check enqueued
    after commit. (Issue 17: a 400k-row file held a web worker for 467 s.)"""
    with django_capture_on_commit_callbacks(execute=False) as enqueued:
        response = signed_in.post(
            reverse("cases:import"), {"file": SimpleUploadedFile("ark.csv", sheet(many_rows(30)))}
        )
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert (job.status, job.rows_read, job.rows_total, len(enqueued)) == (
        ImportJob.Status.READING,
        0,
        None,
        1,
    )
    page = signed_in.get(response["Location"]).content.decode()
    assert 'hx-trigger="every 1s"' in page and "Læser filen" in page


def test_a_file_over_the_row_limit_is_refused_at_preview(upload, settings):
    settings.IMPORT_MAX_ROWS = 25
    job, page = upload(sheet(many_rows(26)))
    assert "Filen er ikke importeret; intet er gemt." in page
    assert (
        "Filen har mere end 25 rækker (uden overskriften). Del arket i flere filer med højst 25 rækker hver, "
        "og importér dem hver for sig." in page
    )
    assert "Importér sagerne" not in page
    job.refresh_from_db()
    assert (job.status, job.file.name) == (ImportJob.Status.FAILED, "")
    assert not StoredDocument.objects.exists() and not Case.objects.exists()
    # At the limit it is accepted.
    job, page = upload(sheet(many_rows(25)))
    assert "Importér sagerne (25)" in page


def test_the_default_row_limit_is_50000_with_thousands_the_danish_way(signed_in):
    page = signed_in.get(reverse("cases:import")).content.decode()
    assert "Højst 50.000 rækker pr. fil" in page


def xlsx(rows: list[dict]) -> bytes:
    workbook = Workbook()
    sheet_ = workbook.active
    sheet_.append(HEADER)
    for row in rows:
        sheet_.append([row.get(column) for column in HEADER])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_an_xlsx_file_unpacking_over_the_limit_is_refused_before_it_is_parsed(upload, settings, monkeypatch):
    settings.IMPORT_MAX_UNPACKED_BYTES = 100_000
    data = xlsx(many_rows(300))  # about 30 kB packed, 0.3 MB unpacked
    assert len(data) < settings.IMPORT_MAX_UNPACKED_BYTES

    def never(*args, **kwargs):
        raise AssertionError("openpyxl must not parse a file over the limit")

    monkeypatch.setattr("openpyxl.load_workbook", never)
    job, page = upload(data, name="ark.xlsx")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        unpacked = sum(member.file_size for member in archive.infolist())
    size = f"{unpacked / 1_000_000:.1f}".replace(".", ",")
    assert f"Regnearket fylder {size} MB udpakket; grænsen er 0,1 MB." in page
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED and not StoredDocument.objects.exists()


def test_an_xlsx_file_within_the_limits_is_read_in_the_background(upload):
    job, page = upload(xlsx(many_rows(3)), name="ark.xlsx")
    assert "3 rækker i filen: 3 nye sager, 0 opdateres." in page and "Importér sagerne (3)" in page


def test_a_century_digit_that_does_not_fit_is_an_error_at_preview_and_never_a_500(upload, signed_in, confirm):
    """Issue 17: 010130-4001 (7th digit 4, year 30: born 2030) passed the preview and was a 500 at confirm."""
    rows = [full_row(cpr=cpr_for(1)), full_row(cpr="010130-4001"), full_row(cpr="010170-5001")]
    job, page = upload(sheet(rows))
    assert "Fejl: 2 – intet er gemt" in page
    assert page.count(CENTURY_MESSAGE) == 2
    assert '<td>3</td><td class="font-monospace">cpr</td>' in page
    assert "Importér sagerne" not in page
    # A confirmation posted anyway (an old tab, a crafted request) is refused with a sentence, not a 500.
    page = confirm(job)
    assert "Importen kan ikke bekræftes" in page
    assert not Case.objects.exists() and not Person.objects.exists()


def test_the_preview_shows_counts_and_the_first_20_rows_never_the_whole_sheet(upload):
    job, page = upload(sheet(many_rows(60)))
    assert "60 rækker i filen: 60 nye sager, 0 opdateres." in page
    assert "De første 20 rækker uden fejl:" in page
    assert page.count("-XXXX</td>") == 20  # masked CPR numbers, one per row shown
    assert ">21</td>" in page and ">22</td>" not in page  # rows 2 … 21 of the sheet


def test_the_preview_pages_every_error_naming_row_and_column(upload, signed_in):
    rows = [full_row(cpr=cpr_for(n), kategori="9") for n in range(120)]
    job, page = upload(sheet(rows))
    assert "Fejl: 120 – intet er gemt" in page and "Side 1 af 3" in page
    assert page.count("skal være 1, 2 eller 3") == 50
    assert '<td>2</td><td class="font-monospace">kategori</td>' in page
    last = signed_in.get(reverse("cases:import_job", args=[job.uuid]), {"page": 3}).content.decode()
    assert "Side 3 af 3" in last and last.count("skal være 1, 2 eller 3") == 20
    assert '<td>121</td><td class="font-monospace">kategori</td>' in last
    # A preview that can never be confirmed keeps no file.
    assert not StoredDocument.objects.exists()


def test_the_progress_partial_shows_the_phase_and_polls_until_the_job_is_done(signed_in, leader):
    job = ImportJob.objects.create(
        created_by=leader,
        filename="ark.csv",
        status=ImportJob.Status.CHECKING,
        rows_total=12_000,
        rows_read=12_000,
        rows_checked=3_000,
        expires_at=timezone.now() + dt.timedelta(hours=24),
    )
    url = reverse("cases:import_job_progress", args=[job.uuid])
    partial = signed_in.get(url, HTTP_HX_REQUEST="true")
    text = partial.content.decode()
    assert "<html" not in text and 'hx-trigger="every 1s"' in text
    assert "3.000 af 12.000 rækker kontrolleret." in text and 'aria-valuenow="25"' in text
    assert "HX-Refresh" not in partial.headers

    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.READY)
    finished = signed_in.get(url, HTTP_HX_REQUEST="true")
    assert finished["HX-Refresh"] == "true" and "every 1s" not in finished.content.decode()


def test_another_leader_cannot_see_the_job(upload, client, team):
    job, _page = upload(sheet(many_rows(2)))
    other = StaffMemberFactory(user__username="lone", user__roles=[Role.LEADER], team=team).user
    client.force_login(other)
    for name in ("cases:import_job", "cases:import_job_progress"):
        assert client.get(reverse(name, args=[job.uuid])).status_code == 404
    assert client.post(reverse("cases:import_confirm", args=[job.uuid])).status_code == 404
    assert client.post(reverse("cases:import_cancel", args=[job.uuid])).status_code == 404


def test_cancel_deletes_the_file_and_nothing_is_imported(upload, signed_in, confirm):
    job, _page = upload(sheet(many_rows(2)))
    assert StoredDocument.objects.filter(name=job.file.name).exists()
    response = signed_in.post(reverse("cases:import_cancel", args=[job.uuid]), follow=True)
    assert "Importen er annulleret, og filen er slettet." in response.content.decode()
    job.refresh_from_db()
    assert (job.status, job.file.name) == (ImportJob.Status.CANCELLED, "")
    assert not StoredDocument.objects.exists()
    assert "Importen kan ikke bekræftes" in confirm(job)
    assert not Case.objects.exists()


def test_a_worker_still_checking_stops_when_the_job_is_cancelled(upload, leader, monkeypatch):
    """The leader cancels while the worker checks the rows: the worker's next progress step finds the job
    cancelled and stops; it never turns it into a preview."""
    original = import_jobs.import_validate

    def cancelled_meanwhile(rows, **kwargs):
        job = ImportJob.objects.get()
        import_jobs.import_job_cancel(job=job, actor=leader)
        return original(rows, **kwargs)

    monkeypatch.setattr(import_jobs, "import_validate", cancelled_meanwhile)
    job, page = upload(sheet(many_rows(2)))
    job.refresh_from_db()
    assert (job.status, job.preview, job.file.name) == (ImportJob.Status.CANCELLED, [], "")
    assert "Importen er annulleret, og filen er slettet." in page


def test_files_are_deleted_after_24_hours(upload, signed_in, leader, time_machine):
    waiting, _page = upload(sheet(many_rows(2)))
    time_machine.move_to(timezone.now() + dt.timedelta(hours=23))
    assert import_jobs_clean_up() == 0  # 23 hours: kept
    signed_in.force_login(leader)  # signed out while idle
    newer, _page = upload(sheet(many_rows(2, first=10)))

    time_machine.move_to(timezone.now() + dt.timedelta(hours=1, minutes=1))
    assert import_jobs_clean_up() == 1
    waiting.refresh_from_db()
    assert (waiting.status, waiting.file.name) == (ImportJob.Status.CANCELLED, "")
    assert "slettet efter 24 timer" in waiting.message
    assert waiting.preview == []  # the first rows (masked CPR numbers, dates) go with the file
    assert list(StoredDocument.objects.values_list("name", flat=True)) == [newer.file.name]
    assert import_jobs_clean_up() == 0  # a second run changes nothing


def test_errors_are_forgotten_after_24_hours_the_counts_kept(upload, time_machine):
    job, _page = upload(sheet([full_row(cpr=cpr_for(1), kategori="9")]))
    assert job.file.name == "" or not StoredDocument.objects.exists()  # an erroneous preview keeps no file
    time_machine.move_to(timezone.now() + dt.timedelta(hours=24, minutes=1))
    assert import_jobs_clean_up() == 0  # no file to delete …
    job.refresh_from_db()
    assert (job.errors, job.error_count, job.status) == (
        [],
        1,
        ImportJob.Status.CANCELLED,
    )  # … but the errors
    assert import_jobs.import_jobs_clean_up(now=timezone.now()).files_deleted == 0
    assert not import_jobs._expired(timezone.now()).exists()  # nothing left to do for it


def test_the_clean_up_enqueues_a_job_whose_task_was_lost(
    signed_in, django_capture_on_commit_callbacks, time_machine
):
    """The broker was down when the check was enqueued: the job waits 'reading' until the clean-up."""
    with django_capture_on_commit_callbacks(execute=False):  # the enqueue never happens
        signed_in.post(reverse("cases:import"), {"file": SimpleUploadedFile("a.csv", sheet(many_rows(2)))})
    job = ImportJob.objects.get()
    assert import_jobs.import_jobs_clean_up(now=timezone.now()).to_check == []  # not yet stalled
    time_machine.move_to(timezone.now() + import_jobs.STALLED_AFTER + dt.timedelta(minutes=1))
    import_jobs_clean_up()  # eager: the re-enqueued check runs
    job.refresh_from_db()
    assert (job.status, job.created_count) == (ImportJob.Status.READY, 2)


def test_a_broker_that_is_down_does_not_fail_the_upload(
    signed_in, django_capture_on_commit_callbacks, monkeypatch
):
    def broker_down(*args, **kwargs):
        raise OSError("Connection refused")

    monkeypatch.setattr("cases.tasks.import_job_check.delay", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in.post(
            reverse("cases:import"), {"file": SimpleUploadedFile("ark.csv", sheet(many_rows(2)))}
        )
    assert response.status_code == 302
    assert ImportJob.objects.get().status == ImportJob.Status.READING


def test_confirm_writes_all_or_nothing_when_the_write_fails(upload, confirm, monkeypatch):
    """A failure in the middle of writing (here the second batch) rolls back the first: no case, no person,
    and the page says nothing was saved."""
    monkeypatch.setattr("cases.services.imports.WRITE_BATCH_SIZE", 2)
    job, _page = upload(sheet(many_rows(5)))
    written = []
    original = import_jobs.import_write.__globals__["_Writer"]._write_batch

    def second_batch_fails(self, rows):
        written.append(len(rows))
        if len(written) == 2:
            raise IntegrityError("duplicate key value violates unique constraint")
        return original(self, rows)

    monkeypatch.setattr("cases.services.imports._Writer._write_batch", second_batch_fails)
    page = confirm(job)
    assert written == [2, 2]
    assert "Filen er ikke importeret; intet er gemt." in page and "Importen kunne ikke gemmes" in page
    assert not Case.objects.exists() and not Person.objects.exists()
    job.refresh_from_db()
    assert (job.status, job.file.name) == (ImportJob.Status.FAILED, "")


def test_confirm_checks_again_and_writes_nothing_when_a_row_became_invalid(upload, confirm, alice):
    """The consultant the sheet names was made inactive between preview and confirm: the save's check (the
    preview's code) finds it, names the rows, and writes none of them."""
    job, page = upload(sheet(many_rows(3)))
    assert "Importér sagerne (3)" in page
    alice.is_active = False
    alice.save()
    page = confirm(job)
    assert "Data har ændret sig siden forhåndsvisningen" in page
    assert page.count("brugeren alice findes ikke") == 3
    assert not Case.objects.exists()


def test_the_save_task_twice_writes_once(upload, confirm):
    job, _page = upload(sheet(many_rows(3)))
    confirm(job)
    import_jobs.import_job_save(job_id=job.pk)  # a redelivered task
    assert Case.objects.count() == 3
