"""The two-factor pages: set up an authenticator app, and enter its code after the password.

Thin views over staff/two_factor.py. Both pages are reachable while sof.middleware.TwoFactorMiddleware holds
the user back; both are never cached (the set-up page shows the key). `next` is followed only when it points
to this site."""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponseRedirect
from django.shortcuts import render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from staff import two_factor
from staff.forms import TotpCodeForm
from staff.views import _show_errors


def _next_url(request: HttpRequest) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return ""


def _redirect(url_name: str, next_url: str) -> HttpResponseRedirect:
    url = reverse(url_name)
    return HttpResponseRedirect(f"{url}?{urlencode({'next': next_url})}" if next_url else url)


def _done(next_url: str) -> HttpResponseRedirect:
    return HttpResponseRedirect(next_url or resolve_url(settings.LOGIN_REDIRECT_URL))


@never_cache
@login_required
def two_factor_setup(request):
    next_url = _next_url(request)
    devices = two_factor.totp_devices_confirmed(request.user)
    if request.user.is_verified():
        return render(request, "staff/two_factor_enabled.html", {"device": devices.last()})
    if devices.exists():
        return _redirect("staff:two_factor_verify", next_url)
    device = two_factor.totp_device_for_enrolment(user=request.user)
    form = TotpCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            two_factor.totp_device_confirm(request=request, device=device, token=form.cleaned_data["code"])
        except ValidationError as error:
            _show_errors(form, error)
        else:
            messages.success(request, _("To-trinsbekræftelse er slået til."))
            return _done(next_url)
    context = {
        "form": form,
        "next": next_url,
        "qr_svg": two_factor.totp_qr_svg(device),
        "secret": two_factor.totp_secret_for_display(device),
        "required": two_factor.two_factor_required_for(request.user),
        "two_factor_pending": bool(two_factor.two_factor_pending(request)),
    }
    return render(request, "staff/two_factor_setup.html", context)


@never_cache
@login_required
def two_factor_verify(request):
    next_url = _next_url(request)
    if request.user.is_verified():
        return _done(next_url)
    if not two_factor.totp_devices_confirmed(request.user).exists():
        # The device was removed (a superuser deletes a lost one): decide again what this session owes.
        request.session[two_factor.SESSION_KEY] = two_factor.two_factor_step(request.user)
        if two_factor.two_factor_pending(request):
            return _redirect("staff:two_factor_setup", next_url)
        return _done(next_url)
    form = TotpCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            two_factor.totp_verify(request=request, token=form.cleaned_data["code"])
        except ValidationError as error:
            _show_errors(form, error)
        else:
            return _done(next_url)
    context = {"form": form, "next": next_url, "two_factor_pending": True}
    return render(request, "staff/two_factor_verify.html", context)
