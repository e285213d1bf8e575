from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods

from cases.forms import CaseRegisterForm, CaseSearchForm, MyCasesFilterForm
from cases.models import Case, Employer
from cases.selectors.access import can_see_health, case_is_visible_to
from cases.selectors.cases import case_list_for_consultant, case_visible_filter, case_waits_where
from cases.selectors.deadlines import case_deadlines_stored
from cases.selectors.search import MAX_DIGITS_IN_TEXT, SearchKind, cases_search
from cases.services.cases import case_register
from cases.services.employers import employer_get_or_create
from staff.audit import audit_record, audit_record_many
from staff.decorators import role_required
from staff.models import AuditEntry
from staff.roles import Role, has_role
from staff.rows import labels_for, url_for_each
from visitation.deadlines import NEXT_FOLLOW_UP
from visitation.models import Category


def _get_case_for_user(request, uuid) -> Case:
    """The case with this UUID if the signed-in user may open it, else 404 (whether or not it exists, so
    nobody learns of cases they may not see). Consultants: their own and their team's cases; leaders: their
    department's cases and the unallocated intake; bookers only through the booking app; administrators none.
    """
    allowed = case_visible_filter(user=request.user)
    if allowed is None:
        raise Http404
    return get_object_or_404(
        Case.objects.filter(allowed).select_related(
            "person", "employer", "consultant", "team", "rule_set", "closing_reason"
        ),
        uuid=uuid,
    )


@role_required(Role.CONSULTANT)
def my_cases(request):
    filters = MyCasesFilterForm(request.GET or None)
    category, unvisited, status = None, False, Case.Status.OPEN
    if filters.is_valid():
        chosen = filters.cleaned_data["category"]
        unvisited = chosen == "none"
        category = int(chosen) if chosen and chosen != "none" else None
        status = filters.cleaned_data["status"] or Case.Status.OPEN
    cases = case_list_for_consultant(
        consultant=request.user,
        category=category,
        unvisited=unvisited,
        status=None if status == MyCasesFilterForm.STATUS_ALL else status,
    )
    today = timezone.localdate()
    # Labels and links made once for all rows (staff/rows.py), not per row in the template.
    detail_url = url_for_each("cases:detail", "uuid")
    categories = labels_for(Category.choices)
    week_text = _("uge %(week)s")
    deadline_labels = {}
    rows = []
    for case in cases:
        kind = case.next_deadline_kind
        if kind and kind not in deadline_labels:
            deadline_labels[kind] = case.next_deadline_label
        rows.append(
            {
                "case": case,
                "url": detail_url(case.uuid),
                "week": week_text % {"week": case.absence_week(today)},
                "category": categories.get(case.category, ""),
                "deadline_label": deadline_labels.get(kind, ""),
                "days_left": case.days_to_next_deadline(today),
                "light": case.deadline_light(today),
            }
        )
    audit_record_many(
        request=request,
        action=AuditEntry.Action.READ,
        object_type="case_list",
        cases=[row["case"] for row in rows],
    )
    return render(request, "cases/my_cases.html", {"rows": rows, "filters": filters, "today": today})


def _audit_duplicate_lookup(request, form: CaseRegisterForm) -> None:
    """The registration's look-up by CPR number reads whether the citizen has cases, and shows the
    overlapping ones: a search entry (the CPR number only as the masked fingerprint the search keeps) and a
    read entry per case shown."""
    audit_record(
        request=request,
        action=AuditEntry.Action.SEARCH,
        object_type="duplicate_lookup",
        person=form.person,
        search_terms=form.cleaned_data["cpr"],
        detail=ngettext("%(count)s sag fundet", "%(count)s sager fundet", len(form.duplicates))
        % {"count": len(form.duplicates)},
    )
    audit_record_many(
        request=request,
        action=AuditEntry.Action.READ,
        object_type="duplicate_lookup",
        cases=[{"uuid": case.uuid, "person__uuid": form.person.uuid} for case in form.duplicates],
    )


@role_required(Role.BOOKER, Role.LEADER, Role.ADMINISTRATOR)
def register(request):
    form = CaseRegisterForm(request.POST or None, user=request.user)
    valid = request.method == "POST" and form.is_valid()
    if form.cpr_looked_up:
        _audit_duplicate_lookup(request, form)
    if valid:
        data = form.cleaned_data
        try:
            with transaction.atomic():
                employer = form.employer_obj
                if employer is None and data.get("employer_cvr"):
                    employer, _created = employer_get_or_create(
                        cvr=data["employer_cvr"], name=data["new_employer_name"]
                    )
                case = case_register(
                    cpr=data["cpr"],
                    person_name=data["person_name"],
                    first_absence_day=data["first_absence_day"],
                    received_on=data["received_on"],
                    source=data["source"],
                    employer=None if data["unemployed"] else employer,
                    consultant=data["consultant"],
                    category=data["category"],
                    registered_by=request.user,
                    restriction=data["restriction"],
                    restricted_staff=data["restricted_staff"],
                    address_protected=data["address_protected"],
                )
                audit_record(request=request, action=AuditEntry.Action.CREATE, object_type="case", case=case)
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            created = _("Sagen for %(person)s med første fraværsdag %(day)s er oprettet.") % {
                "person": case.person.cpr_masked,
                "day": f"{case.first_absence_day:%d-%m-%Y}",
            }
            messages.success(request, f"{created} {case_waits_where(case=case)}")
            # On the new case: its page, or for a booker (no case pages) its booking page; a user who may
            # open neither registers the next one.
            if can_see_health(request.user, case):
                return redirect("cases:detail", uuid=case.uuid)
            if has_role(request.user, Role.BOOKER) and case_is_visible_to(request.user, case):
                return redirect("meetings:case_booking", case_uuid=case.uuid)
            return redirect("cases:register")
    return render(request, "cases/register.html", {"form": form})


@require_GET
@role_required(Role.BOOKER, Role.LEADER, Role.ADMINISTRATOR)
def employer_search(request):
    """htmx: suggestions for the registration form's employer field (CVR number as value, name shown)."""
    query = request.GET.get("employer", "").strip()
    employers = []
    if len(query) >= 2:
        digits = "".join(query.split())
        lookup = {"cvr__startswith": digits} if digits.isdigit() else {"name__icontains": query}
        employers = Employer.objects.filter(**lookup).order_by("name")[:15]
    return render(request, "cases/_employer_options.html", {"employers": employers})


@login_required
def detail(request, uuid):
    case = _get_case_for_user(request, uuid)
    audit_record(request=request, action=AuditEntry.Action.READ, object_type="case", case=case)
    today = timezone.localdate()
    deadlines = case_deadlines_stored(case=case)
    # The later follow-ups already held (one every four weeks: a long case has dozens) are summed up under the
    # table instead of a row each; the open one stays in it.
    held_follow_ups, rows = [], []
    for d in deadlines:
        if d.kind == NEXT_FOLLOW_UP and d.is_done:
            held_follow_ups.append(d)
        else:
            rows.append({"deadline": d, "state": d.state(today), "days_left": d.days_left(today)})
    # Newest first; conversations are listed once, in the case work's own table, not again here.
    events = case.events.exclude(kind="conversation").select_related("actor").order_by("-occurred_at", "-id")
    return render(
        request,
        "cases/detail.html",
        {
            "case": case,
            "deadline_rows": rows,
            "held_follow_ups": held_follow_ups,
            "held_follow_ups_late": sum(1 for d in held_follow_ups if not d.done_in_time),
            "events": events,
            "today": today,
            "week": case.absence_week(today),
            "may_see_cpr": has_role(request.user, Role.CONSULTANT),
            "full_cpr_url": reverse("cases:full_cpr", kwargs={"uuid": case.uuid}),
            "register_url": reverse("cases:register"),
        },
    )


@require_GET
@role_required(Role.CONSULTANT)
def full_cpr(request, uuid):
    """htmx: the full CPR number, fetched only when the consultant opens it on the case page, and logged as a
    read of its own (the page itself shows the masked number)."""
    case = _get_case_for_user(request, uuid)
    audit_record(
        request=request,
        action=AuditEntry.Action.READ,
        object_type="cpr",
        case=case,
        detail=_("Fulde CPR-nummer vist"),
    )
    response = HttpResponse(case.person.cpr, content_type="text/plain; charset=utf-8")
    response["Cache-Control"] = "no-store"
    return response


@require_http_methods(["GET", "POST"])
@role_required(Role.CONSULTANT, Role.BOOKER, Role.LEADER)
def search(request):
    """Find a case among those the user may open. The top bar's field posts here (a CPR number never goes in
    an address); /sager/soeg/?q=… works for names and employers. Every search is an audit entry with its
    terms (a CPR number only as a masked fingerprint) and one read entry per case listed."""
    posted = request.method == "POST"
    data = request.POST if posted else request.GET
    form = CaseSearchForm(data if "q" in data else None, posted=posted)
    rows, more, term = None, False, None
    if form.is_valid():
        term = form.cleaned_data["q"]
        found, more = cases_search(user=request.user, term=term)
        audit_record(
            request=request,
            action=AuditEntry.Action.SEARCH,
            object_type="case_search",
            search_terms=term.audited,
            detail=ngettext("%(count)s sag fundet", "%(count)s sager fundet", len(found))
            % {"count": len(found)},
        )
        audit_record_many(
            request=request, action=AuditEntry.Action.READ, object_type="case_search", cases=found
        )
        # A booker reaches a case through its booking page (contact and meeting data only). The two links
        # are reversed once for all rows (staff/rows.py).
        detail_url = url_for_each("cases:detail", "uuid")
        booking_url = url_for_each("meetings:case_booking", "case_uuid")
        rows = [
            {
                "case": case,
                "url": (detail_url if can_see_health(request.user, case) else booking_url)(case.uuid),
            }
            for case in found
        ]
    # The field shows the term again, but never a CPR number (nor what may be a mistyped one).
    typed = data.get("q", "")
    if term is not None:
        echo = "" if term.kind == SearchKind.CPR else typed
    else:
        echo = "" if sum(c.isdigit() for c in typed) >= MAX_DIGITS_IN_TEXT else typed
    return render(
        request, "cases/search.html", {"form": form, "rows": rows, "more": more, "term": term, "echo": echo}
    )
