"""Errors as RFC 9457 problem details (application/problem+json), naming the field at fault."""

from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.views import exception_handler

PROBLEM_TYPE = "https://sof.example.dk/problemer/"


def _flatten(detail, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested error detail as {"field": ["message", …]} (nested fields joined with dots)."""
    if isinstance(detail, dict):
        flat = {}
        for key, value in detail.items():
            name = key if key != "non_field_errors" else ""
            flat.update(_flatten(value, f"{prefix}.{name}" if prefix and name else prefix or name))
        return flat
    if isinstance(detail, list) and detail and not isinstance(detail[0], str | exceptions.ErrorDetail):
        flat = {}
        for index, value in enumerate(detail):
            flat.update(_flatten(value, f"{prefix}.{index}" if prefix else str(index)))
        return flat
    messages = detail if isinstance(detail, list) else [detail]
    return {prefix or "_": [str(message) for message in messages]}


def problem_details_handler(exc, context):
    response = exception_handler(exc, context)
    if response is None:
        return None  # not an API error: Django's own 500 handling (never with a request's data in it)
    problem = {
        "type": PROBLEM_TYPE
        + {400: "ugyldig", 401: "ikke-logget-ind", 403: "ingen-adgang"}.get(
            response.status_code, str(response.status_code)
        ),
        "title": _problem_title(response.status_code),
        "status": response.status_code,
    }
    if isinstance(exc, exceptions.ValidationError):
        problem["detail"] = _("Forespørgslen har fejl; se errors.")
        problem["errors"] = _flatten(exc.detail)
    elif isinstance(exc, Http404 | exceptions.NotFound):
        problem["detail"] = _("Findes ikke.")
    elif isinstance(exc, exceptions.APIException) and response.status_code not in (401, 403):
        problem["detail"] = str(exc.detail)
    response.data = problem
    response.content_type = "application/problem+json"
    return response


def _problem_title(code: int) -> str:
    return {
        status.HTTP_400_BAD_REQUEST: _("Ugyldig forespørgsel"),
        status.HTTP_401_UNAUTHORIZED: _("Ikke logget ind"),
        status.HTTP_403_FORBIDDEN: _("Ingen adgang"),
        status.HTTP_404_NOT_FOUND: _("Findes ikke"),
        status.HTTP_405_METHOD_NOT_ALLOWED: _("Metoden er ikke tilladt"),
        status.HTTP_406_NOT_ACCEPTABLE: _("Formatet kan ikke leveres"),
        status.HTTP_413_REQUEST_ENTITY_TOO_LARGE: _("Forespørgslen er for stor"),
        status.HTTP_415_UNSUPPORTED_MEDIA_TYPE: _("Formatet understøttes ikke"),
        status.HTTP_429_TOO_MANY_REQUESTS: _("For mange forespørgsler"),
    }.get(code, _("Fejl"))
