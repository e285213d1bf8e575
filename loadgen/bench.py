"""The benchmark behind `make bench` (`manage.py bench`; results in docs/benchmarks.md).

For each size (10k, 100k, 1M cases by default) it generates the data (loadgen/load_data.py, --replace), then
measures what users and jobs do, each against its floor — the same work written by hand in SQL:

- pages, through Django's test Client as a logged-in user (middleware, view, template: the whole request):
  'Mine sager' (a consultant of the large municipality 1), the booker queue (a booker of municipality 1),
  the case page (the consultant's open case with the longest timeline) and the milestone report page (the
  leader of municipality 1, default period: the last twelve months); median and p95 over repeated requests
  after a warm-up, and the number of queries of one request;
- the milestone figures of formats.md §2 over *all* cases (`milestone_report`, the national comparison);
- the deadline sweep over all open cases: the first run (creates every alert) and a second run (nothing
  changed, so nothing may be written);
- the import of a 10,000-row sheet (`import_cases`; a tenth of the cases below 10,000), last, because
  it adds cases.

Ratios: measured time ÷ floor time (medians), and growth: the p95 (or the single run) at the largest size ÷
at the smallest. Timings are wall-clock on a shared machine: read the ratios and the growth, not the
third digit.
"""

from __future__ import annotations

import contextlib
import cProfile
import csv
import datetime as dt
import io
import os
import platform
import pstats
import random
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection, transaction
from django.db.backends.utils import CursorWrapper
from django.db.models import Count
from django.template.base import Template
from django.test import Client
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from cases.models import Alert, AlertSettings, Case, Employer
from cases.selectors.alerts import deadlines_due_by
from cases.services.alerts import DUE_SOON_CALENDAR_DAYS, add_working_days
from loadgen.load_data import cpr_for, delete_case_data, generate_load_data
from meetings.selectors import QUEUE_PAGE_SIZE
from staff.models import Team

TARGET_PAGE_P95_MS = 100
TARGET_REPORT_P95_MS = 1000
TARGET_REPORT_FLOOR_RATIO = 2.0
TARGET_SWEEP_SECONDS_PER_200K_OPEN = 30
IMPORT_ROWS = 10_000


@dataclass
class Measure:
    name: str
    size: int
    timings: list[float] = field(default_factory=list)  # seconds
    queries: int | None = None
    floor: list[float] = field(default_factory=list)
    note: str = ""
    target: str = ""
    met: bool | None = None
    in_database: float | None = None  # a page's: median seconds per request in its own statements

    @property
    def database_ratio(self) -> float | None:
        """The page's median ÷ the time its own statements take in it: how much is spent outside the
        database (issue 21's title: 'pages within 5× of their own SQL')."""
        if self.median is None or not self.in_database:
            return None
        return self.median / self.in_database

    @property
    def median(self) -> float | None:
        return statistics.median(self.timings) if self.timings else None

    @property
    def p95(self) -> float | None:
        if not self.timings:
            return None
        ordered = sorted(self.timings)
        return ordered[min(len(ordered) - 1, max(0, round(0.95 * len(ordered) + 0.5) - 1))]

    @property
    def floor_median(self) -> float | None:
        return statistics.median(self.floor) if self.floor else None

    @property
    def ratio(self) -> float | None:
        if self.median is None or not self.floor_median:
            return None
        return self.median / self.floor_median


PROFILED_REQUESTS = 5  # requests per page under the profiler; the tables give the time per request
PROFILE_TOP = 10


@dataclass
class ProfileRow:
    function: str  # path:line(name), the path shortened to the package or the project
    calls: float  # per request
    own: float  # seconds per request spent in the function itself
    cumulative: float  # seconds per request in the function and everything it called


@dataclass
class Profile:
    """One page's requests under cProfile (`bench --profile`): where the time of a request goes."""

    name: str
    size: int
    total: float  # seconds per request, as the profiler saw it (cProfile roughly doubles Python's time)
    database: float  # in Django's cursor wrapper: the statements and their round trips
    templates: float  # in Template.render (the outermost: includes are counted once)
    by_own: list[ProfileRow] = field(default_factory=list)
    project: list[ProfileRow] = field(default_factory=list)  # the project's own functions, by cumulative


def _function_label(filename: str, line: int, name: str) -> str:
    if filename == "~":
        return name  # a built-in (e.g. <method 'execute' of …>)
    path = filename.replace("\\", "/")
    for marker in ("/site-packages/", "/lib/python3."):
        if marker in path:
            path = path.split(marker, 1)[1]
            if marker == "/lib/python3.":
                path = path.split("/", 1)[1] if "/" in path else path
            break
    else:
        base = str(settings.BASE_DIR).rstrip("/") + "/"
        if path.startswith(base):
            path = path[len(base) :]
    return f"{path}:{line}({name})"


def _is_project(filename: str) -> bool:
    base = str(settings.BASE_DIR).rstrip("/") + "/"
    return filename.startswith(base) and "/site-packages/" not in filename and "/.venv/" not in filename


def profile_of(function: Callable[[], object], *, name: str, size: int, requests: int) -> Profile:
    """Run `function` `requests` times under cProfile and sum up the time per request."""
    profiler = cProfile.Profile()
    for _ in range(requests):
        profiler.enable()
        try:
            function()
        finally:
            profiler.disable()
    stats = pstats.Stats(profiler).stats  # {(file, line, name): (primitive calls, calls, own, cumulative, …)}
    total = sum(own for _cc, _nc, own, _ct, _callers in stats.values())

    def cumulative_of(function) -> float:
        code = function.__code__
        values = stats.get((code.co_filename, code.co_firstlineno, code.co_name))
        return values[3] if values else 0.0

    def row(key, values) -> ProfileRow:
        _cc, calls, own, cumulative, _callers = values
        return ProfileRow(_function_label(*key), calls / requests, own / requests, cumulative / requests)

    ordered = sorted(stats.items(), key=lambda item: item[1][2], reverse=True)
    # The project's functions, leaving out the ones every request passes through (middleware, decorators, the
    # bench's own lambda: more than 90 % of the request), which would fill the table and say nothing.
    project = sorted(
        (
            (key, values)
            for key, values in stats.items()
            if _is_project(key[0]) and values[3] < 0.9 * total and "loadgen/" not in key[0]
        ),
        key=lambda item: item[1][3],
        reverse=True,
    )
    return Profile(
        name=name,
        size=size,
        total=total / requests,
        database=cumulative_of(CursorWrapper._execute) / requests,
        templates=cumulative_of(Template.render) / requests,
        by_own=[row(key, values) for key, values in ordered[:PROFILE_TOP]],
        project=[row(key, values) for key, values in project[:PROFILE_TOP]],
    )


def size_plan(size: int) -> dict:
    """Municipalities and years for a total: 2 years of cases, one municipality per 10,000 cases (at most
    the 98 of Denmark); municipality 1 (where the benchmark logs in) takes three times the average share."""
    return {"municipalities": min(98, max(1, size // 10_000)), "years": 2.0, "cases": size}


class _Queries:
    """Counts the statements run inside the block (CaptureQueriesContext's log keeps only the last 9,000, so a
    count over a large sweep would come out wrong); `writes` are the INSERT/UPDATE/DELETE statements, and
    `seconds` the time the statements took as they ran (a write outside a transaction with its commit)."""

    def __init__(self):
        self.count = 0
        self.writes = 0
        self.seconds = 0.0
        self._context = None

    def _wrapper(self, execute, sql, params, many, context):
        self.count += 1
        if sql.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE")):
            self.writes += 1
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - started

    def __enter__(self):
        self._context = connection.execute_wrapper(self._wrapper)
        self._context.__enter__()
        return self

    def __exit__(self, *exc):
        return self._context.__exit__(*exc)

    def __len__(self):
        return self.count


def _time(function: Callable[[], object], repeat: int, warmup: int = 2) -> list[float]:
    for _ in range(warmup):
        function()
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        timings.append(time.perf_counter() - started)
    return timings


def _sql(statement: str, params: list | tuple = ()) -> Callable[[], list]:
    def run():
        with connection.cursor() as cursor:
            cursor.execute(statement, params)
            return cursor.fetchall()

    return run


def _sqls(*statements: tuple[str, list | tuple]) -> Callable[[], None]:
    def run():
        with connection.cursor() as cursor:
            for statement, params in statements:
                cursor.execute(statement, params)
                cursor.fetchall()

    return run


# --- Floors: the same reads, written by hand ---------------------------------------------------------------


def _median_sql(expression: str) -> str:
    if connection.vendor == "postgresql":
        return f"percentile_cont(0.5) WITHIN GROUP (ORDER BY {expression})"
    return "NULL"  # SQLite has no median aggregate (the smoke test only needs the statement to run)


def _days(later: str, earlier: str) -> str:
    if connection.vendor == "postgresql":
        return f"({later} - {earlier})"
    return f"(julianday({later}) - julianday({earlier}))"


def _plus_days(column: str, days: int) -> str:
    if connection.vendor == "postgresql":
        return f"({column} + {days})"
    return f"date({column}, '+{days} days')"


def _report_cases_sql(visible_where: str) -> str:
    """The cases a report counts (not closed as registered in error), among those `visible_where` selects."""
    return (
        "SELECT c.id, c.first_absence_day, c.employer_id, c.category, c.closed_on, c.closing_reason_id, "
        "c.team_id, c.consultant_id FROM cases_case c "
        "LEFT JOIN visitation_closingreason r ON r.id = c.closing_reason_id "
        f"WHERE (r.excluded_from_figures IS NULL OR NOT r.excluded_from_figures) AND ({visible_where})"
    )


def figures_floor(visible_where: str, visible_params: list, start: dt.date, end: dt.date) -> list:
    """formats.md §2's four figures in hand-written SQL (4 statements): the floor of the report's figures."""
    cases = _report_cases_sql(visible_where)
    first_meeting = f"""
        WITH v AS ({cases}),
        f AS (
            SELECT v.id, v.first_absence_day,
              (SELECT held_on FROM cases_conversation x WHERE x.case_id = v.id
                 ORDER BY held_on, id LIMIT 1) AS held,
              (SELECT place = 'arbejdsplads' AND employer_took_part FROM cases_conversation x
                 WHERE x.case_id = v.id ORDER BY held_on, id LIMIT 1) AS at_workplace,
              EXISTS (SELECT 1 FROM cases_caseexception e
                      JOIN visitation_exceptionreason er ON er.id = e.reason_id
                      WHERE e.case_id = v.id AND e.status = 'approved' AND er.exempts_from_workplace_target)
                AS exempted
            FROM v WHERE v.employer_id IS NOT NULL AND v.category IN (2, 3)
        )
        SELECT COUNT(*), SUM(CASE WHEN at_workplace THEN 1 ELSE 0 END),
               SUM(CASE WHEN NOT exempted THEN 1 ELSE 0 END),
               SUM(CASE WHEN at_workplace AND NOT exempted THEN 1 ELSE 0 END),
               SUM(CASE WHEN held <= {_plus_days("first_absence_day", 55)} THEN 1 ELSE 0 END)
        FROM f WHERE held BETWEEN %s AND %s"""
    week13 = f"""
        WITH v AS ({cases})
        SELECT COUNT(*), SUM(CASE WHEN (SELECT MIN(m.started_on) FROM cases_measure m
                 JOIN visitation_measuretype t ON t.id = m.type_id AND t.counts_for_week_13
                 WHERE m.case_id = v.id) <= {_plus_days("v.first_absence_day", 90)} THEN 1 ELSE 0 END)
        FROM v WHERE {_plus_days("v.first_absence_day", 90)} BETWEEN %s AND %s
          AND (v.closed_on IS NULL OR v.closed_on > {_plus_days("v.first_absence_day", 55)})"""
    length = _days("v.closed_on", "v.first_absence_day") + " + 1"
    duration = f"""
        WITH v AS ({cases})
        SELECT r.code, COUNT(*), MAX(CASE WHEN r.counts_as_return_to_work THEN 1 ELSE 0 END),
               {_median_sql(length)}
        FROM v JOIN visitation_closingreason r ON r.id = v.closing_reason_id
        WHERE v.closed_on BETWEEN %s AND %s GROUP BY r.code"""
    exceptions = f"""
        WITH v AS ({cases})
        SELECT er.code, COUNT(DISTINCT e.case_id) FROM cases_caseexception e
        JOIN visitation_exceptionreason er ON er.id = e.reason_id JOIN v ON v.id = e.case_id
        WHERE e.status = 'approved' AND v.employer_id IS NOT NULL AND v.category IN (2, 3)
          AND (SELECT held_on FROM cases_conversation x WHERE x.case_id = v.id ORDER BY held_on, id LIMIT 1)
              BETWEEN %s AND %s
        GROUP BY er.code"""
    return [
        (first_meeting, [*visible_params, start, end]),
        (week13, [*visible_params, start, end]),
        (duration, [*visible_params, start, end]),
        (exceptions, [*visible_params, start, end]),
    ]


def _month_sql(column: str) -> str:
    if connection.vendor == "postgresql":
        return f"date_trunc('month', {column})"
    return f"strftime('%Y-%m', {column})"


def punctuality_floor(
    visible_where: str, start: dt.date, end: dt.date, today: dt.date, *, breakdowns: bool
) -> list:
    """The punctuality tables in hand-written SQL (3 statements): the bands of the first conversation's and
    the week-13 measure's deadlines (counted from D) and of every stored deadline kind the report counts, each
    grouped by kind and band — and, for the report page (`breakdowns`), by month, team, consultant and
    category as well. The floor of the figures' `punctuality` part."""
    from reporting.figures import STORED_PUNCTUALITY_KINDS

    cases = _report_cases_sql(visible_where)

    def statement(kind: str, done: str, due: str, source: str, where: str) -> tuple[str, list]:
        """Each deadline's kind, done and due day once (x), then its band, counted per group."""
        band = (
            "CASE WHEN done <= due THEN 'on_time' "
            f"WHEN done <= {_plus_days('due', 21)} THEN 'late_up_to_3_weeks' "
            "WHEN done IS NOT NULL THEN 'late_over_3_weeks' "
            "WHEN due < %s THEN 'open_past_due' ELSE 'not_yet_due' END"
        )
        split = f", {_month_sql('due')}, team_id, consultant_id, category" if breakdowns else ""
        sql = (
            f"WITH v AS ({cases}), x AS (SELECT {kind} AS kind, {done} AS done, {due} AS due, v.team_id, "
            f"v.consultant_id, v.category FROM {source} WHERE {where}) "
            f"SELECT kind, {band}, COUNT(*){split} FROM x WHERE due BETWEEN %s AND %s "
            f"GROUP BY 1, 2{', 4, 5, 6, 7' if breakdowns else ''}"
        )
        return sql, [today, start, end]

    first_due = _plus_days("v.first_absence_day", 55)
    week13_due = _plus_days("v.first_absence_day", 90)
    # A measure registered ahead (started after today) is planned, not started: it counts for nothing yet.
    first_measure = (
        "(SELECT MIN(m.started_on) FROM cases_measure m JOIN visitation_measuretype t ON t.id = m.type_id "
        f"AND t.counts_for_week_13 WHERE m.case_id = v.id AND m.started_on <= '{today.isoformat()}')"
    )
    kinds = ", ".join(f"'{kind}'" for kind in STORED_PUNCTUALITY_KINDS)
    return [
        statement(
            "'first_meeting'",
            "(SELECT MIN(held_on) FROM cases_conversation k WHERE k.case_id = v.id)",
            first_due,
            "v",
            "v.employer_id IS NOT NULL AND v.category IN (2, 3) "
            f"AND (v.closed_on IS NULL OR v.closed_on > {first_due})",
        ),
        statement(
            "'week13_measure'",
            first_measure,
            week13_due,
            "v",
            f"v.closed_on IS NULL OR v.closed_on > {week13_due}",
        ),
        statement(
            "d.kind",
            "d.done_on",
            "d.due_on",
            "cases_casedeadline d JOIN v ON v.id = d.case_id",
            f"d.kind IN ({kinds})",
        ),
    ]


# --- The run -----------------------------------------------------------------------------------------------


class Bench:
    def __init__(
        self,
        *,
        sizes: list[int],
        repeat: int = 30,
        log: Callable[[str], None] = print,
        seed: int = 2017,
        import_rows: int = IMPORT_ROWS,
        profile: bool = False,
    ):
        self.import_rows = import_rows
        self.profile = profile  # profile the pages at the largest size (bench --profile)
        self.profiles: list[Profile] = []
        self.sizes = sizes
        self.repeat = repeat
        self.log = log
        self.seed = seed
        self.measures: list[Measure] = []
        self.generation: dict[int, dict] = {}
        self.skipped: list[str] = []

    def run(self) -> list[Measure]:
        old_debug, old_hosts = settings.DEBUG, list(settings.ALLOWED_HOSTS)
        settings.DEBUG = False  # as in production: no query log kept during timing
        settings.ALLOWED_HOSTS = [*old_hosts, "testserver"]
        try:
            for size in self.sizes:
                self._size(size)
        finally:
            settings.DEBUG, settings.ALLOWED_HOSTS = old_debug, old_hosts
        return self.measures

    def _add(self, measure: Measure) -> Measure:
        self.measures.append(measure)
        median = f"{measure.median * 1000:.1f} ms" if measure.median is not None else "–"
        ratio = f"×{measure.ratio:.1f}" if measure.ratio else ""
        self.log(f"  {measure.name}: median {median} {ratio} queries={measure.queries} {measure.note}")
        return measure

    def _size(self, size: int) -> None:
        plan = size_plan(size)
        self.log(f"{size} cases: generating {plan}")
        delete_case_data()
        result = generate_load_data(seed=self.seed, **plan)
        self.generation[size] = {
            "cases": result.cases,
            "open": result.open_cases,
            "persons": result.persons,
            "rows": result.rows,
            "seconds": result.seconds,
            "municipalities": result.municipalities,
        }
        self.log(f"  generated {result.cases} cases ({result.open_cases} open), {result.rows} rows in "
                 f"{result.seconds:.0f} s")  # fmt: skip
        User = get_user_model()
        consultant = User.objects.get(username="m001-konsulent1")
        booker = User.objects.get(username="m001-booker1")
        leader = User.objects.get(username="m001-leder1")
        self._sweep(size)  # first: the alerts exist before the pages are measured, as in production
        self._my_cases(size, consultant)
        self._queue(size, booker)
        self._case_page(size, consultant)
        self._search(size, consultant)
        self._alerts(size, consultant)
        self._report_page(size, leader)
        self._national_figures(size)
        self._import(size)

    # -- pages

    def _page(
        self,
        name: str,
        size: int,
        user,
        url: str,
        floor: Callable[[], object],
        target_ms: int,
    ) -> None:
        client = Client()
        client.force_login(user)
        response = client.get(url)
        if response.status_code != 200:
            self._add(Measure(name, size, note=f"HTTP {response.status_code}: not measured"))
            return
        with _Queries() as captured:
            client.get(url)
        measure = Measure(name, size, queries=len(captured), target=f"p95 ≤ {target_ms} ms")
        measure.timings = _time(lambda: client.get(url), self.repeat)
        measure.floor = _time(floor, self.repeat)
        measure.met = measure.p95 * 1000 <= target_ms
        # The time the page's own statements take while it runs (session, user and roles look-ups and its
        # audit INSERT included), in requests of their own: the timing wrapper adds its own cost.
        in_database = []
        for _ in range(self.repeat):
            with _Queries() as request_queries:
                client.get(url)
            in_database.append(request_queries.seconds)
        measure.in_database = statistics.median(in_database)
        measure.note = f"{captured.writes} of its {len(captured)} statements write"
        self._add(measure)
        if self.profile and size == max(self.sizes):
            profile = profile_of(lambda: client.get(url), name=name, size=size, requests=PROFILED_REQUESTS)
            self.profiles.append(profile)
            self.log(
                f"    profiled: {_ms(profile.total)} a request, database {_ms(profile.database)}, "
                f"templates {_ms(profile.templates)}"
            )

    def _my_cases(self, size: int, consultant) -> None:
        floor = _sql(
            "SELECT c.*, p.*, e.* FROM cases_case c JOIN cases_person p ON p.id = c.person_id "
            "LEFT JOIN cases_employer e ON e.id = c.employer_id "
            "WHERE c.consultant_id = %s AND c.status = 'open' "
            "ORDER BY c.next_deadline_on IS NULL, c.next_deadline_on, c.first_absence_day, c.id",
            [consultant.pk],
        )
        self._page("Mine sager", size, consultant, reverse("cases:my_cases"), floor, TARGET_PAGE_P95_MS)

    def _queue(self, size: int, booker) -> None:
        try:
            url = reverse("meetings:queue")
        except NoReverseMatch:
            self._add(Measure("Booker queue", size, note="not on main yet: not measured"))
            return
        # What the page needs, as meetings.selectors reads it: the order of the department's whole queue (open
        # category 2/3 cases with an employer, no booked or held meeting, no conversation), then the first
        # page's rows by their ids, with their count of contact attempts. LIMIT 1 in NOT EXISTS, as Django
        # writes it: one look-up per waiting case; without it PostgreSQL hashes every meeting and conversation
        # nationally. (An ORDER BY … LIMIT 50 in SQL walks the national first-day index instead.)
        department_id = booker.staff.team.department_id
        team_ids = ", ".join(
            str(pk) for pk in Team.objects.filter(department_id=department_id).values_list("pk", flat=True)
        )
        waiting = (
            f"FROM cases_case c WHERE (c.team_id IS NULL OR c.team_id IN ({team_ids or 'NULL'})) "
            "AND c.status = 'open' AND c.category IN (2, 3) "
            "AND c.employer_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM meetings_meeting m "
            "WHERE m.case_id = c.id AND m.status IN ('booked', 'held') LIMIT 1) "
            "AND NOT EXISTS (SELECT 1 FROM cases_conversation x WHERE x.case_id = c.id LIMIT 1)"
        )
        order = _sql(f"SELECT c.id, c.first_absence_day, c.received_on {waiting}")

        def floor():
            first_page = sorted(order(), key=lambda row: (row[1], row[0]))[:QUEUE_PAGE_SIZE]
            ids = ", ".join(str(row[0]) for row in first_page) or "NULL"
            _sql(
                "SELECT c.*, p.*, e.*, u.username, r.name, (SELECT COUNT(*) FROM meetings_contactattempt a "
                "WHERE a.case_id = c.id) FROM cases_case c JOIN cases_person p ON p.id = c.person_id "
                "JOIN cases_employer e ON e.id = c.employer_id "
                "LEFT JOIN auth_user u ON u.id = c.consultant_id "
                f"JOIN visitation_ruleset r ON r.id = c.rule_set_id WHERE c.id IN ({ids})"
            )()

        self._page("Booker queue", size, booker, url, floor, TARGET_PAGE_P95_MS)

    def _case_page(self, size: int, consultant) -> None:
        case = (
            Case.objects.filter(consultant=consultant, status=Case.Status.OPEN)
            .annotate(events_count=Count("events"))
            .order_by("-events_count", "pk")
            .first()
        )
        if case is None:
            self._add(Measure("Case page", size, note="no open case: not measured"))
            return
        floor = _sqls(
            ("SELECT c.*, p.*, e.*, r.* FROM cases_case c JOIN cases_person p ON p.id = c.person_id "
             "LEFT JOIN cases_employer e ON e.id = c.employer_id "
             "JOIN visitation_ruleset r ON r.id = c.rule_set_id "
             "WHERE c.uuid = %s", [case.uuid if connection.vendor == "postgresql" else case.uuid.hex]),
            ("SELECT MIN(decided_on) FROM cases_visitation WHERE case_id = %s", [case.pk]),
            ("SELECT MIN(held_on), MAX(held_on) FROM cases_conversation WHERE case_id = %s", [case.pk]),
            ("SELECT MIN(started_on) FROM cases_measure m JOIN visitation_measuretype t ON t.id = m.type_id "
             "WHERE m.case_id = %s AND t.counts_for_week_13", [case.pk]),
            ("SELECT first_absence_day, closed_on, employer_id FROM cases_case WHERE person_id = %s "
             "AND first_absence_day < %s", [case.person_id, case.first_absence_day]),
            ("SELECT ev.*, u.username FROM cases_caseevent ev LEFT JOIN auth_user u ON u.id = ev.actor_id "
             "WHERE ev.case_id = %s ORDER BY ev.occurred_at, ev.id", [case.pk]),
        )  # fmt: skip
        url = reverse("cases:detail", kwargs={"uuid": case.uuid})
        self._page("Case page", size, consultant, url, floor, TARGET_PAGE_P95_MS)

    def _search(self, size: int, consultant) -> None:
        """A name search (GET /sager/soeg/?q=…) by the consultant: the most common surname of their team's
        cases, so the page lists its full 50 rows and says there are more."""
        try:
            url = reverse("cases:search")
        except NoReverseMatch:
            self._add(Measure("Search", size, note="not on main yet: not measured"))
            return
        from cases.folding import fold
        from cases.selectors.access import staff_placement
        from cases.selectors.search import RESULT_LIMIT

        term = "Jensen"  # the first of the generator's surnames (cases/demo.py SURNAMES)
        placement = staff_placement(consultant)
        deputies = Case.deputies.through._meta.db_table
        # What the user may open (cases/selectors/access.py, a consultant): their own cases, restricted cases
        # they are a deputy of, their team's unrestricted ones; matching the name or the employer's name. The
        # deputies as an array, as the page writes it (access.py InArray): as EXISTS the floor's plan filtered
        # every case of the municipality and came out slower than the page.
        deputy_cases = f"SELECT d.case_id FROM {deputies} d WHERE d.user_id = %s"
        deputy_of = (
            f"= ANY(ARRAY({deputy_cases}))" if connection.vendor == "postgresql" else f"IN ({deputy_cases})"
        )
        floor = _sql(
            "SELECT c.*, p.*, e.*, u.username, u.first_name, u.last_name FROM cases_case c "
            "JOIN cases_person p ON p.id = c.person_id LEFT JOIN cases_employer e ON e.id = c.employer_id "
            "LEFT JOIN auth_user u ON u.id = c.consultant_id "
            f"WHERE (c.consultant_id = %s OR c.id {deputy_of} OR (c.team_id = %s AND c.restriction = '')) "
            "AND (p.name_folded LIKE %s OR e.name_folded LIKE %s) "
            "ORDER BY c.closed_on IS NOT NULL, c.closed_on, c.first_absence_day DESC, c.id LIMIT %s",
            [consultant.pk, consultant.pk, placement.team_id, f"%{fold(term)}%", f"%{fold(term)}%",
             RESULT_LIMIT + 1],
        )  # fmt: skip
        self._page("Search", size, consultant, f"{url}?q={term}", floor, TARGET_PAGE_P95_MS)

    def _alerts(self, size: int, consultant) -> None:
        """'Mine opgaver' (cases:my_alerts) of the consultant, after the first sweep made the alerts."""
        try:
            url = reverse("cases:my_alerts")
        except NoReverseMatch:
            self._add(Measure("Mine opgaver", size, note="not on main yet: not measured"))
            return
        count = Alert.objects.filter(recipient=consultant, resolved_at__isnull=True).count()
        floor = _sql(
            "SELECT a.*, c.*, p.*, e.*, u.username, u.first_name, u.last_name FROM cases_alert a "
            "LEFT JOIN cases_case c ON c.id = a.case_id LEFT JOIN cases_person p ON p.id = c.person_id "
            "LEFT JOIN cases_employer e ON e.id = c.employer_id "
            "LEFT JOIN auth_user u ON u.id = c.consultant_id "
            "WHERE a.recipient_id = %s AND a.resolved_at IS NULL "
            "ORDER BY a.due_on, a.case_id, a.kind, a.level",
            [consultant.pk],
        )  # fmt: skip
        self._page("Mine opgaver", size, consultant, url, floor, TARGET_PAGE_P95_MS)
        self.measures[-1].note = f"{count} open alerts; {self.measures[-1].note}"

    def _report_page(self, size: int, leader) -> None:
        try:
            url = reverse("reporting:dashboard")
        except NoReverseMatch:
            self._add(Measure("Milestone report page", size, note="not on main yet: not measured"))
            return
        department_id = leader.staff.team.department_id
        today = timezone.localdate()
        start = today.replace(day=1)
        for _month in range(11):
            start = (start - dt.timedelta(days=1)).replace(day=1)
        team_ids = Team.objects.filter(department_id=department_id).values_list("pk", flat=True)
        visible = f"c.team_id IN ({', '.join(str(pk) for pk in team_ids) or 'NULL'}) OR c.team_id IS NULL"
        statements = [
            *figures_floor(visible, [], start, today),
            *punctuality_floor(visible, start, today, today, breakdowns=True),
        ]
        floor = _sqls(*statements)
        self._page("Milestone report page", size, leader, url, floor, TARGET_REPORT_P95_MS)

    # -- the national figures (formats.md §2 over every case)

    def _national_figures(self, size: int) -> None:
        try:
            from reporting.figures import Period, milestone_report
            from reporting.selectors import report_cases
        except ImportError:
            self._add(Measure("Milestone figures, all cases", size, note="not on main yet: not measured"))
            return
        today = timezone.localdate()
        start = today - dt.timedelta(days=365)
        period = Period(start, today)
        measure = Measure(
            "Milestone figures, all cases", size, target=f"≤ {TARGET_REPORT_FLOOR_RATIO:g}× floor"
        )
        with _Queries() as captured:
            milestone_report(report_cases(), period)
        measure.queries = len(captured)
        repeat = max(3, self.repeat // 5)
        measure.timings = _time(lambda: milestone_report(report_cases(), period), repeat, warmup=1)
        statements = [
            *figures_floor("1 = 1", [], start, today),
            *punctuality_floor("1 = 1", start, today, today, breakdowns=False),
        ]
        measure.floor = _time(_sqls(*statements), repeat, warmup=1)
        measure.met = measure.ratio is not None and measure.ratio <= TARGET_REPORT_FLOOR_RATIO
        self._add(measure)

    # -- the deadline sweep

    def _sweep(self, size: int) -> None:
        from cases.services.alerts import deadline_sweep

        open_cases = Case.objects.filter(status=Case.Status.OPEN).count()
        target_s = TARGET_SWEEP_SECONDS_PER_200K_OPEN * max(open_cases, 1) / 200_000
        now = timezone.now()
        first = Measure("Deadline sweep, first run", size, note="")
        with _Queries() as captured:
            started = time.perf_counter()
            result = deadline_sweep(now=now)
            first.timings = [time.perf_counter() - started]
        first.queries = len(captured)
        first.note = f"{open_cases} open cases; created {result.created} alerts, resolved {result.resolved}"
        self._add(first)
        again = Measure(
            "Deadline sweep, nothing changed",
            size,
            target=f"≤ {target_s:.1f} s ({open_cases} open), no writes",
        )
        with _Queries() as captured:
            result = deadline_sweep(now=now)
        # Nothing changes between runs: the median of five, as for the pages (one run is at the mercy of the
        # machine's other work).
        again.timings = _time(lambda: deadline_sweep(now=now), 5, warmup=0)
        writes = captured.writes
        again.queries = len(captured)
        changed = result.created + result.resolved + result.reopened
        again.note = (
            f"{result.signals} signals; created {result.created}, resolved {result.resolved}, "
            f"reopened {result.reopened}; {writes} writing statements (the run's own record: 2)"
        )
        # The rows the sweep reads: open, due within the working-day lead or within their kind's own lead.
        today = timezone.localdate(now)
        ahead = {kind: today + dt.timedelta(days=days) for kind, days in DUE_SOON_CALENDAR_DAYS.items()}
        lead_day = add_working_days(today, AlertSettings.current().due_soon_working_days)
        due_rows = deadlines_due_by(day=lead_day, today=today, ahead=ahead).count()
        again.note += f"; {due_rows} open deadline rows within their lead"
        due_sql = " OR ".join(["d.due_on <= %s"] + ["(d.kind = %s AND d.due_on <= %s)"] * len(ahead))
        due_params = [lead_day, *(value for pair in ahead.items() for value in pair)]
        due = f"d.state = 'open' AND ({due_sql})"
        again.floor = _time(
            _sqls(
                (
                    "SELECT d.kind, d.due_on, c.id, c.consultant_id, t.department_id "
                    "FROM cases_casedeadline d JOIN cases_case c ON c.id = d.case_id "
                    f"LEFT JOIN staff_team t ON t.id = c.team_id WHERE {due} AND c.status = 'open'",
                    due_params,
                ),
                (
                    "SELECT a.id, a.case_id, a.kind, a.due_on, a.level, a.recipient_id, a.resolved_at "
                    "FROM cases_alert a WHERE a.resolved_at IS NULL",
                    [],
                ),
                (
                    "SELECT a.id, a.case_id, a.kind, a.due_on, a.level, a.recipient_id, a.resolved_at "
                    "FROM cases_alert a WHERE a.case_id IN "
                    f"(SELECT d.case_id FROM cases_casedeadline d WHERE {due})",
                    due_params,
                ),
            ),  # fmt: skip
            3,
            warmup=1,
        )
        again.met = again.median <= target_s and changed == 0
        self._add(again)

    # -- the import of a 10,000-row sheet

    def _import_sheet(self, rows: int) -> str:
        rng = random.Random(self.seed)
        today = timezone.localdate()
        employers = list(Employer.objects.order_by("pk").values_list("cvr", "name")[:500])
        consultants = list(
            get_user_model()
            .objects.filter(username__regex=r"^m001-konsulent\d+$")
            .values_list("username", flat=True)
        )
        handle = tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False, encoding="utf-8", newline="")
        with handle:
            writer = csv.writer(handle)
            writer.writerow(
                ["cpr", "cvr", "arbejdsgiver", "foerste_fravaersdag", "modtaget", "kategori", "konsulent",
                 "foerste_samtale", "samtale_sted", "arbejdsgiver_deltog", "undtagelse",
                 "virksomhedsrettet_start", "virksomhedsrettet_type", "slutdato", "afslutningsaarsag"]
            )  # fmt: skip
            for number in range(rows):
                digits, _birth, _female = cpr_for(40_000_000 + number)  # far beyond the generated people
                first_day = today - dt.timedelta(days=rng.randint(100, 700))
                cvr, name = rng.choice(employers) if employers else ("", "")
                held = first_day + dt.timedelta(days=rng.randint(30, 60))
                measure = rng.random() < 0.4
                closed = rng.random() < 0.7
                writer.writerow(
                    [f"{digits[:6]}-{digits[6:]}", cvr, name, first_day.isoformat(),
                     (first_day + dt.timedelta(days=21)).isoformat(), 2,
                     rng.choice(consultants) if consultants else "", held.isoformat(),
                     rng.choice(["arbejdsplads", "arbejdsplads", "jobcenter", "telefon"]),
                     rng.choice(["ja", "nej"]), "",
                     (first_day + dt.timedelta(days=80)).isoformat() if measure else "",
                     "delvis_raskmelding" if measure else "",
                     (first_day + dt.timedelta(days=95)).isoformat() if closed else "",
                     "rask_eget_job" if closed else ""]
                )  # fmt: skip
        return handle.name

    def _import(self, size: int) -> None:
        rows = self.import_rows if size >= self.import_rows else max(10, size // 10)
        path = self._import_sheet(rows)
        measure = Measure(f"Import of a {rows:,}-row sheet".replace(",", "."), size)
        try:
            output = io.StringIO()
            with _Queries() as captured:
                started = time.perf_counter()
                call_command("import_cases", path, stdout=output, stderr=output)
                measure.timings = [time.perf_counter() - started]
            measure.queries = len(captured)
            measure.note = output.getvalue().strip().splitlines()[-1] if output.getvalue().strip() else ""
        except (Exception, SystemExit) as error:  # a failed import is reported, not fatal to the run
            measure.note = f"failed: {type(error).__name__}: {str(error)[:200]}"
            self._add(measure)
            return
        finally:
            os.unlink(path)
        # The floor: the same number of cases (persons, cases, visitations, conversations, measures, events)
        # written in bulk by the load generator (COPY), rolled back.
        started = time.perf_counter()
        with contextlib.suppress(_Rollback), transaction.atomic():
            generate_load_data(municipalities=1, years=2.0, cases=rows, seed=self.seed + 1)
            raise _Rollback
        measure.floor = [time.perf_counter() - started]
        self._add(measure)


class _Rollback(Exception):
    pass


# --- The report ------------------------------------------------------------------------------------------


def machine_description() -> dict[str, str]:
    memory = ""
    with contextlib.suppress(OSError), open("/proc/meminfo") as meminfo:
        for line in meminfo:
            if line.startswith("MemTotal:"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    cpu = ""
    with contextlib.suppress(OSError), open("/proc/cpuinfo") as cpuinfo:
        for line in cpuinfo:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    database = connection.vendor
    with contextlib.suppress(Exception), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT version()")
            database = cursor.fetchone()[0].split(" on ")[0]
    load = ""
    with contextlib.suppress(OSError):
        load = " ".join(f"{value:.1f}" for value in os.getloadavg())
    commit = ""
    with contextlib.suppress(Exception):
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False
        ).stdout.strip()
    return {
        "CPU cores (nproc)": str(os.cpu_count()),
        "CPU": cpu,
        "RAM": memory,
        "database": database,
        "Python": platform.python_version(),
        "load average at the end (1, 5, 15 min)": load,
        "commit": commit,
    }


def _ms(seconds: float | None) -> str:
    if seconds is None:
        return "–"
    if seconds >= 10:
        return f"{seconds:.1f} s"
    if seconds >= 1:
        return f"{seconds:.2f} s"
    return f"{seconds * 1000:.1f} ms"


def _size_label(size: int) -> str:
    if size >= 1_000_000 and size % 1_000_000 == 0:
        return f"{size // 1_000_000}M"
    if size >= 1000 and size % 1000 == 0:
        return f"{size // 1000}k"
    return str(size)


def profiles_markdown(bench: Bench, *, command: str, started: dt.datetime) -> str:
    """The profile tables (bench --profile): per page, what one request spends where."""
    lines = [
        f"Profiled {started:%Y-%m-%d %H:%M} ({timezone.get_current_timezone_name()}), command: `{command}`, "
        f"commit {machine_description()['commit']}: each page {PROFILED_REQUESTS} more requests under "
        "cProfile at the largest size, after its timed ones; times per request. The profiler adds its own "
        "cost to every Python call (about 1.5–2× here), so compare the rows of one table, not with the "
        "medians above.",
        "",
        "| page | size | profiled total | database (cursor) | templates (Template.render) |",
        "|---|---|---|---|---|",
    ]
    for profile in bench.profiles:
        lines.append(
            f"| {profile.name} | {_size_label(profile.size)} | {_ms(profile.total)} | "
            f"{_ms(profile.database)} ({profile.database / profile.total:.0%}) | "
            f"{_ms(profile.templates)} ({profile.templates / profile.total:.0%}) |"
        )

    def table(rows: list[ProfileRow]) -> list[str]:
        out = ["| function | calls | own | cumulative |", "|---|---|---|---|"]
        for row in rows:
            label = row.function.replace("|", "\\|")
            out.append(f"| `{label}` | {row.calls:g} | {_ms(row.own)} | {_ms(row.cumulative)} |")
        return out

    for profile in bench.profiles:
        lines += ["", f"#### {profile.name} ({_size_label(profile.size)}): top {PROFILE_TOP} by own time", ""]
        lines += table(profile.by_own)
        lines += [
            "",
            f"The project's code, top {PROFILE_TOP} by cumulative time (leaving out the middleware and "
            "decorators every request passes through):",
            "",
        ]
        lines += table(profile.project)
    return "\n".join(lines) + "\n"


def markdown(bench: Bench, *, command: str, started: dt.datetime, finished: dt.datetime) -> str:
    lines = [
        f"Run {started:%Y-%m-%d %H:%M}–{finished:%H:%M} ({timezone.get_current_timezone_name()}), command: "
        f"`{command}`",
        "",
        "| machine | |",
        "|---|---|",
    ]
    lines += [f"| {key} | {value} |" for key, value in machine_description().items()]
    lines += [
        "",
        "| size | municipalities | cases | open | persons | rows written | generation |",
        "|---|---|---|---|---|---|---|",
    ]
    for size, info in bench.generation.items():
        lines.append(
            f"| {_size_label(size)} | {info['municipalities']} | {info['cases']:,} | {info['open']:,} | "
            f"{info['persons']:,} | {info['rows']:,} | {info['seconds']:.0f} s |".replace(",", ".")
        )
    lines += [
        "",
        "| measure | size | median | p95 | queries | SQL floor (median) | ratio | own SQL (median) "
        "| ÷ own SQL | target | met | notes |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for m in bench.measures:
        met = {True: "yes", False: "**no**", None: "–"}[m.met]
        ratio = f"{m.ratio:.1f}×" if m.ratio else "–"
        database_ratio = f"{m.database_ratio:.1f}×" if m.database_ratio else "–"
        p95 = _ms(m.p95) if len(m.timings) > 1 else "–"
        queries = "–" if m.queries is None else str(m.queries)
        lines.append(
            f"| {m.name} | {_size_label(m.size)} | {_ms(m.median)} | {p95} | {queries} "
            f"| {_ms(m.floor_median)} | {ratio} | {_ms(m.in_database)} | {database_ratio} "
            f"| {m.target or '–'} | {met} | {m.note} |"
        )
    if len(bench.sizes) > 1:
        small, large = min(bench.sizes), max(bench.sizes)
        lines += [
            "",
            f"Growth {_size_label(small)} → {_size_label(large)} (cases ×{large / small:g}): p95 (or the "
            "single run) at the largest size ÷ at the smallest; queries at both sizes.",
            "",
            f"| measure | {_size_label(small)} | {_size_label(large)} | growth "
            f"| queries {_size_label(small)} → {_size_label(large)} |",
            "|---|---|---|---|---|",
        ]
        by_key = {(m.name, m.size): m for m in bench.measures}
        for name in dict.fromkeys(m.name for m in bench.measures):
            a, b = by_key.get((name, small)), by_key.get((name, large))
            if not a or not b or not a.timings or not b.timings:
                continue
            pa = a.p95 if len(a.timings) > 1 else a.timings[0]
            pb = b.p95 if len(b.timings) > 1 else b.timings[0]
            lines.append(f"| {name} | {_ms(pa)} | {_ms(pb)} | ×{pb / pa:.1f} | {a.queries} → {b.queries} |")
    return "\n".join(lines) + "\n"
