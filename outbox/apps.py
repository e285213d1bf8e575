from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutboxConfig(AppConfig):
    """Everything that leaves the system (e-mails, digests, reports) goes through the outbox. The app imports
    no other project app: the apps that send register their delivering services here (outbox/registry.py)."""

    name = "outbox"
    verbose_name = _("Udbakke")

    def ready(self):
        # Registers outbox.deliver in every process, the web server's too: services hand messages to the
        # broker by the task's name (outbox/services.py), so that no service imports a tasks module.
        from outbox import tasks  # noqa: F401
