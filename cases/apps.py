from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("Sager")

    def ready(self):
        # The staff pages' demand and caseload columns come from case data; staff may not import cases.
        from cases.selectors.staffing import new_category_2_3_cases_by_month, open_cases_by_consultant
        from staff import hooks

        hooks.first_meeting_demand_register(new_category_2_3_cases_by_month)
        hooks.caseload_register(open_cases_by_consultant)

        # What the outbox delivers for this app (services put the messages; no service imports a task).
        from cases.services import alerts
        from outbox.registry import handler_register

        handler_register(alerts.DIGEST, lambda digest_id: alerts.alert_digest_send(digest_id=digest_id))

        connection_created.connect(_register_sqlite_functions)


def _register_sqlite_functions(sender, connection, **kwargs):
    """SQLite computes the folded names (cases/folding.py) with the same Python function as the search."""
    if connection.vendor == "sqlite":
        from cases.folding import fold_or_none

        connection.connection.create_function("sof_fold", 1, fold_or_none, deterministic=True)
