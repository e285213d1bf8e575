from django.apps import AppConfig


class SofConfig(AppConfig):
    name = "sof"
    verbose_name = "SOF"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from sof.middleware import session_activity_mark

        user_logged_in.connect(session_activity_mark, dispatch_uid="sof_session_activity")
