import datetime as dt

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Assignment, Case, Employer
from cases.services.deadlines import case_deadlines_refresh
from cases.services.persons import person_get_or_create
from cases.services.restriction import (
    consultant_check_allowed,
    person_address_protection_set,
    restriction_check,
)
from cases.services.timeline import case_event_add
from staff.models import StaffMember, Team
from staff.selectors import user_municipality_id
from visitation.models import RuleSet

# The registration form's guard against typing errors: a first day of absence more than a year back is
# almost certainly a typo (imports and demo data pass allow_historical=True, formats.md §1).
MAX_AGE_DAYS = 365


def _team_of(user: AbstractBaseUser | None):
    if user is None:
        return None
    return StaffMember.objects.filter(user=user).values_list("team", flat=True).first()


def case_dates_validate(
    *,
    first_absence_day: dt.date,
    received_on: dt.date | None,
    today: dt.date,
    allow_historical: bool = False,
) -> None:
    """The date rules of a new case; raises ValidationError keyed by field name (Danish messages)."""
    errors: dict[str, list[str]] = {}
    if first_absence_day > today:
        errors.setdefault("first_absence_day", []).append(_("Første fraværsdag kan ikke ligge i fremtiden."))
    elif not allow_historical and (today - first_absence_day).days > MAX_AGE_DAYS:
        errors.setdefault("first_absence_day", []).append(
            _("Første fraværsdag kan ikke ligge mere end et år tilbage.")
        )
    if received_on is not None:
        if received_on < first_absence_day:
            errors.setdefault("received_on", []).append(
                _("Modtaget-datoen kan ikke ligge før første fraværsdag.")
            )
        if received_on > today:
            errors.setdefault("received_on", []).append(_("Modtaget-datoen kan ikke ligge i fremtiden."))
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def case_register(
    *,
    cpr: str,
    first_absence_day: dt.date,
    employer: Employer | None,
    source: str = Case.Source.BENEFIT_OFFICE,
    received_on: dt.date | None = None,
    registered_by: AbstractBaseUser | None = None,
    consultant: AbstractBaseUser | None = None,
    person_name: str = "",
    today: dt.date | None = None,
    allow_historical: bool = False,
    registered_at: dt.datetime | None = None,
    team: Team | None = None,
    category: int | None = None,
    restriction: str = "",
    restricted_staff: AbstractBaseUser | None = None,
    address_protected: bool = False,
) -> Case:
    """Register a sick-leave case: find or create the person by CPR number, pick the rule set in force on the
    first day of absence, optionally assign a consultant, write the timeline and store the next deadline.

    `allow_historical=True` (imports, demo data) lifts only the one-year-back guard; dates in the future and
    a received date before the first day of absence are always refused. `registered_at` dates the timeline
    entry (demo data) and defaults to now. `team` places a case that has no consultant and no registering
    user (the API's intake); `category` is the benefit office's visitation when it is known at intake.
    `restriction` marks a restricted case (beskyttet sag) at once, `restricted_staff` the member of staff it
    concerns (cases/services/restriction.py); `address_protected` records the citizen's name and address
    protection (never lifted here)."""
    today = today or timezone.localdate()
    case_dates_validate(
        first_absence_day=first_absence_day,
        received_on=received_on,
        today=today,
        allow_historical=allow_historical,
    )
    try:
        person, _created = person_get_or_create(cpr=cpr, name=person_name)
    except ValidationError as error:
        raise ValidationError({"cpr": error.messages}) from None
    rule_set = RuleSet.objects.in_force_on(first_absence_day)
    if rule_set is None:
        message = _("Der findes intet regelsæt for første fraværsdag %(day)s.") % {
            "day": f"{first_absence_day:%d-%m-%Y}"
        }
        raise ValidationError({"first_absence_day": message})
    if category == 3 and not rule_set.category_3_exists:
        raise ValidationError(
            {"category": _("Kategori 3 findes ikke i regelsættet %(rules)s.") % {"rules": rule_set}}
        )
    if Case.objects.filter(person=person, first_absence_day=first_absence_day).exists():
        message = _("Borgeren har allerede en sag med første fraværsdag %(day)s.") % {
            "day": f"{first_absence_day:%d-%m-%Y}"
        }
        raise ValidationError({"first_absence_day": message})
    team_id = _team_of(consultant) or _team_of(registered_by) or (team.pk if team else None)
    case = Case(
        person=person,
        employer=employer,
        first_absence_day=first_absence_day,
        received_on=received_on,
        source=source,
        rule_set=rule_set,
        consultant=consultant,
        team_id=team_id,
        # The case's municipality: its team's, else the registering user's (issue 16).
        municipality_id=(
            Team.objects.filter(pk=team_id).values_list("department__municipality_id", flat=True).first()
            if team_id
            else user_municipality_id(registered_by)
        ),
        category=category,
        created_by=registered_by,
        restriction=restriction,
        restricted_staff=restricted_staff,
    )
    restriction_check(
        restriction=restriction, restricted_staff=restricted_staff, municipality_id=case.municipality_id
    )
    if consultant is not None:
        consultant_check_allowed(case=case, consultant=consultant, field="consultant")
    case.full_clean()
    case.save()
    occurred_at = registered_at or timezone.now()
    case_event_add(
        case=case,
        actor=registered_by,
        kind="registered",
        text=_("Sagen er oprettet (kilde: %(source)s, regelsæt: %(rule_set)s).")
        % {"source": case.get_source_display(), "rule_set": rule_set.name},
        occurred_at=occurred_at,
    )
    if restriction:
        case_event_add(
            case=case,
            actor=registered_by,
            kind="restriction",
            text=_("Sagen er beskyttet (%(reason)s).") % {"reason": case.get_restriction_display()},
            occurred_at=occurred_at,
        )
    if consultant is not None:
        started_on = received_on or (registered_at.date() if registered_at else today)
        Assignment.objects.create(case=case, consultant=consultant, started_on=started_on)
        case_event_add(
            case=case,
            actor=registered_by,
            kind="assigned",
            text=_("Sagen er tildelt %(consultant)s.")
            % {"consultant": consultant.get_full_name() or consultant.get_username()},
            occurred_at=occurred_at,
        )
    if address_protected and not person.address_protected:
        person_address_protection_set(person=person, protected=True, actor=registered_by, case=case)
    case_deadlines_refresh(case=case)
    return case
