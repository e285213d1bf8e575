"""What the meetings app changes on a case, kept here so that the case's own rules stay in cases.

Called by meetings.services when a first meeting is booked, moved, cancelled or missed, and by the
allocation page (weekly team meeting, swaps between consultants).
"""

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Assignment, Case
from cases.services.casework import case_hand_over
from cases.services.deadlines import case_deadlines_refresh
from cases.services.restriction import consultant_check_allowed
from cases.services.timeline import case_event_add
from visitation.models import HandoverReason

# Seed 002: consultants may swap cases. Not in the seeded catalogue, so the first swap creates the reason
# (administrators may relabel it; the code stays).
SWAP_REASON = {"code": "bytte", "label": "Bytte mellem konsulenter", "avoidable": True}


@transaction.atomic
def case_first_meeting_planned_set(*, case: Case, planned_on) -> Case:
    """Record the date of the booked first meeting (None when there is none), so that the deadline rules of
    the cases app can see it without importing meetings."""
    case.first_meeting_planned_on = planned_on
    case.full_clean()
    case.save(update_fields=["first_meeting_planned_on"])
    case_deadlines_refresh(case=case)
    return case


@transaction.atomic
def case_assign_if_unassigned(*, case: Case, consultant: AbstractBaseUser) -> bool:
    """Booking a meeting for an unassigned case makes that consultant responsible (first assignment, no
    handover reason). Returns whether the case was assigned now; an assigned case is left as it is."""
    if case.consultant_id is not None:
        return False
    consultant_check_allowed(case=case, consultant=consultant, field="consultant")
    staff = getattr(consultant, "staff", None)
    case.consultant = consultant
    case.team = staff.team if staff else None
    case.full_clean()
    case.save(update_fields=["consultant", "team"])
    Assignment.objects.create(case=case, consultant=consultant, started_on=timezone.localdate())
    return True


@transaction.atomic
def case_allocate(*, case: Case, consultant: AbstractBaseUser, actor: AbstractBaseUser) -> Case:
    """Allocate an unallocated case (the weekly team meeting's list, or an administrative allocator)."""
    locked = Case.objects.select_for_update().get(pk=case.pk)
    if locked.is_closed:
        raise ValidationError(_("Sagen er afsluttet."))
    if not case_assign_if_unassigned(case=locked, consultant=consultant):
        raise ValidationError(_("Sagen er allerede fordelt. Brug overdragelse for at flytte den."))
    case_event_add(
        case=locked,
        actor=actor,
        kind="allocated",
        text=_("Sagen fordelt til %(name)s")
        % {"name": consultant.get_full_name() or consultant.get_username()},
    )
    case_deadlines_refresh(case=locked)
    return locked


@transaction.atomic
def cases_swap(*, case_a: Case, case_b: Case, actor: AbstractBaseUser, note: str = "") -> None:
    """Two consultants swap two cases (seed 002: recorded, with the reason 'swap'). Both handovers or none."""
    if case_a.pk == case_b.pk or case_a.consultant_id is None or case_b.consultant_id is None:
        raise ValidationError(_("Vælg to sager, der hver har en ansvarlig konsulent."))
    if case_a.consultant_id == case_b.consultant_id:
        raise ValidationError(_("Sagerne har samme konsulent; der er intet at bytte."))
    reason, _created = HandoverReason.objects.get_or_create(
        code=SWAP_REASON["code"],
        defaults={"label": SWAP_REASON["label"], "avoidable": SWAP_REASON["avoidable"]},
    )
    consultant_a, consultant_b = case_a.consultant, case_b.consultant
    case_hand_over(case=case_a, actor=actor, to_consultant=consultant_b, reason=reason, note=note)
    case_hand_over(case=case_b, actor=actor, to_consultant=consultant_a, reason=reason, note=note)
