from django.core.management.base import BaseCommand, CommandError

from cases.services.deadlines import cases_deadlines_rebuild


class Command(BaseCommand):
    help = (
        "Recompute every case's stored deadlines (CaseDeadline rows and the next deadline) from its facts "
        "and report each that differed. --check writes nothing and fails when any differs (CI runs it)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="report only; exit 1 when any row differs")

    def handle(self, *args, check: bool, **options):
        result = cases_deadlines_rebuild(check=check)
        self.stdout.write(
            f"cases={result.cases} rows={result.rows} differences={result.differences} "
            f"(missing={result.created} differing={result.updated} extra={result.deleted} "
            f"next_deadline={result.next_changed})"
        )
        for line in result.examples:
            self.stdout.write(f"  {line}")
        if check and result.differences:
            raise CommandError(f"{result.differences} stored deadlines differ from the facts")
        if not check and result.differences:
            self.stdout.write(f"corrected {result.differences}")
