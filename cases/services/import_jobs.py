"""Imports as background jobs (issue 17): upload → a job row and a worker that reads and checks the file →
the preview (counts, the first rows, every error) → confirm → a worker that writes every row or none.

The web request only stores the file and the job row, so it returns at once whatever the file holds; the
reading, checking and writing run in a Celery worker (cases/tasks.py), under the limits of settings
IMPORT_MAX_ROWS and IMPORT_MAX_UNPACKED_BYTES. The file waits Fernet-encrypted under the CPR keys in the
documents storage (the database) and is deleted once confirmed and written, cancelled, refused, or 24 hours
old (the clean-up job).

Saving reads and checks the file again with the same code as the preview (cases/services/imports.py), so what
the preview accepted is what is written, and anything that changed in between (another import, a consultant
made inactive) is an error named by row, never a half-written sheet or a 500.

The services do not import the tasks: the view passes the task's `delay` as `enqueue`, called after commit.
A job whose task was never delivered (a broker that was down) is enqueued again by the clean-up job.
"""

import datetime as dt
import logging
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial

from cryptography.fernet import InvalidToken
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import DatabaseError, transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.crypto import sheet_decrypt, sheet_encrypt
from cases.models import ImportJob
from cases.services.imports import (
    ImportFileError,
    ImportResult,
    import_validate,
    import_write,
    read_table,
    refuse_cases_out_of_reach,
)
from staff.privacy import cpr_mask_text
from staff.selectors import user_municipality_id

logger = logging.getLogger(__name__)

Enqueue = Callable[[int], object]

# The rows the preview shows: enough to see that the columns were understood, never the whole sheet.
PREVIEW_ROWS = 20
# How long an uploaded file may wait for confirmation before the clean-up deletes it.
FILE_LIFETIME = dt.timedelta(hours=24)
# A busy job whose row has not moved for this long lost its task (a broker that was down when it was
# enqueued): the clean-up enqueues it again. Longer than the tasks' hard time limits (cases/tasks.py), so a
# task still running is never doubled; a doubled one would do no harm anyway (the check writes nothing but
# the job row; the save locks the row and writes only while the job is still saving).
STALLED_AFTER = dt.timedelta(minutes=30)
Status = ImportJob.Status


class _JobLeftItsState(Exception):
    """The job was cancelled (or finished by another worker) while this one read or checked it."""


def _enqueue(enqueue: Enqueue, job_id: int) -> None:
    """After commit: a broker that is down must not fail the user's request (the job row is saved; the
    clean-up job enqueues it again)."""
    try:
        enqueue(job_id)
    except Exception:
        logger.warning(
            "import job %s not enqueued; the clean-up job will enqueue it again", job_id, exc_info=True
        )


def _delete_file(job: ImportJob) -> None:
    if job.file:
        job.file.delete(save=False)
    ImportJob.objects.filter(pk=job.pk).update(file="")


# --- The web request's part ---------------------------------------------------------------------------------


@transaction.atomic
def import_job_start(*, actor: AbstractBaseUser, data: bytes, filename: str, enqueue: Enqueue) -> ImportJob:
    """Store the uploaded file (encrypted) and a job row; the worker reads and checks it."""
    job = ImportJob(
        created_by=actor,
        municipality_id=user_municipality_id(actor),
        filename=filename[:255],
        status=Status.READING,
        expires_at=timezone.now() + FILE_LIFETIME,
    )
    # Encrypted under the CPR keys: the sheet's CPR numbers never rest in clear in the database. Compressed
    # first (fast level): a CSV shrinks about fivefold, and the insert of the stored bytes is most of the
    # request's time (an XLSX is a zip already and stays its size).
    encrypted = sheet_encrypt(zlib.compress(data, 1))
    job.file.save(f"{job.uuid}.sheet", ContentFile(encrypted.encode()), save=False)
    job.full_clean()
    job.save()
    transaction.on_commit(partial(_enqueue, enqueue, job.pk))
    return job


@transaction.atomic
def import_job_confirm(
    *, job: ImportJob, actor: AbstractBaseUser, request: HttpRequest, enqueue: Enqueue
) -> None:
    """The leader confirms a preview without errors: the worker writes it. Raises ValidationError when the
    job is not ready (already confirmed, cancelled, expired, or has errors)."""
    confirmed = ImportJob.objects.filter(
        pk=job.pk, created_by=actor, status=Status.READY, error_count=0
    ).update(
        status=Status.SAVING,
        rows_read=0,
        rows_checked=0,
        # The audit entries the worker writes say from which address and page the import came.
        confirmed_from=request.META.get("REMOTE_ADDR") or None,
        confirmed_path=cpr_mask_text(request.path)[:500],
        updated_at=timezone.now(),
    )
    if not confirmed:
        raise ValidationError(
            _("Importen kan ikke bekræftes: den er ikke klar, eller den er allerede bekræftet.")
        )
    transaction.on_commit(partial(_enqueue, enqueue, job.pk))


@transaction.atomic
def import_job_cancel(*, job: ImportJob, actor: AbstractBaseUser) -> None:
    """Cancel a job not yet being written, and delete its file at once. A worker still reading or checking it
    stops at its next progress step."""
    cancellable = [Status.READING, Status.CHECKING, Status.READY]
    cancelled = ImportJob.objects.filter(pk=job.pk, created_by=actor, status__in=cancellable).update(
        status=Status.CANCELLED, updated_at=timezone.now()
    )
    if not cancelled:
        raise ValidationError(_("Importen kan ikke annulleres: den gemmes eller er afsluttet."))
    _delete_file(job)


# --- The worker's part --------------------------------------------------------------------------------------


def _move(job: ImportJob, **fields) -> None:
    """Store progress (or the next phase's status) while the job is still in the state this worker holds it
    in; a cancelled job stops the worker here."""
    fields.setdefault("status", job.status)
    moved = ImportJob.objects.filter(pk=job.pk, status=job.status).update(updated_at=timezone.now(), **fields)
    if not moved:
        raise _JobLeftItsState
    for name, value in fields.items():
        setattr(job, name, value)


def _file_bytes(job: ImportJob) -> bytes:
    try:
        with job.file.open("rb") as stored:
            return zlib.decompress(sheet_decrypt(stored.read().decode()))
    except (
        ValueError,
        FileNotFoundError,
        InvalidToken,
        zlib.error,
    ):  # deleted meanwhile, or a key retired since
        raise ImportFileError(_("Den uploadede fil findes ikke længere. Upload den igen.")) from None


def _read_and_check(job: ImportJob, *, phases: tuple[str, str]) -> ImportResult:
    """What the preview and the save both do: read the file under the limits, check every row, and refuse
    rows naming cases the user may not open. `phases` are the statuses while reading and while checking."""
    reading, checking = phases
    _move(job, status=reading, rows_read=0, rows_checked=0)
    data = _file_bytes(job)
    rows = read_table(
        data,
        job.filename,
        max_rows=settings.IMPORT_MAX_ROWS,
        max_unpacked_bytes=settings.IMPORT_MAX_UNPACKED_BYTES,
        rows_expected=lambda count: _move(job, rows_total=min(count, settings.IMPORT_MAX_ROWS)),
        progress=lambda count: _move(job, rows_read=max(count - 1, 0)),
    )
    del data
    body_rows = len(rows) - 1
    _move(job, status=checking, rows_total=body_rows, rows_read=body_rows)
    result = import_validate(rows, progress=lambda count: _move(job, rows_checked=count))
    if not result.errors:
        refuse_cases_out_of_reach(result, job.created_by)
    return result


def _preview(result: ImportResult) -> list[dict]:
    def day(value: dt.date | None) -> str | None:
        return value.isoformat() if value else None

    return [
        {
            "row": row.number,
            "cpr": row.cpr.masked,
            "first_absence_day": day(row.first_absence_day),
            "category": row.values.get("kategori"),
            "first_conversation": day(row.values.get("foerste_samtale")),
            "closed_on": day(row.values.get("slutdato")),
            "action": row.action,
        }
        for row in result.rows[:PREVIEW_ROWS]
    ]


def _errors(result: ImportResult) -> list[list]:
    return [[error.row, error.column, error.message] for error in result.errors]


def _refuse(job: ImportJob, *, message: str, errors: list[list] | None = None) -> None:
    """The job ends without writing anything; its file is deleted (a new upload starts again)."""
    try:
        _move(
            job,
            status=Status.FAILED,
            message=message[:500],
            errors=errors or [],
            error_count=len(errors or []),
        )
    except _JobLeftItsState:
        return
    _delete_file(job)


def import_job_check(*, job_id: int) -> None:
    """Read and check the file: the preview's counts, first rows and every error. Safe to run twice (a
    redelivered task): it writes nothing but the job row, and leaves a job no longer reading or checking."""
    job = ImportJob.objects.filter(pk=job_id, status__in=[Status.READING, Status.CHECKING]).first()
    if job is None:
        return
    try:
        result = _read_and_check(job, phases=(Status.READING, Status.CHECKING))
        _move(
            job,
            status=Status.READY,
            rows_checked=job.rows_total,
            created_count=result.created,
            updated_count=result.updated,
            error_count=len(result.errors),
            errors=_errors(result),
            preview=_preview(result),
        )
    except _JobLeftItsState:
        return
    except ImportFileError as refused:
        _refuse(job, message=str(refused))
        return
    except Exception:  # a damaged file openpyxl trips over, a time limit: the job says so, nothing is kept
        logger.exception("import job %s: the check failed", job_id)
        _refuse(job, message=_("Filen kunne ikke kontrolleres. Prøv igen, eller kontakt en administrator."))
        return
    if result.errors:  # a preview with errors can never be confirmed: its file has no more use
        _delete_file(job)


def _confirming_request(job: ImportJob) -> HttpRequest:
    """The confirmation as the audit log records it (user, address, page): the rows are written by a worker
    after the request has ended."""
    request = HttpRequest()
    request.META["REMOTE_ADDR"] = job.confirmed_from or ""
    request.path = job.confirmed_path
    request.user = job.created_by
    return request


def import_job_save(*, job_id: int) -> None:
    """Check the file again with the preview's code, then write every row in one transaction, or none. The
    job row is locked while writing, so a second worker (a redelivered task) waits and then finds it done."""
    job = ImportJob.objects.select_related("created_by").filter(pk=job_id, status=Status.SAVING).first()
    if job is None:
        return
    try:
        result = _read_and_check(job, phases=(Status.SAVING, Status.SAVING))
    except _JobLeftItsState:
        return
    except ImportFileError as refused:
        _refuse(job, message=str(refused))
        return
    except Exception:
        logger.exception("import job %s: the check before saving failed", job_id)
        _refuse(
            job,
            message=_(
                "Importen kunne ikke gemmes; intet er gemt. Prøv igen, eller kontakt en administrator."
            ),
        )
        return
    if result.errors:
        _refuse(
            job,
            message=_("Data har ændret sig siden forhåndsvisningen, og nu har rækker fejl; intet er gemt."),
            errors=_errors(result),
        )
        return
    try:
        with transaction.atomic():
            if not ImportJob.objects.select_for_update().filter(pk=job.pk, status=Status.SAVING).exists():
                return  # another worker wrote it, or it was cancelled
            import_write(result=result, actor=job.created_by, request=_confirming_request(job))
            _move(
                job,
                status=Status.DONE,
                rows_checked=job.rows_total,
                created_count=result.created,
                updated_count=result.updated,
                error_count=0,
                errors=[],
                preview=[],
            )
            _delete_file(job)
    except (ValidationError, DatabaseError):  # e.g. the same person created by another import meanwhile
        logger.exception("import job %s: writing failed; the transaction was rolled back", job_id)
        job.status = Status.SAVING  # as the rollback left the row, whatever this object was told inside it
        _refuse(
            job,
            message=_(
                "Importen kunne ikke gemmes; intet er gemt. Prøv igen, eller kontakt en administrator."
            ),
        )


# --- The clean-up job --------------------------------------------------------------------------------------


@dataclass
class CleanUpResult:
    files_deleted: int = 0
    to_check: list[int] = field(default_factory=list)  # stalled jobs to enqueue again
    to_save: list[int] = field(default_factory=list)


def _expired(now: dt.datetime):
    """Jobs past their 24 hours that still hold a file, first rows or errors (the index import_job_expiry)."""
    return ImportJob.objects.filter(expires_at__lte=now).filter(~Q(file="") | ~Q(errors=[]) | ~Q(preview=[]))


def import_job_expire_one(*, job_id: int, now: dt.datetime) -> bool:
    """Delete one job's file past its 24 hours, and its first rows and errors; a job still waiting is
    cancelled. Returns whether a file was deleted. The row is claimed with skip_locked, so a second clean-up
    (or a save holding the row) is left alone."""
    with transaction.atomic():
        job = _expired(now).select_for_update(skip_locked=True).filter(pk=job_id).first()
        if job is None:
            return False
        if job.status in (Status.READING, Status.CHECKING, Status.READY):
            job.status = Status.CANCELLED
            job.message = _("Filen blev slettet efter 24 timer uden bekræftelse. Upload den igen.")
        job.preview, job.errors = [], []
        job.save(update_fields=["status", "message", "preview", "errors", "updated_at"])
        had_file = bool(job.file)
        _delete_file(job)
        return had_file


def import_jobs_clean_up(*, now: dt.datetime) -> CleanUpResult:
    """Delete what jobs past their 24 hours hold (file, first rows, errors), and find the busy jobs whose
    task was lost, for the task to enqueue again."""
    result = CleanUpResult()
    for job_id in list(_expired(now).values_list("pk", flat=True)):
        result.files_deleted += import_job_expire_one(job_id=job_id, now=now)
    stalled = ImportJob.objects.filter(updated_at__lte=now - STALLED_AFTER).exclude(file="")
    result.to_check = list(
        stalled.filter(status__in=[Status.READING, Status.CHECKING]).values_list("pk", flat=True)
    )
    result.to_save = list(stalled.filter(status=Status.SAVING).values_list("pk", flat=True))
    return result
