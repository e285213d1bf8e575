"""`manage.py bench` at a tiny size: every measure runs and the Markdown table is written (the real sizes
run with `make bench`, never in the test suite)."""

import datetime as dt
import re
from collections import Counter

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from loadgen.bench import punctuality_floor
from reporting import figures
from reporting.selectors import report_cases


@pytest.mark.django_db
def test_bench_at_a_tiny_size_measures_everything_and_writes_the_table(tmp_path):
    output = tmp_path / "benchmarks.md"
    output.write_text("# Benchmarks\n\nHand-written analysis stays.\n\n<!-- bench:results:start -->\nold\n"
                      "<!-- bench:results:end -->\n\nMore text.\n")  # fmt: skip
    # Two sizes: the second replaces the first one's data (and its logins, which the audit log keeps).
    call_command("bench", "--sizes", "60,150", "--repeat", "2", "--output", str(output))

    text = output.read_text()
    assert "Hand-written analysis stays." in text and "More text." in text and "\nold\n" not in text
    assert "| CPU cores (nproc) |" in text
    for name in [
        "Mine sager",
        "Booker queue",
        "Case page",
        "Search",
        "Mine opgaver",
        "Milestone report page",
        "Milestone figures, all cases",
        "Deadline sweep, nothing changed",
        "Import of a 15-row sheet",
    ]:
        row = next(line for line in text.splitlines() if line.startswith(f"| {name} | 150 |"))
        assert "not measured" not in row and "failed" not in row and "HTTP" not in row, row
        if "p95 ≤" in row:  # a page: the time in its own statements, and its median's ratio to that
            assert re.search(r"\| [\d.]+ ms \| \d+\.\d× \| p95 ≤", row), row
    sweep = next(line for line in text.splitlines() if line.startswith("| Deadline sweep, nothing changed"))
    assert "created 0, resolved 0, reopened 0" in sweep
    assert "imported=15 created=15" in text
    assert "Growth 60 → 150" in text
    assert "bench:profiles" not in text  # profiles only with --profile


@pytest.mark.django_db
def test_bench_profile_writes_a_table_per_page_between_its_markers(tmp_path):
    output = tmp_path / "benchmarks.md"
    output.write_text(
        "# Benchmarks\n\n<!-- bench:results:start -->\n<!-- bench:results:end -->\n\nReading.\n\n"
        "<!-- bench:profiles:start -->\nold profile\n<!-- bench:profiles:end -->\n\nAfter.\n"
    )
    call_command("bench", "--sizes", "60", "--repeat", "2", "--profile", "--output", str(output))

    text = output.read_text()
    assert "Reading." in text and "After." in text and "old profile" not in text
    profiles = text.split("<!-- bench:profiles:start -->", 1)[1].split("<!-- bench:profiles:end -->", 1)[0]
    pages = ["Mine sager", "Booker queue", "Case page", "Search", "Mine opgaver", "Milestone report page"]
    for page in pages:
        assert f"#### {page} (60): top 10 by own time" in profiles
        summary = next(line for line in profiles.splitlines() if line.startswith(f"| {page} | 60 |"))
        assert "ms" in summary, summary
    section = profiles.split("#### Case page (60)", 1)[1].split("####", 1)[0]
    function_rows = [line for line in section.splitlines() if line.startswith("| `")]
    assert len(function_rows) == 20  # 10 by own time, 10 of the project's code by cumulative time
    assert any("cases/views.py" in line for line in function_rows), section


@pytest.mark.django_db
def test_bench_refuses_a_database_not_named_for_benchmarks(settings, monkeypatch):
    monkeypatch.setitem(connection.settings_dict, "NAME", "sof_production")
    with pytest.raises(CommandError, match="replaces every case"):
        call_command("bench", "--sizes", "10", "--output", "")


@pytest.mark.django_db
def test_the_punctuality_floor_counts_what_the_report_counts():
    """The bench's floor for the figures' punctuality is the same work by hand: on generated data its counts
    per kind and band are the report's (else the ratio would compare unequal work)."""
    call_command(
        "generate_load_data", "--municipalities", "1", "--years", "1", "--cases", "300", "--seed", "3"
    )
    today = timezone.localdate()
    start = today - dt.timedelta(days=365)
    by_hand = Counter()
    for sql, params in punctuality_floor("1 = 1", start, today, today, breakdowns=False):
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            for kind, band, count in cursor.fetchall():
                by_hand[(kind, band)] += count
    report = figures.punctuality_figures(report_cases(), figures.Period(start, today), today)
    counted = Counter(
        {(kind, band): row[band] for kind, row in report.items() for band in figures.PUNCTUALITY_BANDS}
    )
    assert +by_hand == +counted and sum(by_hand.values()) > 100
