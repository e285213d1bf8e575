"""Bearer tokens of API clients (api.models.ApiClient), scopes and per-client rate limits."""

from django.contrib.auth.models import AnonymousUser
from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions, permissions, throttling

from api.models import ApiClient, token_hash


class ClientTokenAuthentication(authentication.BaseAuthentication):
    """`Authorization: Bearer <token>`. The request's user stays anonymous (a client is not a person); the
    client is `request.auth`. A missing, unknown, revoked or expired token is one and the same 401."""

    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].decode(errors="replace") != self.keyword:
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed()
        client = (
            ApiClient.objects.select_related("municipality", "intake_team")
            .filter(token_hash=token_hash(header[1].decode(errors="replace")))
            .first()
        )
        if client is None or not client.is_usable(timezone.now()):
            raise exceptions.AuthenticationFailed()
        return AnonymousUser(), client

    def authenticate_header(self, request):
        return self.keyword  # makes DRF answer 401 (with WWW-Authenticate), not 403, without a token


class HasScope(permissions.BasePermission):
    """The view's `required_scope` must be one of the client's scopes."""

    def has_permission(self, request, view):
        client = request.auth
        if not isinstance(client, ApiClient):
            raise exceptions.NotAuthenticated()
        return view.required_scope in client.scopes


class ClientRateThrottle(throttling.SimpleRateThrottle):
    """Requests per client (API_RATE_LIMIT, e.g. "120/min"); 429 with Retry-After beyond it."""

    scope = "client"

    def get_cache_key(self, request, view):
        if not isinstance(request.auth, ApiClient):
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.auth.pk}


class ClientTokenScheme(OpenApiAuthenticationExtension):
    """How the schema (docs/openapi.yaml) names the token: HTTP bearer."""

    target_class = ClientTokenAuthentication
    name = "clientToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "The client's token (admin: API-klienter).",
        }
