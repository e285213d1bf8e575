"""Issue 10: the import writes in bulk. A sheet costs the same queries whatever its number of rows, and what
it writes is what the services wrote row by row: the records, the timeline, the audit log and the stored next
deadline (equal to case_deadlines_refresh's)."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases.crypto import cpr_hash
from cases.models import Assignment, Case, CaseEvent, Conversation, Measure, Person, Visitation
from cases.services.deadlines import case_deadlines_refresh
from cases.services.imports import cases_import
from staff.models import AuditEntry
from tests.cases.factories import CaseFactory, ConversationFactory, PersonFactory, cpr_for
from tests.cases.test_import import HEADER, full_row
from tests.factories import valid_cvr


def sheet(rows) -> bytes:
    lines = [",".join(HEADER)] + [",".join(str(row.get(column, "")) for column in HEADER) for row in rows]
    return ("\n".join(lines) + "\n").encode()


def open_row(**overrides):
    """A case still open (no closing date), so that it has a next deadline."""
    return full_row(slutdato="", afslutningsaarsag="", **overrides)


def varied_rows(first: int, count: int) -> list[dict]:
    """`count` rows of new people, cycling through three kinds: closed with every column, open with an
    exception, and open from unemployment with category 1; every row names the consultant alice, and the
    employers are new to each sheet."""
    kinds = [
        lambda cpr: full_row(cpr=cpr, cvr=valid_cvr(first + 1)),
        lambda cpr: open_row(
            cpr=cpr, cvr=valid_cvr(first + 2), arbejdsgiver="Smed ApS", undtagelse="afstand"
        ),
        lambda cpr: open_row(
            cpr=cpr,
            cvr="",
            arbejdsgiver="",
            kategori="1",
            virksomhedsrettet_start="",
            virksomhedsrettet_type="",
        ),
    ]
    return [kinds[n % 3](cpr_for(first + n)) for n in range(count)]


def _statements(queries) -> int:
    """The statements the import sent, a bulk INSERT counted once: on SQLite, Django splits one bulk_create
    into several INSERTs of at most 999 parameters (on PostgreSQL it is one), so a multi-row INSERT followed
    by another into the same table is the same write. Single-row INSERTs (a save() per row) still count one
    by one."""
    count, previous = 0, None
    for query in queries:
        sql = query["sql"]
        table = sql.split(" (", 1)[0] if sql.startswith("INSERT INTO") else None
        if not (table and previous == table):
            count += 1
        previous = table if table and "), (" in sql else None
    return count


def queries_of_import(data: bytes) -> int:
    with CaptureQueriesContext(connection) as queries:
        result = cases_import(data=data, filename="ark.csv")
    assert result.saved and not result.errors
    return _statements(queries.captured_queries)


@pytest.fixture
def alice(consultant):
    return consultant


def test_a_sheet_costs_the_same_queries_whatever_its_rows(alice):
    # Creating (31): validation reads the exception reasons, measure types, closing reasons, rule sets, the
    # consultant alice and the people (6; none is known, so no read of their cases); the transaction (2);
    # the write reads the people and inserts the new, reads the employers and inserts the new, reads the
    # rows' cases and alice's team, and inserts the cases, assignments, visitations, conversations,
    # exceptions, measures, events and audit entries (14); the deadline refresh reads the rule sets, the
    # cases' visitations, conversations, measures and complaints and the people's cases, reads the stored
    # deadline rows, inserts the new ones and updates the next deadlines (9). Nothing per row.
    small, large = sheet(varied_rows(0, 3)), sheet(varied_rows(100, 30))
    assert queries_of_import(small) == queries_of_import(large) == 31
    assert Case.objects.count() == 33
    # Updating every row again (26): validation also reads the people's cases; the write reads what the
    # cases hold (assignments, visitations, conversations, approved exceptions, measures) instead of
    # inserting, and audits; the deadline facts are read again (complaints included), but nothing in the
    # sheet changed, so the stored deadline rows are read and none is written, no update of cases or
    # conversations.
    assert queries_of_import(small) == queries_of_import(large) == 26
    assert Case.objects.count() == 33


def test_the_stored_next_deadline_is_the_refreshs(alice):
    """Every imported case stores the deadline case_deadlines_refresh computes, including a person's earlier
    absence that comes later in the sheet and a case that existed before the import."""
    today = timezone.localdate()

    def day(days_ago: int) -> str:
        return (today - dt.timedelta(days=days_ago)).isoformat()

    existing = CaseFactory(
        person=PersonFactory(cpr="111180-1118"), first_absence_day=today - dt.timedelta(60)
    )
    rows = [
        # received only: visitation is next
        open_row(cpr="010180-1001", foerste_fravaersdag=day(20), modtaget=day(10), kategori="", konsulent="",
                 foerste_samtale="", samtale_sted="", arbejdsgiver_deltog="", virksomhedsrettet_start="",
                 virksomhedsrettet_type=""),
        # category 2 with a first conversation: the next follow-up
        open_row(cpr="010180-1002", foerste_fravaersdag=day(70), modtaget=day(60), foerste_samtale=day(30),
                 virksomhedsrettet_start="", virksomhedsrettet_type=""),
        # a measure already started
        open_row(cpr="010180-1003", foerste_fravaersdag=day(100), modtaget=day(90),
                 foerste_samtale=day(50), virksomhedsrettet_start=day(40)),
        # the same person twice, the later absence first: its earlier absence counts towards re-assessment
        open_row(cpr="010180-1004", foerste_fravaersdag=day(40), modtaget=day(35), foerste_samtale=day(20),
                 virksomhedsrettet_start="", virksomhedsrettet_type=""),
        full_row(cpr="010180-1004", foerste_fravaersdag=day(400), modtaget=day(390), foerste_samtale=day(350),
                 virksomhedsrettet_start=day(330), slutdato=day(60)),
        # from unemployment, category 1
        open_row(cpr="010180-1005", cvr="", arbejdsgiver="", foerste_fravaersdag=day(80), modtaget=day(75),
                 kategori="1", foerste_samtale="", samtale_sted="", arbejdsgiver_deltog="",
                 virksomhedsrettet_start="", virksomhedsrettet_type=""),
        # the existing case, given a category and a first conversation
        open_row(cpr="111180-1118", foerste_fravaersdag=day(60), modtaget=day(50), foerste_samtale=day(25),
                 virksomhedsrettet_start="", virksomhedsrettet_type=""),
    ]  # fmt: skip
    result = cases_import(data=sheet(rows), filename="ark.csv")
    assert result.saved and (result.created, result.updated) == (6, 1)

    stored = {case.pk: (case.next_deadline_on, case.next_deadline_kind) for case in Case.objects.all()}
    assert sum(1 for due_on, _kind in stored.values() if due_on is not None) >= 6  # the open ones
    for case in Case.objects.select_related("rule_set"):
        case_deadlines_refresh(case=case)
        case.refresh_from_db()
        assert (case.next_deadline_on, case.next_deadline_kind) == stored[case.pk], case
    existing.refresh_from_db()
    assert existing.category == 2 and existing.next_deadline_on is not None


def test_an_updated_case_gets_what_the_services_would_add(alice, other_consultant, team):
    """An existing case: the former consultant's assignment ends where the sheet's consultant's begins, the
    conversation of the same day is corrected (not duplicated), the measure added, one 'updated' line on the
    timeline, and a change entry in the audit log; a new case gets a create entry."""
    first_day = dt.date(2017, 8, 21)
    case = CaseFactory(
        person=PersonFactory(cpr="210870-1234"), first_absence_day=first_day, consultant=other_consultant
    )
    Assignment.objects.create(case=case, consultant=other_consultant, started_on=first_day + dt.timedelta(14))
    ConversationFactory(case=case, held_on=dt.date(2017, 10, 12), place="jobcenter", employer_took_part=False)
    rows = [full_row(), full_row(cpr="0101802468")]
    result = cases_import(data=sheet(rows), filename="ark.csv")
    assert result.saved and (result.created, result.updated) == (1, 1)

    case.refresh_from_db()
    assert case.consultant == alice and case.team == team and case.is_closed
    former, current = case.assignments.order_by("started_on", "id")
    assert (former.consultant, former.ended_on) == (other_consultant, dt.date(2017, 9, 20))
    assert (current.consultant, current.started_on, current.ended_on) == (alice, dt.date(2017, 9, 20), None)
    conversation = case.conversations.get()
    assert (
        conversation.counts_as_workplace_meeting and conversation.recorded_by != alice
    )  # corrected in place
    assert case.measures.get().type.code == "delvis_raskmelding"
    assert case.visitations.get().decided_by == alice
    assert [event.text for event in case.events.all()] == ["Opdateret ved import af opfølgningsark"]

    new_case = Case.objects.exclude(pk=case.pk).get()
    assert new_case.person.cpr == "010180-2468" and new_case.person.cpr_hash == cpr_hash("0101802468")
    assert new_case.person.sex == Person.Sex.FEMALE and new_case.person.birth_date == dt.date(1980, 1, 1)
    assert [event.text for event in new_case.events.all()] == ["Oprettet ved import af opfølgningsark"]
    entries = {
        entry.case_uuid: entry for entry in AuditEntry.objects.filter(detail="import", object_type="case")
    }
    assert entries[case.uuid].action == AuditEntry.Action.CHANGE
    assert entries[new_case.uuid].action == AuditEntry.Action.CREATE
    assert entries[new_case.uuid].person_uuid == new_case.person.uuid
    assert entries[case.uuid].remote_addr is None and entries[case.uuid].path == ""  # no request: no address

    # The same sheet again changes nothing: no record and no timeline line added, but each use is audited.
    counts = [model.objects.count() for model in (Assignment, Conversation, Measure, Visitation, CaseEvent)]
    result = cases_import(data=sheet(rows), filename="ark.csv")
    assert (result.created, result.updated) == (0, 2)
    assert [
        model.objects.count() for model in (Assignment, Conversation, Measure, Visitation, CaseEvent)
    ] == counts
    assert AuditEntry.objects.filter(detail="import", action=AuditEntry.Action.CHANGE).count() == 3


def test_a_cpr_number_the_services_refuse_is_a_row_error_before_anything_is_written(alice):
    """person_get_or_create refuses a birth date in the future (century digit 4, year 30 → 2030). The check
    uses the same rule, so the row is an error at preview and the write never meets it (issue 17: a 500 at
    confirm); nothing is saved."""
    result = cases_import(data=sheet([full_row(), full_row(cpr="010130-4001")]), filename="ark.csv")
    assert not result.saved
    assert [str(error) for error in result.errors] == [
        "row 3, column cpr: CPR-nummerets 7. ciffer (århundredecifferet) passer ikke med fødselsåret."
    ]
    assert not Case.objects.exists() and not Person.objects.exists()


def test_a_new_case_without_consultant_is_placed_in_the_importing_users_team(alice, leader, team, other_team):
    # alice (the consultant fixture) is in `team`; the leader importing is in `team` too: move them apart.
    alice.staff.team = other_team
    alice.staff.save()
    result = cases_import(
        data=sheet([open_row(cpr=cpr_for(1), konsulent=""), open_row(cpr=cpr_for(2))]), actor=leader
    )
    assert result.saved
    unallocated, allocated = Case.objects.get(consultant=None), Case.objects.get(consultant=alice)
    assert unallocated.team == team  # the leader's department sees it
    assert allocated.team == other_team  # follows the consultant
