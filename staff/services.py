from copy import copy
from datetime import date

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import Group, Permission
from django.db import models, transaction
from django.utils.text import capfirst
from django.utils.translation import gettext

from staff.models import (
    CompetenceItemType,
    CompetencePlan,
    CompetencePlanChange,
    CompetencePlanItem,
    StaffMember,
    StaffQualification,
)
from staff.roles import Role

# The administrator sets the product up; case contents are not theirs (unless they are also a leader).
# Deliberately not "otp_totp": a TOTP device's key is a second password, and whoever can add or edit devices
# can pass anyone's second factor. Only superusers manage devices (delete a lost one) in the admin.
ADMINISTRATOR_APPS = ["staff", "visitation"]
# (app, model, actions). Logins are created and deactivated, never deleted: their name stays on their records.
ADMINISTRATOR_MODELS = [
    ("cases", "employer", ["add", "change", "delete", "view"]),
    ("auth", "user", ["add", "change", "view"]),
    ("reporting", "milestone", ["add", "change", "delete", "view"]),
    ("api", "apiclient", ["add", "change", "view"]),
    # Dead letters: the administrator sees what could not be sent and sends it again (outbox/admin.py).
    ("outbox", "outboxmessage", ["view"]),
]
# Competence plans hold the leader's notes from a personnel talk: only the person and their leader see them
# (in the app), so the administrator's setup permissions leave them out.
ADMINISTRATOR_EXCLUDED_MODELS = [
    ("staff", "competenceplan"),
    ("staff", "competenceplanitem"),
    ("staff", "competenceplanchange"),
    # The audit log and login failures are read by superusers (the data-protection officer) only.
    ("staff", "auditentry"),
    ("staff", "loginfailure"),
]


@transaction.atomic
def role_permissions_grant() -> None:
    """Give the administrator group the model permissions of the setup data (idempotent)."""
    group, _ = Group.objects.get_or_create(name=Role.ADMINISTRATOR)
    permissions = Permission.objects.filter(content_type__app_label__in=ADMINISTRATOR_APPS)
    for app_label, model in ADMINISTRATOR_EXCLUDED_MODELS:
        permissions = permissions.exclude(content_type__app_label=app_label, content_type__model=model)
    for app_label, model, actions in ADMINISTRATOR_MODELS:
        permissions |= Permission.objects.filter(
            content_type__app_label=app_label,
            content_type__model=model,
            codename__in=[f"{action}_{model}" for action in actions],
        )
    group.permissions.add(*permissions)


# --- Competence plans and qualifications -------------------------------------------------------------------
# Every write below runs full_clean() before saving, inside one transaction: bad input raises ValidationError
# and nothing (neither the row nor a history line) is saved.


def _display(instance: models.Model, field_name: str) -> str:
    field = instance._meta.get_field(field_name)
    value = getattr(instance, field_name)
    if value in (None, ""):
        return "–"
    if getattr(field, "choices", None):
        return str(getattr(instance, f"get_{field_name}_display")())
    if isinstance(value, date):
        return value.strftime("%d-%m-%Y")
    return str(value)


def _changed_fields(before: models.Model | None, after: models.Model, field_names: list[str]) -> list[str]:
    """One line per changed field: 'forventet dato for overgang: 01-03-2018 → 01-06-2018'."""
    lines = []
    for name in field_names:
        label = capfirst(after._meta.get_field(name).verbose_name)
        new = _display(after, name)
        if before is None:
            if new != "–":
                lines.append(f"{label}: {new}")
        else:
            old = _display(before, name)
            if old != new:
                lines.append(f"{label}: {old} → {new}")
    return lines


def _history_add(*, plan: CompetencePlan, changed_by: AbstractBaseUser | None, lines: list[str]) -> None:
    if lines:
        CompetencePlanChange.objects.create(plan=plan, changed_by=changed_by, description="\n".join(lines))


PLAN_FIELDS = ["expectation_talk_on", "leader_notes", "expected_transition_on"]
ITEM_FIELDS = ["status", "planned_start_on", "planned_end_on", "completed_on", "note"]


@transaction.atomic
def competence_plan_save(
    *,
    staff_member: StaffMember,
    changed_by: AbstractBaseUser,
    expectation_talk_on: date,
    leader_notes: str = "",
    expected_transition_on: date | None = None,
) -> CompetencePlan:
    """Create the person's plan after the expectation talk, or update it; the change goes into the history."""
    plan = CompetencePlan.objects.select_for_update().filter(staff_member=staff_member).first()
    before = copy(plan) if plan else None
    if plan is None:
        plan = CompetencePlan(staff_member=staff_member)
    plan.expectation_talk_on = expectation_talk_on
    plan.leader_notes = leader_notes
    plan.expected_transition_on = expected_transition_on
    plan.full_clean()
    plan.save()
    lines = _changed_fields(before, plan, PLAN_FIELDS)
    if before is None:
        lines.insert(0, gettext("Kompetenceplan oprettet"))
    _history_add(plan=plan, changed_by=changed_by, lines=lines)
    return plan


@transaction.atomic
def competence_plan_item_add(
    *,
    plan: CompetencePlan,
    changed_by: AbstractBaseUser,
    item_type: CompetenceItemType,
    planned_start_on: date,
    planned_end_on: date | None = None,
    note: str = "",
) -> CompetencePlanItem:
    item = CompetencePlanItem(
        plan=plan,
        item_type=item_type,
        planned_start_on=planned_start_on,
        planned_end_on=planned_end_on,
        note=note,
    )
    item.full_clean()
    item.save()
    lines = [gettext("Tiltag tilføjet: %(item)s") % {"item": item_type}]
    lines += _changed_fields(None, item, ["planned_start_on", "planned_end_on", "note"])
    _history_add(plan=plan, changed_by=changed_by, lines=lines)
    return item


@transaction.atomic
def competence_plan_item_update(
    *,
    item: CompetencePlanItem,
    changed_by: AbstractBaseUser,
    status: str,
    planned_start_on: date,
    planned_end_on: date | None = None,
    completed_on: date | None = None,
    note: str = "",
) -> CompetencePlanItem:
    before = copy(item)
    item.status = status
    item.planned_start_on = planned_start_on
    item.planned_end_on = planned_end_on
    item.completed_on = completed_on
    item.note = note
    item.full_clean()
    item.save()
    lines = _changed_fields(before, item, ITEM_FIELDS)
    if lines:
        lines.insert(0, gettext("Tiltag ændret: %(item)s") % {"item": item.item_type})
    _history_add(plan=item.plan, changed_by=changed_by, lines=lines)
    return item


@transaction.atomic
def qualification_record(
    *,
    staff_member: StaffMember,
    recorded_by: AbstractBaseUser,
    kind: str,
    achieved_on: date | None,
    note: str = "",
) -> StaffQualification:
    """Record (or correct) that the person achieved a competence on a date; a date is required."""
    qualification = StaffQualification.objects.filter(staff_member=staff_member, kind=kind).first()
    before = copy(qualification) if qualification else None
    if qualification is None:
        qualification = StaffQualification(staff_member=staff_member, kind=kind)
    qualification.achieved_on = achieved_on
    qualification.note = note
    qualification.full_clean()
    qualification.save()
    plan = CompetencePlan.objects.filter(staff_member=staff_member).first()
    if plan is not None:
        lines = _changed_fields(before, qualification, ["achieved_on"])
        if lines:
            lines.insert(0, gettext("Kvalifikation: %(kind)s") % {"kind": qualification.get_kind_display()})
        _history_add(plan=plan, changed_by=recorded_by, lines=lines)
    return qualification
