"""Leaders' views of the audit log (issue 9): a case's access log and a random sample to review."""

from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from cases.selectors.access import cases_visible_to, staff_placement
from staff.audit import audit_entries_for_case, audit_record, audit_sample
from staff.decorators import role_required
from staff.models import AuditEntry
from staff.roles import Role

ACCESS_LOG_LIMIT = 500
SAMPLE_SIZE = 20
SAMPLE_DAYS = 30


@role_required(Role.LEADER)
def case_access_log(request, case_uuid):
    case = get_object_or_404(cases_visible_to(request.user).select_related("person"), uuid=case_uuid)
    entries = list(audit_entries_for_case(case_uuid=case.uuid)[:ACCESS_LOG_LIMIT])
    audit_record(
        request=request,
        action=AuditEntry.Action.READ,
        object_type="access_log",
        case=case,
        detail=_("Sagens adgangslog"),
    )
    return render(
        request, "cases/access_log.html", {"case": case, "entries": entries, "limit": ACCESS_LOG_LIMIT}
    )


@role_required(Role.LEADER)
def audit_sample_review(request):
    """A fresh random sample of the department's recent log entries on every visit."""
    department_id = staff_placement(request.user).department_id
    entries = audit_sample(department_id=department_id, days=SAMPLE_DAYS, size=SAMPLE_SIZE)
    if department_id is None:
        entries = []  # a leader without a department has nobody's log to review
    return render(
        request,
        "cases/audit_sample.html",
        {
            "entries": entries,
            "days": SAMPLE_DAYS,
            "size": SAMPLE_SIZE,
            "has_department": department_id is not None,
        },
    )
