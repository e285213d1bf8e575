"""The consultant's daily work on a case: visitation, follow-up conversations, measures, offers, exceptions,
handovers, Fast Track, § 56 agreements, retention plans, closing and reopening.

Every service locks the case row first (`select_for_update`), so that two submissions of the same form are
serialised and the second one finds the first one's row and is refused as a duplicate instead of creating
it twice. Every service writes one line to the case's timeline (who and when) and recomputes the stored
deadlines. Errors are `ValidationError`s keyed by the form field they concern.
"""

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from cases.models import (
    Assignment,
    Case,
    CaseException,
    Conversation,
    Correction,
    ExtensionGround,
    GradualReturnStep,
    LateGround,
    Measure,
    Offer,
    ReassessmentDecision,
    ReassessmentOutcome,
    StandbyGround,
    Visitation,
)
from cases.selectors.deadlines import case_deadline_facts
from cases.services.deadlines import case_deadlines_refresh
from cases.services.restriction import consultant_check_allowed
from cases.services.timeline import case_event_add
from staff import dates as date_ranges
from staff.models import StaffMember
from staff.roles import Role, has_role
from visitation.deadlines import extension_latest_end, extension_max_weeks, first_conversation_would_be_late
from visitation.models import Category, ClosingReason, ExceptionReason, HandoverReason, MeasureType, OfferType

# The closing reason of a transition to jobafklaringsforløb (formats.md §1 code; seeded in the catalogue).
JOBAFKLARING_CLOSING_CODE = "jobafklaring"
# The measure type a gradual-return plan agreed at a conversation is recorded as (formats.md §1 code).
GRADUAL_RETURN_MEASURE_CODE = "delvis_raskmelding"


def _date(day: dt.date) -> str:
    return day.strftime("%d-%m-%Y")


def _hours(hours: Decimal) -> str:
    return formats.number_format(Decimal(hours).normalize(), use_l10n=True)


def _refresh_deadlines(case: Case) -> None:
    """Recompute the case's stored next deadline after a change."""
    case_deadlines_refresh(case=case)


def case_lock(case: Case) -> Case:
    """The case row, locked until the transaction ends; refused when the case is closed (read-only). Shared
    with the complaints' services."""
    # No select_related here: FOR UPDATE would also lock the joined rule-set row that every case shares.
    locked = Case.objects.select_for_update().get(pk=case.pk)
    if locked.is_closed:
        raise ValidationError(_("Sagen er afsluttet og kan ikke ændres. En leder kan genåbne den."))
    return locked


def _check_date(case: Case, day: dt.date | None, field: str, *, days_ahead: int = 0) -> None:
    """No date before the first day of absence (nor 1900), none after closing, and none in the future, or
    for a planned date none beyond `days_ahead` days from today (the ranges: staff/dates.py)."""
    if day is None:
        return
    if day < case.first_absence_day or day < date_ranges.EARLIEST:
        raise ValidationError(
            {
                field: _("Datoen ligger før første fraværsdag (%(day)s).")
                % {"day": _date(case.first_absence_day)}
            }
        )
    if not days_ahead and day > timezone.localdate():
        raise ValidationError({field: _("Datoen ligger i fremtiden.")})
    try:
        date_ranges.date_range_check(day, days_ahead=days_ahead)
    except ValidationError as error:
        raise ValidationError({field: error.messages}) from None
    if case.closed_on and day > case.closed_on:
        raise ValidationError({field: _("Datoen ligger efter sagens afslutning.")})


def _check_period(started_on: dt.date, ended_on: dt.date | None) -> None:
    if ended_on is not None and ended_on < started_on:
        raise ValidationError({"ended_on": _("Slutdatoen ligger før startdatoen.")})


def _done(case: Case, original: Case) -> None:
    """Recompute deadlines on the locked row and copy its state to the caller's instance."""
    _refresh_deadlines(case)
    original.refresh_from_db()


# --- Visitation -----------------------------------------------------------------------------------------


@transaction.atomic
def visitation_set(
    *,
    case: Case,
    actor: AbstractBaseUser,
    category: int,
    decided_on: dt.date,
    rationale: str = "",
    expected_full_recovery_on: dt.date | None = None,
) -> Visitation:
    """Set or re-assess the visitation category; the history stays as Visitation rows. The expected date of
    full recovery (optional) drives § 13 f under the 2025 rules: follow-up only on recovery."""
    locked = case_lock(case)
    _check_date(locked, decided_on, "decided_on")
    _check_date(
        locked, expected_full_recovery_on, "expected_full_recovery_on", days_ahead=date_ranges.END_DAYS_AHEAD
    )
    if category == Category.THREE and not locked.rule_set.category_3_exists:
        raise ValidationError(
            {"category": _("Kategori 3 findes ikke i regelsættet %(rules)s.") % {"rules": locked.rule_set}}
        )
    if locked.visitations.filter(category=category, decided_on=decided_on).exists():
        raise ValidationError(_("Denne visitation er allerede registreret."))
    visitation = Visitation(
        case=locked, category=category, decided_on=decided_on, rationale=rationale.strip(), decided_by=actor
    )
    visitation.full_clean()
    visitation.save()
    latest = locked.visitations.order_by("-decided_on", "-id").first()
    previous = locked.category
    locked.category = latest.category
    if expected_full_recovery_on is not None:
        locked.expected_full_recovery_on = expected_full_recovery_on
    locked.full_clean()
    locked.save(update_fields=["category", "expected_full_recovery_on"])
    if previous and previous != category:
        text = _("Revisiteret fra kategori %(old)s til kategori %(new)s den %(day)s") % {
            "old": previous,
            "new": category,
            "day": _date(decided_on),
        }
    else:
        text = _("Visiteret til kategori %(new)s den %(day)s") % {"new": category, "day": _date(decided_on)}
    case_event_add(case=locked, actor=actor, kind="visitation", text=text)
    _done(locked, case)
    return visitation


# --- Follow-up conversations and measures ----------------------------------------------------------------


def _check_steps(case: Case, steps: Sequence[tuple[dt.date, Decimal]]) -> list[tuple[dt.date, Decimal]]:
    cleaned = sorted(steps, key=lambda step: step[0])
    dates = [day for day, _hours in cleaned]
    if len(set(dates)) != len(dates):
        raise ValidationError({"steps": _("To trin i optrapningsplanen har samme dato.")})
    for day, hours in cleaned:
        if day < case.first_absence_day:
            raise ValidationError({"steps": _("Et trin i optrapningsplanen ligger før første fraværsdag.")})
        if day > date_ranges.latest_date(days_ahead=date_ranges.START_DAYS_AHEAD):
            raise ValidationError(
                {"steps": _("Et trin i optrapningsplanen ligger mere end et år ude i fremtiden.")}
            )
        if not Decimal(0) <= Decimal(hours) <= Decimal(80):
            raise ValidationError({"steps": _("Timer pr. uge skal ligge mellem 0 og 80.")})
    return cleaned


def _add_steps(measure: Measure, steps: Sequence[tuple[dt.date, Decimal]]) -> None:
    for day, hours in steps:
        step = GradualReturnStep(measure=measure, from_date=day, hours_per_week=Decimal(hours))
        step.full_clean()
        step.save()


def _steps_text(steps: Sequence[tuple[dt.date, Decimal]]) -> str:
    return ", ".join(
        _("%(hours)s t/uge fra %(day)s") % {"hours": _hours(hours), "day": _date(day)} for day, hours in steps
    )


@transaction.atomic
def conversation_record(
    *,
    case: Case,
    actor: AbstractBaseUser,
    held_on: dt.date,
    place: str,
    participants: Sequence[str],
    plan: str = "",
    next_step: str = "",
    minutes: str = "",
    gradual_return_steps: Sequence[tuple[dt.date, Decimal]] = (),
    late_ground: str = "",
) -> Conversation:
    """Record a follow-up conversation. A gradual-return plan agreed at it (hours per week from given dates)
    becomes a partial-recovery measure with one GradualReturnStep per step, starting at the first step.

    `late_ground` (LateGround) is accepted only for the first conversation held after its deadline (the end
    of week 8): the deadline stays late, the ground explains it (case page, figures)."""
    locked = case_lock(case)
    _check_date(locked, held_on, "held_on")
    if late_ground:
        if late_ground not in LateGround.values:
            raise ValidationError({"late_ground": _("Vælg en gyldig grund.")})
        if not first_conversation_would_be_late(case_deadline_facts(case=locked), held_on):
            raise ValidationError(
                {
                    "late_ground": _(
                        "Grunden kan kun angives for den første opfølgningssamtale, når den holdes efter "
                        "fristen (udgangen af uge %(week)s)."
                    )
                    % {"week": locked.rule_set.first_follow_up_week}
                }
            )
    participants = [p for p in Conversation.Participant.values if p in set(participants)]
    if not participants:
        raise ValidationError({"participants": _("Angiv, hvem der deltog.")})
    if locked.conversations.filter(held_on=held_on, place=place).exists():
        raise ValidationError(_("Der er allerede registreret en samtale samme dag og sted."))
    steps = _check_steps(locked, gradual_return_steps)
    conversation = Conversation(
        case=locked,
        held_on=held_on,
        place=place,
        participants=participants,
        employer_took_part=bool(
            {Conversation.Participant.NEAREST_LEADER, Conversation.Participant.HR} & set(participants)
        ),
        plan=plan.strip(),
        next_step=next_step.strip(),
        minutes=minutes.strip(),
        late_ground=late_ground,
        recorded_by=actor,
    )
    conversation.full_clean()
    conversation.save()
    number = locked.conversations.filter(held_on__lte=held_on).count()
    labels = dict(Conversation.Participant.choices)
    text = _("%(number)s. opfølgningssamtale %(day)s (%(place)s, uge %(week)s) med %(who)s") % {
        "number": number,
        "day": _date(held_on),
        "place": conversation.get_place_display().lower(),
        "week": locked.absence_week(held_on),
        "who": ", ".join(str(labels[p]).lower() for p in participants),
    }
    if conversation.counts_as_workplace_meeting:
        text += " – " + _("møde på arbejdspladsen med arbejdsgiver, borger og konsulent")
    if conversation.late_ground:
        text += " – " + _("holdt for sent: %(ground)s") % {"ground": conversation.get_late_ground_display()}
    if conversation.next_step:
        text += ". " + _("Næste skridt: %(step)s") % {"step": conversation.next_step}
    case_event_add(case=locked, actor=actor, kind="conversation", text=text)
    if steps:
        measure = Measure(
            case=locked,
            type=MeasureType.objects.get(code=GRADUAL_RETURN_MEASURE_CODE),
            started_on=steps[0][0],
            note=_("Optrapningsplan aftalt ved samtalen %(day)s") % {"day": _date(held_on)},
        )
        measure.full_clean()
        measure.save()
        _add_steps(measure, steps)
        case_event_add(
            case=locked,
            actor=actor,
            kind="measure",
            text=_("Optrapningsplan: %(steps)s") % {"steps": _steps_text(steps)},
        )
    _done(locked, case)
    return conversation


# --- Corrections of recorded conversations and measures -----------------------------------------------


def correction_lock(record, actor: AbstractBaseUser, reason: str, *, author_id: int | None):
    """The locked case and record, when the actor may correct it: its author (a measure has none recorded:
    the case's consultant) or a leader, on an open case (a closed case stays read-only), with a reason.
    Shared with the meetings app (contact attempts)."""
    locked = case_lock(record.case)
    if actor.pk != (author_id or locked.consultant_id) and not has_role(actor, Role.LEADER):
        raise PermissionDenied
    if not reason.strip():
        raise ValidationError({"reason": _("Skriv hvorfor.")})
    return locked, type(record).objects.select_for_update().get(pk=record.pk)


def correction_keep(*, case: Case, record, kind: str, values: dict, reason: str, actor) -> None:
    Correction.objects.create(
        case=case,
        record_type=type(record)._meta.model_name,
        record_id=record.pk,
        kind=kind,
        values=values,
        reason=reason.strip(),
        made_by=actor,
        made_at=timezone.now(),
    )


def actor_name(actor: AbstractBaseUser) -> str:
    return actor.get_full_name() or actor.get_username()


def correction_changes(before: dict, after: dict) -> dict:
    """{field: (old, new)} for the fields a correction changes; refused when it changes nothing."""
    changed = {field: (before[field], after[field]) for field in before if before[field] != after[field]}
    if not changed:
        raise ValidationError(_("Intet er ændret."))
    return changed


def _diffs_text(changed: dict, words: dict) -> str:
    """'sted Telefon → Arbejdspladsen; dato …' for the timeline; `words` maps a field to (label, shown)."""
    return "; ".join(
        f"{words[field][0]} {words[field][1](old)} → {words[field][1](new)}"
        for field, (old, new) in changed.items()
    )


def _place_label(place: str) -> str:
    return str(Conversation.Place(place).label)


def _participants_text(participants: Sequence[str]) -> str:
    labels = dict(Conversation.Participant.choices)
    return ", ".join(str(labels[p]).lower() for p in participants)


@transaction.atomic
def conversation_correct(
    *,
    conversation: Conversation,
    actor: AbstractBaseUser,
    reason: str,
    held_on: dt.date,
    place: str,
    participants: Sequence[str],
) -> Conversation:
    """Correct a conversation's date, place or participants (what the figures count), keeping the old values
    (Correction) and saying so in the timeline. The same rules as recording it; deadlines and figures use the
    corrected values from now on."""
    locked, conversation = correction_lock(conversation, actor, reason, author_id=conversation.recorded_by_id)
    _check_date(locked, held_on, "held_on")
    if place not in Conversation.Place.values:
        raise ValidationError({"place": _("Vælg et sted.")})
    participants = [p for p in Conversation.Participant.values if p in set(participants)]
    if not participants:
        raise ValidationError({"participants": _("Angiv, hvem der deltog.")})
    if locked.conversations.filter(held_on=held_on, place=place).exclude(pk=conversation.pk).exists():
        raise ValidationError(_("Der er allerede registreret en samtale samme dag og sted."))
    before = {
        "held_on": conversation.held_on,
        "place": conversation.place,
        "participants": conversation.participants,
    }
    changed = correction_changes(before, {"held_on": held_on, "place": place, "participants": participants})
    old_day = conversation.held_on
    conversation.held_on, conversation.place, conversation.participants = held_on, place, participants
    conversation.employer_took_part = bool(
        {Conversation.Participant.NEAREST_LEADER, Conversation.Participant.HR} & set(participants)
    )
    conversation.full_clean()
    conversation.save(update_fields=["held_on", "place", "participants", "employer_took_part"])
    correction_keep(
        case=locked,
        record=conversation,
        kind=Correction.Kind.CORRECTED,
        values={
            f: [str(old), str(new)] if f == "held_on" else [old, new] for f, (old, new) in changed.items()
        },
        reason=reason,
        actor=actor,
    )
    words = {
        "held_on": (_("dato"), _date),
        "place": (_("sted"), _place_label),
        "participants": (_("deltagere"), _participants_text),
    }
    diffs = _diffs_text(changed, words)
    case_event_add(
        case=locked,
        actor=actor,
        kind="correction",
        text=_("Samtalen %(day)s rettet af %(who)s den %(today)s: %(diffs)s. Begrundelse: %(reason)s")
        % {
            "day": _date(old_day),
            "who": actor_name(actor),
            "today": _date(timezone.localdate()),
            "diffs": diffs,
            "reason": reason.strip(),
        },
    )
    _done(locked, conversation.case)
    return conversation


@transaction.atomic
def conversation_annul(*, conversation: Conversation, actor: AbstractBaseUser, reason: str) -> None:
    """Annul a conversation recorded in error: it is removed, so it counts in no deadline or figure, and all
    its values are kept in a Correction; the timeline says who, when and why."""
    locked, conversation = correction_lock(conversation, actor, reason, author_id=conversation.recorded_by_id)
    kept = {
        "held_on": str(conversation.held_on),
        "place": conversation.place,
        "participants": conversation.participants,
        "employer_took_part": conversation.employer_took_part,
        "plan": conversation.plan,
        "next_step": conversation.next_step,
        "minutes": conversation.minutes,
        "recorded_by": conversation.recorded_by_id,
    }
    correction_keep(
        case=locked,
        record=conversation,
        kind=Correction.Kind.ANNULLED,
        values=kept,
        reason=reason,
        actor=actor,
    )
    conversation.delete()
    case_event_add(
        case=locked,
        actor=actor,
        kind="correction",
        text=_("Samtalen %(day)s (%(place)s) annulleret af %(who)s den %(today)s. Begrundelse: %(reason)s")
        % {
            "day": _date(conversation.held_on),
            "place": _place_label(conversation.place).lower(),
            "who": actor_name(actor),
            "today": _date(timezone.localdate()),
            "reason": reason.strip(),
        },
    )
    _done(locked, conversation.case)


def _period_record_correct(*, record, actor, reason, type, started_on, ended_on, text: str):
    """Correct the type, start or end of a measure or an offer (what the figures count), keeping the old
    values; the same rules as registering it. `text` is the timeline's sentence (with %(record)s …)."""
    locked, record = correction_lock(record, actor, reason, author_id=None)
    _check_date(locked, started_on, "started_on", days_ahead=date_ranges.START_DAYS_AHEAD)
    _check_date(locked, ended_on, "ended_on", days_ahead=date_ranges.END_DAYS_AHEAD)
    _check_period(started_on, ended_on)
    if type != record.type and not type.active:
        raise ValidationError({"type": _("Denne type bruges ikke længere.")})
    changed = correction_changes(
        {"type": record.type, "started_on": record.started_on, "ended_on": record.ended_on},
        {"type": type, "started_on": started_on, "ended_on": ended_on},
    )
    old_text = _("%(type)s fra %(day)s") % {"type": record.type, "day": _date(record.started_on)}
    record.type, record.started_on, record.ended_on = type, started_on, ended_on
    record.full_clean()
    record.save(update_fields=["type", "started_on", "ended_on"])
    correction_keep(
        case=locked,
        record=record,
        kind=Correction.Kind.CORRECTED,
        values={
            f: [str(old) if old else None, str(new) if new else None] for f, (old, new) in changed.items()
        },
        reason=reason,
        actor=actor,
    )

    def shown(value) -> str:
        return _date(value) if isinstance(value, dt.date) else str(value or "–")

    diffs = _diffs_text(
        changed,
        {"type": (_("type"), shown), "started_on": (_("start"), shown), "ended_on": (_("slut"), shown)},
    )
    context = {"record": old_text, "who": actor_name(actor), "today": _date(timezone.localdate())}
    context.update(diffs=diffs, reason=reason.strip())
    case_event_add(case=locked, actor=actor, kind="correction", text=text % context)
    _done(locked, record.case)
    return record


def _period_record_annul(*, record, actor, reason, kept: dict, text: str) -> None:
    """Annul a measure or offer registered in error: removed, so it counts nowhere; `kept` holds its
    values."""
    locked, record = correction_lock(record, actor, reason, author_id=None)
    correction_keep(
        case=locked, record=record, kind=Correction.Kind.ANNULLED, values=kept, reason=reason, actor=actor
    )
    event = text % {
        "record": _("%(type)s fra %(day)s") % {"type": record.type, "day": _date(record.started_on)},
        "who": actor_name(actor),
        "today": _date(timezone.localdate()),
        "reason": reason.strip(),
    }
    record.delete()
    case_event_add(case=locked, actor=actor, kind="correction", text=event)
    _done(locked, record.case)


@transaction.atomic
def measure_correct(
    *,
    measure: Measure,
    actor: AbstractBaseUser,
    reason: str,
    type: MeasureType,
    started_on: dt.date,
    ended_on: dt.date | None,
) -> Measure:
    """Correct a measure's type, start or end (the week-13 target and figure follow its start)."""
    return _period_record_correct(
        record=measure,
        actor=actor,
        reason=reason,
        type=type,
        started_on=started_on,
        ended_on=ended_on,
        text=_("Indsatsen %(record)s rettet af %(who)s den %(today)s: %(diffs)s. Begrundelse: %(reason)s"),
    )


@transaction.atomic
def measure_annul(*, measure: Measure, actor: AbstractBaseUser, reason: str) -> None:
    """Annul a measure registered in error (with its gradual-return steps)."""
    kept = {
        "type": measure.type.code,
        "started_on": str(measure.started_on),
        "ended_on": str(measure.ended_on) if measure.ended_on else None,
        "note": measure.note,
        "steps": [[str(step.from_date), str(step.hours_per_week)] for step in measure.steps.all()],
    }
    _period_record_annul(
        record=measure,
        actor=actor,
        reason=reason,
        kept=kept,
        text=_("Indsatsen %(record)s annulleret af %(who)s den %(today)s. Begrundelse: %(reason)s"),
    )


@transaction.atomic
def offer_correct(
    *,
    offer: Offer,
    actor: AbstractBaseUser,
    reason: str,
    type: OfferType,
    started_on: dt.date,
    ended_on: dt.date | None,
) -> Offer:
    """Correct an offer's type, start or end (its scores are health information and stay as they are)."""
    return _period_record_correct(
        record=offer,
        actor=actor,
        reason=reason,
        type=type,
        started_on=started_on,
        ended_on=ended_on,
        text=_("Tilbuddet %(record)s rettet af %(who)s den %(today)s: %(diffs)s. Begrundelse: %(reason)s"),
    )


@transaction.atomic
def offer_annul(*, offer: Offer, actor: AbstractBaseUser, reason: str) -> None:
    """Annul an offer registered in error; its values, scores included, are kept (cleared when the person is
    anonymised)."""
    kept = {
        "type": offer.type.code,
        "started_on": str(offer.started_on),
        "ended_on": str(offer.ended_on) if offer.ended_on else None,
        "score_start": offer.score_start,
        "score_end": offer.score_end,
    }
    _period_record_annul(
        record=offer,
        actor=actor,
        reason=reason,
        kept=kept,
        text=_("Tilbuddet %(record)s annulleret af %(who)s den %(today)s. Begrundelse: %(reason)s"),
    )


def _correction_event(locked: Case, actor, text: str, **context) -> None:
    context.update(who=actor_name(actor), today=_date(timezone.localdate()))
    case_event_add(case=locked, actor=actor, kind="correction", text=text % context)


def _category_follows_visitations(case: Case) -> None:
    """The case's category is its latest visitation's (none left: not visited)."""
    latest = case.visitations.order_by("-decided_on", "-id").first()
    case.category = latest.category if latest else None
    case.full_clean()
    case.save(update_fields=["category"])


@transaction.atomic
def visitation_correct(
    *, visitation: Visitation, actor: AbstractBaseUser, reason: str, category: int, decided_on: dt.date
) -> Visitation:
    """Correct a visitation's category or date (its author or a leader); the case's category follows its
    latest visitation, and the deadlines with it."""
    locked, visitation = correction_lock(visitation, actor, reason, author_id=visitation.decided_by_id)
    _check_date(locked, decided_on, "decided_on")
    if category == Category.THREE and not locked.rule_set.category_3_exists:
        raise ValidationError(
            {"category": _("Kategori 3 findes ikke i regelsættet %(rules)s.") % {"rules": locked.rule_set}}
        )
    changed = correction_changes(
        {"category": visitation.category, "decided_on": visitation.decided_on},
        {"category": category, "decided_on": decided_on},
    )
    if locked.visitations.filter(category=category, decided_on=decided_on).exclude(pk=visitation.pk).exists():
        raise ValidationError(_("Denne visitation er allerede registreret."))
    old_day = visitation.decided_on
    visitation.category, visitation.decided_on = category, decided_on
    visitation.full_clean()
    visitation.save(update_fields=["category", "decided_on"])
    values = {field: [str(old), str(new)] for field, (old, new) in changed.items()}
    correction_keep(
        case=locked,
        record=visitation,
        kind=Correction.Kind.CORRECTED,
        values=values,
        reason=reason,
        actor=actor,
    )
    _category_follows_visitations(locked)
    diffs = _diffs_text(changed, {"category": (_("kategori"), str), "decided_on": (_("dato"), _date)})
    _correction_event(
        locked,
        actor,
        _("Visitationen %(day)s rettet af %(who)s den %(today)s: %(diffs)s. Begrundelse: %(reason)s"),
        day=_date(old_day),
        diffs=diffs,
        reason=reason.strip(),
    )
    _done(locked, visitation.case)
    return visitation


@transaction.atomic
def visitation_annul(*, visitation: Visitation, actor: AbstractBaseUser, reason: str) -> None:
    """Annul a visitation recorded in error; the case's category falls back to the one before it."""
    locked, visitation = correction_lock(visitation, actor, reason, author_id=visitation.decided_by_id)
    kept = {
        "category": visitation.category,
        "decided_on": str(visitation.decided_on),
        "rationale": visitation.rationale,
        "decided_by": visitation.decided_by_id,
    }
    correction_keep(
        case=locked, record=visitation, kind=Correction.Kind.ANNULLED, values=kept, reason=reason, actor=actor
    )
    visitation.delete()
    _category_follows_visitations(locked)
    _correction_event(
        locked,
        actor,
        _(
            "Visitationen til kategori %(category)s den %(day)s annulleret af %(who)s den %(today)s. "
            "Begrundelse: %(reason)s"
        ),
        category=visitation.category,
        day=_date(visitation.decided_on),
        reason=reason.strip(),
    )
    _done(locked, visitation.case)


def _exception_correctable(exception: CaseException, actor: AbstractBaseUser, reason: str):
    """A pending proposal: its proposer or a leader; a decided one: a leader only (it changes what was
    decided)."""
    if exception.status != CaseException.Status.PENDING and not has_role(actor, Role.LEADER):
        raise PermissionDenied
    return correction_lock(exception, actor, reason, author_id=exception.proposed_by_id)


@transaction.atomic
def exception_correct(
    *, exception: CaseException, actor: AbstractBaseUser, reason: str, exception_reason: ExceptionReason
) -> CaseException:
    """Correct the ground of an exception proposal (or of a decided exception, by a leader)."""
    locked, exception = _exception_correctable(exception, actor, reason)
    changed = correction_changes({"reason": exception.reason}, {"reason": exception_reason})
    if exception_reason != exception.reason and not exception_reason.active:
        raise ValidationError({"exception_reason": _("Denne årsag bruges ikke længere.")})
    if (
        exception.status == CaseException.Status.APPROVED
        and locked.exceptions.filter(status=CaseException.Status.APPROVED, reason=exception_reason)
        .exclude(pk=exception.pk)
        .exists()
    ):
        raise ValidationError({"exception_reason": _("En undtagelse med denne årsag er allerede godkendt.")})
    exception.reason = exception_reason
    exception.full_clean()
    exception.save(update_fields=["reason"])
    old, new = changed["reason"]
    correction_keep(
        case=locked,
        record=exception,
        kind=Correction.Kind.CORRECTED,
        values={"reason": [old.code, new.code]},
        reason=reason,
        actor=actor,
    )
    _correction_event(
        locked,
        actor,
        _("Undtagelsen rettet af %(who)s den %(today)s: årsag %(old)s → %(new)s. Begrundelse: %(reason)s"),
        old=old,
        new=new,
        reason=reason.strip(),
    )
    _done(locked, exception.case)
    return exception


@transaction.atomic
def exception_annul(*, exception: CaseException, actor: AbstractBaseUser, reason: str) -> None:
    """Withdraw a proposal, or annul a decided exception recorded in error (a leader): it counts nowhere."""
    locked, exception = _exception_correctable(exception, actor, reason)
    kept = {
        "reason": exception.reason.code,
        "note": exception.note,
        "status": exception.status,
        "proposed_by": exception.proposed_by_id,
        "proposed_at": exception.proposed_at.isoformat(),
        "decided_by": exception.decided_by_id,
        "decision_note": exception.decision_note,
    }
    correction_keep(
        case=locked, record=exception, kind=Correction.Kind.ANNULLED, values=kept, reason=reason, actor=actor
    )
    exception.delete()
    _correction_event(
        locked,
        actor,
        _(
            "Undtagelsen (%(ground)s, %(status)s) annulleret af %(who)s den %(today)s. "
            "Begrundelse: %(reason)s"
        ),
        ground=exception.reason,
        status=exception.get_status_display().lower(),
        reason=reason.strip(),
    )
    _done(locked, exception.case)


@transaction.atomic
def measure_start(
    *,
    case: Case,
    actor: AbstractBaseUser,
    type: MeasureType,
    started_on: dt.date,
    ended_on: dt.date | None = None,
    note: str = "",
    gradual_return_steps: Sequence[tuple[dt.date, Decimal]] = (),
) -> Measure:
    """Start an enterprise-oriented measure, optionally with a gradual-return schedule."""
    locked = case_lock(case)
    _check_date(locked, started_on, "started_on", days_ahead=date_ranges.START_DAYS_AHEAD)
    _check_date(locked, ended_on, "ended_on", days_ahead=date_ranges.END_DAYS_AHEAD)
    _check_period(started_on, ended_on)
    if not type.active:
        raise ValidationError({"type": _("Denne type bruges ikke længere.")})
    if locked.measures.filter(type=type, started_on=started_on).exists():
        raise ValidationError(_("Denne indsats er allerede registreret."))
    steps = _check_steps(locked, gradual_return_steps)
    measure = Measure(case=locked, type=type, started_on=started_on, ended_on=ended_on, note=note.strip())
    measure.full_clean()
    measure.save()
    _add_steps(measure, steps)
    text = _("Virksomhedsrettet indsats: %(type)s fra %(day)s") % {"type": type, "day": _date(started_on)}
    if ended_on:
        text += " " + _("til %(day)s") % {"day": _date(ended_on)}
    if steps:
        text += ". " + _("Optrapningsplan: %(steps)s") % {"steps": _steps_text(steps)}
    case_event_add(case=locked, actor=actor, kind="measure", text=text)
    _done(locked, case)
    return measure


@transaction.atomic
def measure_end(*, measure: Measure, actor: AbstractBaseUser, ended_on: dt.date) -> Measure:
    locked = case_lock(measure.case)
    measure = Measure.objects.select_for_update().get(pk=measure.pk)
    _check_date(locked, ended_on, "ended_on", days_ahead=date_ranges.END_DAYS_AHEAD)
    _check_period(measure.started_on, ended_on)
    measure.ended_on = ended_on
    measure.full_clean()
    measure.save(update_fields=["ended_on"])
    case_event_add(
        case=locked,
        actor=actor,
        kind="measure",
        text=_("%(type)s slutter %(day)s") % {"type": measure.type, "day": _date(ended_on)},
    )
    _done(locked, measure.case)
    return measure


# --- Offers -----------------------------------------------------------------------------------------------


@transaction.atomic
def offer_add(
    *,
    case: Case,
    actor: AbstractBaseUser,
    type: OfferType,
    started_on: dt.date,
    ended_on: dt.date | None = None,
    score_start: int | None = None,
    score_end: int | None = None,
) -> Offer:
    """An offer (tilbud) with the citizen's own progression score at start and end. The scores are health
    information: the timeline names only the offer and its dates."""
    locked = case_lock(case)
    _check_date(locked, started_on, "started_on", days_ahead=date_ranges.START_DAYS_AHEAD)
    _check_date(locked, ended_on, "ended_on", days_ahead=date_ranges.END_DAYS_AHEAD)
    _check_period(started_on, ended_on)
    if not type.active:
        raise ValidationError({"type": _("Dette tilbud bruges ikke længere.")})
    if locked.offers.filter(type=type, started_on=started_on).exists():
        raise ValidationError(_("Dette tilbud er allerede registreret."))
    offer = Offer(
        case=locked,
        type=type,
        started_on=started_on,
        ended_on=ended_on,
        score_start=score_start,
        score_end=score_end,
    )
    offer.full_clean()
    offer.save()
    text = _("Tilbud: %(type)s fra %(day)s") % {"type": type, "day": _date(started_on)}
    if ended_on:
        text += " " + _("til %(day)s") % {"day": _date(ended_on)}
    case_event_add(case=locked, actor=actor, kind="offer", text=text)
    _done(locked, case)
    return offer


@transaction.atomic
def offer_finish(*, offer: Offer, actor: AbstractBaseUser, ended_on: dt.date, score_end: int | None) -> Offer:
    locked = case_lock(offer.case)
    offer = Offer.objects.select_for_update().get(pk=offer.pk)
    _check_date(locked, ended_on, "ended_on", days_ahead=date_ranges.END_DAYS_AHEAD)
    _check_period(offer.started_on, ended_on)
    offer.ended_on = ended_on
    offer.score_end = score_end
    offer.full_clean()
    offer.save(update_fields=["ended_on", "score_end"])
    case_event_add(
        case=locked,
        actor=actor,
        kind="offer",
        text=_("Tilbud %(type)s afsluttet %(day)s") % {"type": offer.type, "day": _date(ended_on)},
    )
    _done(locked, offer.case)
    return offer


# --- Exceptions from the workplace meeting ----------------------------------------------------------------


@transaction.atomic
def exception_propose(
    *, case: Case, actor: AbstractBaseUser, reason: ExceptionReason, note: str = ""
) -> CaseException:
    """Propose an exception (consultant or booker). Someone else decides it."""
    if not has_role(actor, Role.CONSULTANT, Role.BOOKER, Role.LEADER):
        raise PermissionDenied
    locked = case_lock(case)
    if not reason.active:
        raise ValidationError({"reason": _("Denne årsag bruges ikke længere.")})
    if locked.exceptions.filter(status=CaseException.Status.PENDING).exists():
        raise ValidationError(_("Der er allerede en undtagelse, som afventer afgørelse."))
    if locked.exceptions.filter(status=CaseException.Status.APPROVED, reason=reason).exists():
        raise ValidationError({"reason": _("En undtagelse med denne årsag er allerede godkendt.")})
    exception = CaseException(
        case=locked, reason=reason, note=note.strip(), proposed_by=actor, proposed_at=timezone.now()
    )
    exception.full_clean()
    exception.save()
    case_event_add(
        case=locked,
        actor=actor,
        kind="exception_proposed",
        text=_("Undtagelse fra mødet på arbejdspladsen foreslået: %(reason)s") % {"reason": reason},
    )
    _done(locked, case)
    return exception


@transaction.atomic
def exception_decide(
    *, exception: CaseException, actor: AbstractBaseUser, approve: bool, note: str = ""
) -> CaseException:
    """A leader approves or rejects a pending exception; never the person who proposed it."""
    if not has_role(actor, Role.LEADER):
        raise PermissionDenied
    if exception.proposed_by_id == actor.pk:
        raise ValidationError(_("En undtagelse kan ikke afgøres af den, der har foreslået den."))
    locked = Case.objects.select_for_update().get(pk=exception.case_id)
    status = CaseException.Status.APPROVED if approve else CaseException.Status.REJECTED
    # Claim the pending row: a second decision (double submit, or two leaders at once) updates nothing.
    claimed = CaseException.objects.filter(pk=exception.pk, status=CaseException.Status.PENDING).update(
        status=status, decided_by=actor, decided_at=timezone.now(), decision_note=note.strip()
    )
    if not claimed:
        raise ValidationError(_("Undtagelsen er allerede afgjort."))
    exception.refresh_from_db()
    text = (_("Undtagelse godkendt: %(reason)s") if approve else _("Undtagelse afvist: %(reason)s")) % {
        "reason": exception.reason
    }
    case_event_add(case=locked, actor=actor, kind="exception_decided", text=text)
    _refresh_deadlines(locked)
    return exception


# --- Handover ---------------------------------------------------------------------------------------------


@transaction.atomic
def case_hand_over(
    *,
    case: Case,
    actor: AbstractBaseUser,
    to_consultant: AbstractBaseUser,
    reason: HandoverReason,
    note: str = "",
    on: dt.date | None = None,
) -> Assignment:
    """Hand the case to another consultant with a reason; the case's team follows the new consultant."""
    locked = case_lock(case)
    on = on or timezone.localdate()
    _check_date(locked, on, "on")
    if not has_role(to_consultant, Role.CONSULTANT):
        raise ValidationError({"to_consultant": _("Modtageren er ikke fastholdelseskonsulent.")})
    consultant_check_allowed(case=locked, consultant=to_consultant, field="to_consultant")
    if locked.consultant_id == to_consultant.pk:
        raise ValidationError({"to_consultant": _("Sagen ligger allerede hos denne konsulent.")})
    if not reason.active:
        raise ValidationError({"reason": _("Denne årsag bruges ikke længere.")})
    current = locked.assignments.filter(ended_on__isnull=True).order_by("-started_on", "-id").first()
    if current is None and locked.consultant_id:
        # Cases created before assignments were recorded: record the first responsible consultant now.
        current = Assignment.objects.create(
            case=locked, consultant_id=locked.consultant_id, started_on=locked.received_on or on
        )
    if current is not None:
        if on < current.started_on:
            raise ValidationError({"on": _("Datoen ligger før den nuværende tildeling.")})
        current.ended_on = on
        current.save(update_fields=["ended_on"])
    assignment = Assignment(
        case=locked, consultant=to_consultant, started_on=on, reason=reason, note=note.strip()
    )
    assignment.full_clean()
    assignment.save()
    previous = get_user_model().objects.filter(pk=locked.consultant_id).first()
    locked.consultant = to_consultant
    staff = StaffMember.objects.filter(user=to_consultant).select_related("team").first()
    if staff is not None and staff.team_id:
        locked.team = staff.team
    locked.full_clean()
    locked.save(update_fields=["consultant", "team"])
    text = _("Sagen overdraget fra %(old)s til %(new)s (%(reason)s)") % {
        "old": (previous.get_full_name() or previous.get_username()) if previous else _("ingen"),
        "new": to_consultant.get_full_name() or to_consultant.get_username(),
        "reason": reason,
    }
    case_event_add(case=locked, actor=actor, kind="handover", text=text)
    _done(locked, case)
    return assignment


# --- Fast Track, § 56 agreement, retention plan -----------------------------------------------------------


def fast_track_meeting_deadline(case: Case) -> dt.date | None:
    """The first conversation is held no later than 2 weeks after the request (§ 7 d)."""
    if case.fast_track_requested_on is None:
        return None
    return case.fast_track_requested_on + dt.timedelta(weeks=case.rule_set.fast_track_meeting_weeks)


@transaction.atomic
def fast_track_register(
    *,
    case: Case,
    actor: AbstractBaseUser,
    requested_on: dt.date,
    requested_by: str,
    answered_on: dt.date | None = None,
) -> Case:
    """Fast Track (sygedagpengeloven §§ 7 c–7 e): the employer or employee may ask until 5 weeks after D."""
    locked = case_lock(case)
    _check_date(locked, requested_on, "requested_on")
    _check_date(locked, answered_on, "answered_on")
    if requested_by not in ("employer", "employee"):
        raise ValidationError({"requested_by": _("Angiv, hvem der anmodede.")})
    last_day = locked.first_absence_day + dt.timedelta(weeks=locked.rule_set.fast_track_request_weeks)
    if requested_on > last_day:
        raise ValidationError(
            {
                "requested_on": _("Fast track kan kun anmodes indtil %(weeks)s uger efter første fraværsdag.")
                % {"weeks": locked.rule_set.fast_track_request_weeks}
            }
        )
    if answered_on is not None and answered_on < requested_on:
        raise ValidationError({"answered_on": _("Svaret ligger før anmodningen.")})
    first_time = locked.fast_track_requested_on is None
    locked.fast_track_requested_on = requested_on
    locked.fast_track_requested_by = requested_by
    locked.fast_track_answered_on = answered_on
    locked.full_clean()
    locked.save(
        update_fields=["fast_track_requested_on", "fast_track_requested_by", "fast_track_answered_on"]
    )
    who = _("arbejdsgiveren") if requested_by == "employer" else _("medarbejderen")
    text = (
        _("Fast track anmodet %(day)s af %(who)s") if first_time else _("Fast track rettet: %(day)s, %(who)s")
    ) % {
        "day": _date(requested_on),
        "who": who,
    }
    text += "; " + _("samtale senest %(day)s") % {"day": _date(fast_track_meeting_deadline(locked))}
    if answered_on:
        text += "; " + _("medarbejderen svarede %(day)s") % {"day": _date(answered_on)}
    case_event_add(case=locked, actor=actor, kind="fast_track", text=text)
    _done(locked, case)
    return case


def _add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


@transaction.atomic
def agreement_56_register(*, case: Case, actor: AbstractBaseUser, approved_on: dt.date) -> Case:
    """§ 56 agreement (chronic illness): approved for 2 years at a time."""
    locked = case_lock(case)
    if approved_on > timezone.localdate():
        raise ValidationError({"approved_on": _("Datoen ligger i fremtiden.")})
    # An agreement may predate the case (chronic illness), but one that had expired before the first day of
    # absence does not concern it (and 0001-01-01 is a typing error).
    if (
        approved_on < date_ranges.EARLIEST
        or _add_years(approved_on, locked.rule_set.agreement_56_years) <= locked.first_absence_day
    ):
        raise ValidationError(
            {"approved_on": _("En aftale godkendt den dag var udløbet før første fraværsdag.")}
        )
    if approved_on == locked.agreement_56_approved_on:
        raise ValidationError(_("Denne § 56-aftale er allerede registreret."))
    locked.agreement_56_approved_on = approved_on
    locked.agreement_56_expires_on = _add_years(
        approved_on, locked.rule_set.agreement_56_years
    ) - dt.timedelta(days=1)
    locked.full_clean()
    locked.save(update_fields=["agreement_56_approved_on", "agreement_56_expires_on"])
    case_event_add(
        case=locked,
        actor=actor,
        kind="agreement_56",
        text=_("§ 56-aftale godkendt %(day)s, udløber %(expiry)s")
        % {"day": _date(approved_on), "expiry": _date(locked.agreement_56_expires_on)},
    )
    _done(locked, case)
    return case


def _date_record(
    *,
    case: Case,
    actor: AbstractBaseUser,
    field: str,
    column: str,
    day: dt.date,
    already: str,
    kind: str,
    text: str,
) -> Case:
    """Store one dated fact on the case (`column`; the form's `field` is named in errors), write its timeline
    entry and recompute the deadlines; `already` refuses the same day twice."""
    locked = case_lock(case)
    _check_date(locked, day, field)
    if day == getattr(locked, column):
        raise ValidationError(already)
    setattr(locked, column, day)
    locked.full_clean()
    locked.save(update_fields=[column])
    case_event_add(case=locked, actor=actor, kind=kind, text=text)
    _done(locked, case)
    return case


@transaction.atomic
def retention_plan_register(*, case: Case, actor: AbstractBaseUser, received_on: dt.date) -> Case:
    """The employee's retention plan (fastholdelsesplan, § 7 b)."""
    return _date_record(
        case=case,
        actor=actor,
        field="received_on",
        column="retention_plan_received_on",
        day=received_on,
        already=_("Fastholdelsesplanen er allerede registreret."),
        kind="retention_plan",
        text=_("Fastholdelsesplan (§ 7 b) modtaget %(day)s") % {"day": _date(received_on)},
    )


@transaction.atomic
def reassessment_decide(
    *,
    case: Case,
    actor: AbstractBaseUser,
    decided_on: dt.date,
    outcome: str,
    extension_ground: str = "",
    extension_until: dt.date | None = None,
) -> Case:
    """The re-assessment decision (§ 24); it completes the re-assessment deadline. Payment never simply stops:

    - a § 27 extension names its ground (§ 27, stk. 1, nr. 1–7) and, for the grounds with a maximum (nr. 2:
      69 weeks, nr. 3: 134 weeks, counted from the re-assessment date), the day it runs to — not beyond the
      maximum. That day becomes the deadline EXTENSION_END, alerted ahead like the re-assessment. The other
      grounds may give an end day (then it is a deadline too) or run until their event.
    - the transition to jobafklaringsforløb ends the sickness-benefit follow-up: the case is closed on the
      day of the decision with the closing reason "jobafklaring" (formats.md), in the same transaction."""
    if outcome not in ReassessmentOutcome.values:
        raise ValidationError({"outcome": _("Vælg en afgørelse.")})
    extending = outcome == ReassessmentOutcome.EXTENSION_27
    if extending and not extension_ground:
        raise ValidationError({"extension_ground": _("Vælg forlængelsesgrunden (§ 27, stk. 1).")})
    if extension_ground and extension_ground not in ExtensionGround.values:
        raise ValidationError({"extension_ground": _("Vælg en gyldig forlængelsesgrund.")})
    if not extending and extension_ground:
        raise ValidationError(
            {"extension_ground": _("En forlængelsesgrund hører kun til en forlængelse efter § 27.")}
        )
    if not extending and extension_until is not None:
        raise ValidationError({"extension_until": _("En slutdato hører kun til en forlængelse efter § 27.")})
    locked = case_lock(case)
    _check_date(locked, decided_on, "decided_on")
    latest = locked.reassessment_decisions.order_by("-decided_on", "-id").first()
    if latest is not None and (decided_on, outcome, extension_ground, extension_until) == (
        latest.decided_on,
        latest.outcome,
        latest.extension_ground,
        latest.extension_until,
    ):
        raise ValidationError(_("Revurderingen er allerede afgjort den dag."))
    if latest is not None and decided_on < latest.decided_on:
        raise ValidationError(
            {
                "decided_on": _("Afgørelsen kan ikke ligge før den seneste revurdering (%(day)s).")
                % {"day": _date(latest.decided_on)}
            }
        )
    if extending:
        _check_extension_until(locked, decided_on, extension_ground, extension_until)
    decision = ReassessmentDecision(
        case=locked,
        decided_on=decided_on,
        outcome=outcome,
        extension_ground=extension_ground if extending else "",
        extension_until=extension_until if extending else None,
        decided_by=actor,
    )
    decision.full_clean()
    decision.save()
    # The case keeps the first decision's day (it met the re-assessment deadline; a later decision, when an
    # extension runs out, must not make that deadline late after the fact) and the current extension's end
    # (the EXTENSION_END deadline, replaced by each later decision); a transition ends any extension.
    if locked.reassessment_decided_on is None:
        locked.reassessment_decided_on = decided_on
    locked.extension_until = decision.extension_until
    locked.full_clean()
    locked.save(update_fields=["reassessment_decided_on", "extension_until"])
    text = _("Revurdering afgjort %(day)s: %(outcome)s") % {
        "day": _date(decided_on),
        "outcome": ReassessmentOutcome(outcome).label,
    }
    if extending:
        text += " – " + str(ExtensionGround(extension_ground).label)
        if extension_until is not None:
            text += ", " + _("til og med %(day)s") % {"day": _date(extension_until)}
    case_event_add(case=locked, actor=actor, kind="reassessment", text=text)
    if extending:
        _done(locked, case)
        return case
    # The transition ends the sickness-benefit follow-up: close the case as the catalogue says.
    reason = ClosingReason.objects.filter(code=JOBAFKLARING_CLOSING_CODE, active=True).first()
    if reason is None:
        raise ValidationError(
            {"outcome": _("Afslutningsårsagen »jobafklaring« mangler i kataloget; kontakt administratoren.")}
        )
    try:
        case_close(case=case, actor=actor, closed_on=decided_on, reason=reason)
    except ValidationError as error:
        # The closing's own checks (not before the latest conversation) concern the decision's date here.
        if hasattr(error, "error_dict") and "closed_on" in error.error_dict:
            raise ValidationError({"decided_on": error.error_dict["closed_on"]}) from None
        raise
    return case


def _check_extension_until(
    case: Case, decided_on: dt.date, ground: str, extension_until: dt.date | None
) -> None:
    """The day a § 27 extension runs to: after the decision, required for a ground with a maximum and not
    beyond it (the re-assessment date plus 69 or 134 weeks: visitation.deadlines.extension_latest_end)."""
    facts = case_deadline_facts(case=case)
    latest = extension_latest_end(facts, ground)
    if extension_until is None:
        if extension_max_weeks(ground, facts.rules) is not None:
            raise ValidationError(
                {"extension_until": _("Angiv, hvor længe forlængelsen løber (grunden har en grænse).")}
            )
        return
    if extension_until <= decided_on:
        raise ValidationError({"extension_until": _("Forlængelsen skal løbe til en dag efter afgørelsen.")})
    try:
        date_ranges.date_range_check(extension_until, days_ahead=date_ranges.END_DAYS_AHEAD)
    except ValidationError as error:
        raise ValidationError({"extension_until": error.messages}) from None
    if latest is not None and extension_until > latest:
        raise ValidationError(
            {
                "extension_until": _(
                    "Forlængelsen kan højst løbe til og med %(day)s "
                    "(%(weeks)s uger fra revurderingstidspunktet)."
                )
                % {"day": _date(latest), "weeks": extension_max_weeks(ground, facts.rules)}
            }
        )


# --- The standby scheme ---------------------------------------------------------------------------------


@transaction.atomic
def standby_start(*, case: Case, actor: AbstractBaseUser, ground: str, started_on: dt.date) -> Case:
    """The person enters the standby scheme (seriously ill): follow-up conversations and offers are not
    required from `started_on`, and raise no alert; the re-assessment still does."""
    if ground not in StandbyGround.values:
        raise ValidationError({"ground": _("Vælg grunden til standby.")})
    locked = case_lock(case)
    _check_date(locked, started_on, "started_on")
    if locked.standby_from is not None and locked.standby_until is None:
        raise ValidationError(_("Borgeren er allerede i standby."))
    locked.standby_ground, locked.standby_from, locked.standby_until = ground, started_on, None
    locked.full_clean()
    locked.save(update_fields=["standby_ground", "standby_from", "standby_until"])
    text = _("Standby fra %(day)s (%(ground)s): opfølgningssamtaler og tilbud kræves ikke")
    case_event_add(
        case=locked,
        actor=actor,
        kind="standby",
        text=text % {"day": _date(started_on), "ground": StandbyGround(ground).label},
    )
    _done(locked, case)
    return case


@transaction.atomic
def standby_end(*, case: Case, actor: AbstractBaseUser, ended_on: dt.date) -> Case:
    """Standby ends; the next follow-up counts from this day."""
    locked = case_lock(case)
    if locked.standby_from is None or locked.standby_until is not None:
        raise ValidationError(_("Borgeren er ikke i standby."))
    _check_date(locked, ended_on, "ended_on")
    if ended_on < locked.standby_from:
        raise ValidationError({"ended_on": _("Standby kan ikke slutte, før den begyndte.")})
    locked.standby_until = ended_on
    locked.full_clean()
    locked.save(update_fields=["standby_until"])
    case_event_add(
        case=locked,
        actor=actor,
        kind="standby",
        text=_("Standby ophørt %(day)s; opfølgningen regnes fra denne dag") % {"day": _date(ended_on)},
    )
    _done(locked, case)
    return case


# --- Closing and reopening --------------------------------------------------------------------------------


@transaction.atomic
def case_close(*, case: Case, actor: AbstractBaseUser, closed_on: dt.date, reason: ClosingReason) -> Case:
    """Close the case; afterwards it is read-only until a leader reopens it."""
    locked = case_lock(case)
    _check_date(locked, closed_on, "closed_on")
    if not reason.active:
        raise ValidationError({"reason": _("Denne årsag bruges ikke længere.")})
    last_conversation = locked.conversations.order_by("-held_on").values_list("held_on", flat=True).first()
    if last_conversation and closed_on < last_conversation:
        raise ValidationError(
            {
                "closed_on": _("Sagen kan ikke afsluttes før den seneste samtale (%(day)s).")
                % {"day": _date(last_conversation)}
            }
        )
    locked.status = Case.Status.CLOSED
    locked.closed_on = closed_on
    locked.closing_reason = reason
    locked.full_clean()
    locked.save(update_fields=["status", "closed_on", "closing_reason"])
    case_event_add(
        case=locked,
        actor=actor,
        kind="closed",
        text=_("Sagen afsluttet %(day)s: %(reason)s (uge %(week)s)")
        % {"day": _date(closed_on), "reason": reason, "week": locked.absence_week(closed_on)},
    )
    _done(locked, case)
    return case


@transaction.atomic
def case_reopen(*, case: Case, actor: AbstractBaseUser, reason: str) -> Case:
    """Only a leader reopens a closed case, and always with a reason."""
    if not has_role(actor, Role.LEADER):
        raise PermissionDenied
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Angiv hvorfor sagen genåbnes.")})
    locked = Case.objects.select_for_update().get(pk=case.pk)
    if not locked.is_closed:
        raise ValidationError(_("Sagen er ikke afsluttet."))
    closed = locked.closing_reason
    locked.status = Case.Status.OPEN
    locked.closed_on = None
    locked.closing_reason = None
    locked.full_clean()
    locked.save(update_fields=["status", "closed_on", "closing_reason"])
    case_event_add(
        case=locked,
        actor=actor,
        kind="reopened",
        text=_("Sagen genåbnet (var afsluttet: %(closed)s). Begrundelse: %(reason)s")
        % {"closed": closed, "reason": reason},
    )
    _done(locked, case)
    return case
