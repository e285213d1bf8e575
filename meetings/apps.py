from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = _("Mødebooking")

    def ready(self):
        from cases.services.retention import case_data_eraser_register
        from meetings import services
        from outbox.registry import handler_register

        case_data_eraser_register(services.meeting_data_erase)
        # What the outbox delivers for this app (services put the messages; no service imports a task).
        handler_register(
            services.INVITATIONS, lambda meeting_id: services.meeting_invitations_send(meeting_id=meeting_id)
        )
        handler_register(
            services.CANCELLATION,
            lambda meeting_id: services.meeting_cancellation_send(meeting_id=meeting_id),
        )
