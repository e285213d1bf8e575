"""The report as tables, written to XLSX (one formatted sheet per figure, definition included) and CSV.

Every text cell is guarded against formula injection: a value starting with =, +, -, @, tab or carriage
return is prefixed with an apostrophe, so a spreadsheet shows it as text instead of running it (OWASP CSV
injection). Names of employers, consultants and teams are typed by users and end up in these cells.
"""

import csv
import io
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from cases.models import Complaint
from reporting.figures import PUNCTUALITY_APART, PUNCTUALITY_BANDS
from reporting.numbers import format_number, format_share

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def guard(value):
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


class Share(float):
    """A fraction 0–1 that the writers format as a percentage."""


@dataclass
class Table:
    title: str
    definition: str
    headers: list[str]
    rows: list[list] = field(default_factory=list)


def _share(value):
    return None if value is None else Share(value)


def _status_word(status: str) -> str:
    return {
        "met": _("Nået"),
        "not_met": _("Ikke nået"),
        "no_cases": _("Ingen sager"),
        "no_milestone": _("Ingen milepæl"),
    }[status]


def report_tables(report: dict) -> list[Table]:
    definitions = report["definitions"]
    period = report["period"]
    whole = _("Hele perioden")
    workplace = report["workplace_first_meeting"]
    tables = []

    table = Table(
        _("1. samtale på arbejdspladsen"),
        str(definitions["workplace_first_meeting"]),
        [
            _("Måned"),
            _("Tæller"),
            _("Nævner"),
            _("Andel"),
            _("Tæller, ikke undtaget"),
            _("Nævner, ikke undtaget"),
            _("Andel, ikke undtaget"),
            _("Milepæl (%)"),
            _("Status"),
        ],
    )
    for month, milestone in zip(report["workplace_months"], report["workplace_milestones"], strict=True):
        table.rows.append(
            [
                month["period"].start.strftime("%m-%Y"),
                month["numerator"],
                month["denominator"],
                _share(month["share"]),
                month["numerator_not_exempted"],
                month["denominator_not_exempted"],
                _share(month["share_not_exempted"]),
                milestone.target_percent,
                _status_word(milestone.status),
            ]
        )
    table.rows.append(
        [
            whole,
            workplace["numerator"],
            workplace["denominator"],
            _share(workplace["share"]),
            workplace["numerator_not_exempted"],
            workplace["denominator_not_exempted"],
            _share(workplace["share_not_exempted"]),
            None,
            "",
        ]
    )
    tables.append(table)

    table = Table(
        _("Undtagelser"), str(definitions["workplace_first_meeting"]), [_("Undtagelsesårsag"), _("Sager")]
    )
    table.rows = [[row["label"], row["cases"]] for row in report["exception_reasons"]]
    tables.append(table)

    table = Table(
        _("Rettidig første samtale"),
        str(definitions["first_meeting_on_time"]),
        [_("Måned"), _("Senest D + 55"), _("Nævner"), _("Andel")],
    )
    for month in report["workplace_months"]:
        table.rows.append(
            [
                month["period"].start.strftime("%m-%Y"),
                month["on_time"],
                month["denominator"],
                _share(month["on_time_share"]),
            ]
        )
    on_time = report["first_meeting_on_time"]
    table.rows.append([whole, on_time["numerator"], on_time["denominator"], _share(on_time["share"])])
    tables.append(table)

    table = Table(
        _("Indsats senest uge 13"),
        str(definitions["week13_measure"]),
        [_("Måned"), _("Tæller"), _("Nævner"), _("Andel"), _("Milepæl (%)"), _("Status")],
    )
    for row in report["week13_milestones"]:
        table.rows.append(
            [
                row.period.start.strftime("%m-%Y"),
                row.numerator,
                row.denominator,
                _share(row.share),
                row.target_percent,
                _status_word(row.status),
            ]
        )
    week13 = report["week13_measure"]
    table.rows.append([whole, week13["numerator"], week13["denominator"], _share(week13["share"]), None, ""])
    tables.append(table)

    duration = report["duration"]
    table = Table(
        _("Varighed og afslutningsårsager"),
        str(definitions["duration"]),
        [_("Afslutningsårsag"), _("Tæller som tilbage i arbejde"), _("Sager"), _("Median (dage)")],
    )
    for row in report["closing_reasons"]:
        table.rows.append(
            [
                row["label"],
                _("ja") if row["counts_as_return_to_work"] else _("nej"),
                row["cases"],
                row["median_days"],
            ]
        )
    table.rows.append(
        [_("I alt"), _share(duration["return_to_work_share"]), duration["closed"], duration["median_days"]]
    )
    tables.append(table)

    one = report["one_caseworker"]
    table = Table(
        _("Én sagsbehandler"),
        str(definitions["one_caseworker"]),
        [_("Afsluttede sager"), _("Med én konsulent hele vejen"), _("Andel")],
    )
    table.rows.append([one["denominator"], one["numerator"], _share(one["share"])])
    tables.append(table)

    table = Table(
        _("Skift af konsulent"),
        str(definitions["one_caseworker"]),
        [_("Årsag"), _("Kunne undgås"), _("Skift"), _("Sager")],
    )
    for row in report["handovers"]:
        table.rows.append(
            [
                row["reason__label"],
                _("ja") if row["reason__avoidable"] else _("nej"),
                row["handovers"],
                row["cases"],
            ]
        )
    tables.append(table)

    table = Table(
        _("Sagsstamme"),
        str(definitions["caseload"]),
        [_("Konsulent"), _("Åbne sager"), _("Mål"), _("Over målet")],
    )
    for row in report["caseload"]:
        table.rows.append(
            [row["name"], row["open_cases"], row["target"], _("ja") if row["over_target"] else _("nej")]
        )
    tables.append(table)

    flow = report["flow"]
    table = Table(_("Flow"), str(definitions["flow"]), [_("Mål"), _("Sager")])
    table.rows = [
        [_("Venter på booking"), flow["waiting"]],
        [_("– fristen for uge 8 er overskredet"), flow["bands"]["overdue"]],
        [_("– 0–7 dage til fristen"), flow["bands"]["within_7_days"]],
        [_("– 8–14 dage til fristen"), flow["bands"]["within_14_days"]],
        [_("– mere end 14 dage til fristen"), flow["bands"]["later"]],
        [_("Modtaget i perioden"), flow["received"]],
        [_("Modtaget efter udgangen af uge 7"), flow["late"]],
        [_("Andel modtaget for sent"), _share(flow["late_share"])],
    ]
    tables.append(table)

    table = Table(
        _("Tilbud og progression"),
        str(definitions["offers"]),
        [
            _("Tilbud"),
            _("Køn"),
            _("Besvarelser"),
            _("Positiv udvikling"),
            _("Ingen udvikling"),
            _("Negativ udvikling"),
            _("Andel positiv"),
            _("Andel ingen"),
            _("Andel negativ"),
        ],
    )
    sexes = {"F": _("Kvinde"), "M": _("Mand")}
    for row in report["offers"]:
        table.rows.append(
            [
                row["offer"],
                sexes.get(row["sex"], row["sex"]),
                row["respondents"],
                row["positive"],
                row["unchanged"],
                row["negative"],
                _share(row["positive_share"]),
                _share(row["unchanged_share"]),
                _share(row["negative_share"]),
            ]
        )
    tables.append(table)

    survival = report["survival"]
    headers = [_("Uge")]
    for group in survival.values():
        at_risk, not_back = _("i risiko"), _("endnu ikke tilbage")  # not inside f-strings: makemessages
        headers += [f"{group['label']}: {at_risk}", f"{group['label']}: {not_back}"]
    table = Table(_("Tid til tilbage i arbejde"), str(definitions["survival"]), headers)
    weeks = [row["week"] for row in next(iter(survival.values()))["at_risk"]]
    for index, week in enumerate(weeks):
        row = [week]
        for group in survival.values():
            point = group["at_risk"][index]
            row += [point["at_risk"], _share(point["survival"])]
        table.rows.append(row)
    tables.append(table)

    punctuality = _("Rettidighed")  # not inside the f-string: makemessages
    for kind in report["punctuality"].values():
        apart = kind.get("apart", ())
        table = Table(
            f"{punctuality}: {kind['label']}",
            str(definitions["punctuality"]),
            [
                _("Opdelt efter"),
                _("Gruppe"),
                *(str(label) for label in PUNCTUALITY_BANDS.values()),
                _("I alt"),
                *(str(PUNCTUALITY_APART[code]) for code in apart),
            ],
        )
        groups = [(_("Hele perioden"), [{**kind, "label": ""}])]
        groups += [(_("Team"), kind["team"]), (_("Konsulent"), kind["consultant"])]
        groups += [(_("Kategori"), kind["category"])]
        groups += [
            (_("Måned"), [{**row, "label": row["period"].start.strftime("%m-%Y")} for row in kind["months"]])
        ]
        for dimension, rows in groups:
            for row in rows:
                table.rows.append(
                    [
                        dimension,
                        row["label"],
                        *(row[band] for band in PUNCTUALITY_BANDS),
                        row["total"],
                        *(row[code] for code in apart),
                    ]
                )
        tables.append(table)

    complaints = report["complaints"]
    table = Table(_("Klager"), str(definitions["complaints"]), [_("Nøgletal"), _("Antal"), _("Andel")])
    table.rows = [
        [_("Modtaget i perioden"), complaints["received"], None],
        [_("Genvurderet rettidigt (4 uger)"), complaints["in_time"], _share(complaints["in_time_share"])],
        [_("Ændret af kommunen selv"), complaints["changed_by_municipality"], None],
        [_("Sendt til Ankestyrelsen"), complaints["sent"], None],
        [_("Ankestyrelsens afgørelser i perioden"), complaints["decided"], None],
        *([str(label), complaints["outcomes"][code], None] for code, label in Complaint.Outcome.choices),
        [_("Omgørelsesprocent"), complaints["overturned"], _share(complaints["overturned_share"])],
    ]
    tables.append(table)

    note, period_word = str(definitions["excluded"]), _("Periode")
    for table in tables:
        table.definition = (
            f"{table.definition} {note} {period_word}: {period.start:%d-%m-%Y} – {period.end:%d-%m-%Y}."
        )
    return tables


def _sheet_title(title: str, used: set[str]) -> str:
    cleaned = "".join(ch for ch in title if ch not in "[]:*?/\\")[:31]
    name, number = cleaned, 2
    while name in used:
        name = f"{cleaned[:28]} {number}"
        number += 1
    used.add(name)
    return name


def to_xlsx(tables: list[Table]) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    used: set[str] = set()
    for table in tables:
        sheet = workbook.create_sheet(_sheet_title(table.title, used))
        sheet.append([guard(table.title)])
        sheet["A1"].font = Font(bold=True, size=14)
        sheet.append([guard(table.definition)])
        sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=max(len(table.headers), 1))
        sheet["A2"].alignment = Alignment(wrap_text=True, vertical="top")
        sheet.row_dimensions[2].height = 75
        sheet.append([])
        sheet.append([guard(header) for header in table.headers])
        for cell in sheet[4]:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(wrap_text=True, vertical="bottom")
        for row in table.rows:
            sheet.append([("–" if value is None else guard(value)) for value in row])
            for cell, value in zip(sheet[sheet.max_row], row, strict=False):
                if isinstance(value, Share):
                    cell.number_format = "0.0%"
        for index in range(1, len(table.headers) + 1):
            sheet.column_dimensions[get_column_letter(index)].width = 22 if index > 1 else 34
        sheet.freeze_panes = "A5"
        sheet.print_title_rows = "4:4"
        sheet.page_setup.orientation = "landscape"
        sheet.page_setup.fitToWidth = 1
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _csv_value(value) -> str:
    if value is None:
        return "–"
    if isinstance(value, Share):
        return format_share(value).replace("\u00a0", " ")
    if isinstance(value, float):
        return format_number(value, 1)
    return str(guard(value))


def to_csv(tables: list[Table]) -> str:
    """Semicolon-separated with a byte-order mark, as Danish Excel opens it; one block per figure."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    for table in tables:
        writer.writerow([guard(table.title)])
        writer.writerow([guard(table.definition)])
        writer.writerow([guard(header) for header in table.headers])
        for row in table.rows:
            writer.writerow([_csv_value(value) for value in row])
        writer.writerow([])
    return buffer.getvalue()
