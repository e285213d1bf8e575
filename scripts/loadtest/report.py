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


def _ms(value: str) -> str:
    return f"{float(value):.0f} ms" if value not in ("", "N/A") else "–"


def table(rows: list[dict], args) -> str:
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout
    load = " ".join(f"{x:.1f}" for x in os.getloadavg())
    lines = [
        f"Run {args.started} (UTC), command: `make loadtest` ({args.users} users, {args.duration}, "
        f"{args.cases} generated cases, gunicorn {args.workers} workers × 2 threads over TLS on loopback, "
        f"PostgreSQL, Redis; {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"commit {commit.strip()}, load average at the end {load})",
        "",
        "| request | count | failures | p50 | p95 | p99 | max | requests/s |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        name = "**all requests**" if row["Name"] == "Aggregated" else row["Name"]
        lines.append(
            f"| {name} | {row['Request Count']} | {row['Failure Count']} | {_ms(row['50%'])} | "
            f"{_ms(row['95%'])} | {_ms(row['99%'])} | {_ms(row['Max Response Time'])} | "
            f"{float(row['Requests/s']):.1f} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("stats")
    for option in ("--started", "--users", "--duration", "--cases", "--workers"):
        parser.add_argument(option, required=True)
    args = parser.parse_args()
    with open(args.stats, newline="") as handle:
        rows = list(csv.DictReader(handle))
    text = table(rows, args)
    print(text)
    doc = DOC.read_text()
    pattern = re.compile(re.escape(START) + ".*?" + re.escape(END), re.S)
    DOC.write_text(pattern.sub(lambda _m: f"{START}\n{text}\n{END}", doc))


if __name__ == "__main__":
    main()
