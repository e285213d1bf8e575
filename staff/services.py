from django.contrib.auth.models import Group, Permission
from django.db import transaction

from staff.roles import Role

# The administrator sets the product up; case contents are not theirs (unless they are also a leader).
ADMINISTRATOR_APPS = ["staff", "visitation"]
ADMINISTRATOR_MODELS = [("cases", "employer")]


@transaction.atomic
def role_permissions_grant() -> None:
    """Give the administrator group the model permissions of the setup data (idempotent)."""
    group, _ = Group.objects.get_or_create(name=Role.ADMINISTRATOR)
    permissions = Permission.objects.filter(content_type__app_label__in=ADMINISTRATOR_APPS)
    for app_label, model in ADMINISTRATOR_MODELS:
        permissions |= Permission.objects.filter(content_type__app_label=app_label, content_type__model=model)
    group.permissions.add(*permissions)
