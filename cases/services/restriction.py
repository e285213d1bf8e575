"""Who may hold a case (issue 16): the municipality is a hard boundary, and a restricted case (beskyttet sag)
concerning a member of staff never goes to them or to their own team. One check, called wherever a case gets
a consultant (registration, handover, allocation, booking, leavers) or a deputy."""

from collections.abc import Sequence

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from cases.models import Case, Person, Restriction
from cases.services.timeline import case_event_add
from staff.models import StaffMember
from staff.roles import Role, has_role
from staff.selectors import user_municipality_id


def _team_ids(*users: AbstractBaseUser) -> dict[int, int | None]:
    return dict(StaffMember.objects.filter(user__in=users).values_list("user_id", "team_id"))


def consultant_check_allowed(*, case: Case, consultant: AbstractBaseUser, field: str) -> None:
    """Refuse (a field error) a consultant of another municipality — also when their id is posted by hand —
    and, for a case concerning a member of staff, that person and their team's consultants."""
    if case.municipality_id is not None and user_municipality_id(consultant) != case.municipality_id:
        raise ValidationError({field: _("Vælg en konsulent i sagens egen kommune.")})
    if case.restricted_staff_id is None:
        return
    if consultant.pk == case.restricted_staff_id:
        raise ValidationError({field: _("Sagen vedrører konsulenten selv: vælg en anden.")})
    teams = _team_ids(consultant, case.restricted_staff)
    staff_team = teams.get(case.restricted_staff_id)
    if staff_team is not None and teams.get(consultant.pk) == staff_team:
        raise ValidationError(
            {
                field: _(
                    "Sagen vedrører en kollega i konsulentens eget team: vælg en konsulent uden for teamet."
                )
            }
        )


def restriction_check(
    *, restriction: str, restricted_staff: AbstractBaseUser | None, municipality_id
) -> None:
    if restriction and restriction not in Restriction.values:
        raise ValidationError({"restriction": _("Vælg en gyldig grund.")})
    if restricted_staff is not None:
        if not restriction:
            raise ValidationError(
                {"restriction": _("Vælg, hvorfor sagen er beskyttet, når den vedrører en medarbejder.")}
            )
        if user_municipality_id(restricted_staff) != municipality_id:
            raise ValidationError({"restricted_staff": _("Vælg en medarbejder i sagens egen kommune.")})


@transaction.atomic
def case_restriction_set(
    *,
    case: Case,
    actor: AbstractBaseUser,
    restriction: str,
    restricted_staff: AbstractBaseUser | None = None,
    deputies: Sequence[AbstractBaseUser] = (),
    address_protected: bool | None = None,
) -> Case:
    """A leader marks the case restricted (with the reason, the member of staff it concerns and the deputies
    who may open it besides its consultant and the department's leaders), changes it, or lifts it
    (restriction ""). The timeline says so without naming the member of staff. `address_protected` (when
    given) records the citizen's name and address protection (on the person: all their cases)."""
    if not has_role(actor, Role.LEADER):
        raise PermissionDenied
    locked = Case.objects.select_for_update().get(pk=case.pk)
    if not restriction:
        restricted_staff, deputies = None, ()
    restriction_check(
        restriction=restriction, restricted_staff=restricted_staff, municipality_id=locked.municipality_id
    )
    before = (
        locked.restriction,
        locked.restricted_staff_id,
        set(locked.deputies.values_list("pk", flat=True)),
    )
    locked.restriction = restriction
    locked.restricted_staff = restricted_staff
    if locked.consultant is not None:
        consultant_check_allowed(case=locked, consultant=locked.consultant, field="restricted_staff")
    for deputy in deputies:
        consultant_check_allowed(case=locked, consultant=deputy, field="deputies")
    locked.full_clean()
    locked.save(update_fields=["restriction", "restricted_staff"])
    locked.deputies.set(deputies)
    if before != (restriction, getattr(restricted_staff, "pk", None), {deputy.pk for deputy in deputies}):
        if restriction:
            text = _(
                "Sagen er beskyttet (%(reason)s): kun den ansvarlige konsulent, %(count)s stedfortrædere og "
                "afdelingens ledere kan se den."
            ) % {"reason": Restriction(restriction).label, "count": len(deputies)}
        else:
            text = _("Beskyttelsen af sagen er ophævet.")
        case_event_add(case=locked, actor=actor, kind="restriction", text=text)
    if address_protected is not None and address_protected != locked.person.address_protected:
        person_address_protection_set(
            person=locked.person, protected=address_protected, actor=actor, case=locked
        )
    case.refresh_from_db()
    return case


def person_address_protection_set(
    *, person: Person, protected: bool, actor: AbstractBaseUser | None, case: Case
):
    """Record that the citizen has (or no longer has) name and address protection (navne- og
    adressebeskyttelse); the case's timeline says so."""
    person.address_protected = protected
    person.save(update_fields=["address_protected"])
    text = (
        _(
            "Borgeren har navne- og adressebeskyttelse: adressen vises ikke i breve, invitationer "
            "eller for bookere."
        )
        if protected
        else _("Borgerens navne- og adressebeskyttelse er ophævet.")
    )
    case_event_add(case=case, actor=actor, kind="restriction", text=text)
