import random

from django.core.management.base import BaseCommand

from cases.demo import seed_cases, seed_employers, seed_restricted_cases, seed_second_municipality_cases
from meetings.demo import seed_calendars
from reporting.demo import seed_municipality_milestones
from staff.demo import DEMO_PASSWORD, seed_conversion_programme, seed_organisation


class Command(BaseCommand):
    help = "Load deterministic demo data (idempotent: running it again changes nothing) and print the logins."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2017, help="random seed (default 2017)")

    def handle(self, *args, seed: int, **options):
        rng = random.Random(seed)
        logins = seed_organisation(rng)
        employers = seed_employers(rng)
        demo_cases = seed_cases(rng) + seed_second_municipality_cases(random.Random(seed))
        self.stdout.write(f"Demo cases created: {demo_cases} (0 when they exist already).")
        self.stdout.write(f"Restricted demo cases (beskyttet sag): {seed_restricted_cases()}.")
        seed_conversion_programme(random.Random(seed))
        seed_municipality_milestones()
        calendars, meetings = seed_calendars(random.Random(seed))
        self.stdout.write(f"Demo data ready: {len(logins)} staff, {len(employers)} employers.")
        self.stdout.write(f"Calendars: {calendars} consultants, {meetings} meetings booked now.")
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for username, role in logins:
            self.stdout.write(f"  {username:<12} {role}")
