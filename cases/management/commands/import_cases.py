"""`manage.py import_cases FILE [--dry-run]`: the contract of formats.md §1."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cases.services.imports import ImportFileError, cases_import


class Command(BaseCommand):
    help = "Import sick-leave cases from a monitoring sheet (CSV or XLSX, formats.md §1). All or nothing."

    def add_arguments(self, parser):
        parser.add_argument("file", help="CSV (UTF-8, comma or semicolon separated) or XLSX file")
        parser.add_argument("--dry-run", action="store_true", help="validate only; save nothing")

    def handle(self, *args, file: str, dry_run: bool, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"{file}: no such file")
        try:
            result = cases_import(data=path.read_bytes(), filename=path.name, dry_run=dry_run)
        except ImportFileError as error:
            raise CommandError(str(error)) from None
        if result.errors:
            for error in result.errors:
                self.stderr.write(str(error))
            raise CommandError(f"{len(result.errors)} error(s); nothing was imported")
        if dry_run:
            self.stdout.write("dry run: the file is valid; nothing was saved")
        self.stdout.write(result.summary)
