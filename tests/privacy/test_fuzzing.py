"""Bad input (issue 9): forms, the import and the milestone_report command fuzzed with hypothesis — random
strings, huge inputs, wrong types — never a 500 (or an unexpected exception) and never a partial save."""

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from hypothesis import example, given
from hypothesis import strategies as st

from cases.models import Case, CaseEvent, Conversation, Employer, Measure, Offer, Person
from cases.services.imports import COLUMNS, ImportFileError, cases_import
from staff.models import AuditEntry
from tests.meetings.factories import CaseFactory
from tests.privacy.fuzzing import FUZZ, nasty_text


def counts() -> tuple:
    return tuple(
        model.objects.count() for model in (Person, Employer, Case, CaseEvent, Conversation, Measure, Offer)
    )


REGISTER_FIELDS = [
    "cpr",
    "person_name",
    "employer",
    "employer_cvr",
    "new_employer_name",
    "unemployed",
    "first_absence_day",
    "received_on",
    "source",
    "consultant",
]


@FUZZ
@given(data=st.fixed_dictionaries({}, optional={name: nasty_text for name in REGISTER_FIELDS}))
def test_registration_form_never_500s_or_saves_half(client, leader, data):
    client.force_login(leader)
    before = counts()
    response = client.post(reverse("cases:register"), data)
    assert response.status_code < 500
    if response.status_code == 200:  # the form again, with errors: nothing saved at all
        assert counts() == before


ACTION_SLUGS = [
    "visitation",
    "conversation",
    "measure",
    "offer",
    "exception",
    "handover",
    "fast-track",
    "agreement-56",
    "retention-plan",
    "close",
]


@pytest.fixture
def fuzz_case(consultant, team):
    return CaseFactory(consultant=consultant, team=team)


@FUZZ
@given(
    slug=st.sampled_from(ACTION_SLUGS),
    data=st.dictionaries(
        st.sampled_from(
            [
                "category",
                "decided_on",
                "rationale",
                "held_on",
                "place",
                "participants",
                "employer_took_part",
                "plan",
                "next_step",
                "minutes",
                "type",
                "started_on",
                "note",
                "reason",
                "consultant",
                "closed_on",
                "closing_reason",
                "requested_on",
                "requested_by",
                "approved_on",
                "received_on",
                "score_start",
                "expected_full_recovery",
            ]
        ),
        nasty_text,
        max_size=8,
    ),
)
def test_case_actions_never_500_or_save_half(client, consultant, fuzz_case, slug, data):
    client.force_login(consultant)
    before = counts()
    response = client.post(reverse("cases:action", args=[fuzz_case.uuid, slug]), data)
    assert response.status_code < 500
    if response.status_code != 302:  # refused: nothing of it saved
        assert counts() == before


@FUZZ
@given(data=st.binary(max_size=3000), filename=st.sampled_from(["sheet.csv", "sheet.xlsx", "", "x.txt"]))
def test_import_of_random_bytes_is_refused_cleanly(db, data, filename):
    before = counts()
    try:
        result = cases_import(data=data, filename=filename)
    except ImportFileError:
        pass
    else:
        assert result.errors or not result.rows or result.saved
        if result.errors:
            assert counts() == before


@FUZZ
@given(
    rows=st.lists(st.lists(nasty_text, min_size=len(COLUMNS), max_size=len(COLUMNS)), min_size=1, max_size=5)
)
# Found by hypothesis on PostgreSQL: a consultant's name with a NUL byte (PostgreSQL refuses it in a query).
@example(rows=[["\x00" if column == "konsulent" else "" for column in COLUMNS]])
def test_import_with_right_header_and_random_cells_is_all_or_nothing(db, rows):
    buffer = io.StringIO()
    import csv

    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(COLUMNS)
    writer.writerows(rows)
    before = counts()
    try:
        result = cases_import(data=buffer.getvalue().encode(), filename="sheet.csv")
    except ImportFileError:
        assert counts() == before
        return
    if result.errors:
        assert counts() == before
        assert not result.saved
    else:
        assert result.saved and Case.objects.count() >= before[2]


@FUZZ
@given(
    start=nasty_text,
    end=nasty_text,
    team=st.one_of(st.none(), nasty_text),
    output_format=st.sampled_from(["json", "csv"]),
)
def test_milestone_report_command_refuses_bad_arguments_cleanly(db, start, end, team, output_format):
    arguments = ["--from", start, "--to", end, "--format", output_format]
    if team is not None:
        arguments += ["--team", team]
    try:
        call_command("milestone_report", *arguments, stdout=io.StringIO())
    except CommandError:
        pass


def test_milestone_report_accepts_a_real_period(db):
    out = io.StringIO()
    today = dt.date.today()
    call_command("milestone_report", "--from", f"{today:%Y-%m-%d}", "--to", f"{today:%Y-%m-%d}", stdout=out)
    assert '"period"' in out.getvalue()


def test_fuzzing_left_no_audit_claim_of_unsaved_work(client, leader):
    """An invalid registration leaves no 'create' entry in the audit log."""
    client.force_login(leader)
    client.post(reverse("cases:register"), {"cpr": "not a cpr"})
    assert not AuditEntry.objects.filter(action="create").exists()
