from django.core.management.base import BaseCommand

from cases.services.deadlines import cases_deadlines_refresh_all


class Command(BaseCommand):
    help = "Recompute the stored next deadline of every open case (after a rule set was changed)."

    def add_arguments(self, parser):
        parser.add_argument("--rule-set", type=int, default=None, help="only cases under this rule set id")

    def handle(self, *args, rule_set: int | None, **options):
        count = cases_deadlines_refresh_all(rule_set_id=rule_set)
        self.stdout.write(f"refreshed={count}")
