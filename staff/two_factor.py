"""Two-factor sign-in with TOTP codes from an authenticator app (issue 9), on django-otp's TOTP plugin.

Who owes a code is decided once, when the password login succeeds (`two_factor_mark_on_login`, a
user_logged_in receiver), and kept in the session, so that ordinary requests cost no extra query:
- a user with a confirmed device must enter a code ("verify"), whether or not it is required;
- otherwise, when settings.TWO_FACTOR_REQUIRED is on, a leader, administrator or superuser must first set
  up a device ("enrol");
- everybody else signs in with the password alone.
sof.middleware.TwoFactorMiddleware sends a user who owes a code to the verification or enrolment page until
django-otp marks the session verified (django_otp.login).

Wrong codes are throttled by django-otp itself (ThrottlingMixin: after n failures in a row the device refuses
every code for 2^(n-1) seconds), not by the password lock-out in staff/auth.py: the user already holds a
session, and a lock-out by user name would let anyone who knows a leader's name lock them out. A code is
accepted once only: the device remembers the time step of the last accepted code (TOTPDevice.last_t).
Neither the key nor a code is ever logged or written to the audit log.
"""

import logging
import math
from base64 import b32encode

import segno
from django.conf import settings
from django.contrib.auth import SESSION_KEY as AUTH_SESSION_KEY
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from staff.audit import audit_record
from staff.models import AuditEntry
from staff.roles import Role

logger = logging.getLogger(__name__)

SESSION_KEY = "sof_two_factor"
VERIFY = "verify"  # has a confirmed device: enter a code
ENROL = "enrol"  # must set up a device first
NONE = ""  # password alone
REQUIRED_ROLES = (Role.LEADER, Role.ADMINISTRATOR)
DEVICE_NAME = "Godkendelsesapp"

WRONG_CODE = _("Koden er forkert eller allerede brugt. Vent på den næste kode i appen, og prøv igen.")
THROTTLED = _("For mange forkerte koder. Vent %(seconds)s sekunder, og prøv igen.")


# Selectors -------------------------------------------------------------------------------------------------


def two_factor_required_for(user: AbstractBaseUser) -> bool:
    """Leaders, administrators and superusers must use a second factor when the setting is on.
    Reads the groups directly rather than through roles_of, whose cache on the user object would outlive
    a role change made later on the same object."""
    if not settings.TWO_FACTOR_REQUIRED or not user.is_authenticated:
        return False
    return user.is_superuser or user.groups.filter(name__in=REQUIRED_ROLES).exists()


def totp_devices_confirmed(user: AbstractBaseUser) -> QuerySet[TOTPDevice]:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("id")


def two_factor_step(user: AbstractBaseUser) -> str:
    if totp_devices_confirmed(user).exists():
        return VERIFY
    if two_factor_required_for(user):
        return ENROL
    return NONE


def two_factor_pending(request: HttpRequest) -> str:
    """VERIFY or ENROL while the signed-in user still owes a code in this session, else NONE.
    Costs no query for a user who owes nothing (the step is in the session since the login)."""
    session = getattr(request, "session", None)
    if session is None or AUTH_SESSION_KEY not in session:
        return NONE  # not signed in
    step = session.get(SESSION_KEY)
    if step is None:
        # A session from before this feature, or a login that bypassed the signal: decide once, keep it.
        if not request.user.is_authenticated:
            return NONE
        step = session[SESSION_KEY] = two_factor_step(request.user)
    if step == ENROL and not settings.TWO_FACTOR_REQUIRED:
        return NONE
    if step in (VERIFY, ENROL) and not request.user.is_verified():
        return step
    return NONE


def two_factor_mark_on_login(sender, request, user, **kwargs) -> None:
    """user_logged_in receiver: decide what the new session owes (saved with the login's own write)."""
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_KEY] = two_factor_step(user)


def totp_secret_for_display(device: TOTPDevice) -> str:
    """The key as authenticator apps take it typed in: base32, in groups of four."""
    secret = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def totp_qr_svg(device: TOTPDevice) -> SafeString:
    """The otpauth:// address as an inline SVG QR code, drawn on the server (no script, no external image)."""
    qr = segno.make(device.config_url, error="m")
    # segno escapes the title; the rest of the SVG is paths drawn from the matrix.
    return mark_safe(qr.svg_inline(scale=5, border=4, title=str(_("QR-kode til godkendelsesappen"))))


# Services --------------------------------------------------------------------------------------------------


def totp_device_for_enrolment(*, user: AbstractBaseUser) -> TOTPDevice:
    """The user's device being set up: the same unconfirmed one on every visit, so a reload keeps the QR code
    that may already be scanned."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-id").first()
    if device is None:
        device = TOTPDevice(user=user, name=DEVICE_NAME, confirmed=False)
        device.full_clean()
        device.save()
    return device


def _refusal(device: TOTPDevice) -> ValidationError | None:
    allowed, details = device.verify_is_allowed()
    if allowed:
        return None
    wait = (details or {}).get("locked_until")
    seconds = max(1, math.ceil((wait - timezone.now()).total_seconds())) if wait else 1
    throttled = ValidationError(THROTTLED, code="throttled", params={"seconds": seconds})
    return ValidationError({"code": throttled})


def _check_code(*, devices: QuerySet[TOTPDevice], token: str, username: str) -> TOTPDevice:
    """The device that accepts the code; else ValidationError on the field `code`.
    The failure count that throttles the next attempt is saved before the error is raised, outside the
    transaction (an error raised inside would roll the count back). The rows are locked while checked so two
    requests cannot both use one code."""
    refusal = None
    with transaction.atomic():
        for device in devices.select_for_update():
            refusal = _refusal(device)
            if refusal is not None:
                continue
            if device.verify_token(token):  # saves last_t (no reuse) or the failure count
                return device
            refusal = ValidationError({"code": ValidationError(WRONG_CODE, code="wrong")})
    logger.warning("Two-factor code refused for user name %r", username)
    raise refusal or ValidationError({"code": ValidationError(WRONG_CODE, code="wrong")})


def totp_device_confirm(*, request: HttpRequest, device: TOTPDevice, token: str) -> TOTPDevice:
    """Confirm a device being set up with its first code, sign the session in with it, drop any other
    unconfirmed device of the user, and record the enrolment in the audit log (never the key or the code)."""
    device = _check_code(
        devices=TOTPDevice.objects.filter(pk=device.pk, user=request.user, confirmed=False),
        token=token,
        username=request.user.get_username(),
    )
    with transaction.atomic():
        device.confirmed = True
        device.full_clean()
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=request.user, confirmed=False).delete()
        audit_record(request=request, action=AuditEntry.Action.CREATE, object_type="totp_device")
    _sign_in(request, device)
    return device


def totp_verify(*, request: HttpRequest, token: str) -> TOTPDevice:
    """Check a code against the user's confirmed devices and mark the session verified."""
    device = _check_code(
        devices=totp_devices_confirmed(request.user),
        token=token,
        username=request.user.get_username(),
    )
    _sign_in(request, device)
    return device


def _sign_in(request: HttpRequest, device: TOTPDevice) -> None:
    # A new session key on the step up, as Django does on login: a key seen before the code is worth nothing.
    request.session.cycle_key()
    otp_login(request, device)
    request.session[SESSION_KEY] = VERIFY
