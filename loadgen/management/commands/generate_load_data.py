from django.core.management.base import BaseCommand, CommandError

from loadgen.load_data import delete_case_data, generate_load_data


class Command(BaseCommand):
    help = (
        "Generate realistic synthetic cases at scale for the benchmarks (docs/benchmarks.md): N "
        "municipalities over Y years, the demo data's distributions, written with COPY on PostgreSQL."
    )

    def add_arguments(self, parser):
        parser.add_argument("--municipalities", type=int, required=True, help="number of municipalities")
        parser.add_argument("--years", type=float, required=True, help="years of first days of absence")
        parser.add_argument("--seed", type=int, default=2017, help="random seed (default 2017)")
        parser.add_argument(
            "--cases",
            type=int,
            default=None,
            help="total number of cases (default: 4,000 a year per average municipality, municipality 1 "
            "three times that)",
        )
        parser.add_argument(
            "--replace",
            action="store_true",
            help="first delete ALL cases, persons, employers and alerts and the generated organisation "
            "(for a benchmark database only)",
        )

    def handle(self, *args, municipalities, years, seed, cases, replace, **options):
        if municipalities < 1 or years <= 0 or (cases is not None and cases < 1):
            raise CommandError("--municipalities, --years and --cases must be positive")
        if replace:
            delete_case_data()
        result = generate_load_data(
            municipalities=municipalities,
            years=years,
            seed=seed,
            cases=cases,
            log=lambda message: self.stdout.write(message) if options["verbosity"] > 1 else None,
        )
        if options["verbosity"] > 1:
            for table, seconds in result.write_seconds.items():
                self.stdout.write(
                    f"  {table}: {result.by_table.get(table, 0)} rows written in {seconds:.1f} s"
                )
        self.stdout.write(
            f"cases={result.cases} open={result.open_cases} persons={result.persons} "
            f"employers={result.employers} staff={result.staff} municipalities={result.municipalities} "
            f"rows={result.rows} seconds={result.seconds:.1f}"
        )
