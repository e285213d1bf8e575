"""Distances between Danish postcodes, for ranking consultants by how far they have to the workplace.

meetings/data/dk_postcode_coordinates.csv is built once by scripts/build_postcode_coordinates.py (GeoNames
places matched to PostNord's towns). A postcode missing from it falls back to the mean of its municipality's
postcodes (staff/geo.py knows each postcode's municipality).
"""

import csv
import math
from collections import defaultdict
from functools import cache
from pathlib import Path

from staff.geo import postcodes

COORDINATES_FILE = Path(__file__).parent / "data" / "dk_postcode_coordinates.csv"
EARTH_RADIUS_KM = 6371.0

Point = tuple[float, float]


@cache
def _table() -> dict[str, Point]:
    with COORDINATES_FILE.open(encoding="utf-8") as handle:
        return {
            row["postcode"]: (float(row["latitude"]), float(row["longitude"]))
            for row in csv.DictReader(handle, delimiter=";")
        }


@cache
def _municipality_centres() -> dict[int, Point]:
    points: dict[int, list[Point]] = defaultdict(list)
    for postcode, point in _table().items():
        area = postcodes().get(postcode)
        if area:
            points[area.municipality_code].append(point)
    return {
        code: (sum(p[0] for p in pts) / len(pts), sum(p[1] for p in pts) / len(pts))
        for code, pts in points.items()
    }


def postcode_point(postcode: str) -> Point | None:
    """Coordinates of a postcode, or of its municipality when the postcode itself is not in the table."""
    point = _table().get(postcode)
    if point is None and (area := postcodes().get(postcode)):
        point = _municipality_centres().get(area.municipality_code)
    return point


def distance_km(from_postcode: str, to_postcode: str) -> float | None:
    """Great-circle distance in km between two postcodes; None when either is unknown."""
    a, b = postcode_point(from_postcode), postcode_point(to_postcode)
    if a is None or b is None:
        return None
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(h))
