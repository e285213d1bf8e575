"""The leader's conversion-programme overview and the competence plan page (the person and their leader).

Thin views: authorise through the selectors (staff_member_for_plan: 404 for anyone else), validate with a
form, call one service, redirect. A service's ValidationError is shown on the form; nothing is saved.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from staff import selectors, services
from staff.decorators import role_required
from staff.forms import (
    CompetencePlanForm,
    CompetencePlanItemAddForm,
    CompetencePlanItemForm,
    QualificationForm,
)
from staff.models import CompetencePlanItem, StaffMember
from staff.roles import Role

CHART_HEIGHT = 160


def _show_errors(form: forms.Form, error: ValidationError) -> None:
    """Put a model's validation errors on the form's fields (or on the form when it has no such field)."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, messages_ in error.message_dict.items():
        form.add_error(field if field in form.fields and field != NON_FIELD_ERRORS else None, messages_)


def _chart(programme: selectors.ConversionProgramme) -> dict:
    """Bar heights for the target-versus-actual chart; the table beside it carries the same numbers."""
    top = max(
        [programme.consultants_total, 1]
        + [row.target for row in programme.targets]
        + [row.forecast for row in programme.targets]
    )
    bars = []
    for index, row in enumerate(programme.targets):
        reached = row.actual if row.is_past else row.forecast
        bars.append(
            {
                "row": row,
                "x": 40 + index * 56,
                "reached": reached,
                "target_height": round(CHART_HEIGHT * row.target / top),
                "reached_height": round(CHART_HEIGHT * reached / top),
            }
        )
    return {"bars": bars, "height": CHART_HEIGHT, "width": 60 + 56 * len(bars), "top": top}


@role_required(Role.LEADER)
def programme(request):
    municipality = selectors.municipality_of(request.user)
    if municipality is None:
        return render(request, "staff/programme.html", {"programme": None})
    programme = selectors.conversion_programme(municipality=municipality, leader=request.user)
    return render(request, "staff/programme.html", {"programme": programme, "chart": _chart(programme)})


@login_required
def my_plan(request):
    member = StaffMember.objects.filter(user=request.user).first()
    if member is None:
        raise Http404
    return redirect("staff:plan", staff_uuid=member.uuid)


def _get_staff_member_for_user(request, staff_uuid) -> StaffMember:
    member = selectors.staff_member_for_plan(user=request.user, staff_uuid=staff_uuid)
    if member is None:
        raise Http404
    return member


@login_required
def plan(request, staff_uuid):
    member = _get_staff_member_for_user(request, staff_uuid)
    can_manage = selectors.staff_member_plan_is_managed_by(staff_member=member, user=request.user)
    competence_plan = getattr(member, "competence_plan", None)
    plan_form = CompetencePlanForm(
        initial={
            "expectation_talk_on": competence_plan.expectation_talk_on,
            "expected_transition_on": competence_plan.expected_transition_on,
            "leader_notes": competence_plan.leader_notes,
        }
        if competence_plan
        else None
    )
    item_form = CompetencePlanItemAddForm()
    qualification_form = QualificationForm()

    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        action = request.POST.get("action")
        try:
            if action == "plan":
                plan_form = CompetencePlanForm(request.POST)
                if plan_form.is_valid():
                    services.competence_plan_save(
                        staff_member=member, changed_by=request.user, **plan_form.cleaned_data
                    )
                    messages.success(request, _("Kompetenceplanen er gemt."))
                    return redirect("staff:plan", staff_uuid=member.uuid)
            elif action == "item" and competence_plan:
                item_form = CompetencePlanItemAddForm(request.POST)
                if item_form.is_valid():
                    services.competence_plan_item_add(
                        plan=competence_plan, changed_by=request.user, **item_form.cleaned_data
                    )
                    messages.success(request, _("Tiltaget er føjet til planen."))
                    return redirect("staff:plan", staff_uuid=member.uuid)
            elif action == "qualification":
                qualification_form = QualificationForm(request.POST)
                if qualification_form.is_valid():
                    services.qualification_record(
                        staff_member=member, recorded_by=request.user, **qualification_form.cleaned_data
                    )
                    messages.success(request, _("Kvalifikationen er registreret."))
                    return redirect("staff:plan", staff_uuid=member.uuid)
            else:
                raise PermissionDenied
        except ValidationError as error:
            form = {"plan": plan_form, "item": item_form, "qualification": qualification_form}[action]
            _show_errors(form, error)

    context = {
        "member": member,
        "competence_plan": competence_plan,
        "can_manage": can_manage,
        "qualified_on": member.qualified_on(),
        "qualifications": list(member.qualifications.all()),
        "items": list(selectors.competence_plan_items(plan=competence_plan)) if competence_plan else [],
        "history": list(selectors.competence_plan_history(plan=competence_plan)) if competence_plan else [],
        "today": selectors._today(),
        "plan_form": plan_form,
        "item_form": item_form,
        "qualification_form": qualification_form,
    }
    return render(request, "staff/plan.html", context)


@role_required(Role.LEADER)
def plan_item_edit(request, staff_uuid, item_uuid):
    member = _get_staff_member_for_user(request, staff_uuid)
    if not selectors.staff_member_plan_is_managed_by(staff_member=member, user=request.user):
        raise PermissionDenied
    item = get_object_or_404(
        CompetencePlanItem.objects.select_related("item_type", "plan"),
        uuid=item_uuid,
        plan__staff_member=member,
    )
    if request.method == "POST":
        form = CompetencePlanItemForm(request.POST)
        if form.is_valid():
            try:
                services.competence_plan_item_update(item=item, changed_by=request.user, **form.cleaned_data)
            except ValidationError as error:
                _show_errors(form, error)
                item.refresh_from_db()
            else:
                messages.success(request, _("Tiltaget er opdateret."))
                return redirect("staff:plan", staff_uuid=member.uuid)
    else:
        form = CompetencePlanItemForm(
            initial={
                "status": item.status,
                "planned_start_on": item.planned_start_on,
                "planned_end_on": item.planned_end_on,
                "completed_on": item.completed_on,
                "note": item.note,
            }
        )
    return render(request, "staff/plan_item_edit.html", {"member": member, "item": item, "form": form})
