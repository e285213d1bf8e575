"""'Mine opgaver' and the bell: thin views over cases/selectors/alerts.py and cases/services/alerts.py."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from cases import alert_kinds
from cases.models import Alert
from cases.selectors import alerts as alert_selectors
from cases.services import alerts as alert_services
from staff.audit import audit_record_many
from staff.models import AuditEntry
from staff.roles import Role, has_role
from staff.rows import labels_for, url_for_each


def _get_alert_for_user(request, alert_id: int):
    alert = alert_selectors.alert_get_for_user(user=request.user, alert_id=alert_id)
    if alert is None:
        raise Http404
    return alert


GROUPS_FROM = 6  # more open alerts than this: the page starts with their summary by kind and consultant


@login_required
def my_alerts(request):
    alerts = list(alert_selectors.alert_list_for_user(user=request.user))
    groups = alert_selectors.alert_groups(alerts) if len(alerts) >= GROUPS_FROM else []
    # A group's link filters the list (?slags=<kind>&konsulent=<user id>|ingen); anything else is ignored.
    kind, consultant = request.GET.get("slags", ""), request.GET.get("konsulent", "")
    chosen = next(
        (g for g in groups if g.kind == kind and str(g.consultant_id or "ingen") == consultant), None
    )
    if chosen is not None:
        alerts = [
            alert
            for alert in alerts
            if alert.kind == chosen.kind
            and getattr(alert_selectors.alert_consultant(alert), "pk", None) == chosen.consultant_id
        ]
    # The page names citizens and employers: one read entry per case listed (one insert for the lot).
    listed = {alert.case_id: alert.case for alert in alerts if alert.case_id}
    audit_record_many(
        request=request, action=AuditEntry.Action.READ, object_type="alert_list", cases=listed.values()
    )
    # Each row's links and labels made once per request (staff/rows.py), not per row in the template.
    detail_url = url_for_each("cases:detail", "uuid")
    acknowledge_url = url_for_each("cases:alert_acknowledge", "alert_id", placeholder=0)
    resolve_url = url_for_each("cases:alert_resolve", "alert_id", placeholder=0)
    levels = labels_for(Alert.Level.choices)
    kinds = {kind: alert_kinds.label(kind) for kind in {alert.kind for alert in alerts}}
    week_text = _("frist i uge %(week)s")
    rows = [
        {
            "alert": alert,
            "case_url": detail_url(alert.case.uuid) if alert.case_id else "",
            "acknowledge_url": acknowledge_url(alert.pk),
            "resolve_url": resolve_url(alert.pk),
            "level": levels.get(alert.level, alert.level),
            "kind": kinds[alert.kind],
            "week": week_text % {"week": alert.absence_week} if alert.case_id else "",
        }
        for alert in alerts
    ]
    # Leaders are told when the sweep has stopped (worker or beat down): no alert would reach anyone.
    sweep_late = has_role(request.user, Role.LEADER, Role.ADMINISTRATOR) and alert_selectors.sweep_is_late()
    return render(
        request,
        "cases/my_alerts.html",
        {
            "alerts": alerts,
            "rows": rows,
            "groups": groups,
            "chosen": chosen,
            "show_consultant": has_role(request.user, Role.LEADER, Role.BOOKER),
            "sweep_late": sweep_late,
            "last_sweep": alert_selectors.last_sweep_run() if sweep_late else None,
            "reassessment_kind": alert_kinds.deadlines.REASSESSMENT,
            "extension_end_kind": alert_kinds.deadlines.EXTENSION_END,  # a new decision: the same choices
            "extension_grounds": [str(ground) for ground in alert_kinds.REASSESSMENT_EXTENSION_GROUNDS],
        },
    )


@never_cache
@require_GET
@login_required
def alert_bell(request):
    """The unread count, loaded by htmx into the navigation bar of every page (so page query budgets are
    unaffected: this costs its own request)."""
    return render(
        request, "cases/_alert_bell.html", {"unread": alert_selectors.alert_unread_count(user=request.user)}
    )


@require_POST
@login_required
def alert_acknowledge(request, alert_id: int):
    alert = _get_alert_for_user(request, alert_id)
    alert_services.alert_acknowledge(alert=alert, user=request.user)
    messages.success(request, _("Påmindelsen er markeret som læst."))
    return redirect("cases:my_alerts")


@require_POST
@login_required
def alert_resolve(request, alert_id: int):
    alert = _get_alert_for_user(request, alert_id)
    alert_services.alert_resolve(alert=alert, user=request.user)
    messages.success(request, _("Påmindelsen er markeret som løst."))
    return redirect("cases:my_alerts")
