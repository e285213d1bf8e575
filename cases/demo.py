"""Deterministic demo employers with valid CVR numbers and Danish postcodes, and demo cases."""

import datetime as dt
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from cases.identifiers import CVR_WEIGHTS
from cases.models import Employer
from staff.geo import postcodes

COMPANY_WORDS = [
    "Tømrer", "Maskin", "Plast", "Møbel", "Transport", "Auto", "Beton", "Foder", "Tekstil", "El",
    "VVS", "Smede", "Bager", "Data", "Rengøring", "Vinduer", "Stål", "Trykkeri", "Køkken", "Gartneri",
]  # fmt: skip
COMPANY_SUFFIXES = ["ApS", "A/S", "& Søn", "I/S", "Gruppen A/S", "Service ApS"]
STREETS = ["Industrivej", "Østergade", "Vestergade", "Fabriksvej", "Håndværkervej", "Bredgade", "Torvet"]
# Danish industry codes (DB07) common among the seeds' employers
INDUSTRY_CODES = ["162300", "310100", "222200", "494100", "452000", "412000", "869000", "561010", "471100"]
LEADER_NAMES = ["Bente Holm", "Kim Lund", "Jette Bak", "Ole Dahl", "Karin Vestergaard", "Niels Krogh"]
DEMO_POSTCODES = ["7400", "7430", "7441", "7451", "7480", "7490", "7500", "8600", "7330", "6950", "8800"]


def demo_cvr(rng: random.Random) -> str:
    """A random CVR number that passes the modulus-11 check."""
    while True:
        first7 = [rng.randint(1, 9)] + [rng.randint(0, 9) for _ in range(6)]
        check = -sum(d * w for d, w in zip(first7, CVR_WEIGHTS, strict=False)) % 11
        if check < 10:
            return "".join(map(str, first7 + [check]))


@transaction.atomic
def seed_employers(rng: random.Random, count: int = 150) -> list[Employer]:
    areas = postcodes()
    employers = []
    for number in range(count):
        cvr = demo_cvr(rng)
        area = areas[rng.choice(DEMO_POSTCODES)]
        leader = rng.choice(LEADER_NAMES)
        name = f"{rng.choice(COMPANY_WORDS)}{rng.choice(['firmaet', 'centret', 'huset', ''])} {area.town}"
        employer, _ = Employer.objects.update_or_create(
            cvr=cvr,
            defaults={
                "name": f"{name} {rng.choice(COMPANY_SUFFIXES)}",
                "address": f"{rng.choice(STREETS)} {rng.randint(1, 120)}",
                "postcode": area.postcode,
                "town": area.town,
                "municipality": area.municipality_name,
                "industry_code": rng.choice(INDUSTRY_CODES),
                "nearest_leader_name": leader if number % 4 else "",  # some must be found by the booker
                "nearest_leader_phone": f"{rng.randint(20, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)} "
                f"{rng.randint(10, 99)}",
            },
        )
        employers.append(employer)
    return employers


# --- ~2,000 demo cases over the last 18 months -----------------------------------------------------------

DEMO_CASE_COUNT = 2000
DEMO_MONTHS = 18
# Closing reasons with believable weights (Slagelse's and Herning's tables, seeds 001 and 004).
CLOSING_WEIGHTS = [
    ("rask_eget_job", 56), ("rask_andet_job", 6), ("opsagt", 10), ("jobafklaring", 9),
    ("ressourceforloeb", 2), ("fleksjob", 3), ("foertidspension", 1), ("selvforsoergelse", 4), ("barsel", 4),
    ("fraflyttet", 2), ("doed", 1), ("fejloprettet", 2),
]  # fmt: skip
EXCEPTION_WEIGHTS = [
    ("indlagt", 20), ("alvorligt_syg", 18), ("arbejdsmiljoe", 12), ("rask_efter_uge8", 10), ("opsagt", 12),
    ("samarbejdsproblem", 8), ("arbejdsgiver_afviser", 10), ("mangler_laegeoplysninger", 7), ("afstand", 3),
]  # fmt: skip
HANDOVER_WEIGHTS = [
    ("opsagt_ledighed", 30), ("jobafklaring", 25), ("ressourceforloeb", 5), ("kapacitet", 15),
    ("konsulent_stopper", 15), ("andet", 10),
]  # fmt: skip
OTHER_PLACES = ["jobcenter", "telefon", "video", "hjemme", "hospital"]
FEMALE_NAMES = [
    "Anne",
    "Mette",
    "Hanne",
    "Susanne",
    "Lene",
    "Camilla",
    "Louise",
    "Tina",
    "Pia",
    "Helle",
    "Maria",
]
MALE_NAMES = ["Lars", "Jens", "Peter", "Michael", "Søren", "Henrik", "Thomas", "Rasmus", "Morten", "Jesper"]
SURNAMES = [
    "Jensen",
    "Nielsen",
    "Hansen",
    "Pedersen",
    "Andersen",
    "Christensen",
    "Larsen",
    "Sørensen",
    "Madsen",
]
NEXT_STEPS = [
    "Nyt møde på arbejdspladsen om 4 uger",
    "Opfølgning pr. telefon om 3 uger",
    "Arbejdsgiver undersøger skånehensyn",
    "Borgeren indhenter status fra egen læge",
    "Optrapning fortsætter efter planen",
]


def _weighted(rng: random.Random, weights: list[tuple[str, int]]) -> str:
    codes, numbers = zip(*weights, strict=True)
    return rng.choices(codes, weights=numbers)[0]


def _demo_cpr(rng: random.Random, used: set[str]) -> str:
    while True:
        birth = dt.date(1960, 1, 1) + dt.timedelta(days=rng.randrange(365 * 40))
        seventh = rng.randint(0, 3) if birth.year < 2000 else 4
        digits = f"{birth:%d%m%y}{seventh}{rng.randrange(1000):03d}"
        if digits not in used:
            used.add(digits)
            return digits


def _workday(day: dt.date) -> dt.date:
    """Job centres meet on weekdays: a Saturday or Sunday moves back to the Friday before."""
    return day - dt.timedelta(days=max(0, day.weekday() - 4))


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def _d(day: dt.date) -> str:
    return day.strftime("%d-%m-%Y")


@transaction.atomic
def seed_cases(rng: random.Random, count: int = DEMO_CASE_COUNT, today: dt.date | None = None) -> int:
    """Create `count` cases with first days of absence spread over the last 18 months, with timelines that
    look like the seeds' (mostly category 2, the workplace share improving month by month, some exceptions,
    handovers, Fast Track requests, § 56 agreements). Deterministic for a seed; a second run finds the first
    demo person and creates nothing. Returns the number of cases created."""
    from cases.crypto import cpr_encrypt, cpr_hash
    from cases.identifiers import parse_cpr
    from cases.models import (
        Assignment,
        Case,
        CaseEvent,
        CaseException,
        Conversation,
        GradualReturnStep,
        Measure,
        Offer,
        Person,
        Visitation,
    )
    from cases.services.deadlines import cases_deadlines_refresh_many
    from staff.models import StaffMember
    from staff.roles import Role
    from visitation.models import (
        ClosingReason,
        ExceptionReason,
        HandoverReason,
        MeasureType,
        OfferType,
        RuleSet,
    )

    rng = random.Random(rng.randrange(2**32))  # its own stream: later demo functions see the same rng state
    today = today or timezone.localdate()
    used: set[str] = set()
    cprs = [_demo_cpr(rng, used) for _ in range(count)]
    if Person.objects.filter(cpr_hash=cpr_hash(cprs[0])).exists():
        return 0

    staff = list(
        StaffMember.objects.filter(user__groups__name=Role.CONSULTANT, team__isnull=False)
        .select_related("user", "team__department")
        .order_by("user__username")
    )
    leaders = list(
        StaffMember.objects.filter(user__groups__name=Role.LEADER)
        .select_related("user")
        .order_by("user__username")
    )
    employers = list(Employer.objects.order_by("cvr"))
    if not staff or not leaders or not employers:
        return 0
    retention = [s for s in staff if s.team.slug == "fastholdelse"] or staff
    unemployed_team = [s for s in staff if s.team.slug == "syg-og-ledig"] or staff
    rule_sets = list(RuleSet.objects.order_by("-effective_from"))
    closing = {c.code: c for c in ClosingReason.objects.all()}
    exceptions = {e.code: e for e in ExceptionReason.objects.all()}
    handovers = {h.code: h for h in HandoverReason.objects.all()}
    measure_types = {m.code: m for m in MeasureType.objects.all()}
    offer_types = list(OfferType.objects.order_by("code"))
    PARTICIPANT_LABELS = dict(Conversation.Participant.choices)  # noqa: N806

    start = today - dt.timedelta(days=DEMO_MONTHS * 30)
    people, cases, plans = [], [], []
    for digits in cprs:
        cpr = parse_cpr(digits)
        first_name = rng.choice(FEMALE_NAMES if cpr.is_female else MALE_NAMES)
        people.append(
            Person(
                cpr_encrypted=cpr_encrypt(digits),
                cpr_hash=cpr_hash(digits),
                birth_date=cpr.birth_date,
                sex=Person.Sex.FEMALE if cpr.is_female else Person.Sex.MALE,
                name=f"{first_name} {rng.choice(SURNAMES)}",
            )
        )
    Person.objects.bulk_create(people)
    people = list(Person.objects.filter(cpr_hash__in=[p.cpr_hash for p in people]).order_by("id"))

    for person in people:
        first_day = start + dt.timedelta(days=rng.randrange((today - start).days - 7))
        progress = (first_day - start).days / (today - start).days  # 0 at the start, 1 today: improvement
        employed = rng.random() < 0.88
        owner = rng.choice(retention if employed else unemployed_team)
        rules = next(r for r in rule_sets if r.effective_from <= first_day)
        category = 1 if rng.random() < 0.18 else (3 if rules.category_3_exists and rng.random() < 0.15 else 2)
        received = first_day + dt.timedelta(days=rng.choice([14, 18, 21, 25, 28, 32, 35, 40, 45, 52]))
        received = max(_workday(received), first_day)
        if category == 1:
            duration = rng.randint(20, 70)
        else:
            duration = int(min(400, max(45, rng.lognormvariate(4.6, 0.55))))
        closed_on = first_day + dt.timedelta(days=duration)
        reason = _weighted(rng, CLOSING_WEIGHTS)
        if category == 1 and reason not in ("fejloprettet", "barsel"):
            reason = "rask_eget_job"
        case = Case(
            person=person,
            employer=rng.choice(employers) if employed else None,
            first_absence_day=first_day,
            received_on=min(received, today),
            source=Case.Source.BENEFIT_OFFICE,
            category=category if received <= today else None,
            consultant=owner.user,
            team=owner.team,
            municipality_id=owner.team.department.municipality_id,
            rule_set=rules,
        )
        if closed_on <= today:
            case.status, case.closed_on, case.closing_reason = Case.Status.CLOSED, closed_on, closing[reason]
        plans.append((case, owner, progress))
        cases.append(case)
    Case.objects.bulk_create(cases)

    assignments, visitations, conversations, measures, offers, case_exceptions, events = (
        [],
        [],
        [],
        [],
        [],
        [],
        [],
    )
    steps: list[tuple[Measure, list[tuple[dt.date, float]]]] = []

    for case, owner, progress in plans:
        user = owner.user
        end = case.closed_on or today
        first_day = case.first_absence_day

        def event(day, kind, text, actor=user, case=case):
            events.append(CaseEvent(case=case, occurred_at=_at(day), actor=actor, kind=kind, text=text))

        event(case.received_on, "registered", f"Sagen modtaget fra ydelseskontoret {_d(case.received_on)}")
        assignments.append(Assignment(case=case, consultant=user, started_on=case.received_on))
        if case.category is None:
            continue
        visitations.append(
            Visitation(case=case, category=case.category, decided_on=case.received_on, decided_by=user)
        )
        event(
            case.received_on,
            "visitation",
            f"Visiteret til kategori {case.category} den {_d(case.received_on)}",
        )

        # Fast Track: the employer asks within the first weeks; the first conversation within 2 weeks.
        fast_track_on = None
        if case.employer and case.category != 1 and rng.random() < 0.05:
            fast_track_on = first_day + dt.timedelta(days=rng.randint(5, 30))
            case.fast_track_requested_on = fast_track_on
            case.fast_track_requested_by = rng.choice(["employer", "employer", "employee"])
            case.fast_track_answered_on = fast_track_on + dt.timedelta(days=1)
            case.source = Case.Source.FAST_TRACK
            event(fast_track_on, "fast_track", f"Fast track anmodet {_d(fast_track_on)}")

        if case.category == 1:
            continue
        # The first follow-up conversation: on time ever more often, at the workplace ever more often.
        if fast_track_on:
            held = fast_track_on + dt.timedelta(days=rng.randint(5, 13))
        else:
            late = rng.random() < 0.25 - 0.12 * progress
            held = first_day + dt.timedelta(days=rng.randint(56, 75) if late else rng.randint(35, 55))
        held = max(_workday(held), case.received_on)
        exception = None
        if case.employer and rng.random() < 0.16:
            exception = exceptions[_weighted(rng, EXCEPTION_WEIGHTS)]
        at_workplace = bool(case.employer) and not exception and rng.random() < 0.45 + 0.45 * progress
        proposed = max(case.received_on, held - dt.timedelta(days=rng.randint(3, 10)))
        if exception and proposed <= min(end, today):
            leader = rng.choice(leaders).user
            approved = rng.random() < 0.85
            decided = min(proposed + dt.timedelta(days=rng.randint(1, 6)), today)
            case_exceptions.append(
                CaseException(
                    case=case,
                    reason=exception,
                    proposed_by=user,
                    proposed_at=_at(proposed, 9),
                    status=CaseException.Status.APPROVED if approved else CaseException.Status.REJECTED,
                    decided_by=leader,
                    decided_at=_at(decided, 14),
                )
            )
            event(
                proposed,
                "exception_proposed",
                f"Undtagelse fra mødet på arbejdspladsen foreslået: {exception}",
            )
            verdict = "godkendt" if approved else "afvist"
            event(decided, "exception_decided", f"Undtagelse {verdict}: {exception}", leader)
        number = 0
        while held <= end and held <= today:
            number += 1
            if number == 1:
                if at_workplace:
                    place, participants = "arbejdsplads", ["citizen", "nearest_leader", "consultant"]
                else:
                    place, participants = rng.choice(OTHER_PLACES), ["citizen", "consultant"]
            elif case.employer and rng.random() < 0.4:
                place, participants = "arbejdsplads", ["citizen", "nearest_leader", "hr", "consultant"]
            else:
                place, participants = rng.choice(OTHER_PLACES), ["citizen", "consultant"]
            next_step = rng.choice(NEXT_STEPS)
            conversations.append(
                Conversation(
                    case=case,
                    held_on=held,
                    place=place,
                    participants=participants,
                    employer_took_part="nearest_leader" in participants,
                    next_step=next_step,
                    recorded_by=user,
                )
            )
            label = dict(Conversation.Place.choices)[place].lower()
            who = ", ".join(str(PARTICIPANT_LABELS[p]).lower() for p in participants)
            text = (
                f"{number}. opfølgningssamtale {_d(held)} ({label}, uge {case.absence_week(held)}) med {who}"
            )
            if place == "arbejdsplads" and "nearest_leader" in participants:
                text += " – møde på arbejdspladsen med arbejdsgiver, borger og konsulent"
            event(held, "conversation", f"{text}. Næste skridt: {next_step}")
            held = _workday(held + dt.timedelta(days=rng.randint(21, 30)))

        # Enterprise-oriented measure: ever more often before the end of week 13.
        if case.employer and rng.random() < 0.45 + 0.2 * progress:
            measure_on = first_day + dt.timedelta(
                days=rng.randint(45, 90 if rng.random() < 0.5 + 0.3 * progress else 130)
            )
            if measure_on <= min(end, today):
                code = "delvis_raskmelding" if rng.random() < 0.7 else rng.choice(list(measure_types))
                measure = Measure(case=case, type=measure_types[code], started_on=measure_on)
                measures.append(measure)
                text = f"Virksomhedsrettet indsats: {measure_types[code]} fra {_d(measure_on)}"
                if code == "delvis_raskmelding":
                    hours = rng.choice([10, 12.5, 15, 20, 25])
                    plan = [(measure_on + dt.timedelta(weeks=3 * n), hours + 2.5 * n * 2) for n in range(4)]
                    plan = [(day, min(h, 37)) for day, h in plan]
                    steps.append((measure, plan))
                    text += ". Optrapningsplan: " + ", ".join(
                        f"{str(h).replace('.', ',').removesuffix(',0')} t/uge fra {_d(day)}"
                        for day, h in plan
                    )
                event(measure_on, "measure", text)
        if rng.random() < 0.2:
            offer_on = first_day + dt.timedelta(days=rng.randint(40, 100))
            if offer_on <= min(end, today):
                offer_type = rng.choice(offer_types)
                offer_end = offer_on + dt.timedelta(weeks=rng.randint(4, 10))
                finished = offer_end <= min(end, today)
                score = rng.randint(2, 6)
                offers.append(
                    Offer(
                        case=case,
                        type=offer_type,
                        started_on=offer_on,
                        ended_on=offer_end if finished else None,
                        score_start=score,
                        score_end=max(1, min(10, score + rng.choice([-1, 0, 1, 2, 2, 3, 3, 4])))
                        if finished
                        else None,
                    )
                )
                event(offer_on, "offer", f"Tilbud: {offer_type} fra {_d(offer_on)}")
        if rng.random() < 0.03:
            approved_on = first_day + dt.timedelta(days=rng.randint(30, 120))
            if approved_on <= min(end, today):
                case.agreement_56_approved_on = approved_on
                case.agreement_56_expires_on = approved_on.replace(year=approved_on.year + 2) - dt.timedelta(
                    days=1
                )
                event(approved_on, "agreement_56", f"§ 56-aftale godkendt {_d(approved_on)}")
        if case.employer and rng.random() < 0.04:
            received_plan = first_day + dt.timedelta(days=rng.randint(20, 80))
            if received_plan <= min(end, today):
                case.retention_plan_received_on = received_plan
                event(
                    received_plan, "retention_plan", f"Fastholdelsesplan (§ 7 b) modtaget {_d(received_plan)}"
                )
        if rng.random() < 0.08:
            handover_on = case.received_on + dt.timedelta(days=rng.randint(20, 150))
            if handover_on < min(end, today):
                reason_code = _weighted(rng, HANDOVER_WEIGHTS)
                pool = unemployed_team if reason_code == "opsagt_ledighed" else retention
                new_owner = rng.choice([s for s in pool if s.user_id != user.pk] or pool)
                assignments[-1].ended_on = handover_on
                assignments.append(
                    Assignment(
                        case=case,
                        consultant=new_owner.user,
                        started_on=handover_on,
                        reason=handovers[reason_code],
                    )
                )
                case.consultant, case.team = new_owner.user, new_owner.team
                event(
                    handover_on,
                    "handover",
                    f"Sagen overdraget fra {user.get_full_name()} til {new_owner.user.get_full_name()} "
                    f"({handovers[reason_code]})",
                )

    for case, _owner, _progress in plans:
        if case.closed_on:
            events.append(
                CaseEvent(
                    case=case,
                    occurred_at=_at(case.closed_on, 15),
                    actor=case.consultant,
                    kind="closed",
                    text=f"Sagen afsluttet {_d(case.closed_on)}: {case.closing_reason} "
                    f"(uge {case.absence_week(case.closed_on)})",
                )
            )
    Case.objects.bulk_update(
        cases,
        [
            "consultant",
            "team",
            "source",
            "fast_track_requested_on",
            "fast_track_requested_by",
            "fast_track_answered_on",
            "agreement_56_approved_on",
            "agreement_56_expires_on",
            "retention_plan_received_on",
        ],
        batch_size=500,
    )
    Assignment.objects.bulk_create(assignments, batch_size=1000)
    Visitation.objects.bulk_create(visitations, batch_size=1000)
    Conversation.objects.bulk_create(conversations, batch_size=1000)
    Measure.objects.bulk_create(measures, batch_size=1000)
    GradualReturnStep.objects.bulk_create(
        [
            GradualReturnStep(measure=measure, from_date=day, hours_per_week=Decimal(str(hours)))
            for measure, plan in steps
            for day, hours in plan
        ],
        batch_size=1000,
    )
    Offer.objects.bulk_create(offers, batch_size=1000)
    CaseException.objects.bulk_create(case_exceptions, batch_size=1000)
    CaseEvent.objects.bulk_create(events, batch_size=1000)
    # The stored deadlines of every case (a closed case keeps its met, late and missed ones for the figures),
    # as the import stores them: in bulk.
    cases_deadlines_refresh_many(cases=cases)
    return len(cases)


def seed_second_municipality_cases(rng: random.Random, count: int = 8, today: dt.date | None = None) -> int:
    """A few open cases of the second demo municipality (Ringkøbing-Skjern), registered through the service
    with its own consultants, so that a new user sees the boundary: Herning's staff never see them.
    Idempotent (a case that exists is refused by the service and skipped). Returns the number created."""
    from django.core.exceptions import ValidationError

    from cases.services.cases import case_register
    from staff.models import StaffMember

    rng = random.Random(rng.randrange(2**32))
    today = today or timezone.localdate()
    consultants = [
        member.user
        for member in StaffMember.objects.filter(
            team__slug="rks-fastholdelse", user__groups__name="consultant"
        )
        .select_related("user")
        .order_by("user__username")
    ]
    employers = list(Employer.objects.order_by("cvr")[:20])
    if not consultants or not employers:
        return 0
    used: set[str] = set()
    created = 0
    for number in range(count):
        first_day = today - dt.timedelta(days=rng.randint(10, 60))
        try:
            case_register(
                cpr=_demo_cpr(rng, used),
                person_name=f"Borger RKS {number + 1}",
                first_absence_day=first_day,
                received_on=min(today, first_day + dt.timedelta(days=7)),
                employer=rng.choice(employers),
                consultant=consultants[number % len(consultants)],
                category=2,
            )
            created += 1
        except ValidationError:
            continue  # created by an earlier run
    return created


def seed_restricted_cases() -> int:
    """Two of Herning's open demo cases restricted (beskyttet sag), so that a new user sees who may open them:
    konsulent1's oldest open case concerns a consultant of the other team (ledig1), konsulent2's is of someone
    close to staff, with konsulent3 as deputy. Their teammates and the bookers no longer see them; the leaders
    do. konsulent3's oldest open case is of a citizen with name and address protection. Idempotent. Returns
    the number of restricted demo cases."""
    from django.contrib.auth import get_user_model

    from cases.models import Case, Restriction
    from cases.services.restriction import case_restriction_set

    users = {
        user.username: user for user in get_user_model().objects.filter(username__in=RESTRICTED_DEMO_USERS)
    }
    if len(users) < len(RESTRICTED_DEMO_USERS):
        return 0
    plan = [
        ("konsulent1", Restriction.OWN_STAFF, users["ledig1"], []),
        ("konsulent2", Restriction.CLOSE_TO_STAFF, None, [users["konsulent3"]]),
    ]
    for owner, restriction, staff, deputies in plan:
        case = (
            Case.objects.filter(consultant=users[owner], status=Case.Status.OPEN)
            .order_by("first_absence_day", "pk")
            .first()
        )
        if case is not None and not case.restriction:
            case_restriction_set(
                case=case,
                actor=users["leder1"],
                restriction=restriction,
                restricted_staff=staff,
                deputies=deputies,
            )
    protected = Case.objects.filter(consultant=users["konsulent3"], status=Case.Status.OPEN).order_by(
        "first_absence_day", "pk"
    )[:1]
    for case in protected:
        if not case.person.address_protected:
            case_restriction_set(
                case=case, actor=users["leder1"], restriction=case.restriction, address_protected=True
            )
    return (
        Case.objects.exclude(restriction="")
        .filter(consultant__username__in=["konsulent1", "konsulent2"])
        .count()
    )


RESTRICTED_DEMO_USERS = ["konsulent1", "konsulent2", "konsulent3", "ledig1", "leder1"]
