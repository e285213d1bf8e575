"""The leader's report page, the drill-down lists behind its numbers, and its exports. Thin views: the
filters are a form, the cases come from `report_cases()`, the figures from `build_report()`."""

from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Complaint
from reporting import charts
from reporting.exports import report_tables, to_csv, to_xlsx
from reporting.figures import PUNCTUALITY_APART, PUNCTUALITY_BANDS, drill_down
from reporting.forms import ReportFilterForm
from reporting.report import build_report
from reporting.selectors import milestones_for, report_cases
from staff.audit import audit_record, audit_record_many
from staff.decorators import role_required
from staff.models import AuditEntry
from staff.roles import Role


def _filtered(request):
    """(form, cases): the filter form bound to the query string and the cases it selects for this user."""
    form = ReportFilterForm(request.GET, user=request.user, today=timezone.localdate())
    if not form.is_valid():
        return form, None
    data = form.cleaned_data
    cases = report_cases(
        user=request.user, team=data["team"], consultant=data["consultant"], category=data["category"]
    )
    return form, cases


def _case_page_exists() -> bool:
    """The case page belongs to the cases app; link to it once it is there."""
    try:
        reverse("cases:detail", kwargs={"uuid": "00000000-0000-0000-0000-000000000000"})
    except NoReverseMatch:
        return False
    return True


@role_required(Role.LEADER)
def dashboard(request):
    form, cases = _filtered(request)
    context = {"form": form}
    if cases is not None:
        report = build_report(
            cases, form.period, today=timezone.localdate(), milestones=milestones_for(request.user)
        )
        query = urlencode(form.query())
        context |= {
            "report": report,
            "punctuality_bands": PUNCTUALITY_BANDS,
            "punctuality_apart": PUNCTUALITY_APART,
            "complaint_outcomes": Complaint.Outcome.choices,
            "punctuality_breakdowns": {
                "team": _("Pr. team"),
                "consultant": _("Pr. konsulent"),
                "category": _("Pr. visitationskategori"),
            },
            "query": query,
            "period_query": urlencode({k: v for k, v in form.query().items() if k not in ("start", "end")}),
            "workplace_chart": charts.monthly_share_chart(
                _("Første samtale på arbejdspladsen pr. måned mod milepæle"), report["workplace_milestones"]
            ),
            "week13_chart": charts.monthly_share_chart(
                _("Virksomhedsrettet indsats senest uge 13 pr. måned mod milepæle"),
                report["week13_milestones"],
            ),
            "duration_chart": charts.distribution_chart(
                _("Afsluttede sager efter fraværsuge ved afslutning"), report["duration_distribution"]
            ),
            "survival_chart": charts.survival_chart(
                _("Andel endnu ikke tilbage i arbejde efter uger fra første fraværsdag"), report["survival"]
            ),
        }
    return render(request, "reporting/dashboard.html", context)


@role_required(Role.LEADER)
def case_list(request):
    """The cases behind one number of the report (same filters, plus `figure` and `part`)."""
    form, cases = _filtered(request)
    if cases is None:
        return render(request, "reporting/case_list.html", {"form": form}, status=400)
    figure, part = request.GET.get("figure", ""), request.GET.get("part", "")
    selected = drill_down(cases, form.period, figure, part, timezone.localdate())
    if selected is None:
        raise Http404("Unknown figure")
    selected = selected.select_related("person", "team", "consultant", "closing_reason").order_by(
        "first_absence_day", "pk"
    )
    page = Paginator(selected, 100).get_page(request.GET.get("page"))
    audit_record_many(
        request=request, action=AuditEntry.Action.READ, object_type="report_drilldown", cases=list(page)
    )
    return render(
        request,
        "reporting/case_list.html",
        {
            "form": form,
            "page": page,
            "figure": figure,
            "part": part,
            "query": urlencode(form.query()),
            "page_query": urlencode({**form.query(), "figure": figure, "part": part}),
            "case_links": _case_page_exists(),
        },
    )


def _export(request, render_tables, content_type: str, extension: str):
    form, cases = _filtered(request)
    if cases is None:
        return HttpResponse(" ".join(form.non_field_errors()) or _("Ugyldigt filter."), status=400)
    report = build_report(
        cases, form.period, today=timezone.localdate(), milestones=milestones_for(request.user)
    )
    period = form.period
    response = HttpResponse(render_tables(report_tables(report)), content_type=content_type)
    # Aggregated figures only (no row per person), still an export worth a line in the log.
    audit_record(
        request=request, action=AuditEntry.Action.EXPORT, object_type="report_figures", detail=extension
    )
    filename = f"sof-noegletal-{period.start:%Y%m%d}-{period.end:%Y%m%d}.{extension}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@role_required(Role.LEADER)
def export_xlsx(request):
    return _export(
        request, to_xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"
    )


@role_required(Role.LEADER)
def export_csv(request):
    return _export(request, to_csv, "text/csv; charset=utf-8", "csv")
