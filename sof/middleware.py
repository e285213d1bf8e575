"""Project-wide response hardening (issue 9)."""

import time
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import Resolver404, resolve, reverse

from staff.two_factor import VERIFY, two_factor_pending

# No inline scripts and no eval: scripts come from our own static files only (templates use data-*
# attributes and static/sof.js instead of onclick=…). Inline styles are allowed: Bootstrap's and htmx's
# components set style attributes; styles cannot run code.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        return response


class NoStoreMiddleware:
    """Cache-Control: no-store on every response Django makes (issue 17), so no browser, proxy or shared
    computer keeps a page or file with personal or health data: case pages, lists, letters (PDF), calendar
    invitations and feeds, exports, API answers, error pages. Every response rather than only a signed-in
    user's: the calendar feed (a secret token in the URL) and the API (a token in a header, unknown to this
    middleware) carry personal data without a session, and nothing dynamic here gains from a cache. Static
    files are served by WhiteNoise before this runs and keep their long cache headers. A view opts out with
    staff.decorators.cache_allowed; a view's own Cache-Control is kept only when it already says no-store
    (django's never_cache)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if getattr(response, "cache_allowed", False):
            return response
        if "no-store" not in response.headers.get("Cache-Control", ""):
            response.headers["Cache-Control"] = "no-store"
        return response


class UploadSizeLimitMiddleware:
    """Refuse a request body above settings.UPLOAD_MAX_MEGABYTES before anything reads it, with a page that
    says so (413), instead of a broken connection or a generic error."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = settings.UPLOAD_MAX_MEGABYTES * 1024 * 1024
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > limit:
            return render(request, "413.html", {"limit_megabytes": settings.UPLOAD_MAX_MEGABYTES}, status=413)
        return self.get_response(request)


# Idle sign-out: the session expires SESSION_COOKIE_AGE after it was last saved. Saving on every request
# (SESSION_SAVE_EVERY_REQUEST) would cost a write per request; instead the session is touched at most every
# few minutes, so a user is signed out between SESSION_IDLE_MINUTES - ACTIVITY_REFRESH and
# SESSION_IDLE_MINUTES after their last request.
ACTIVITY_KEY = "sof_activity_at"
ACTIVITY_REFRESH_SECONDS = 5 * 60


def session_activity_mark(sender, request, user, **kwargs):
    """user_logged_in receiver: the login saves the session anyway, so marking it costs nothing."""
    request.session[ACTIVITY_KEY] = int(time.time())


class SessionActivityMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        if session is not None and request.user.is_authenticated:
            now = int(time.time())
            if now - session.get(ACTIVITY_KEY, 0) >= ACTIVITY_REFRESH_SECONDS:
                session[ACTIVITY_KEY] = now  # modified: saved with a new expiry at the end of the request
        return self.get_response(request)


# Two-factor sign-in (issue 9, staff/two_factor.py). A user who still owes a code reaches only these pages;
# everything else (the admin too) redirects to the verification or enrolment page, keeping where they were
# going in `next`. Static files are served by WhiteNoise before this runs; the prefix is here for runserver.
TWO_FACTOR_OPEN_VIEWS = {
    "staff:two_factor_setup",
    "staff:two_factor_verify",
    "logout",
    "set_language",
    "healthz",
}


class TwoFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        step = two_factor_pending(request)
        if not step or self._is_open(request.path_info):
            return self.get_response(request)
        target = reverse("staff:two_factor_verify" if step == VERIFY else "staff:two_factor_setup")
        if request.method == "GET" and not request.headers.get("HX-Request"):
            target = f"{target}?{urlencode({'next': request.get_full_path()})}"
        if request.headers.get("HX-Request"):
            # An htmx fragment (the alert bell) would otherwise get the whole page swapped into it.
            response = HttpResponse(status=204)
            response["HX-Redirect"] = target
            return response
        return HttpResponseRedirect(target)

    @staticmethod
    def _is_open(path: str) -> bool:
        if path.startswith(settings.STATIC_URL):
            return True
        try:
            return resolve(path).view_name in TWO_FACTOR_OPEN_VIEWS
        except Resolver404:
            return False
