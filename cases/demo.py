"""Deterministic demo employers with valid CVR numbers and Danish postcodes."""

import random

from django.db import transaction

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
