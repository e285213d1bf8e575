import re
import shlex
import sys
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

from loadgen.bench import Bench, markdown, profiles_markdown

START, END = "<!-- bench:results:start -->", "<!-- bench:results:end -->"
PROFILES_START, PROFILES_END = "<!-- bench:profiles:start -->", "<!-- bench:profiles:end -->"


def _replace_block(text: str, start: str, end: str, block: str, *, heading: str) -> str:
    """Put `block` between the markers, replacing what was there; without the markers, a new section at the
    end."""
    if start not in text:
        text = text.rstrip("\n") + f"\n\n{heading}\n\n{start}\n{end}\n"
    before, rest = text.split(start, 1)
    after = rest.split(end, 1)[1] if end in rest else ""
    return f"{before}{start}\n{block}{end}{after}"


def _ensure_database() -> None:
    """Create the (PostgreSQL) benchmark database when it does not exist yet."""
    import psycopg

    config = connection.settings_dict
    name = config["NAME"]
    params = {
        "dbname": "postgres",
        "host": config.get("HOST") or None,
        "port": config.get("PORT") or None,
        "user": config.get("USER") or None,
        "password": config.get("PASSWORD") or None,
    }
    with psycopg.connect(**{k: v for k, v in params.items() if v}, autocommit=True) as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            admin.execute(f'CREATE DATABASE "{name}"')


class Command(BaseCommand):
    help = (
        "Benchmark pages, report, deadline sweep and import at several sizes (generated data; ALL cases of "
        "the database are replaced) and write the Markdown table to docs/benchmarks.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("--sizes", default="10000,100000,1000000", help="comma-separated case counts")
        parser.add_argument("--repeat", type=int, default=30, help="timed requests per page (after warm-up)")
        parser.add_argument("--seed", type=int, default=2017)
        parser.add_argument(
            "--import-rows", type=int, default=10_000, help="rows of the imported sheet (at the largest size)"
        )
        parser.add_argument(
            "--output", default="docs/benchmarks.md", help="Markdown file to update ('' = none)"
        )
        parser.add_argument(
            "--create-database",
            action="store_true",
            help="create the PostgreSQL database and migrate it first",
        )
        parser.add_argument(
            "--profile",
            action="store_true",
            help="also run each page under cProfile at the largest size and write the 'Profiles' section",
        )

    def handle(
        self, *args, sizes, repeat, seed, output, create_database, import_rows, profile=False, **options
    ):
        name = str(connection.settings_dict["NAME"])
        if not re.search(r"bench|test|memorydb", Path(name).name):
            raise CommandError(
                f"The benchmark replaces every case in the database; '{name}' is not named like a benchmark "
                "or test database (…bench…). Point DATABASE_URL at one, e.g. postgres://…/sof_bench."
            )
        if connection.vendor != "postgresql":
            self.stderr.write(
                "Warning: not PostgreSQL; the figures are not the ones docs/benchmarks.md asks for."
            )
        if create_database and connection.vendor == "postgresql":
            _ensure_database()
            call_command("migrate", interactive=False, verbosity=0)
        size_list = [int(part.replace("_", "")) for part in sizes.split(",") if part.strip()]
        if not size_list or min(size_list) < 1:
            raise CommandError("--sizes needs positive case counts")
        started = timezone.localtime()
        bench = Bench(
            sizes=size_list,
            repeat=repeat,
            seed=seed,
            log=self.stdout.write,
            import_rows=import_rows,
            profile=profile,
        )
        bench.run()
        command = "manage.py bench " + shlex.join(sys.argv[2:]) if "bench" in sys.argv[1:2] else "make bench"
        table = markdown(bench, command=command, started=started, finished=timezone.localtime())
        self.stdout.write("")
        self.stdout.write(table)
        profiles = profiles_markdown(bench, command=command, started=started) if profile else ""
        if output:
            path = Path(output)
            if not path.is_absolute():
                path = Path(settings.BASE_DIR) / path
            text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
            text = _replace_block(text, START, END, table, heading="## Results")
            if profiles:
                text = _replace_block(text, PROFILES_START, PROFILES_END, profiles, heading="## Profiles")
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            self.stdout.write(f"Written to {path}")
