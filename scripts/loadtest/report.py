"""Turn locust's stats CSV into the load-test table of docs/benchmarks.md (between the loadtest markers)."""

import argparse
import csv
import os
import platform
import re
import subprocess
from pathlib import Path

DOC = Path(__file__).resolve().parent.parent.parent / "docs" / "benchmarks.md"
START, END = "<!-- loadtest:results:start -->", "<!-- loadtest:results:end -->"


def _ms(value: str | float) -> str:
    return f"{float(value):.0f} ms" if value not in ("", "N/A") else "–"


def baseline_medians(paths: list[str]) -> dict[str, float]:
    """Each page's median with a single user on the server (the baseline runs of run.sh, one per role).

    A request every role makes ("log in") has a median per role; it is given their mean weighted by request
    count (locust's CSV holds percentiles, not the samples, so the pooled median cannot be recomputed)."""
    runs: dict[str, list[tuple[float, int]]] = {}
    for path in paths:
        with open(path, newline="") as handle:
            for row in csv.DictReader(handle):
                if row["Name"] != "Aggregated" and row["50%"] not in ("", "N/A", "0"):
                    runs.setdefault(row["Name"], []).append((float(row["50%"]), int(row["Request Count"])))
    return {
        name: sum(median * count for median, count in found) / sum(count for _median, count in found)
        for name, found in runs.items()
    }


def _ratio(row: dict, medians: dict[str, float]) -> str:
    single = medians.get(row["Name"])
    if not single or row["95%"] in ("", "N/A"):
        return "–"
    return f"{float(row['95%']) / single:.1f}×"


def table(rows: list[dict], args, medians: dict[str, float]) -> str:
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout
    load = " ".join(f"{x:.1f}" for x in os.getloadavg())
    lines = [
        f"Run {args.started} (UTC), command: `make loadtest` ({args.users} users, {args.duration}, "
        f"{args.cases} generated cases, gunicorn {args.workers} workers × 2 threads over TLS on loopback, "
        f"PostgreSQL, Redis; {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"commit {commit.strip()}, load average at the end {load})",
        "",
        "| request | count | failures | p50 | p95 | p99 | max | requests/s | single user p50 "
        "| p95 ÷ single p50 |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        name = "**all requests**" if row["Name"] == "Aggregated" else row["Name"]
        lines.append(
            f"| {name} | {row['Request Count']} | {row['Failure Count']} | {_ms(row['50%'])} | "
            f"{_ms(row['95%'])} | {_ms(row['99%'])} | {_ms(row['Max Response Time'])} | "
            f"{float(row['Requests/s']):.1f} | {_ms(medians.get(row['Name'], ''))} | {_ratio(row, medians)} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("stats")
    parser.add_argument("--baseline", nargs="*", default=[], help="the single-user runs' stats CSVs")
    for option in ("--started", "--users", "--duration", "--cases", "--workers"):
        parser.add_argument(option, required=True)
    args = parser.parse_args()
    with open(args.stats, newline="") as handle:
        rows = list(csv.DictReader(handle))
    text = table(rows, args, baseline_medians(args.baseline))
    print(text)
    doc = DOC.read_text()
    pattern = re.compile(re.escape(START) + ".*?" + re.escape(END), re.S)
    DOC.write_text(pattern.sub(lambda _m: f"{START}\n{text}\n{END}", doc))


if __name__ == "__main__":
    main()
