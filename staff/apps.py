from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _grant_role_permissions(sender, app_config, **kwargs):
    # post_migrate is sent once per app, in INSTALLED_APPS order, each after that app's permissions are
    # created; "sof" is the last app, so by then every setup model's permissions exist.
    if app_config.name != "sof":
        return
    from staff.services import role_permissions_grant

    role_permissions_grant()


class StaffConfig(AppConfig):
    name = "staff"
    verbose_name = _("Organisation og medarbejdere")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from staff.two_factor import two_factor_mark_on_login

        post_migrate.connect(_grant_role_permissions, dispatch_uid="staff_role_permissions")
        # What the new session owes before the second factor (staff/two_factor.py).
        user_logged_in.connect(two_factor_mark_on_login, dispatch_uid="staff_two_factor")
