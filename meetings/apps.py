from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = _("Mødebooking")

    def ready(self):
        from cases.services.retention import case_data_eraser_register
        from meetings.services import meeting_data_erase

        case_data_eraser_register(meeting_data_erase)
