"""The four roles of the product. A role is a Django group created by a data migration."""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    CONSULTANT = "consultant", _("Fastholdelseskonsulent")
    BOOKER = "booker", _("Mødebooker")
    LEADER = "leader", _("Leder")
    ADMINISTRATOR = "administrator", _("Administrator")


# Where each role starts (URL names); the first matching role in this order wins.
START_PAGES = [
    (Role.LEADER, "reporting:dashboard"),
    (Role.BOOKER, "meetings:queue"),
    (Role.CONSULTANT, "cases:my_cases"),
    (Role.ADMINISTRATOR, "admin:index"),
]


def roles_of(user: AbstractBaseUser | AnonymousUser) -> set[str]:
    """The user's roles, read once per request object and cached on it."""
    if not user.is_authenticated:
        return set()
    if not hasattr(user, "_sof_roles"):
        user._sof_roles = set(user.groups.filter(name__in=Role.values).values_list("name", flat=True))
    return user._sof_roles


def has_role(user, *roles: str) -> bool:
    return bool(roles_of(user) & set(roles))


def start_page(user) -> str | None:
    for role, url_name in START_PAGES:
        if role in roles_of(user):
            return url_name
    return None
