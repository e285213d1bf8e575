"""Importing the municipalities' own monitoring sheets (formats.md §1): CSV or XLSX, one row per case.

The import is all or nothing: every row is validated first, and only when no row has an error are the
cases written, inside one transaction. A case is identified by (cpr, first day of absence), so importing
the same sheet again updates the cases it created and creates none twice. A blank optional cell leaves what
the case already holds; it never erases data recorded in the system.
"""

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.crypto import cpr_hash
from cases.identifiers import Cpr, normalise_cvr, parse_cpr
from cases.models import Assignment, Case, CaseException, Conversation, Employer, Measure, Person, Visitation
from cases.selectors.access import cases_for_casework
from cases.services.deadlines import case_deadlines_refresh
from cases.services.persons import person_get_or_create
from cases.services.timeline import case_event_add
from staff.audit import audit_record
from staff.models import AuditEntry, StaffMember
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


def read_table(data: bytes, filename: str = "") -> list[list[object]]:
    """The file's rows (header first) as lists of cells. XLSX: the first sheet. CSV: UTF-8, `,` or `;`."""
    if data[:2] == b"PK" or filename.lower().endswith(".xlsx"):
        from openpyxl import load_workbook

        try:
            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception as error:  # openpyxl raises many kinds for a damaged file
            raise ImportFileError(_("Filen kan ikke læses som XLSX: %(error)s") % {"error": error}) from None
        sheet = workbook.worksheets[0]
        rows = [[_cell(value) for value in row] for row in sheet.iter_rows(values_only=True)]
        workbook.close()
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ImportFileError(_("Filen er ikke en CSV-fil i UTF-8.")) from None
        first_line = text.split("\n", 1)[0]
        delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
        rows = [[cell.strip() for cell in row] for row in csv.reader(io.StringIO(text), delimiter=delimiter)]
    # Spreadsheets keep trailing blank columns and rows; they carry nothing.
    while rows and not any(cell != "" for cell in rows[-1]):
        rows.pop()
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

    def __init__(self):
        self.exceptions = {r.code: r for r in ExceptionReason.objects.all()}
        self.measures = {m.code: m for m in MeasureType.objects.all()}
        self.closing = {c.code: c for c in ClosingReason.objects.all()}
        self.rule_sets = list(RuleSet.objects.order_by("-effective_from"))
        self.users: dict[str, AbstractBaseUser | None] = {}

    def rule_set_for(self, day: dt.date) -> RuleSet | None:
        return next((rules for rules in self.rule_sets if rules.effective_from <= day), None)

    def user(self, username: str) -> AbstractBaseUser | None:
        if username not in self.users:
            self.users[username] = get_user_model().objects.filter(username=username, is_active=True).first()
        return self.users[username]


def _validate_row(number: int, raw: dict[str, object], catalogues: _Catalogues, errors: list[RowError]):
    def error(column: str, message: str) -> None:
        errors.append(RowError(number, column, message))

    before = len(errors)
    values: dict[str, object] = {}
    for column in REQUIRED:
        if raw.get(column, "") == "":
            error(column, _("skal udfyldes"))
    for column, needed in DEPENDS_ON.items():
        if raw.get(needed, "") != "" and raw.get(column, "") == "":
            error(column, _("skal udfyldes, når %(other)s er udfyldt") % {"other": needed})
        if raw.get(column, "") != "" and raw.get(needed, "") == "":
            error(column, _("kræver, at %(other)s er udfyldt") % {"other": needed})

    cpr = None
    if raw.get("cpr", "") != "":
        text = str(raw["cpr"])
        if text.isdigit() and len(text) == 9:  # a spreadsheet dropped the leading zero of DDMMYYSSSS
            text = "0" + text
        try:
            cpr = parse_cpr(text)
        except ValidationError as invalid:
            error("cpr", invalid.messages[0])
    if raw.get("cvr", "") != "":
        try:
            values["cvr"] = normalise_cvr(str(raw["cvr"]))
        except ValidationError as invalid:
            error("cvr", invalid.messages[0])
    values["arbejdsgiver"] = str(raw.get("arbejdsgiver", ""))[:200]

    today = timezone.localdate()
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


def import_validate(rows: list[list[object]]) -> ImportResult:
    """Check every row (no writes) and find which rows update an existing case."""
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

    catalogues = _Catalogues()
    parsed: list[ImportRow] = []
    seen: dict[tuple[str, dt.date], int] = {}
    for index, cells in enumerate(body, start=2):
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


def _import_user() -> AbstractBaseUser:
    user, created = get_user_model().objects.get_or_create(
        username=IMPORT_USERNAME, defaults={"first_name": "Import", "is_active": False}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def _person(row: ImportRow) -> Person:
    return person_get_or_create(cpr=row.cpr.digits)[0]


def _employer(row: ImportRow) -> Employer | None:
    cvr = row.values.get("cvr")
    if not cvr:
        return None
    employer, _created = Employer.objects.get_or_create(
        cvr=cvr, defaults={"name": row.values["arbejdsgiver"]}
    )
    return employer


def _snapshot(case: Case) -> tuple:
    return (
        case.employer_id,
        case.received_on,
        case.category,
        case.consultant_id,
        case.status,
        case.closed_on,
        case.closing_reason_id,
        case.conversations.count(),
        case.measures.count(),
        case.exceptions.count(),
    )


def _write_row(row: ImportRow, actor: AbstractBaseUser | None) -> bool:
    """Create or update the row's case; True when created."""
    v = row.values
    person = _person(row)
    case = Case.objects.filter(person=person, first_absence_day=row.first_absence_day).first()
    created = case is None
    if created:
        case = Case(
            person=person,
            first_absence_day=row.first_absence_day,
            source=Case.Source.IMPORT,
            rule_set=v["rule_set"],
            created_by=actor,
        )
        before = None
    else:
        before = _snapshot(case)
    employer = _employer(row)
    if employer is not None:
        case.employer = employer
    if v["modtaget"]:
        case.received_on = v["modtaget"]
    consultant = v["konsulent"]
    if consultant is not None:
        case.consultant = consultant
        staff = StaffMember.objects.filter(user=consultant).first()
        if staff is not None and staff.team_id:
            case.team_id = staff.team_id
    if v["kategori"]:
        case.category = v["kategori"]
    if v["slutdato"]:
        case.status = Case.Status.CLOSED
        case.closed_on = v["slutdato"]
        case.closing_reason = v["afslutningsaarsag"]
    case.full_clean()
    case.save()

    recorder = consultant or case.consultant or actor or _import_user()
    if consultant is not None:
        current = case.assignments.filter(ended_on__isnull=True).order_by("-started_on", "-id").first()
        if current is None or current.consultant_id != consultant.pk:
            start = v["modtaget"] or case.received_on or row.first_absence_day
            if current is not None:
                start = max(start, current.started_on)
                current.ended_on = start
                current.save(update_fields=["ended_on"])
            Assignment.objects.create(case=case, consultant=consultant, started_on=start)
    if v["kategori"] and not case.visitations.filter(category=v["kategori"]).exists():
        Visitation.objects.create(
            case=case,
            category=v["kategori"],
            decided_on=v["foerste_samtale"] or v["modtaget"] or row.first_absence_day,
            rationale=_("Fra opfølgningsarket (import)"),
            decided_by=recorder,
        )
    if v["foerste_samtale"]:
        participants = [Conversation.Participant.CITIZEN, Conversation.Participant.CONSULTANT]
        if v["arbejdsgiver_deltog"]:
            participants.insert(1, Conversation.Participant.NEAREST_LEADER)
        conversation = case.conversations.filter(held_on=v["foerste_samtale"]).first() or Conversation(
            case=case, held_on=v["foerste_samtale"], recorded_by=recorder
        )
        conversation.place = v["samtale_sted"]
        conversation.employer_took_part = v["arbejdsgiver_deltog"]
        conversation.participants = participants
        conversation.full_clean()
        conversation.save()
    if v["undtagelse"] and not case.exceptions.filter(
        reason=v["undtagelse"], status=CaseException.Status.APPROVED
    ):
        # Approved in the sheet already, by whoever decided then: no decider is known here.
        CaseException.objects.create(
            case=case,
            reason=v["undtagelse"],
            proposed_by=recorder,
            proposed_at=timezone.now(),
            status=CaseException.Status.APPROVED,
            decided_at=timezone.now(),
            decision_note=_("Godkendt i opfølgningsarket (import)"),
        )
    if v["virksomhedsrettet_start"]:
        Measure.objects.get_or_create(
            case=case, type=v["virksomhedsrettet_type"], started_on=v["virksomhedsrettet_start"]
        )

    if created:
        case_event_add(
            case=case, actor=actor, kind="imported", text=_("Oprettet ved import af opfølgningsark")
        )
    elif _snapshot(case) != before:
        case_event_add(
            case=case, actor=actor, kind="imported", text=_("Opdateret ved import af opfølgningsark")
        )
    case_deadlines_refresh(case=case)
    audit_record(
        request=None,
        actor=actor,
        action=AuditEntry.Action.CREATE if created else AuditEntry.Action.CHANGE,
        object_type="case",
        case=case,
        detail="import",
    )
    return created


def _refuse_cases_out_of_reach(result: ImportResult, actor: AbstractBaseUser) -> None:
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


def cases_import(
    *, data: bytes, filename: str = "", actor: AbstractBaseUser | None = None, dry_run: bool = False
) -> ImportResult:
    """Validate the whole file, then (unless dry_run or any error) write every row in one transaction."""
    result = import_validate(read_table(data, filename))
    if actor is not None and not result.errors:
        _refuse_cases_out_of_reach(result, actor)
    if result.errors or dry_run:
        return result
    with transaction.atomic():
        created = sum(1 for row in result.rows if _write_row(row, actor))
    result.created, result.updated, result.saved = created, len(result.rows) - created, True
    return result
