"""Login lock-out after repeated failures (issue 9): a small model-based throttle in the login forms.

After settings.LOGIN_FAILURE_LIMIT failed attempts for one user name within LOGIN_LOCKOUT_MINUTES, that
user name is locked for the rest of the window, even with the right password; one address that fails four
times that often (guessing many user names) is locked the same way. A successful login clears the user
name's failures. Checked before the password is, so a locked account tells nothing about the password.
(django-axes would do the same, but its backend demands a request in every authenticate() call, which
Django's test client login and management commands do not pass.)"""

import datetime as dt
import logging

from django import forms
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from staff.models import LoginFailure

logger = logging.getLogger(__name__)
ADDRESS_FACTOR = 4  # failures from one address allowed relative to one user name


def _window_start() -> dt.datetime:
    return timezone.now() - dt.timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)


def _address(request) -> str | None:
    return request.META.get("REMOTE_ADDR") or None if request is not None else None


def login_is_locked(*, username: str, remote_addr: str | None) -> bool:
    recent = LoginFailure.objects.filter(failed_at__gte=_window_start())
    if recent.filter(username__iexact=username).count() >= settings.LOGIN_FAILURE_LIMIT:
        return True
    return bool(
        remote_addr
        and recent.filter(remote_addr=remote_addr).count() >= settings.LOGIN_FAILURE_LIMIT * ADDRESS_FACTOR
    )


def login_failure_record(*, username: str, remote_addr: str | None) -> None:
    LoginFailure.objects.create(username=username[:150], remote_addr=remote_addr)
    logger.warning("Failed login for user name %r from %s", username[:150], remote_addr or "unknown")


def login_failures_clear(*, username: str) -> None:
    LoginFailure.objects.filter(username__iexact=username).delete()


class LockoutMixin:
    error_messages = {
        **AuthenticationForm.error_messages,
        "locked": _(
            "For mange mislykkede forsøg. Kontoen er låst i %(minutes)s minutter. Kontakt en "
            "administrator, hvis du har glemt din adgangskode."
        ),
    }

    def clean(self):
        username = (self.cleaned_data.get("username") or "").strip()
        address = _address(self.request)
        if username and login_is_locked(username=username, remote_addr=address):
            raise forms.ValidationError(
                self.error_messages["locked"],
                code="locked",
                params={"minutes": settings.LOGIN_LOCKOUT_MINUTES},
            )
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            if username:
                login_failure_record(username=username, remote_addr=address)
            raise
        login_failures_clear(username=username)
        return cleaned


class LockoutAuthenticationForm(LockoutMixin, AuthenticationForm):
    error_messages = LockoutMixin.error_messages


class LockoutAdminAuthenticationForm(LockoutMixin, AdminAuthenticationForm):
    error_messages = {
        **AdminAuthenticationForm.error_messages,
        "locked": LockoutMixin.error_messages["locked"],
    }
