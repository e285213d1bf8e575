"""The import contract of formats.md §1, on CSV and XLSX files made here."""

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from cases.crypto import cpr_hash
from cases.models import Case, CaseException, Conversation, Person
from tests.factories import valid_cvr

HEADER = """cpr cvr arbejdsgiver foerste_fravaersdag modtaget kategori konsulent foerste_samtale
samtale_sted arbejdsgiver_deltog undtagelse virksomhedsrettet_start virksomhedsrettet_type slutdato
afslutningsaarsag""".split()
CVR = valid_cvr(1)


def full_row(**overrides):
    row = {
        "cpr": "210870-1234",
        "cvr": CVR,
        "arbejdsgiver": "Galvanisering A/S",
        "foerste_fravaersdag": "2017-08-21",
        "modtaget": "20-09-2017",
        "kategori": "2",
        "konsulent": "alice",
        "foerste_samtale": "12.10.2017",
        "samtale_sted": "arbejdsplads",
        "arbejdsgiver_deltog": "ja",
        "undtagelse": "",
        "virksomhedsrettet_start": "2017-10-16",
        "virksomhedsrettet_type": "delvis_raskmelding",
        "slutdato": "2018-01-08",
        "afslutningsaarsag": "rask_eget_job",
    }
    row.update(overrides)
    return row


def write_csv(tmp_path, rows, header=HEADER, delimiter=",", name="ark.csv"):
    lines = [delimiter.join(header)]
    lines += [delimiter.join(str(row.get(column, "")) for column in header) for row in rows]
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def write_xlsx(tmp_path, rows, header=HEADER, name="ark.xlsx"):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append([row.get(column, None) for column in header])
    workbook.create_sheet("Noter").append(["ignoreres"])  # only the first sheet counts
    path = tmp_path / name
    workbook.save(path)
    return path


def run(path, *args):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_cases", str(path), *args, stdout=out, stderr=err)
    return out.getvalue().strip().splitlines()


def run_failing(path, *args):
    err = io.StringIO()
    with pytest.raises(CommandError) as failure:
        call_command("import_cases", str(path), *args, stdout=io.StringIO(), stderr=err)
    assert failure.value.returncode != 0
    return err.getvalue().strip().splitlines()


@pytest.fixture
def alice(consultant):
    return consultant


def test_a_full_row_becomes_a_case_with_its_history(tmp_path, alice, team):
    lines = run(write_csv(tmp_path, [full_row()]))
    assert lines[-1] == "imported=1 created=1 updated=0"
    case = Case.objects.get()
    assert case.person.cpr == "210870-1234" and case.person.birth_date == dt.date(1970, 8, 21)
    assert case.employer.cvr == CVR and case.employer.name == "Galvanisering A/S"
    assert (case.first_absence_day, case.received_on, case.category) == (
        dt.date(2017, 8, 21),
        dt.date(2017, 9, 20),
        2,
    )
    assert case.consultant == alice and case.team == team and case.source == Case.Source.IMPORT
    assert case.is_closed and case.closed_on == dt.date(2018, 1, 8)
    assert case.closing_reason.code == "rask_eget_job"
    conversation = case.conversations.get()
    assert conversation.held_on == dt.date(2017, 10, 12) and conversation.counts_as_workplace_meeting
    assert case.measures.get().type.code == "delvis_raskmelding"
    assert case.assignments.get().consultant == alice
    assert [event.text for event in case.events.all()] == ["Oprettet ved import af opfølgningsark"]


def test_importing_the_same_file_again_updates_and_creates_nothing_twice(tmp_path, alice):
    path = write_csv(
        tmp_path,
        [
            full_row(),
            full_row(
                cpr="0101802468",
                foerste_fravaersdag="2018-02-01",
                modtaget="",
                foerste_samtale="",
                samtale_sted="",
                arbejdsgiver_deltog="",
                virksomhedsrettet_start="",
                virksomhedsrettet_type="",
                slutdato="",
                afslutningsaarsag="",
                undtagelse="indlagt",
            ),
        ],
    )
    assert run(path)[-1] == "imported=2 created=2 updated=0"
    assert run(path)[-1] == "imported=2 created=0 updated=2"
    assert Case.objects.count() == 2 and Person.objects.count() == 2
    assert Conversation.objects.count() == 1 and CaseException.objects.count() == 1
    # Nothing changed on the second run, so the timeline says nothing new.
    assert all(case.events.count() == 1 for case in Case.objects.all())
    # The same person with another first day of absence is another case.
    other = write_csv(tmp_path, [full_row(foerste_fravaersdag="2019-03-04", modtaget="", foerste_samtale="",
                                          samtale_sted="", virksomhedsrettet_start="",
                                          virksomhedsrettet_type="", slutdato="", afslutningsaarsag="")],
                      name="nyt.csv")  # fmt: skip
    assert run(other)[-1] == "imported=1 created=1 updated=0"
    assert Case.objects.filter(person__cpr_hash=cpr_hash("2108701234")).count() == 2


def test_an_approved_exception_from_the_sheet(tmp_path, alice):
    run(
        write_csv(
            tmp_path, [full_row(undtagelse="afstand", samtale_sted="jobcenter", arbejdsgiver_deltog="")]
        )
    )
    exception = CaseException.objects.get()
    assert exception.status == CaseException.Status.APPROVED and exception.reason.code == "afstand"
    assert exception.decided_by is None


def test_semicolons_and_headers_as_users_type_them(tmp_path, alice):
    header = [
        " CPR ",
        "CVR",
        "Arbejdsgiver",
        "Første fraværsdag",
        "Modtaget",
        "KATEGORI",
        "konsulent",
        "første_samtale",
        "Samtale sted",
        "Arbejdsgiver deltog",
        "undtagelse",
        "Virksomhedsrettet start",
        "virksomhedsrettet_type",
        "Slutdato",
        "Afslutningsårsag",
    ]
    rows = [dict(zip(header, full_row().values(), strict=True))]
    path = write_csv(tmp_path, rows, header=header, delimiter=";")
    assert run(path)[-1] == "imported=1 created=1 updated=0"


def test_only_required_columns_and_unemployed_person(tmp_path, db):
    path = write_csv(tmp_path, [{"cpr": "0101802468", "foerste_fravaersdag": "01-02-2016"}],
                     header=["cpr", "foerste_fravaersdag"])  # fmt: skip
    assert run(path)[-1] == "imported=1 created=1 updated=0"
    case = Case.objects.get()
    assert case.employer is None and case.first_absence_day == dt.date(2016, 2, 1)  # years back is fine
    assert case.rule_set.name == "SOF 2017"


def test_xlsx_with_real_dates_numbers_and_a_lost_leading_zero(tmp_path, alice):
    row = full_row(
        cpr=101802468,  # 0101802468 typed into a number cell
        cvr=int(CVR),
        foerste_fravaersdag=dt.datetime(2017, 8, 21),
        modtaget=dt.date(2017, 9, 20),
        kategori=2,
        foerste_samtale=dt.date(2017, 10, 12),
        virksomhedsrettet_start=None,
        virksomhedsrettet_type=None,
    )
    path = write_xlsx(tmp_path, [row, full_row(cpr="2108701234")])
    assert run(path)[-1] == "imported=2 created=2 updated=0"
    assert Case.objects.get(person__cpr_hash=cpr_hash("0101802468")).first_absence_day == dt.date(2017, 8, 21)
    assert run(path)[-1] == "imported=2 created=0 updated=2"


def test_xlsx_errors_use_the_same_format(tmp_path, alice):
    path = write_xlsx(tmp_path, [full_row(kategori=4)])
    assert run_failing(path) == ["row 2, column kategori: skal være 1, 2 eller 3"]


def test_a_cell_with_a_nul_byte_is_a_row_error_not_a_crash(tmp_path, alice):
    # PostgreSQL refuses NUL bytes in text; Django's form fields refuse them too.
    path = write_csv(
        tmp_path, [full_row(arbejdsgiver="Smed\x00ApS"), full_row(cpr="0101802468", konsulent="\x00")]
    )
    assert run_failing(path) == [
        "row 2, column arbejdsgiver: Null-tegn er ikke tilladte.",
        "row 3, column konsulent: Null-tegn er ikke tilladte.",
    ]
    assert not Case.objects.exists()


def test_unknown_and_missing_columns(tmp_path, db):
    path = write_csv(tmp_path, [{"cpr": "0101802468", "Sagsnummer": "7"}], header=["cpr", "Sagsnummer"])
    assert run_failing(path) == [
        "row 1, column Sagsnummer: ukendt kolonne",
        "row 1, column foerste_fravaersdag: kolonnen mangler",
    ]


FUTURE = (dt.date.today() + dt.timedelta(days=3)).isoformat()


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"cpr": ""}, "row 2, column cpr: skal udfyldes"),
        ({"cpr": "3102701234"}, "row 2, column cpr: CPR-nummeret indeholder ikke en gyldig fødselsdato."),
        ({"cpr": "21087O1234"}, "row 2, column cpr: Et CPR-nummer skrives DDMMÅÅ-XXXX."),
        # The century digit (7th) against the birth year (issue 17: these passed the check and failed the
        # write): 4 with year 30 is 2030, a birth in the future; 5 with year 70 is 1870, no living person.
        (
            {"cpr": "010130-4001"},
            "row 2, column cpr: CPR-nummerets 7. ciffer (århundredecifferet) passer ikke med fødselsåret.",
        ),
        (
            {"cpr": "010170-5001"},
            "row 2, column cpr: CPR-nummerets 7. ciffer (århundredecifferet) passer ikke med fødselsåret.",
        ),
        ({"cvr": "12345678"}, "row 2, column cvr: 12345678 er ikke et gyldigt CVR-nummer."),
        ({"arbejdsgiver": ""}, "row 2, column arbejdsgiver: skal udfyldes, når cvr er udfyldt"),
        ({"cvr": ""}, "row 2, column arbejdsgiver: kræver, at cvr er udfyldt"),
        ({"foerste_fravaersdag": ""}, "row 2, column foerste_fravaersdag: skal udfyldes"),
        (
            {"foerste_fravaersdag": "2017-02-30"},
            "row 2, column foerste_fravaersdag: "
            "2017-02-30 er ikke en gyldig dato (ÅÅÅÅ-MM-DD eller DD-MM-ÅÅÅÅ)",
        ),
        ({"modtaget": "2017-08-20"}, "row 2, column modtaget: datoen ligger før første fraværsdag"),
        ({"slutdato": FUTURE}, "row 2, column slutdato: datoen ligger i fremtiden"),
        ({"kategori": "4"}, "row 2, column kategori: skal være 1, 2 eller 3"),
        ({"konsulent": "ukendt"}, "row 2, column konsulent: brugeren ukendt findes ikke"),
        ({"samtale_sted": ""}, "row 2, column samtale_sted: skal udfyldes, når foerste_samtale er udfyldt"),
        (
            {"samtale_sted": "kantinen"},
            "row 2, column samtale_sted: ukendt sted kantinen; brug arbejdsplads, jobcenter, telefon, video, "
            "hjemme, hospital",
        ),
        ({"arbejdsgiver_deltog": "måske"}, "row 2, column arbejdsgiver_deltog: skal være ja eller nej"),
        ({"undtagelse": "ferie"}, "row 2, column undtagelse: ukendt kode ferie"),
        ({"virksomhedsrettet_type": "kursus"}, "row 2, column virksomhedsrettet_type: ukendt kode kursus"),
        (
            {"virksomhedsrettet_type": ""},
            "row 2, column virksomhedsrettet_type: skal udfyldes, når virksomhedsrettet_start er udfyldt",
        ),
        (
            {"afslutningsaarsag": ""},
            "row 2, column afslutningsaarsag: skal udfyldes, når slutdato er udfyldt",
        ),
        ({"afslutningsaarsag": "rask"}, "row 2, column afslutningsaarsag: ukendt kode rask"),
        ({"foerste_samtale": "2018-02-01"}, "row 2, column foerste_samtale: datoen ligger efter slutdato"),
        (
            {
                "kategori": "3",
                "foerste_fravaersdag": "2025-03-03",
                "modtaget": "",
                "foerste_samtale": "",
                "samtale_sted": "",
                "arbejdsgiver_deltog": "",
                "virksomhedsrettet_start": "",
                "virksomhedsrettet_type": "",
                "slutdato": "",
                "afslutningsaarsag": "",
            },
            "row 2, column kategori: kategori 3 findes ikke i regelsættet 2025",
        ),
    ],
)
def test_every_bad_value_is_named_by_row_and_column(tmp_path, alice, overrides, expected):
    path = write_csv(tmp_path, [full_row(**overrides)])
    assert run_failing(path) == [expected]
    assert not Case.objects.exists()


def test_all_or_nothing_with_every_error_printed(tmp_path, alice):
    rows = [
        full_row(),
        full_row(cpr="0101802468", kategori="9", konsulent="bob"),
        full_row(cpr="0202802468"),
        full_row(),  # the same case as row 2
    ]
    errors = run_failing(write_csv(tmp_path, rows))
    assert errors == [
        "row 3, column kategori: skal være 1, 2 eller 3",
        "row 3, column konsulent: brugeren bob findes ikke",
        "row 5, column foerste_fravaersdag: samme sag (CPR-nummer og første fraværsdag) som række 2",
    ]
    assert not Case.objects.exists() and not Person.objects.exists()


def test_dry_run_validates_and_saves_nothing(tmp_path, alice):
    path = write_csv(tmp_path, [full_row(), full_row(cpr="0101802468")])
    lines = run(path, "--dry-run")
    assert lines[-1] == "imported=2 created=2 updated=0"
    assert not Case.objects.exists()
    assert run_failing(write_csv(tmp_path, [full_row(kategori="x")], name="bad.csv"), "--dry-run")


def test_a_file_that_is_not_a_sheet(tmp_path, db):
    path = tmp_path / "ark.csv"
    path.write_bytes("cpr;første".encode("latin-1"))
    with pytest.raises(CommandError, match="UTF-8"):
        call_command("import_cases", str(path), stdout=io.StringIO(), stderr=io.StringIO())


def test_errors_never_print_the_cpr_number(tmp_path, alice):
    errors = run_failing(write_csv(tmp_path, [full_row(cpr="3102701234")]))
    assert not any("3102701234" in line or "310270" in line for line in errors)
