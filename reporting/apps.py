from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    name = "reporting"
    verbose_name = _("Rapportering")

    def ready(self):
        # What the outbox delivers for this app (services put the messages; no service imports a task).
        from outbox.registry import handler_register
        from reporting import services

        handler_register(
            services.MONTHLY_REPORT, lambda mail_id: services.monthly_report_send(mail_id=mail_id)
        )
