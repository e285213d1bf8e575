"""Login lock-out after repeated failures (issues 9 and 17): a small model-based throttle in the login forms.

Rules, counted over the last settings.LOGIN_LOCKOUT_MINUTES:
- A user name with settings.LOGIN_FAILURE_LIMIT failed attempts is locked for the rest of the window, even
  with the right password, from every address (a password guessed slowly from many addresses is stopped).
- The pair (address, user name) is locked at the same limit. At equal limits this is contained in the
  user-name rule (every failure of the pair is a failure of the user name), so one count decides both; it is
  named here because it is the rule a reader looks for (django-axes' [["username", "ip_address"],
  "username"]).
- An address is never locked as a whole. A job centre sits behind one municipal NAT address, so an address
  lock let anyone lock out the whole office (issue 17). An address with ADDRESS_FACTOR times the limit of
  failures (guessing many user names) is slowed instead: each further *failed* attempt from it is answered
  ADDRESS_FAILURE_DELAY_SECONDS late. The password is checked first and the delay follows a failure only, so
  an account that did not fail itself always gets in at once with its right password.
Locks are checked before the password is, so a locked account tells nothing about the password. A successful
login clears the user name's failures.

Why a short sleep and not a per-address refusal: any refusal that comes before the password check would also
refuse a colleague behind the same address, and one that comes after it slows nothing (the guess has been
checked). The sleep holds a web worker for one second (no CPU), only on a failed attempt from an address that
is already over its limit, so a guesser sending one attempt after another gets several times fewer guesses a
minute; it is never longer, whatever the count, so guessers in parallel cannot pile up long-held workers.

Why not django-axes (re-checked for issue 17): axes' combination lock-out, AXES_LOCKOUT_PARAMETERS =
[["username", "ip_address"], "username"], gives the two locks above but nothing that slows an address guessing
many names without locking it; its AxesBackend still demands a request in every authenticate() call (Django's
test client login and management commands pass none); and it is one more dependency for one query per login.
"""

import datetime as dt
import logging
import time

from django import forms
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from staff.models import LoginFailure

logger = logging.getLogger(__name__)
ADDRESS_FACTOR = 4  # failures from one address (on any user names) before its failed attempts are slowed
ADDRESS_FAILURE_DELAY_SECONDS = 1.0
_sleep = time.sleep  # replaced in tests


def _window_start() -> dt.datetime:
    return timezone.now() - dt.timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)


def _address(request) -> str | None:
    return request.META.get("REMOTE_ADDR") or None if request is not None else None


def _recent_failures():
    return LoginFailure.objects.filter(failed_at__gte=_window_start())


def login_is_locked(*, username: str, remote_addr: str | None = None) -> bool:
    """Locked by user name (which contains the lock of the pair (address, user name)); never by address."""
    return _recent_failures().filter(username__iexact=username).count() >= settings.LOGIN_FAILURE_LIMIT


def address_is_slowed(*, remote_addr: str | None) -> bool:
    """An address with many recent failures, whatever the user names: its failed attempts are slowed."""
    if not remote_addr:
        return False
    limit = settings.LOGIN_FAILURE_LIMIT * ADDRESS_FACTOR
    return _recent_failures().filter(remote_addr=remote_addr).count() >= limit


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
                if address_is_slowed(remote_addr=address):
                    _sleep(ADDRESS_FAILURE_DELAY_SECONDS)
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
