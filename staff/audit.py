"""The audit log's service and selectors. Every app records uses of person data through `audit_record`
(this app is the leftmost, so all can import it); the model itself refuses updates and deletes."""

import datetime as dt
import random
import uuid
from collections.abc import Iterable

from django.conf import settings
from django.db import connection, transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from staff.models import AuditEntry
from staff.privacy import cpr_mask_text, search_terms_for_audit
from staff.roles import Role, roles_of

Action = AuditEntry.Action

# Why a role consults person data: the purpose shown to the citizen in the access-log extract.
PURPOSE_BY_ROLE = {
    Role.CONSULTANT: _("Sagsbehandling og opfølgning (sygedagpengeloven)"),
    Role.LEADER: _("Ledelse, fordeling og kvalitetssikring af sager"),
    Role.BOOKER: _("Booking af første opfølgningssamtale"),
    Role.ADMINISTRATOR: _("Systemadministration"),
}
SYSTEM_PURPOSE = _("Automatisk behandling (frister, sletning)")


def _client_address(request: HttpRequest | None) -> str | None:
    # REMOTE_ADDR as the WSGI server saw it; behind a proxy the deployment sets it (e.g. gunicorn's
    # --forwarded-allow-ips), never a client-controlled X-Forwarded-For read here.
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def _uuid_of(obj, attribute: str = "uuid") -> uuid.UUID | None:
    return getattr(obj, attribute, None) if obj is not None else None


def audit_record(
    *,
    request: HttpRequest | None,
    action: str,
    object_type: str,
    case=None,
    person=None,
    case_uuid: uuid.UUID | None = None,
    person_uuid: uuid.UUID | None = None,
    search_terms: str = "",
    detail: str = "",
    actor=None,
    actor_label: str = "",
) -> AuditEntry:
    """Record one use of person data. Pass the case (and, if at hand, the person) or their uuids.
    `actor_label` names a caller that is not a person (an API client, "api:<name>").

    `request` gives the user, address and path (without query string: a query may hold search terms, and
    those are stored only masked in `search_terms`). Jobs pass request=None and, if any, the actor.
    Not atomic on purpose: the entry joins the caller's transaction, so a write that rolls back leaves no
    claim that it happened, and a read outside a transaction is logged at once."""
    if actor is None and request is not None and request.user.is_authenticated:
        actor = request.user
    if case is not None:
        case_uuid = case.uuid
        if person is None and type(case).person.is_cached(case):
            person = case.person
        elif person is None and person_uuid is None:
            person_uuid = type(case).objects.filter(pk=case.pk).values_list("person__uuid", flat=True).first()
    if person is not None:
        person_uuid = person.uuid
    entry = AuditEntry(
        actor=actor,
        actor_username=actor.get_username() if actor is not None else actor_label[:150],
        actor_roles=",".join(sorted(roles_of(actor))) if actor is not None else "",
        action=action,
        object_type=object_type[:40],
        detail=cpr_mask_text(detail)[:300],
        search_terms=search_terms_for_audit(search_terms) if search_terms else "",
        case_uuid=case_uuid,
        person_uuid=person_uuid,
        remote_addr=_client_address(request),
        path=cpr_mask_text(request.path)[:500] if request is not None else "",
    )
    entry.full_clean(exclude=["actor"])  # the actor is the signed-in user: no query to prove it exists
    entry.save()
    return entry


def audit_record_many(
    *,
    request: HttpRequest | None,
    action: str,
    object_type: str,
    cases: Iterable,
    detail: str = "",
    actor=None,
) -> int:
    """One entry per case for list reads, exports and imports (bulk insert: one query for the lot). Each
    case needs `uuid` and `person__uuid` (pass dicts from .values() or cases with select_related('person')).
    As in `audit_record`, the actor is the request's user unless given (a job or command passes none)."""
    if actor is None and request is not None and request.user.is_authenticated:
        actor = request.user
    common = {
        "actor": actor,
        "actor_username": actor.get_username() if actor else "",
        "actor_roles": ",".join(sorted(roles_of(actor))) if actor else "",
        "action": action,
        "object_type": object_type[:40],
        "detail": cpr_mask_text(detail)[:300],
        "remote_addr": _client_address(request),
        "path": cpr_mask_text(request.path)[:500] if request is not None else "",
    }
    pairs = []
    for case in cases:
        if isinstance(case, dict):
            pairs.append((case["uuid"], case.get("person__uuid")))
        else:
            pairs.append((case.uuid, case.person.uuid))
    _insert_entries(AuditEntry(**common), pairs)
    return len(pairs)


_PER_ROW_FIELDS = ("case_uuid", "person_uuid")


def _insert_entries(template: AuditEntry, pairs: list[tuple]) -> None:
    """Insert `template` once per (case uuid, person uuid), in one statement. Everything but the two uuids is
    the same on every row, so each column's value is prepared for the database once, not once per row as
    bulk_create does (docs/benchmarks.md, Profiles: a 45-row list spent a fifth of its time in bulk_create,
    much of it the client parsing a statement with 45 × 12 placeholders); every row of one request has the
    same time. On PostgreSQL the uuids go as two arrays (unnest); elsewhere as a multi-row VALUES, in
    batches within the database's limit on parameters."""
    if not pairs:
        return
    fields = [field for field in AuditEntry._meta.concrete_fields if not field.primary_key]
    common = {
        field.attname: field.get_db_prep_save(field.pre_save(template, add=True), connection)
        for field in fields
        if field.attname not in _PER_ROW_FIELDS
    }
    per_row = [AuditEntry._meta.get_field(name) for name in _PER_ROW_FIELDS]
    table = connection.ops.quote_name(AuditEntry._meta.db_table)
    common_fields = [field for field in fields if field.attname not in _PER_ROW_FIELDS]
    columns = ", ".join(connection.ops.quote_name(field.column) for field in [*common_fields, *per_row])
    common_params = [common[field.attname] for field in common_fields]
    placeholders = ", ".join(["%s"] * len(common_fields))
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            case_uuids, person_uuids = zip(*pairs, strict=True)
            cursor.execute(
                f"INSERT INTO {table} ({columns}) SELECT {placeholders}, u.case_uuid, u.person_uuid "
                "FROM unnest(%s::uuid[], %s::uuid[]) AS u(case_uuid, person_uuid)",
                [*common_params, list(case_uuids), list(person_uuids)],
            )
            return
        row_sql = "(" + ", ".join(["%s"] * len(fields)) + ")"
        batch = max(1, connection.ops.bulk_batch_size(fields, pairs) or len(pairs))
        for start in range(0, len(pairs), batch):
            chunk = pairs[start : start + batch]
            params = []
            for values in chunk:
                params += common_params
                params += [
                    field.get_db_prep_save(value, connection)
                    for field, value in zip(per_row, values, strict=True)
                ]
            cursor.execute(
                f"INSERT INTO {table} ({columns}) VALUES " + ", ".join([row_sql] * len(chunk)), params
            )


# Selectors -------------------------------------------------------------------------------------------------


def audit_entries_for_case(*, case_uuid: uuid.UUID) -> QuerySet[AuditEntry]:
    """A case's access log, newest first (leaders: who consulted this case, when, from where)."""
    return AuditEntry.objects.filter(case_uuid=case_uuid).select_related("actor")


def audit_entries_for_person(*, person_uuid: uuid.UUID) -> QuerySet[AuditEntry]:
    """Every use of one citizen's data, across all their cases, oldest first (the right of access)."""
    return AuditEntry.objects.filter(person_uuid=person_uuid).order_by("occurred_at", "id")


def audit_purpose(entry: AuditEntry) -> str:
    """Why the data was consulted, as told to the citizen: the purpose of the role that gave access."""
    if not entry.actor_username:
        return str(SYSTEM_PURPOSE)
    roles = [role for role in Role if role.value in entry.actor_roles.split(",")]
    return "; ".join(str(PURPOSE_BY_ROLE[role]) for role in roles) or str(PURPOSE_BY_ROLE[Role.ADMINISTRATOR])


def audit_sample(
    *, department_id: int | None, days: int = 30, size: int = 20, seed: int | None = None
) -> list[AuditEntry]:
    """A random sample of recent entries made by the staff of one department, for a leader's review
    (Datatilsynet expects logs to be sampled, not only kept). Sampling by id in Python keeps it portable
    and cheap: only ids are read for the whole window."""
    since = timezone.now() - dt.timedelta(days=days)
    entries = AuditEntry.objects.filter(occurred_at__gte=since, actor__isnull=False)
    if department_id is not None:
        entries = entries.filter(actor__staff__team__department_id=department_id)
    ids = list(entries.values_list("id", flat=True))
    chosen = random.Random(seed).sample(ids, min(size, len(ids)))
    return list(AuditEntry.objects.filter(id__in=chosen).select_related("actor"))


# Retention --------------------------------------------------------------------------------------------------


@transaction.atomic
def audit_purge(*, before: dt.datetime) -> int:
    """Remove entries older than the audit log's own retention period (settings.AUDIT_RETENTION_DAYS).
    The only delete path: a raw delete (the queryset refuses) under the transaction-local flag that the
    PostgreSQL trigger lets through."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('sof.audit_purge', 'on', true)")
    old = AuditEntry.objects.filter(occurred_at__lt=before)
    count = old._raw_delete(old.db)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('sof.audit_purge', 'off', true)")
    return count


def audit_retention_cutoff(*, now: dt.datetime | None = None) -> dt.datetime:
    return (now or timezone.now()) - dt.timedelta(days=settings.AUDIT_RETENTION_DAYS)
