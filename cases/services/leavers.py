"""A consultant who leaves the job centre (issue 15). The SOF model keeps one consultant per case; when that
consultant leaves, each open case is handed over — recorded, with the catalogue's reason "Konsulenten stopper"
— before the login is deactivated, so no case is left with nobody (NAV's take-over of a leaver's caseflow)."""

from collections.abc import Sequence

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils.translation import gettext as _

from cases.models import Case
from cases.services.casework import case_hand_over
from staff.models import StaffMember
from staff.roles import Role
from visitation.models import HandoverReason

LEAVER_REASON = "konsulent_stopper"


def municipality_of(user: AbstractBaseUser) -> int | None:
    return (
        StaffMember.objects.filter(user=user, team__isnull=False)
        .values_list("team__department__municipality_id", flat=True)
        .first()
    )


def leaver_colleagues(*, leaver: AbstractBaseUser):
    """Who may take a leaver's cases: active consultants of the leaver's municipality, the leaver excepted."""
    municipality_id = municipality_of(leaver)
    return (
        type(leaver)
        .objects.filter(
            is_active=True,
            groups__name=Role.CONSULTANT,
            staff__team__department__municipality_id=municipality_id,
        )
        .exclude(pk=leaver.pk)
        .select_related("staff__team")
        .annotate(open_cases=Count("cases", filter=Q(cases__status=Case.Status.OPEN)))
        .order_by("first_name", "last_name", "username")
    )


@transaction.atomic
def consultant_leave(
    *, leaver: AbstractBaseUser, colleagues: Sequence[AbstractBaseUser], actor: AbstractBaseUser
) -> dict[int, int]:
    """Hand each of the leaver's open cases to the chosen colleague with the fewest open cases at that moment
    (ties: in the order chosen), then deactivate the login. Returns {colleague id: cases received}. All or
    nothing: a case that cannot be handed over rolls everything back."""
    open_cases = list(
        Case.objects.filter(consultant=leaver, status=Case.Status.OPEN).order_by("first_absence_day", "pk")
    )
    allowed = set(leaver_colleagues(leaver=leaver).values_list("pk", flat=True))
    if open_cases and not colleagues:
        raise ValidationError({"colleagues": _("Vælg mindst én kollega, der overtager sagerne.")})
    if any(colleague.pk not in allowed for colleague in colleagues):
        raise ValidationError(
            {"colleagues": _("Sagerne kan kun gives til aktive konsulenter i samme kommune.")}
        )
    reason = HandoverReason.objects.get(code=LEAVER_REASON)
    caseload = dict(
        Case.objects.filter(consultant__in=colleagues, status=Case.Status.OPEN)
        .values("consultant")
        .annotate(n=Count("pk"))
        .values_list("consultant", "n")
    )
    received = {colleague.pk: 0 for colleague in colleagues}
    for case in open_cases:
        colleague = min(colleagues, key=lambda c: caseload.get(c.pk, 0))
        case_hand_over(case=case, actor=actor, to_consultant=colleague, reason=reason)
        caseload[colleague.pk] = caseload.get(colleague.pk, 0) + 1
        received[colleague.pk] += 1
    leaver.is_active = False
    leaver.save(update_fields=["is_active"])
    return received
