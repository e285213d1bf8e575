"""Deterministic demo organisation: a municipality, two teams, consultants, bookers, leaders, an admin."""

import random

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

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
    municipality, _ = Municipality.objects.update_or_create(code=657, defaults={"name": "Herning Kommune"})
    department, _ = Department.objects.update_or_create(
        municipality=municipality, name="Jobcenter Herning – Sygedagpenge"
    )
    teams = {
        slug: Team.objects.update_or_create(slug=slug, defaults={"name": name, "department": department})[0]
        for slug, name in [("fastholdelse", "Fastholdelsesteamet"), ("syg-og-ledig", "Syg og ledig")]
    }
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
                },
            )
            logins.append((username, role.label))
    return logins
