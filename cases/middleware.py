"""The audit entry of a denied attempt (issue 16): a signed-in user who asks for a case, meeting, letter,
calendar or plan they may not see gets a 404 or 403 and nothing else; the attempt is recorded, so the
data-protection officer can list who tried to open what (and a case's own access log shows attempts on it).

A middleware rather than a line in every view: the views deny through one of a few helpers
(`get_object_or_404` on the access-scoped querysets, `role_required`), and all of them raise."""

import uuid

from django.core.exceptions import PermissionDenied
from django.http import Http404

from cases.models import Case
from staff.audit import audit_record
from staff.models import AuditEntry

# URL parameters that name a case (the case's own access log then shows the attempt).
CASE_PARAMETERS = ("uuid", "case_uuid", "case_id")


class DeniedAccessAuditMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, Http404 | PermissionDenied) or not request.user.is_authenticated:
            return None
        match = request.resolver_match
        if match is None or match.namespace == "admin":
            return None  # the admin's own permission system; its 404s name no person data
        audit_record(
            request=request,
            action=AuditEntry.Action.DENIED,
            object_type="denied",
            case_uuid=_case_uuid(match.kwargs),
            detail=f"{match.view_name} ({404 if isinstance(exception, Http404) else 403})",
        )
        return None  # Django answers with its 404 or 403 page as before


def _case_uuid(kwargs) -> uuid.UUID | None:
    for name in CASE_PARAMETERS:
        value = kwargs.get(name)
        if isinstance(value, uuid.UUID) and Case.objects.filter(uuid=value).exists():
            return value
    return None
