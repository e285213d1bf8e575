"""Deterministic demo organisation: Herning (two teams, consultants, bookers, leaders, an admin) and a second,
small municipality (Ringkøbing-Skjern) in the same installation."""

import random
import re
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from staff.models import Department, Municipality, StaffMember, Team
from staff.roles import Role

DEMO_PASSWORD = "sof-demo-2026"

FIRST_NAMES = [
    "Anne", "Mette", "Hanne", "Susanne", "Lene", "Camilla", "Louise", "Tina", "Pia", "Helle", "Maria",
    "Lars", "Jens", "Peter", "Michael", "Søren", "Henrik", "Thomas", "Rasmus", "Morten", "Jesper", "Mads",
]  # fmt: skip
LAST_NAMES = [
    "Jensen", "Nielsen", "Hansen", "Pedersen", "Andersen", "Christensen", "Larsen", "Sørensen",
    "Rasmussen", "Jørgensen", "Petersen", "Madsen", "Kristensen", "Olsen", "Thomsen", "Poulsen",
]  # fmt: skip
# Postcodes around Herning, where the seeds' own programme ran.
BASE_POSTCODES = ["7400", "7430", "7441", "7451", "7480", "7490", "7500", "8600", "7330", "6950"]

# (username prefix, count, role, team slug, position before conversion)
DEMO_STAFF = [
    ("konsulent", 14, Role.CONSULTANT, "fastholdelse", None),
    ("ledig", 4, Role.CONSULTANT, "syg-og-ledig", None),
    ("booker", 2, Role.BOOKER, "fastholdelse", StaffMember.Position.ADMINISTRATIVE),
    ("leder", 2, Role.LEADER, "fastholdelse", StaffMember.Position.LEADER),
    ("admin", 1, Role.ADMINISTRATOR, None, StaffMember.Position.ADMINISTRATIVE),
    # A second, small municipality in the same installation: it sees none of Herning's cases, and Herning none
    # of its (issue 16).
    ("rks-konsulent", 2, Role.CONSULTANT, "rks-fastholdelse", None),
    ("rks-booker", 1, Role.BOOKER, "rks-fastholdelse", StaffMember.Position.ADMINISTRATIVE),
    ("rks-leder", 1, Role.LEADER, "rks-fastholdelse", StaffMember.Position.LEADER),
]
CONSULTANT_POSITIONS = [
    StaffMember.Position.CASEWORKER,
    StaffMember.Position.CASEWORKER,
    StaffMember.Position.CASEWORKER,
    StaffMember.Position.JOB_CONSULTANT,
    StaffMember.Position.RETENTION_CONSULTANT,
]


@transaction.atomic
def seed_organisation(rng: random.Random) -> list[tuple[str, str]]:
    """Create or update the demo organisation; returns (username, role label) for every demo login."""
    municipality, _ = Municipality.objects.update_or_create(
        code=657,
        defaults={
            "name": "Herning Kommune",
            "jobcenter_name": "Jobcenter Herning",
            "jobcenter_address": "Fredhøjvej 2, 7400 Herning",
            "jobcenter_phone": "96 28 68 00",
            "jobcenter_email": "jobcenter@herning.example.dk",
        },
    )
    department, _ = Department.objects.update_or_create(
        municipality=municipality, name="Jobcenter Herning – Sygedagpenge"
    )
    teams = {
        slug: Team.objects.update_or_create(slug=slug, defaults={"name": name, "department": department})[0]
        for slug, name in [("fastholdelse", "Fastholdelsesteamet"), ("syg-og-ledig", "Syg og ledig")]
    }
    rks, _ = Municipality.objects.update_or_create(
        code=760,
        defaults={
            "name": "Ringkøbing-Skjern Kommune",
            "jobcenter_name": "Jobcenter Ringkøbing-Skjern",
            "jobcenter_address": "Toften 4, 6880 Tarm",
            "jobcenter_phone": "99 74 24 24",
        },
    )
    rks_department, _ = Department.objects.update_or_create(
        municipality=rks, name="Jobcenter Ringkøbing-Skjern"
    )
    teams["rks-fastholdelse"] = Team.objects.update_or_create(
        slug="rks-fastholdelse", defaults={"name": "Fastholdelse RKS", "department": rks_department}
    )[0]
    User = get_user_model()
    logins = []
    for prefix, count, role, team_slug, position in DEMO_STAFF:
        group = Group.objects.get(name=role)
        for number in range(1, count + 1):
            username = f"{prefix}{number}" if count > 1 else prefix
            user, created = User.objects.get_or_create(
                username=username,
                defaults={
                    "first_name": rng.choice(FIRST_NAMES),
                    "last_name": rng.choice(LAST_NAMES),
                    "is_staff": role == Role.ADMINISTRATOR,
                },
            )
            if created:
                user.email = f"{username}@jobcenter.example.dk"
                user.set_password(DEMO_PASSWORD)
                user.save()
            user.groups.add(group)
            StaffMember.objects.update_or_create(
                user=user,
                defaults={
                    "team": teams.get(team_slug),
                    "position_before_conversion": position or rng.choice(CONSULTANT_POSITIONS),
                    "base_postcode": rng.choice(BASE_POSTCODES),
                    "phone": f"96 28 {70 + len(logins) // 10:02d} {len(logins) % 100:02d}",
                },
            )
            logins.append((username, role.label))
    return logins


# --- The conversion programme in progress -------------------------------------------------------------------
# Herning's shape (seed 000): expectation talks in the first month, at least 5 qualified two months later,
# then 3 more a quarter until everyone is converted. The demo programme started eight months before the day
# the demo is loaded, so it is always half-way: some people converted, some in progress, one behind.

PROGRAMME_START_MONTHS_AGO = 8
# (months after the start, qualified in total): 5 after two months, then 3 a quarter, all 18 at the end.
DEMO_TARGETS = [(2, 5), (5, 8), (8, 11), (11, 14), (14, 17), (17, 18)]
DEMO_NOTES = [
    "Motiveret for virksomhedsrettet arbejde; ønsker sidemandsoplæring hos en erfaren kollega først.",
    "Erfaren i myndighedsrollen. Usikker på forhandling med arbejdsgivere – aftalt gruppeundervisning "
    "og VIA-modul.",
    "Har tidligere arbejdet som jobkonsulent og kender mange virksomheder i Ikast-Brande-området.",
    "Vil gerne i gang hurtigt. Aftalt at starte med håndbogen og guide for virksomhedskontakt.",
    "Bekymret for at være ude 4 dage om ugen; aftalt gradvis overgang og tæt opfølgning på teammøderne.",
]


def _first_of_month(day: date, months: int) -> date:
    index = day.month - 1 + months
    return date(day.year + index // 12, index % 12 + 1, 1)


def _backdate_last_change(plan, day: date) -> None:
    from staff.models import CompetencePlanChange

    last = CompetencePlanChange.objects.filter(plan=plan).order_by("-pk").first()
    if last is not None:
        moment = timezone.make_aware(datetime.combine(min(day, timezone.localdate()), time(10, 30)))
        CompetencePlanChange.objects.filter(pk=last.pk).update(changed_at=moment)


@transaction.atomic
def seed_conversion_programme(rng: random.Random, today: date | None = None) -> int:
    """Conversion targets, competence plans with items and qualifications for the demo consultants.

    Idempotent: a consultant who already has a plan is left alone. Returns the number of plans created.
    """
    from staff import services
    from staff.models import CompetenceItemType, ConversionTarget, StaffQualification

    today = today or timezone.localdate()
    start = _first_of_month(today, -PROGRAMME_START_MONTHS_AGO)
    municipality = Municipality.objects.get(code=657)
    for months, count in DEMO_TARGETS:
        ConversionTarget.objects.update_or_create(
            municipality=municipality,
            due_on=_first_of_month(start, months),
            defaults={"qualified_count": count},
        )
    catalogue = list(CompetenceItemType.objects.filter(is_active=True))
    leaders = list(StaffMember.objects.filter(user__username__startswith="leder").select_related("user"))
    consultants = list(
        StaffMember.objects.filter(
            user__groups__name=Role.CONSULTANT, user__username__regex=r"^(konsulent|ledig)\d+$"
        )
        .select_related("user")
        .order_by("user__username")
    )
    consultants.sort(
        key=lambda m: (
            not m.user.username.startswith("konsulent"),
            int(re.search(r"\d+$", m.user.username)[0]),
        )
    )
    # Who converts when: the order of the list, in the targets' batches.
    batches = []
    previous = 0
    for months, count in DEMO_TARGETS:
        batches += [_first_of_month(start, months)] * (count - previous)
        previous = count
    created = 0
    for index, member in enumerate(consultants[: len(batches)]):
        if hasattr(member, "competence_plan"):
            continue
        leader = leaders[0 if index % 2 == 0 else 1].user if leaders else None
        member.leader = leader
        member.weekly_hours = Decimal(rng.choice([37, 37, 37, 37, 32, 30]))
        member.save(update_fields=["leader", "weekly_hours"])
        talk_on = start + timedelta(days=rng.randint(1, 20))
        transition_on = batches[index] - timedelta(days=rng.randint(0, 14))
        delayed = index == 9  # the one whose transition date passed without qualification
        plan = services.competence_plan_save(
            staff_member=member,
            changed_by=leader,
            expectation_talk_on=talk_on,
            leader_notes=rng.choice(DEMO_NOTES),
            expected_transition_on=transition_on,
        )
        _backdate_last_change(plan, talk_on)
        created += 1
        chosen = rng.sample(catalogue, k=rng.randint(3, 5)) if catalogue else []
        span = max((transition_on - talk_on).days, 10)
        for position, item_type in enumerate(chosen):
            starts_on = talk_on + timedelta(days=7 + position * span // (len(chosen) + 1))
            ends_on = starts_on + timedelta(days=rng.randint(14, 45))
            item = services.competence_plan_item_add(
                plan=plan,
                changed_by=leader,
                item_type=item_type,
                planned_start_on=starts_on,
                planned_end_on=ends_on,
            )
            _backdate_last_change(plan, talk_on)
            # Two items are left overdue: the delayed person's last one and one early item of another person.
            left_overdue = (delayed and position == len(chosen) - 1) or (index == 13 and position == 0)
            if ends_on < today and not left_overdue:
                completed_on = ends_on - timedelta(days=rng.randint(0, 7))
                services.competence_plan_item_update(
                    item=item,
                    changed_by=leader,
                    status=item.Status.COMPLETED,
                    planned_start_on=starts_on,
                    planned_end_on=ends_on,
                    completed_on=max(completed_on, starts_on),
                )
                _backdate_last_change(plan, max(completed_on, starts_on))
            elif starts_on <= today:
                services.competence_plan_item_update(
                    item=item, changed_by=leader, status=item.Status.IN_PROGRESS, planned_start_on=starts_on,
                    planned_end_on=ends_on,
                )  # fmt: skip
                _backdate_last_change(plan, starts_on)
        # Their old job gave them one of the two competences long ago; the other comes with the transition.
        had_retention = member.position_before_conversion in (
            StaffMember.Position.RETENTION_CONSULTANT,
            StaffMember.Position.JOB_CONSULTANT,
        )
        long_ago = date(rng.randint(2008, 2016), rng.randint(1, 12), 1)
        services.qualification_record(
            staff_member=member,
            recorded_by=leader,
            kind=StaffQualification.Kind.RETENTION if had_retention else StaffQualification.Kind.AUTHORITY,
            achieved_on=long_ago,
            note="Før omlægningen",
        )
        _backdate_last_change(plan, talk_on)
        if transition_on <= today and not delayed:
            achieved_on = transition_on + timedelta(days=rng.randint(-5, 3))
            achieved_on = min(max(achieved_on, talk_on), today)
            services.qualification_record(
                staff_member=member,
                recorded_by=leader,
                kind=StaffQualification.Kind.COMBINED,
                achieved_on=achieved_on,
            )
            _backdate_last_change(plan, achieved_on)
        if index == 12:  # a transition moved after a follow-up talk, so the history shows a change
            services.competence_plan_save(
                staff_member=member,
                changed_by=leader,
                expectation_talk_on=talk_on,
                leader_notes=plan.leader_notes + "\nOpfølgning: overgang udskudt en måned efter aftale.",
                expected_transition_on=transition_on + timedelta(days=31),
            )
            _backdate_last_change(plan, min(today, transition_on - timedelta(days=30)))
    return created
