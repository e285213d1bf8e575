"""The audit log: recorded with who/when/what/where, append-only everywhere, extract and leaders' pages."""

import datetime as dt
import uuid

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from staff.audit import audit_entries_for_person, audit_purge, audit_record, audit_sample
from staff.models import AuditEntry, AuditLogIsAppendOnly
from tests.factories import StaffMemberFactory
from tests.meetings.factories import CaseFactory


def request_as(user, path="/sager/x/?q=0101801234", address="10.1.2.3"):
    request = RequestFactory().get(path, REMOTE_ADDR=address)
    request.user = user
    return request


def test_record_keeps_who_when_what_where(consultant, own_case):
    entry = audit_record(request=request_as(consultant), action="read", object_type="case", case=own_case)
    entry.refresh_from_db()
    assert entry.actor == consultant and entry.actor_username == "alice"
    assert entry.actor_roles == "consultant"
    assert entry.case_uuid == own_case.uuid and entry.person_uuid == own_case.person.uuid
    assert entry.remote_addr == "10.1.2.3"
    assert entry.path == "/sager/x/"  # no query string
    assert timezone.now() - entry.occurred_at < dt.timedelta(minutes=1)


def test_search_terms_never_hold_a_cpr_number(consultant):
    entry = audit_record(
        request=request_as(consultant), action="search", object_type="case", search_terms="Hansen 010180-1234"
    )
    assert "Hansen" in entry.search_terms
    assert "1234" not in entry.search_terms and "010180" not in entry.search_terms
    again = audit_record(request=None, action="search", object_type="case", search_terms="0101801234")
    # the same number gives the same fingerprint, so an auditor can see repeated searches for one person
    assert entry.search_terms.split()[-1] == again.search_terms


def test_existing_entry_cannot_be_changed_or_deleted(consultant, own_case):
    entry = audit_record(request=request_as(consultant), action="read", object_type="case", case=own_case)
    entry.detail = "changed"
    with pytest.raises(AuditLogIsAppendOnly):
        entry.save()
    with pytest.raises(AuditLogIsAppendOnly):
        entry.delete()
    with pytest.raises(AuditLogIsAppendOnly):
        AuditEntry.objects.filter(pk=entry.pk).update(detail="changed")
    with pytest.raises(AuditLogIsAppendOnly):
        AuditEntry.objects.all().delete()
    entry.refresh_from_db()
    assert entry.detail == ""


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL only")
def test_database_refuses_raw_update_and_delete(consultant, own_case):
    entry = audit_record(request=request_as(consultant), action="read", object_type="case", case=own_case)
    for statement in ("UPDATE staff_auditentry SET detail = 'x'", "DELETE FROM staff_auditentry"):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(statement)
    assert AuditEntry.objects.filter(pk=entry.pk, detail="").exists()


def test_purge_removes_only_entries_past_the_retention_period(consultant):
    old = audit_record(request=None, action="read", object_type="case", actor=consultant)
    new = audit_record(request=None, action="read", object_type="case", actor=consultant)
    assert audit_purge(before=new.occurred_at) == 1
    assert not AuditEntry.objects.filter(pk=old.pk).exists()
    assert AuditEntry.objects.filter(pk=new.pk).exists()


def test_admin_lists_but_offers_no_add_change_or_delete(client, consultant, own_case):
    from django.contrib.auth import get_user_model

    entry = audit_record(request=request_as(consultant), action="read", object_type="case", case=own_case)
    superuser = get_user_model().objects.create_superuser("dpo", "dpo@example.dk", "a-long-password-1")
    client.force_login(superuser)
    listing = client.get(reverse("admin:staff_auditentry_changelist"))
    assert listing.status_code == 200 and "alice" in listing.content.decode()
    assert client.get(reverse("admin:staff_auditentry_add")).status_code == 403
    assert client.get(reverse("admin:staff_auditentry_delete", args=[entry.pk])).status_code == 403
    detail = client.post(reverse("admin:staff_auditentry_change", args=[entry.pk]), {"detail": "x"})
    assert detail.status_code == 403
    assert AuditEntry.objects.get(pk=entry.pk).detail == ""


def test_administrator_role_cannot_read_the_log_in_the_admin(client, administrator):
    client.force_login(administrator)
    assert client.get(reverse("admin:staff_auditentry_changelist")).status_code == 403


def test_person_extract_lists_every_use_with_its_purpose(consultant, booker, own_case, capsys):
    audit_record(request=request_as(consultant), action="read", object_type="case", case=own_case)
    audit_record(request=request_as(booker), action="change", object_type="meeting", case=own_case)
    audit_record(request=None, action="read", object_type="case", person_uuid=uuid.uuid4())  # someone else
    assert audit_entries_for_person(person_uuid=own_case.person.uuid).count() == 2
    call_command("audit_extract", "--person-uuid", str(own_case.person.uuid))
    out, err = capsys.readouterr()
    lines = out.strip().splitlines()
    assert lines[0].startswith("tidspunkt;handling")
    assert len(lines) == 3
    assert "Sagsbehandling" in lines[1] and "Booking af første opfølgningssamtale" in lines[2]
    assert "alice" not in out  # staff names only with --with-staff-names
    assert err.strip() == "entries=2"


def test_leader_reads_a_case_access_log_and_that_read_is_logged(client, leader, consultant, own_case):
    audit_record(request=request_as(consultant), action="read", object_type="case", case=own_case)
    client.force_login(leader)
    response = client.get(reverse("cases:access_log", args=[own_case.uuid]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "alice" in body and "10.1.2.3" in body
    assert own_case.person.cpr not in body
    assert AuditEntry.objects.filter(actor=leader, object_type="access_log", case_uuid=own_case.uuid).exists()


def test_leader_of_another_department_gets_404(client, other_team, own_case):
    other_leader = StaffMemberFactory(user__roles=["leader"], team=other_team).user
    client.force_login(other_leader)
    assert client.get(reverse("cases:access_log", args=[own_case.uuid])).status_code == 404


@pytest.mark.parametrize("persona", ["consultant", "booker", "administrator"])
def test_only_leaders_open_the_access_log(client, request, persona, own_case):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("cases:access_log", args=[own_case.uuid])).status_code == 403


def test_sample_review_shows_own_department_only(client, leader, consultant, other_consultant, team):
    own = audit_record(request=request_as(consultant), action="read", object_type="case")
    audit_record(request=request_as(other_consultant), action="read", object_type="case")
    assert audit_sample(department_id=team.department_id, seed=1) == [own]
    client.force_login(leader)
    body = client.get(reverse("cases:audit_sample")).content.decode()
    assert "alice" in body and "charlie" not in body


def test_sample_is_random_and_bounded(consultant, team):
    for _ in range(30):
        audit_record(request=request_as(consultant), action="read", object_type="case")
    first = {e.pk for e in audit_sample(department_id=team.department_id, size=10, seed=1)}
    second = {e.pk for e in audit_sample(department_id=team.department_id, size=10, seed=2)}
    assert len(first) == len(second) == 10 and first != second


def test_entries_outlive_the_case(consultant, team):
    case = CaseFactory(consultant=consultant, team=team)
    case_uuid = case.uuid
    audit_record(request=request_as(consultant), action="delete", object_type="case", case=case)
    case.delete()
    assert AuditEntry.objects.filter(case_uuid=case_uuid, action="delete").count() == 1
