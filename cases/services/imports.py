"""Importing the municipalities' own monitoring sheets (formats.md §1): CSV or XLSX, one row per case.

The import is all or nothing: every row is validated first, and only when no row has an error are the
cases written, inside one transaction. A case is identified by (cpr, first day of absence), so importing
the same sheet again updates the cases it created and creates none twice. A blank optional cell leaves what
the case already holds; it never erases data recorded in the system.

The rows are written in batches (issue 10): each batch reads what exists and inserts or updates each kind of
record in one query, so a sheet costs the same queries whatever its number of rows. What a row writes is what
the services write for one case (person_get_or_create, the case, its records, the timeline event, the audit
entry, case_deadlines_refresh); tests/cases/test_import_bulk.py holds the two to that.
"""

import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.crypto import cpr_encrypt, cpr_hash
from cases.identifiers import Cpr, normalise_cvr
from cases.models import (
    Assignment,
    Case,
    CaseEvent,
    CaseException,
    Conversation,
    Employer,
    Measure,
    Person,
    Visitation,
)
from cases.selectors.access import cases_for_casework
from cases.services.deadlines import cases_deadlines_refresh_many
from cases.services.persons import cpr_parse_for_person
from staff.audit import audit_record_many
from staff.models import AuditEntry, StaffMember
from staff.selectors import user_municipality_id
from visitation.models import ClosingReason, ExceptionReason, MeasureType, RuleSet

COLUMNS = [
    "cpr",
    "cvr",
    "arbejdsgiver",
    "foerste_fravaersdag",
    "modtaget",
    "kategori",
    "konsulent",
    "foerste_samtale",
    "samtale_sted",
    "arbejdsgiver_deltog",
    "undtagelse",
    "virksomhedsrettet_start",
    "virksomhedsrettet_type",
    "slutdato",
    "afslutningsaarsag",
]
REQUIRED = ["cpr", "foerste_fravaersdag"]
# column → the column it needs (and that needs it): formats.md's "if cvr", "if foerste_samtale", …
DEPENDS_ON = {
    "arbejdsgiver": "cvr",
    "samtale_sted": "foerste_samtale",
    "virksomhedsrettet_type": "virksomhedsrettet_start",
    "afslutningsaarsag": "slutdato",
}
DATE_COLUMNS = ["foerste_fravaersdag", "modtaget", "foerste_samtale", "virksomhedsrettet_start", "slutdato"]
DATE_PATTERNS = [
    (re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"), ("year", "month", "day")),
    (re.compile(r"^(\d{1,2})[-.](\d{1,2})[-.](\d{4})$"), ("day", "month", "year")),
]
# The account that records what a sheet says when the row names no consultant and nobody is signed in.
IMPORT_USERNAME = "import"


class ImportFileError(Exception):
    """The file cannot be read at all (not CSV/XLSX, not UTF-8, empty)."""


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str

    def __str__(self):
        return f"row {self.row}, column {self.column}: {self.message}"


@dataclass
class ImportRow:
    number: int
    cpr: Cpr
    first_absence_day: dt.date
    values: dict = field(default_factory=dict)  # column → parsed value (None when blank)
    existing_case_id: int | None = None

    @property
    def action(self) -> str:
        return "update" if self.existing_case_id else "create"


@dataclass
class ImportResult:
    rows: list[ImportRow]
    errors: list[RowError]
    created: int = 0
    updated: int = 0
    saved: bool = False

    @property
    def imported(self) -> int:
        return self.created + self.updated

    @property
    def summary(self) -> str:
        return f"imported={self.imported} created={self.created} updated={self.updated}"


# --- Reading the file -------------------------------------------------------------------------------------


def normalise_header(name: object) -> str:
    """`Første fraværsdag`, ` foerste_fravaersdag ` and `FOERSTE FRAVAERSDAG` are the same column."""
    text = str(name or "").strip().lower()
    for letter, spelled in (("æ", "ae"), ("ø", "oe"), ("å", "aa")):
        text = text.replace(letter, spelled)
    return "_".join(text.replace("_", " ").split())


def _cell(value: object) -> object:
    """A spreadsheet cell as text, or as a date when the spreadsheet stored a date."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


class _Progress:
    """Calls `report(count)` every PROGRESS_EVERY rows (a background job stores it for the progress bar)."""

    def __init__(self, report: Callable[[int], None] | None):
        self.report = report
        self.count = 0

    def step(self) -> None:
        self.count += 1
        if self.report is not None and self.count % PROGRESS_EVERY == 0:
            self.report(self.count)

    def finish(self) -> None:
        if self.report is not None:
            self.report(self.count)


_BLANK_ROW: list[object] = []

# Rows between two progress reports: a job writes its row once per step, so 50,000 rows cost 50 writes.
PROGRESS_EVERY = 1000


def _megabytes(size: int) -> str:
    """1,5 (megabytes, the Danish way; the message is Danish)."""
    return f"{size / 1_000_000:.1f}".replace(".", ",")


def _refuse_too_many_rows(max_rows: int) -> ImportFileError:
    return ImportFileError(
        _(
            "Filen har mere end %(limit)s rækker (uden overskriften). Del arket i flere filer med højst "
            "%(limit)s rækker hver, og importér dem hver for sig."
        )
        % {"limit": f"{max_rows:,}".replace(",", ".")}
    )


def _check_unpacked_size(data: bytes, max_unpacked_bytes: int) -> None:
    """An XLSX file is a zip archive: 1.7 MB can unpack to 460 MB of sheet XML (issue 17). The archive's
    directory says how large each part unpacks (and zipfile never yields more than it says), so an archive
    over the limit is refused before a byte of XML is parsed."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
    except (zipfile.BadZipFile, ValueError):
        return  # not a zip: openpyxl names the fault below
    if unpacked > max_unpacked_bytes:
        raise ImportFileError(
            _(
                "Regnearket fylder %(size)s MB udpakket; grænsen er %(limit)s MB. Slet tomme eller "
                "formaterede rækker og andre faner, eller del arket i flere filer."
            )
            % {"size": _megabytes(unpacked), "limit": _megabytes(max_unpacked_bytes)}
        )


def read_table(
    data: bytes,
    filename: str = "",
    *,
    max_rows: int | None = None,
    max_unpacked_bytes: int | None = None,
    rows_expected: Callable[[int], None] | None = None,
    progress: Callable[[int], None] | None = None,
) -> list[list[object]]:
    """The file's rows (header first) as lists of cells. XLSX: the first sheet, streamed (openpyxl's
    read-only mode). CSV: UTF-8, `,` or `;`. With `max_rows`, a file with more non-blank rows below the
    header is refused as soon as the reading passes the limit; with `max_unpacked_bytes`, an XLSX file that
    unpacks to more is refused before it is parsed. `rows_expected` hears the number of rows the file says it
    has (an estimate, for the progress bar); `progress` hears the rows read so far."""
    counter = _Progress(progress)
    rows: list[list[object]] = []
    blank_run = 0  # blank rows are kept (they keep the row numbers) only when a later row follows them

    def add(row: list[object]) -> None:
        nonlocal blank_run
        if not any(cell != "" for cell in row):
            blank_run += 1
            return
        rows.extend([_BLANK_ROW] * blank_run)  # one shared empty list: a million blank rows cost 8 MB
        blank_run = 0
        rows.append(row)
        counter.step()
        if max_rows is not None and counter.count > max_rows + 1:  # + 1: the header
            raise _refuse_too_many_rows(max_rows)

    if data[:2] == b"PK" or filename.lower().endswith(".xlsx"):
        from openpyxl import load_workbook

        if max_unpacked_bytes is not None:
            _check_unpacked_size(data, max_unpacked_bytes)
        try:
            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception as error:  # openpyxl raises many kinds for a damaged file
            raise ImportFileError(_("Filen kan ikke læses som XLSX: %(error)s") % {"error": error}) from None
        try:
            sheet = workbook.worksheets[0]
            if rows_expected is not None and sheet.max_row:  # the sheet's own <dimension>, when it has one
                rows_expected(max(sheet.max_row - 1, 0))
            for row in sheet.iter_rows(values_only=True):
                add([_cell(value) for value in row])
        except ImportFileError:
            raise
        except Exception as error:  # a part that is damaged further in
            raise ImportFileError(_("Filen kan ikke læses som XLSX: %(error)s") % {"error": error}) from None
        finally:
            workbook.close()
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ImportFileError(_("Filen er ikke en CSV-fil i UTF-8.")) from None
        if rows_expected is not None:
            rows_expected(max(text.count("\n") - 1, 0))
        first_line = text.split("\n", 1)[0]
        delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
        try:
            # newline="": the csv module splits lines itself, so a lone \r is a line break, not an error.
            reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
            for row in reader:
                add([cell.strip() for cell in row])
        except csv.Error:
            raise ImportFileError(_("Filen er ikke en CSV-fil i UTF-8.")) from None
    # Spreadsheets keep trailing blank rows (left in blank_run, never added); they carry nothing.
    counter.finish()
    if not rows:
        raise ImportFileError(_("Filen er tom."))
    return rows


# --- Validating ---------------------------------------------------------------------------------------------


def _parse_date(value: object) -> dt.date:
    if isinstance(value, dt.date):
        return value
    for pattern, order in DATE_PATTERNS:
        match = pattern.match(str(value))
        if match:
            parts = dict(zip(order, map(int, match.groups()), strict=True))
            try:
                return dt.date(parts["year"], parts["month"], parts["day"])
            except ValueError:
                break
    raise ValueError(_("%(value)s er ikke en gyldig dato (ÅÅÅÅ-MM-DD eller DD-MM-ÅÅÅÅ)") % {"value": value})


class _Catalogues:
    """Everything the rows are checked against, read once per import."""

    def __init__(self, usernames: set[str]):
        self.exceptions = {r.code: r for r in ExceptionReason.objects.all()}
        self.measures = {m.code: m for m in MeasureType.objects.all()}
        self.closing = {c.code: c for c in ClosingReason.objects.all()}
        self.rule_sets = list(RuleSet.objects.order_by("-effective_from"))
        # The consultants the sheet names, in one query (not one per name).
        active = get_user_model().objects.filter(username__in=usernames, is_active=True) if usernames else []
        self.users: dict[str, AbstractBaseUser] = {user.get_username(): user for user in active}

    def rule_set_for(self, day: dt.date) -> RuleSet | None:
        return next((rules for rules in self.rule_sets if rules.effective_from <= day), None)

    def user(self, username: str) -> AbstractBaseUser | None:
        return self.users.get(username)


_prohibit_nul = ProhibitNullCharactersValidator()


def _free_of_nul(value: object) -> bool:
    try:
        _prohibit_nul(str(value))
    except ValidationError:
        return False
    return True


def _validate_row(number: int, raw: dict[str, object], catalogues: _Catalogues, errors: list[RowError]):
    def error(column: str, message: str) -> None:
        errors.append(RowError(number, column, message))

    before = len(errors)
    for column, value in raw.items():
        if not _free_of_nul(value):  # PostgreSQL refuses NUL bytes in text, as Django's form fields do
            error(column, _prohibit_nul.message)
    if len(errors) > before:
        return None
    values: dict[str, object] = {}
    for column in REQUIRED:
        if raw.get(column, "") == "":
            error(column, _("skal udfyldes"))
    for column, needed in DEPENDS_ON.items():
        if raw.get(needed, "") != "" and raw.get(column, "") == "":
            error(column, _("skal udfyldes, når %(other)s er udfyldt") % {"other": needed})
        if raw.get(column, "") != "" and raw.get(needed, "") == "":
            error(column, _("kræver, at %(other)s er udfyldt") % {"other": needed})

    today = timezone.localdate()
    cpr = None
    if raw.get("cpr", "") != "":
        text = str(raw["cpr"])
        if text.isdigit() and len(text) == 9:  # a spreadsheet dropped the leading zero of DDMMYYSSSS
            text = "0" + text
        try:
            # The rule the write applies (person_get_or_create): date, century digit, and a birth date the
            # century digit places neither in the future nor in the 1800s. One function for both, so that a
            # row the preview accepts is one the write accepts (issue 17: a 500 at confirm).
            cpr = cpr_parse_for_person(text, today=today)
        except ValidationError as invalid:
            error("cpr", invalid.messages[0])
    if raw.get("cvr", "") != "":
        try:
            values["cvr"] = normalise_cvr(str(raw["cvr"]))
        except ValidationError as invalid:
            error("cvr", invalid.messages[0])
    values["arbejdsgiver"] = str(raw.get("arbejdsgiver", ""))[:200]

    for column in DATE_COLUMNS:
        if raw.get(column, "") == "":
            values[column] = None
            continue
        try:
            day = _parse_date(raw[column])
        except ValueError as invalid:
            error(column, str(invalid))
            continue
        if day > today:
            error(column, _("datoen ligger i fremtiden"))
            continue
        values[column] = day
    first_absence_day = values.get("foerste_fravaersdag")
    if first_absence_day:
        for column in DATE_COLUMNS[1:]:
            if values.get(column) and values[column] < first_absence_day:
                error(column, _("datoen ligger før første fraværsdag"))
        closed_on = values.get("slutdato")
        for column in ("foerste_samtale", "virksomhedsrettet_start"):
            if closed_on and values.get(column) and values[column] > closed_on:
                error(column, _("datoen ligger efter slutdato"))

    rule_set = catalogues.rule_set_for(first_absence_day) if first_absence_day else None
    if first_absence_day and rule_set is None:
        error("foerste_fravaersdag", _("intet regelsæt gælder for denne dato"))
    values["rule_set"] = rule_set
    values["kategori"] = None
    if raw.get("kategori", "") != "":
        category = str(raw["kategori"])
        if category not in ("1", "2", "3"):
            error("kategori", _("skal være 1, 2 eller 3"))
        elif category == "3" and rule_set and not rule_set.category_3_exists:
            error("kategori", _("kategori 3 findes ikke i regelsættet %(rules)s") % {"rules": rule_set})
        else:
            values["kategori"] = int(category)

    values["konsulent"] = None
    if raw.get("konsulent", "") != "":
        user = catalogues.user(str(raw["konsulent"]))
        if user is None:
            error("konsulent", _("brugeren %(name)s findes ikke") % {"name": raw["konsulent"]})
        values["konsulent"] = user

    values["samtale_sted"] = None
    if raw.get("samtale_sted", "") != "":
        place = str(raw["samtale_sted"]).lower()
        if place not in Conversation.Place.values:
            error(
                "samtale_sted",
                _("ukendt sted %(value)s; brug %(choices)s")
                % {"value": raw["samtale_sted"], "choices": ", ".join(Conversation.Place.values)},
            )
        values["samtale_sted"] = place

    took_part = str(raw.get("arbejdsgiver_deltog", "")).lower()
    if took_part not in ("", "ja", "nej"):
        error("arbejdsgiver_deltog", _("skal være ja eller nej"))
    values["arbejdsgiver_deltog"] = took_part == "ja"

    for column, catalogue in (
        ("undtagelse", catalogues.exceptions),
        ("virksomhedsrettet_type", catalogues.measures),
        ("afslutningsaarsag", catalogues.closing),
    ):
        values[column] = None
        if raw.get(column, "") != "":
            code = str(raw[column]).lower()
            if code not in catalogue:
                error(column, _("ukendt kode %(code)s") % {"code": raw[column]})
            values[column] = catalogue.get(code)

    if len(errors) > before or cpr is None or first_absence_day is None:
        return None
    return ImportRow(number=number, cpr=cpr, first_absence_day=first_absence_day, values=values)


def import_validate(
    rows: list[list[object]], *, progress: Callable[[int], None] | None = None
) -> ImportResult:
    """Check every row (no writes) and find which rows update an existing case. `progress` hears the number
    of rows checked so far."""
    counter = _Progress(progress)
    header, *body = rows
    errors: list[RowError] = []
    columns: list[str] = []
    for raw_name in header:
        name = normalise_header(raw_name)
        if name == "":
            columns.append("")
            continue
        if name not in COLUMNS:
            errors.append(RowError(1, str(raw_name).strip(), _("ukendt kolonne")))
        elif name in columns:
            errors.append(RowError(1, name, _("kolonnen findes to gange")))
        columns.append(name)
    for column in REQUIRED:
        if column not in columns:
            errors.append(RowError(1, column, _("kolonnen mangler")))
    if errors:
        return ImportResult(rows=[], errors=errors)

    consultant_column = columns.index("konsulent") if "konsulent" in columns else None
    usernames = set()
    if consultant_column is not None:
        usernames = {str(cells[consultant_column]) for cells in body if len(cells) > consultant_column}
    # Names with a NUL byte are left out: their rows are refused (_validate_row) and PostgreSQL refuses them.
    catalogues = _Catalogues({name for name in usernames if name and _free_of_nul(name)})
    parsed: list[ImportRow] = []
    seen: dict[tuple[str, dt.date], int] = {}
    for index, cells in enumerate(body, start=2):
        counter.step()
        if not any(cell != "" for cell in cells):
            continue  # a blank line between blocks of rows
        if any(cell != "" for cell in cells[len(columns) :]) or any(
            cell != "" and not columns[i] for i, cell in enumerate(cells[: len(columns)])
        ):
            errors.append(RowError(index, "-", _("rækken har flere celler end overskriften")))
            continue
        raw = {column: cells[i] if i < len(cells) else "" for i, column in enumerate(columns) if column}
        row = _validate_row(index, raw, catalogues, errors)
        if row is None:
            continue
        key = (row.cpr.digits, row.first_absence_day)
        if key in seen:
            errors.append(
                RowError(
                    index,
                    "foerste_fravaersdag",
                    _("samme sag (CPR-nummer og første fraværsdag) som række %(row)s") % {"row": seen[key]},
                )
            )
            continue
        seen[key] = index
        parsed.append(row)

    counter.finish()
    # Which rows update an existing case: one query for the people, one for their cases.
    hashes = {cpr_hash(row.cpr.digits): row for row in parsed}
    people = dict(Person.objects.filter(cpr_hash__in=hashes).values_list("cpr_hash", "id"))
    existing = {
        (person_id, day): case_id
        for case_id, person_id, day in Case.objects.filter(person_id__in=people.values()).values_list(
            "id", "person_id", "first_absence_day"
        )
    }
    for row in parsed:
        person_id = people.get(cpr_hash(row.cpr.digits))
        row.existing_case_id = existing.get((person_id, row.first_absence_day))
    result = ImportResult(rows=parsed, errors=errors)
    result.updated = sum(1 for row in parsed if row.existing_case_id)
    result.created = len(parsed) - result.updated
    return result


# --- Writing ------------------------------------------------------------------------------------------------

# Rows written per batch. Every batch issues the same few queries whatever its size (a select and an insert
# or update per kind of record), so a 10,000-row sheet costs tens of queries, not one per record.
WRITE_BATCH_SIZE = 1000
# The case's own columns an import may change (team follows the consultant) …
_CASE_UPDATE_FIELDS = [
    "employer_id",
    "received_on",
    "category",
    "consultant_id",
    "team_id",
    "status",
    "closed_on",
    "closing_reason_id",
]
# … and those the timeline compares to tell whether it changed an existing case (besides new records).
_CASE_SNAPSHOT_FIELDS = [name for name in _CASE_UPDATE_FIELDS if name != "team_id"]
# The foreign keys refer to rows read or written by the import itself: clean_fields() skips the query per
# key that full_clean() would make to prove they exist.
_CASE_FOREIGN_KEYS = ["person", "employer", "consultant", "team", "rule_set", "closing_reason", "created_by"]


def _import_user() -> AbstractBaseUser:
    user, created = get_user_model().objects.get_or_create(
        username=IMPORT_USERNAME, defaults={"first_name": "Import", "is_active": False}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def _first_by(objects, key) -> dict:
    """The first object per key, in the order given."""
    found: dict = {}
    for obj in objects:
        found.setdefault(key(obj), obj)
    return found


class _Writer:
    """Writes validated rows in batches: what the services do for one case (person_get_or_create, the case
    and its records, the timeline event, the deadline refresh, the audit entry), done for a whole batch at
    once with bulk_create/bulk_update. The records a row adds or changes are exactly those of the former
    row-by-row write (cases/services/imports.py before issue 10)."""

    def __init__(self, *, actor: AbstractBaseUser | None, request: HttpRequest | None):
        self.actor = actor
        self.actor_id = actor.pk if actor is not None else None
        # A new case without a consultant belongs to the importing user's municipality (issue 16).
        self.municipality_id = user_municipality_id(actor) if actor is not None else None
        self.request = request
        self.import_user_id: int | None = None
        self.cases: list[Case] = []  # every case written, for the deadline refresh at the end
        self.visitation_rationale = _("Fra opfølgningsarket (import)")
        self.exception_note = _("Godkendt i opfølgningsarket (import)")
        self.created_text = _("Oprettet ved import af opfølgningsark")[:500]
        self.updated_text = _("Opdateret ved import af opfølgningsark")[:500]

    def write(self, rows: list[ImportRow]) -> int:
        """Write every row; returns the number of cases created."""
        created = 0
        for start in range(0, len(rows), WRITE_BATCH_SIZE):
            created += self._write_batch(rows[start : start + WRITE_BATCH_SIZE])
        # The stored next deadline, as case_deadlines_refresh computes it, once every row is written: a
        # person's earlier absences may come from any row of the sheet.
        for start in range(0, len(self.cases), WRITE_BATCH_SIZE):
            cases_deadlines_refresh_many(cases=self.cases[start : start + WRITE_BATCH_SIZE])
        return created

    def _recorder_id(self, case: Case, consultant: AbstractBaseUser | None) -> int:
        if consultant is not None:
            return consultant.pk
        if case.consultant_id is not None:
            return case.consultant_id
        if self.actor_id is not None:
            return self.actor_id
        if self.import_user_id is None:
            self.import_user_id = _import_user().pk
        return self.import_user_id

    def _people(self, rows: list[ImportRow]) -> dict[str, Person]:
        """The rows' people by CPR hash, the missing ones created: encrypted and hashed as
        person_get_or_create does, which also refuses the same CPR numbers (ValidationError)."""
        parsed = {row.cpr.digits: cpr_parse_for_person(row.cpr.digits) for row in rows}
        hashes = {digits: cpr_hash(digits) for digits in parsed}
        people = {
            person.cpr_hash: person
            for person in Person.objects.filter(cpr_hash__in=hashes.values()).only("id", "uuid", "cpr_hash")
        }
        new_people = []
        for digits, cpr in parsed.items():
            if hashes[digits] in people:
                continue
            person = Person(
                cpr_encrypted=cpr_encrypt(digits),
                cpr_hash=hashes[digits],
                birth_date=cpr.birth_date,
                sex=Person.Sex.FEMALE if cpr.is_female else Person.Sex.MALE,
            )
            person.clean_fields()
            people[person.cpr_hash] = person
            new_people.append(person)
        Person.objects.bulk_create(new_people)
        return {digits: people[digest] for digits, digest in hashes.items()}

    def _employers(self, rows: list[ImportRow]) -> dict[str, int]:
        """Employer ids by CVR; a new employer takes the name of the first row naming it (get_or_create)."""
        names: dict[str, str] = {}
        for row in rows:
            if row.values.get("cvr"):
                names.setdefault(row.values["cvr"], row.values["arbejdsgiver"])
        if not names:
            return {}
        employers = dict(Employer.objects.filter(cvr__in=names).values_list("cvr", "id"))
        new_employers = [Employer(cvr=cvr, name=name) for cvr, name in names.items() if cvr not in employers]
        Employer.objects.bulk_create(new_employers)
        employers.update((employer.cvr, employer.pk) for employer in new_employers)
        return employers

    def _write_batch(self, rows: list[ImportRow]) -> int:
        people = self._people(rows)
        employers = self._employers(rows)
        # The cases the rows name that exist (re-read inside the transaction; validation read them before).
        existing = {
            (case.person_id, case.first_absence_day): case
            for case in Case.objects.filter(
                person_id__in={person.pk for person in people.values()},
                first_absence_day__in={row.first_absence_day for row in rows},
            )
        }
        # Teams: a case follows its consultant's team; a new case without one is placed in the importing
        # user's team, so that it belongs to a department (cases/selectors/access.py) until someone takes it.
        team_owners = {row.values["konsulent"].pk for row in rows if row.values["konsulent"] is not None}
        if self.actor_id is not None:
            team_owners.add(self.actor_id)
        teams = (
            dict(StaffMember.objects.filter(user_id__in=team_owners).values_list("user_id", "team_id"))
            if team_owners
            else {}
        )

        # 1. The cases themselves.
        planned = []  # (row, person, case, created, snapshot before)
        new_cases, changed_cases = [], []
        changed_fields: set[str] = set()
        for row in rows:
            v = row.values
            person = people[row.cpr.digits]
            case = existing.get((person.pk, row.first_absence_day))
            created = case is None
            if created:
                case = Case(
                    person_id=person.pk,
                    first_absence_day=row.first_absence_day,
                    source=Case.Source.IMPORT,
                    rule_set_id=v["rule_set"].pk,
                    created_by_id=self.actor_id,
                    team_id=teams.get(self.actor_id),
                    municipality_id=self.municipality_id,
                )
            columns_before = {name: getattr(case, name) for name in _CASE_UPDATE_FIELDS}
            if v.get("cvr"):
                case.employer_id = employers[v["cvr"]]
            if v["modtaget"]:
                case.received_on = v["modtaget"]
            consultant = v["konsulent"]
            if consultant is not None:
                case.consultant_id = consultant.pk
                if teams.get(consultant.pk):
                    case.team_id = teams[consultant.pk]
            if v["kategori"]:
                case.category = v["kategori"]
            if v["slutdato"]:
                case.status = Case.Status.CLOSED
                case.closed_on = v["slutdato"]
                case.closing_reason_id = v["afslutningsaarsag"].pk
            case.clean_fields(exclude=_CASE_FOREIGN_KEYS)
            changed = {name for name in _CASE_UPDATE_FIELDS if getattr(case, name) != columns_before[name]}
            if created:
                new_cases.append(case)
            elif changed:
                changed_cases.append(case)
                changed_fields |= changed
            before = [columns_before[name] for name in _CASE_SNAPSHOT_FIELDS]
            planned.append((row, person, case, created, before))
        Case.objects.bulk_create(new_cases)
        if changed_cases:
            # Only the columns some row changed: bulk_update builds a CASE … WHEN per row for each column.
            Case.objects.bulk_update(
                changed_cases, [name for name in _CASE_UPDATE_FIELDS if name in changed_fields]
            )

        # 2. What the existing cases already hold, to add only what is missing (as the services check).
        existing_ids = [case.pk for _row, _person, case, created, _before in planned if not created]
        open_assignments: dict[int, Assignment] = {}
        visitations: set[tuple[int, int]] = set()
        conversations: dict[tuple[int, dt.date], Conversation] = {}
        approved: set[tuple[int, int]] = set()
        measures: set[tuple[int, int, dt.date]] = set()
        if existing_ids:
            open_assignments = _first_by(
                Assignment.objects.filter(case_id__in=existing_ids, ended_on__isnull=True).order_by(
                    "case_id", "-started_on", "-id"
                ),
                lambda assignment: assignment.case_id,
            )
            visitations = set(
                Visitation.objects.filter(case_id__in=existing_ids).values_list("case_id", "category")
            )
            conversations = _first_by(
                Conversation.objects.filter(
                    case_id__in=existing_ids,
                    held_on__in={
                        row.values["foerste_samtale"] for row in rows if row.values["foerste_samtale"]
                    },
                ).order_by("held_on", "id"),
                lambda conversation: (conversation.case_id, conversation.held_on),
            )
            approved = set(
                CaseException.objects.filter(
                    case_id__in=existing_ids, status=CaseException.Status.APPROVED
                ).values_list("case_id", "reason_id")
            )
            measures = set(
                Measure.objects.filter(case_id__in=existing_ids).values_list(
                    "case_id", "type_id", "started_on"
                )
            )

        # 3. The records each row adds, the timeline and the audit log.
        ended_assignments, new_assignments, new_visitations = [], [], []
        new_conversations, changed_conversations, new_exceptions, new_measures, events = [], [], [], [], []
        audited: dict[str, list[dict]] = {AuditEntry.Action.CREATE: [], AuditEntry.Action.CHANGE: []}
        for row, person, case, created, before in planned:
            v = row.values
            consultant = v["konsulent"]
            recorder_id = self._recorder_id(case, consultant)
            records_added = False
            if consultant is not None:
                current = open_assignments.get(case.pk)
                if current is None or current.consultant_id != consultant.pk:
                    start = v["modtaget"] or case.received_on or row.first_absence_day
                    if current is not None:
                        start = max(start, current.started_on)
                        current.ended_on = start
                        ended_assignments.append(current)
                    new_assignments.append(
                        Assignment(case_id=case.pk, consultant_id=consultant.pk, started_on=start)
                    )
            if v["kategori"] and (case.pk, v["kategori"]) not in visitations:
                new_visitations.append(
                    Visitation(
                        case_id=case.pk,
                        category=v["kategori"],
                        decided_on=v["foerste_samtale"] or v["modtaget"] or row.first_absence_day,
                        rationale=self.visitation_rationale,
                        decided_by_id=recorder_id,
                    )
                )
            if v["foerste_samtale"]:
                participants = [Conversation.Participant.CITIZEN, Conversation.Participant.CONSULTANT]
                if v["arbejdsgiver_deltog"]:
                    participants.insert(1, Conversation.Participant.NEAREST_LEADER)
                conversation = conversations.get((case.pk, v["foerste_samtale"]))
                if conversation is None:
                    conversation = Conversation(
                        case_id=case.pk, held_on=v["foerste_samtale"], recorded_by_id=recorder_id
                    )
                    new_conversations.append(conversation)
                    records_added = True
                elif (conversation.place, conversation.employer_took_part, conversation.participants) != (
                    v["samtale_sted"],
                    v["arbejdsgiver_deltog"],
                    participants,
                ):
                    changed_conversations.append(conversation)  # the sheet corrects it (unchanged: no write)
                conversation.place = v["samtale_sted"]
                conversation.employer_took_part = v["arbejdsgiver_deltog"]
                conversation.participants = participants
                conversation.clean_fields(exclude=["case", "recorded_by"])
            if v["undtagelse"] and (case.pk, v["undtagelse"].pk) not in approved:
                # Approved in the sheet already, by whoever decided then: no decider is known here.
                now = timezone.now()
                new_exceptions.append(
                    CaseException(
                        case_id=case.pk,
                        reason_id=v["undtagelse"].pk,
                        proposed_by_id=recorder_id,
                        proposed_at=now,
                        status=CaseException.Status.APPROVED,
                        decided_at=now,
                        decision_note=self.exception_note,
                    )
                )
                records_added = True
            if v["virksomhedsrettet_start"]:
                key = (case.pk, v["virksomhedsrettet_type"].pk, v["virksomhedsrettet_start"])
                if key not in measures:
                    new_measures.append(Measure(case_id=case.pk, type_id=key[1], started_on=key[2]))
                    records_added = True
            changed = records_added or before != [getattr(case, name) for name in _CASE_SNAPSHOT_FIELDS]
            if created or changed:
                events.append(
                    CaseEvent(
                        case_id=case.pk,
                        actor=self.actor,
                        kind="imported",
                        text=self.created_text if created else self.updated_text,
                        occurred_at=timezone.now(),
                    )
                )
            audited[AuditEntry.Action.CREATE if created else AuditEntry.Action.CHANGE].append(
                {"uuid": case.uuid, "person__uuid": person.uuid}
            )
            self.cases.append(case)
        Assignment.objects.bulk_update(ended_assignments, ["ended_on"])
        Assignment.objects.bulk_create(new_assignments)
        Visitation.objects.bulk_create(new_visitations)
        Conversation.objects.bulk_create(new_conversations)
        Conversation.objects.bulk_update(
            changed_conversations, ["place", "employer_took_part", "participants"]
        )
        CaseException.objects.bulk_create(new_exceptions)
        Measure.objects.bulk_create(new_measures)
        CaseEvent.objects.bulk_create(events)
        for action, cases in audited.items():
            if cases:
                audit_record_many(
                    request=self.request,
                    actor=self.actor,
                    action=action,
                    object_type="case",
                    cases=cases,
                    detail="import",
                )
        return len(new_cases)


def refuse_cases_out_of_reach(result: ImportResult, actor: AbstractBaseUser) -> None:
    """An import from the web page may update only cases its user may open (cases/selectors/access.py):
    a row naming another department's case is an error, so the whole file is refused."""
    existing = {row.existing_case_id for row in result.rows if row.existing_case_id}
    if not existing:
        return
    reachable = set(cases_for_casework(actor).filter(pk__in=existing).values_list("pk", flat=True))
    for row in result.rows:
        if row.existing_case_id and row.existing_case_id not in reachable:
            result.errors.append(
                RowError(
                    row=row.number, column="cpr", message=_("Du har ikke adgang til at opdatere denne sag.")
                )
            )


def import_write(
    *, result: ImportResult, actor: AbstractBaseUser | None, request: HttpRequest | None
) -> ImportResult:
    """Write every row of a result without errors, in one transaction: all rows or none."""
    if result.errors:
        raise ValueError("a result with errors is never written")
    with transaction.atomic():
        created = _Writer(actor=actor, request=request).write(result.rows)
    result.created, result.updated, result.saved = created, len(result.rows) - created, True
    return result


def cases_import(
    *,
    data: bytes,
    filename: str = "",
    actor: AbstractBaseUser | None = None,
    request: HttpRequest | None = None,
    dry_run: bool = False,
) -> ImportResult:
    """Validate the whole file, then (unless dry_run or any error) write every row in one transaction.
    The command's path (formats.md §1), whole in one call; the web page imports through a background job
    (cases/services/import_jobs.py), which calls the same steps."""
    result = import_validate(read_table(data, filename))
    if actor is not None and not result.errors:
        refuse_cases_out_of_reach(result, actor)
    if result.errors or dry_run:
        return result
    return import_write(result=result, actor=actor, request=request)
