"""`manage.py milestone_report --from DATE --to DATE [--team SLUG] --format json|csv` (formats.md §2)."""

import csv
import datetime as dt
import json

from django.core.management.base import BaseCommand, CommandError

from reporting.figures import Period, milestone_report, milestone_report_rows
from reporting.selectors import report_cases
from staff.models import Team


def _date(value: str) -> dt.date:
    for pattern in ("%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            return dt.datetime.strptime(value, pattern).date()  # noqa: DTZ007 (a calendar date, no time)
        except ValueError:
            continue
    raise CommandError(f"'{value}' is not a date (use YYYY-MM-DD or DD-MM-YYYY).")


class Command(BaseCommand):
    help = "Print the SOF milestone figures for the closed interval [from, to] as JSON or CSV."

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="start", required=True, help="first day, YYYY-MM-DD")
        parser.add_argument("--to", dest="end", required=True, help="last day, YYYY-MM-DD (inclusive)")
        parser.add_argument("--team", help="only the cases of the team with this short name (slug)")
        parser.add_argument("--format", dest="output_format", choices=["json", "csv"], default="json")

    def handle(self, *args, start: str, end: str, team: str | None, output_format: str, **options):
        period = Period(_date(start), _date(end))
        if period.end < period.start:
            raise CommandError(f"The period ends ({period.end}) before it starts ({period.start}).")
        selected_team = None
        if team is not None:
            selected_team = Team.objects.filter(slug=team).first()
            if selected_team is None:
                known = ", ".join(Team.objects.order_by("slug").values_list("slug", flat=True)) or "none"
                raise CommandError(f"Unknown team '{team}'. Known teams: {known}.")
        report = milestone_report(report_cases(team=selected_team), period)
        if output_format == "json":
            self.stdout.write(json.dumps(report, indent=2, ensure_ascii=False))
        else:
            writer = csv.writer(self.stdout, lineterminator="\n")
            writer.writerow(["figure", "measure", "value"])
            for figure, measure, value in milestone_report_rows(report):
                writer.writerow([figure, measure, "" if value is None else value])
