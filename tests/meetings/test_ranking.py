import datetime as dt

from meetings.geo import distance_km, postcode_point
from meetings.ranking import Suggestion, rank


class Consultant:
    def __init__(self, pk):
        self.pk = pk


def suggestion(pk, **kwargs):
    values = {
        "is_contact_consultant": False,
        "industry_cases": 0,
        "distance_km": 10.0,
        "open_cases": 40,
        "caseload_target": 45,
        "free_slots": [],
        "free_slot_count": 10,
    } | kwargs
    return Suggestion(consultant=Consultant(pk), **values)


DEADLINE = dt.date(2026, 3, 15)


def test_fixed_contact_consultant_comes_first_and_says_why():
    ranked = rank(
        [suggestion(1), suggestion(2, is_contact_consultant=True, open_cases=50)], deadline=DEADLINE
    )
    assert ranked[0].consultant.pk == 2
    assert "Fast kontaktkonsulent for virksomheden" in ranked[0].reasons


def test_distance_caseload_and_industry_decide_between_equals():
    far = suggestion(1, distance_km=80.0)
    near = suggestion(2, distance_km=5.0)
    assert rank([far, near], deadline=DEADLINE)[0].consultant.pk == 2
    busy = suggestion(3, open_cases=60)
    light = suggestion(4, open_cases=20)
    ranked = rank([busy, light], deadline=DEADLINE)
    assert ranked[0].consultant.pk == 4
    assert "Sagsstamme 20 af 45" in ranked[0].reasons
    expert = rank([suggestion(5, industry_cases=3), suggestion(6)], deadline=DEADLINE)[0]
    assert expert.consultant.pk == 5 and "Erfaring fra branchen: 3 sager" in expert.reasons


def test_no_free_time_before_the_deadline_sinks_even_the_contact_consultant():
    ranked = rank(
        [suggestion(1, is_contact_consultant=True, free_slot_count=0), suggestion(2)], deadline=DEADLINE
    )
    assert ranked[0].consultant.pk == 2
    assert "Ingen ledig tid før fristen 15-03-2026" in ranked[1].reasons


def test_postcode_distances_are_plausible_and_fall_back_to_the_municipality():
    assert 5 < distance_km("7400", "7430") < 20  # Herning – Ikast
    assert 60 < distance_km("7400", "8000") < 90  # Herning – Aarhus C
    assert distance_km("7400", "7400") == 0
    # 0783 (a company postcode in Copenhagen) is no town: its municipality's centre is used
    assert distance_km("0783", "1050") < 5
    assert postcode_point("6720") is None  # Fanø: no match and no other postcode in the municipality
    assert distance_km("7400", "0000") is None
