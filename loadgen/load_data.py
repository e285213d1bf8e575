"""Synthetic data at national scale for the benchmarks (`manage.py generate_load_data`, docs/benchmarks.md).

The cases follow the demo data's distributions (cases/demo.py: categories, durations, closing reasons,
exceptions, Fast Track, § 56, handovers, the workplace share improving over time), but are written the fast
way: every row is built as a plain tuple with its primary key assigned here, so foreign keys need no round
trip, and the tuples go to the database in large batches — PostgreSQL's COPY (psycopg 3) when available,
`executemany` INSERTs otherwise (SQLite, for the smoke test). One municipality is one transaction.

Choices made for speed, and why they keep the data realistic:
- CPR numbers are unique by construction (birth date and serial from a running number) and encrypted in one
  tight loop with a single Fernet instance (no MultiFernet look-up per row). People have repeat absences:
  about one case in six belongs to a person who had an earlier absence, which the § 24 re-assessment rule
  counts, so there are fewer people than cases (and fewer encryptions).
- The stored next deadline of every open case is computed by the rulebook's pure functions
  (visitation.deadlines) from the facts generated here, exactly as `case_deadlines_refresh` would compute it
  from the rows, without three queries per case. The smoke test checks that the two agree.
- Organisation: every municipality has a department with a retention team and an unemployed team, enough
  consultants for a caseload near 45 open cases each, two bookers and a leader. Usernames are
  `m001-konsulent1`, `m001-booker1`, `m001-leder1` (password as the demo's); municipality 1 is the large one
  (three times the average intake), the one the benchmarks log in to.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import math
import random
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.utils import timezone, translation

from cases.demo import (
    CLOSING_WEIGHTS,
    COMPANY_SUFFIXES,
    COMPANY_WORDS,
    EXCEPTION_WEIGHTS,
    FEMALE_NAMES,
    HANDOVER_WEIGHTS,
    INDUSTRY_CODES,
    LEADER_NAMES,
    MALE_NAMES,
    NEXT_STEPS,
    OTHER_PLACES,
    STREETS,
    SURNAMES,
)
from cases.identifiers import CVR_WEIGHTS
from cases.models import (
    Assignment,
    Case,
    CaseDeadline,
    CaseEvent,
    CaseException,
    Conversation,
    Employer,
    GradualReturnStep,
    Measure,
    Offer,
    Person,
    Visitation,
)
from cases.services.deadlines import deadline_rows
from staff.demo import DEMO_PASSWORD
from staff.geo import postcodes
from staff.models import Department, Municipality, StaffMember, Team
from staff.roles import Role
from visitation import deadlines as rules
from visitation.models import ClosingReason, ExceptionReason, HandoverReason, MeasureType, OfferType, RuleSet

# The average municipality's intake of sick-leave cases a year (98 municipalities × 4,000 ≈ 400,000 a year);
# municipality 1 takes three times that (a large municipality: ~12,000 a year, ~3,000 open at a time).
CASES_PER_MUNICIPALITY_YEAR = 4000
LARGE_MUNICIPALITY_WEIGHT = 3.0
CASELOAD = 45  # open cases per consultant (domain.md: 40–60, 45 recommended)
FIRST_CODE = 1001  # municipality codes of generated municipalities: 1001, 1002, … (real ones are 101–860)
REPEAT_ABSENCE_SHARE = 0.18  # of closed cases, the share whose person falls ill again later
BATCH_ROWS = 20_000


# --- Writing rows -----------------------------------------------------------------------------------------


class _Table:
    """A table's columns: those the generator provides, then the rest filled with their constant defaults."""

    def __init__(self, model: type[models.Model], provided: list[str]):
        self.model = model
        self.name = model._meta.db_table
        by_column = {f.column: f for f in model._meta.concrete_fields}
        unknown = set(provided) - set(by_column)
        if unknown:
            raise ValueError(f"{self.name}: no columns {sorted(unknown)}")
        rest = []
        tail = []
        for column, model_field in by_column.items():
            if column in provided or (model_field.primary_key and column not in provided):
                continue  # a primary key not provided is the database's to assign
            if isinstance(model_field, models.GeneratedField):
                continue  # the database computes it (the search's folded names)
            if model_field.has_default() and not callable(model_field.default):
                value = model_field.get_default()
            elif model_field.null:
                value = None
            elif isinstance(model_field, models.CharField | models.TextField):
                value = ""
            else:
                raise ValueError(f"{self.name}.{column} is required and not provided")
            if isinstance(model_field, models.JSONField):
                value = json.dumps(value)
            rest.append(column)
            tail.append(value)
        self.columns = provided + rest
        self.tail = tuple(tail)
        self.rows: list[tuple] = []

    def add(self, *values) -> None:
        self.rows.append(values + self.tail)


class _Writer:
    """Sends a table's rows in one COPY (PostgreSQL) or batched INSERTs (any other database)."""

    def __init__(self):
        self.rows_written = 0
        self.seconds: dict[str, float] = {}

    def flush(self, table: _Table) -> None:
        if not table.rows:
            return
        started = time.monotonic()
        columns = ", ".join(connection.ops.quote_name(c) for c in table.columns)
        quoted = connection.ops.quote_name(table.name)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                raw = cursor.cursor  # the psycopg 3 cursor under Django's wrapper
                with raw.copy(f"COPY {quoted} ({columns}) FROM STDIN") as copy:
                    for row in table.rows:
                        copy.write_row(row)
        else:
            placeholders = ", ".join(["%s"] * len(table.columns))
            rows = [tuple(_adapt(value) for value in row) for row in table.rows]
            with connection.cursor() as cursor:
                for start in range(0, len(rows), BATCH_ROWS):
                    cursor.executemany(
                        f"INSERT INTO {quoted} ({columns}) VALUES ({placeholders})",
                        rows[start : start + BATCH_ROWS],
                    )
        self.rows_written += len(table.rows)
        self.seconds[table.name] = self.seconds.get(table.name, 0.0) + time.monotonic() - started
        table.rows.clear()


def _adapt(value):
    """Python values as the other backends (SQLite) store them; psycopg's COPY adapts them itself."""
    if isinstance(value, uuid.UUID):
        return value.hex
    if isinstance(value, dt.datetime):
        return connection.ops.adapt_datetimefield_value(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


class _Ids:
    """Primary keys handed out here, after the highest one in the table (sequences are reset at the end)."""

    def __init__(self, model_list: Iterable[type[models.Model]]):
        self.next = {}
        for model in model_list:
            highest = model.objects.aggregate(top=models.Max("pk"))["top"] or 0
            self.next[model] = highest + 1

    def take(self, model: type[models.Model]) -> int:
        value = self.next[model]
        self.next[model] = value + 1
        return value


def _reset_sequences(model_list: list[type[models.Model]]) -> None:
    statements = connection.ops.sequence_reset_sql(no_style(), model_list)
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


# --- Identifiers ------------------------------------------------------------------------------------------

BIRTH_FROM = dt.date(1960, 1, 1)
BIRTH_DAYS = 40 * 365  # born 1960–1999 (seventh digit 0–3: the 1900s)


def cpr_for(number: int) -> tuple[str, dt.date, bool]:
    """The `number`-th generated CPR number: unique for every number below 58 million (40 years of birth
    dates × 4,000 serials with a 1900s century digit). Returns (digits, birth date, is female)."""
    birth = BIRTH_FROM + dt.timedelta(days=number % BIRTH_DAYS)
    serial = number // BIRTH_DAYS  # 0 … 3999
    digits = f"{birth:%d%m%y}{serial:04d}"
    return digits, birth, int(digits[9]) % 2 == 0


def cvr_for(number: int) -> str | None:
    """A modulus-11-valid CVR number from a running number (None for the tenth of numbers with no check
    digit); generated CVR numbers start with 9, so they stay clear of the demo's random ones mostly."""
    first7 = f"{9_000_000 + number:07d}"
    if len(first7) != 7:
        raise ValueError("too many employers")
    check = -sum(int(d) * w for d, w in zip(first7, CVR_WEIGHTS, strict=False)) % 11
    return None if check == 10 else first7 + str(check)


# --- Generation -------------------------------------------------------------------------------------------


@dataclass
class LoadResult:
    municipalities: int = 0
    cases: int = 0
    open_cases: int = 0
    persons: int = 0
    employers: int = 0
    staff: int = 0
    rows: int = 0
    seconds: float = 0.0
    by_table: dict[str, int] = field(default_factory=dict)
    write_seconds: dict[str, float] = field(default_factory=dict)


@dataclass
class _Plan:
    """One case before it is written: the facts the deadline rules need are kept alongside."""

    case_id: int
    person_index: int
    first_day: dt.date
    received_on: dt.date
    category: int | None
    employed: bool
    closed_on: dt.date | None
    reason: str | None
    progress: float
    rules_row: RuleSet
    earlier: list[tuple[dt.date, dt.date | None, bool]] = field(default_factory=list)


def _weighted_picker(rng: random.Random, weights: list[tuple[str, int]]) -> Callable[[], str]:
    codes = [code for code, _w in weights]
    cumulative = []
    total = 0
    for _code, weight in weights:
        total += weight
        cumulative.append(total)

    def pick() -> str:
        return rng.choices(codes, cum_weights=cumulative)[0]

    return pick


class LoadGenerator:
    def __init__(
        self,
        *,
        municipalities: int,
        years: float,
        seed: int = 2017,
        cases: int | None = None,
        today: dt.date | None = None,
        log: Callable[[str], None] = lambda message: None,
    ):
        if municipalities < 1 or years <= 0:
            raise ValueError("municipalities and years must be positive")
        self.municipality_count = municipalities
        self.years = years
        self.rng = random.Random(seed)
        self.today = today or timezone.localdate()
        self.log = log
        weights = [LARGE_MUNICIPALITY_WEIGHT] + [
            self.rng.uniform(0.4, 1.6) for _ in range(municipalities - 1)
        ]
        total = cases if cases is not None else round(CASES_PER_MUNICIPALITY_YEAR * sum(weights) * years)
        scale = total / sum(weights)
        self.case_counts = [int(w * scale) for w in weights]
        self.case_counts[0] += total - sum(self.case_counts)  # the rounding rest to municipality 1

    # -- catalogues and shared constants

    def _load_catalogues(self) -> None:
        self.rule_sets = list(RuleSet.objects.order_by("-effective_from"))
        self.rules_of = {r.pk: r.as_rules() for r in self.rule_sets}
        self.closing = {c.code: c for c in ClosingReason.objects.all()}
        self.exception_reasons = {e.code: e for e in ExceptionReason.objects.all()}
        self.handover_reasons = {h.code: h for h in HandoverReason.objects.all()}
        self.measure_types = {m.code: m for m in MeasureType.objects.all()}
        self.offer_types = list(OfferType.objects.order_by("code"))
        missing = [code for code in [c for c, _w in CLOSING_WEIGHTS] if code not in self.closing] + [
            code for code, _w in EXCEPTION_WEIGHTS if code not in self.exception_reasons
        ]
        if missing or not self.rule_sets or not self.measure_types or not self.offer_types:
            raise RuntimeError(f"The rulebook is not seeded (missing: {missing or 'rule sets/catalogues'})")
        with translation.override("da"):
            self.place_labels = {k: str(v).lower() for k, v in Conversation.Place.choices}
            self.participant_labels = {k: str(v).lower() for k, v in Conversation.Participant.choices}
            self.exception_labels = {code: str(r) for code, r in self.exception_reasons.items()}
            self.closing_labels = {code: str(r) for code, r in self.closing.items()}
            self.handover_labels = {code: str(r) for code, r in self.handover_reasons.items()}
            self.measure_labels = {code: str(m) for code, m in self.measure_types.items()}
            self.offer_labels = {o.pk: str(o) for o in self.offer_types}
        self.measure_counts = {code: m.counts_for_week_13 for code, m in self.measure_types.items()}
        self.pick_closing = _weighted_picker(self.rng, CLOSING_WEIGHTS)
        self.pick_exception = _weighted_picker(self.rng, EXCEPTION_WEIGHTS)
        self.pick_handover = _weighted_picker(
            self.rng, [(c, w) for c, w in HANDOVER_WEIGHTS if c in self.handover_reasons]
        )
        self.areas = list(postcodes().values())
        keys = list(settings.CPR_ENCRYPTION_KEYS)
        from cryptography.fernet import Fernet

        self.fernet = Fernet(keys[0])  # the newest key, as cpr_encrypt would use
        import hashlib
        import hmac

        hash_key = settings.CPR_HASH_KEY.encode()
        self.cpr_hash = lambda digits: hmac.new(hash_key, digits.encode(), hashlib.sha256).hexdigest()
        self._moments: dict[tuple[dt.date, int], dt.datetime] = {}
        self.tz = timezone.get_current_timezone()

    def _at(self, day: dt.date, hour: int = 10) -> dt.datetime:
        moment = self._moments.get((day, hour))
        if moment is None:
            moment = timezone.make_aware(dt.datetime.combine(day, dt.time(hour)), self.tz)
            self._moments[(day, hour)] = moment
        return moment

    def _uuid(self) -> uuid.UUID:
        # Random, not from the seed: a second run with the same seed adds cases and must not repeat UUIDs.
        return uuid.uuid4()

    # -- the run

    def run(self) -> LoadResult:
        # The re-assessment date is a pure function of its arguments and costs a few milliseconds (it walks
        # day by day through the 9-month window); most open cases share them (same D, no earlier absence),
        # so it is memoised for the run. Restored afterwards: the product never runs with the memo.
        original = rules.reassessment_due
        memo = functools.lru_cache(maxsize=200_000)(original)
        rules.reassessment_due = lambda *args, **kwargs: memo(*args, **kwargs)
        try:
            return self._run()
        finally:
            rules.reassessment_due = original

    def _run(self) -> LoadResult:
        started = time.monotonic()
        self._load_catalogues()
        result = LoadResult()
        self.tables = {
            "person": _Table(
                Person, ["id", "uuid", "cpr_encrypted", "cpr_hash", "birth_date", "sex", "name"]
            ),
            "employer": _Table(
                Employer,
                [
                    "id",
                    "cvr",
                    "name",
                    "address",
                    "postcode",
                    "town",
                    "municipality",
                    "industry_code",
                    "nearest_leader_name",
                    "nearest_leader_phone",
                ],
            ),  # fmt: skip
            "case": _Table(
                Case,
                [
                    "id",
                    "uuid",
                    "person_id",
                    "employer_id",
                    "first_absence_day",
                    "received_on",
                    "source",
                    "category",
                    "status",
                    "consultant_id",
                    "team_id",
                    "municipality_id",
                    "rule_set_id",
                    "next_deadline_on",
                    "next_deadline_kind",
                    "fast_track_requested_on",
                    "fast_track_requested_by",
                    "fast_track_answered_on",
                    "agreement_56_approved_on",
                    "agreement_56_expires_on",
                    "retention_plan_received_on",
                    "closed_on",
                    "closing_reason_id",
                    "created_at",
                ],
            ),  # fmt: skip
            "deadline": _Table(
                CaseDeadline,
                [
                    "case_id",
                    "kind",
                    "due_on",
                    "done_on",
                    "planned_on",
                    "state",
                    "legal_source",
                    "rule_set_id",
                ],
            ),
            "assignment": _Table(
                Assignment, ["case_id", "consultant_id", "started_on", "ended_on", "reason_id"]
            ),
            "visitation": _Table(Visitation, ["case_id", "category", "decided_on", "decided_by_id"]),
            "conversation": _Table(
                Conversation,
                [
                    "case_id",
                    "held_on",
                    "place",
                    "participants",
                    "employer_took_part",
                    "next_step",
                    "recorded_by_id",
                ],
            ),  # fmt: skip
            "measure": _Table(Measure, ["id", "case_id", "type_id", "started_on"]),
            "step": _Table(GradualReturnStep, ["measure_id", "from_date", "hours_per_week"]),
            "offer": _Table(
                Offer, ["case_id", "type_id", "started_on", "ended_on", "score_start", "score_end"]
            ),
            "exception": _Table(
                CaseException,
                [
                    "case_id",
                    "reason_id",
                    "proposed_by_id",
                    "proposed_at",
                    "status",
                    "decided_by_id",
                    "decided_at",
                ],
            ),  # fmt: skip
            "event": _Table(CaseEvent, ["case_id", "occurred_at", "actor_id", "kind", "text"]),
        }
        self.ids = _Ids([Person, Employer, Case, Measure])
        self.person_number = Person.objects.count() + 7919  # CPR running numbers continue after earlier runs
        self.employer_number = Employer.objects.count()
        self.existing_cvrs = set(Employer.objects.values_list("cvr", flat=True))
        self.existing_codes = set(Municipality.objects.values_list("code", flat=True))
        self.password = make_password(DEMO_PASSWORD)  # hashed once, shared by every generated login
        self.groups = {role: Group.objects.get(name=role) for role in Role}
        writer = _Writer()
        code = FIRST_CODE
        # Numbers (and so usernames, team slugs) continue after the municipalities of an earlier run.
        offset = Municipality.objects.filter(name__startswith="Belastningskommune").count()
        for index, count in enumerate(self.case_counts):
            while code in self.existing_codes:
                code += 1
            with transaction.atomic():
                stats = self._municipality(number=offset + index + 1, code=code, case_count=count)
                for table in self.tables.values():
                    result.by_table[table.name] = result.by_table.get(table.name, 0) + len(table.rows)
                    writer.flush(table)
            code += 1
            result.municipalities += 1
            result.cases += stats["cases"]
            result.open_cases += stats["open"]
            result.persons += stats["persons"]
            result.employers += stats["employers"]
            result.staff += stats["staff"]
            self.log(
                f"municipality {index + 1}/{len(self.case_counts)}: {stats['cases']} cases "
                f"({stats['open']} open), {time.monotonic() - started:.1f} s"
            )
        _reset_sequences([Person, Employer, Case, Measure, Assignment, Visitation, Conversation,
                          GradualReturnStep, Offer, CaseException, CaseEvent])  # fmt: skip
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                for table in self.tables.values():  # fresh statistics: the planner must see the new counts
                    cursor.execute(f"ANALYZE {connection.ops.quote_name(table.name)}")
        result.rows = writer.rows_written
        result.write_seconds = writer.seconds
        result.seconds = time.monotonic() - started
        return result

    # -- one municipality

    def _organisation(self, *, number: int, code: int, open_estimate: dict[str, int]):
        User = get_user_model()
        municipality = Municipality.objects.create(code=code, name=f"Belastningskommune {number:03d}")
        department = Department.objects.create(municipality=municipality, name=f"Jobcenter {number:03d}")
        teams = {
            slug: Team.objects.create(department=department, name=name, slug=f"m{number:03d}-{slug}")
            for slug, name in [("fastholdelse", "Fastholdelsesteamet"), ("syg-og-ledig", "Syg og ledig")]
        }
        prefix = f"m{number:03d}"
        people = []
        for slug, count in open_estimate.items():
            for n in range(max(2, math.ceil(count / CASELOAD))):
                kind = "konsulent" if slug == "fastholdelse" else "ledig"
                people.append((f"{prefix}-{kind}{n + 1}", Role.CONSULTANT, teams[slug]))
        people += [(f"{prefix}-booker{n}", Role.BOOKER, teams["fastholdelse"]) for n in (1, 2)]
        people += [(f"{prefix}-leder1", Role.LEADER, teams["fastholdelse"])]
        users = User.objects.bulk_create(
            [
                User(
                    username=username,
                    password=self.password,
                    first_name=self.rng.choice(FEMALE_NAMES + MALE_NAMES),
                    last_name=self.rng.choice(SURNAMES),
                    email=f"{username}@jobcenter.example.dk",
                )
                for username, _role, _team in people
            ]
        )
        if not all(u.pk for u in users):  # databases that do not return ids from a bulk insert
            users = list(User.objects.filter(username__startswith=f"{prefix}-").order_by("pk"))
            users.sort(key=lambda u: [p[0] for p in people].index(u.username))
        User.groups.through.objects.bulk_create(
            [User.groups.through(user_id=u.pk, group_id=self.groups[role].pk) for u, (_n, role, _t) in
             zip(users, people, strict=True)]
        )  # fmt: skip
        StaffMember.objects.bulk_create(
            [
                StaffMember(user=u, team=team, base_postcode="")
                for u, (_n, _role, team) in zip(users, people, strict=True)
            ]
        )
        consultants = {
            slug: [u for u, (_n, role, team) in zip(users, people, strict=True)
                   if role == Role.CONSULTANT and team == teams[slug]]
            for slug in teams
        }  # fmt: skip
        leader = users[-1]
        return teams, consultants, leader, len(users)

    def _employers(self, count: int) -> list[int]:
        ids = []
        rng = self.rng
        table = self.tables["employer"]
        while len(ids) < count:
            self.employer_number += 1
            cvr = cvr_for(self.employer_number)
            if cvr is None or cvr in self.existing_cvrs:
                continue
            self.existing_cvrs.add(cvr)
            area = rng.choice(self.areas)
            employer_id = self.ids.take(Employer)
            table.add(
                employer_id,
                cvr,
                f"{rng.choice(COMPANY_WORDS)}{rng.choice(['firmaet', 'centret', 'huset', ''])} {area.town} "
                f"{rng.choice(COMPANY_SUFFIXES)}",
                f"{rng.choice(STREETS)} {rng.randint(1, 120)}",
                area.postcode,
                area.town,
                area.municipality_name,
                rng.choice(INDUSTRY_CODES),
                rng.choice(LEADER_NAMES) if employer_id % 4 else "",  # some must be found by the booker
                f"{rng.randint(20, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)}",
            )
            ids.append(employer_id)
        return ids

    def _person(self) -> int:
        """A new person (the CPR encrypted here, one Fernet instance); returns the person's id."""
        self.person_number += 1
        digits, birth, female = cpr_for(self.person_number)
        person_id = self.ids.take(Person)
        rng = self.rng
        self.tables["person"].add(
            person_id,
            self._uuid(),
            self.fernet.encrypt(digits.encode()).decode(),
            self.cpr_hash(digits),
            birth,
            "F" if female else "M",
            f"{rng.choice(FEMALE_NAMES if female else MALE_NAMES)} {rng.choice(SURNAMES)}",
        )
        return person_id

    def _plans(self, case_count: int) -> list[_Plan]:
        """Dates, categories and closings of the municipality's cases; repeat absences share a person."""
        rng = self.rng
        today = self.today
        start = today - dt.timedelta(days=round(self.years * 365))
        span = (today - start).days - 7
        plans: list[_Plan] = []
        persons: list[list] = []  # per person: [(first_day, closed_on, employed)] so far
        while len(plans) < case_count:
            person_index = len(persons)
            persons.append([])
            first_day = start + dt.timedelta(days=rng.randrange(span))
            while first_day <= today - dt.timedelta(days=7) and len(plans) < case_count:
                plan = self._plan(person_index, first_day, start, persons[person_index])
                plans.append(plan)
                persons[person_index].append((plan.first_day, plan.closed_on, plan.employed, plan.reason))
                if plan.closed_on is None or rng.random() >= REPEAT_ABSENCE_SHARE:
                    break
                first_day = plan.closed_on + dt.timedelta(days=rng.randint(20, 400))
        self.person_count = len(persons)
        return plans

    def _plan(self, person_index: int, first_day: dt.date, start: dt.date, earlier: list) -> _Plan:
        rng = self.rng
        today = self.today
        progress = (first_day - start).days / max(1, (today - start).days)
        employed = rng.random() < 0.88
        rule_set = next(r for r in self.rule_sets if r.effective_from <= first_day)
        category = (
            1 if rng.random() < 0.18 else (3 if rule_set.category_3_exists and rng.random() < 0.15 else 2)
        )
        received = first_day + dt.timedelta(days=rng.choice([14, 18, 21, 25, 28, 32, 35, 40, 45, 52]))
        if category == 1:
            duration = rng.randint(20, 70)
        else:
            duration = int(min(400, max(45, rng.lognormvariate(4.6, 0.55))))
        closed_on = first_day + dt.timedelta(days=duration)
        reason = self.pick_closing()
        if category == 1 and reason not in ("fejloprettet", "barsel"):
            reason = "rask_eget_job"
        if closed_on > today:
            closed_on, reason = None, None
        return _Plan(
            case_id=self.ids.take(Case),
            person_index=person_index,
            first_day=first_day,
            received_on=min(received, today),
            category=category if received <= today else None,
            employed=employed,
            closed_on=closed_on,
            reason=reason,
            progress=progress,
            rules_row=rule_set,
            earlier=[
                (day, closed, was_employed)
                for day, closed, was_employed, why in earlier
                if not self.closing[why].excluded_from_figures  # registered in error: never an absence
            ]
            if earlier
            else [],
        )

    def _municipality(self, *, number: int, code: int, case_count: int) -> dict:
        plans = self._plans(case_count)
        open_plans = [p for p in plans if p.closed_on is None]
        open_employed = sum(1 for p in open_plans if p.employed)
        teams, consultants, leader, staff_count = self._organisation(
            number=number,
            code=code,
            open_estimate={"fastholdelse": open_employed, "syg-og-ledig": len(open_plans) - open_employed},
        )
        employer_ids = self._employers(max(20, case_count // 8))
        person_ids = [self._person() for _ in range(self.person_count)]
        for plan in plans:
            self._case(plan, person_ids[plan.person_index], employer_ids, teams, consultants, leader)
        return {
            "cases": len(plans),
            "open": len(open_plans),
            "persons": self.person_count,
            "employers": len(employer_ids),
            "staff": staff_count,
        }

    # -- one case: the same story as cases/demo.py's seed_cases, written as rows

    def _case(self, plan: _Plan, person_id: int, employer_ids, teams, consultants, leader) -> None:
        rng = self.rng
        today = self.today
        t = self.tables
        case_id = plan.case_id
        first_day = plan.first_day
        slug = "fastholdelse" if plan.employed else "syg-og-ledig"
        owner = rng.choice(consultants[slug])
        team = teams[slug]
        employer_id = rng.choice(employer_ids) if plan.employed else None
        end = plan.closed_on or today
        limit = min(end, today)
        received_on = plan.received_on
        category = plan.category
        events = t["event"]

        def event(day, kind, text, actor=owner.pk, hour=10):
            events.add(case_id, self._at(day, hour), actor, kind, text)

        def d(day):
            return day.strftime("%d-%m-%Y")

        event(received_on, "registered", f"Sagen modtaget fra ydelseskontoret {d(received_on)}")
        assignment = [case_id, owner.pk, received_on, None, None]
        source = Case.Source.BENEFIT_OFFICE
        fast_track_on = fast_track_by = fast_track_answered = None
        agreement_on = agreement_expires = retention_on = None
        first_conversation = first_measure = None
        later_conversations: list[dt.date] = []
        visited_on = None
        handover = None
        if category is not None:
            visited_on = received_on
            t["visitation"].add(case_id, category, received_on, owner.pk)
            event(received_on, "visitation", f"Visiteret til kategori {category} den {d(received_on)}")
            if employer_id and category != 1 and rng.random() < 0.05:
                fast_track_on = first_day + dt.timedelta(days=rng.randint(5, 30))
                fast_track_by = rng.choice(["employer", "employer", "employee"])
                fast_track_answered = fast_track_on + dt.timedelta(days=1)
                source = Case.Source.FAST_TRACK
                event(fast_track_on, "fast_track", f"Fast track anmodet {d(fast_track_on)}")
        if category in (2, 3):
            progress = plan.progress
            if fast_track_on:
                held = fast_track_on + dt.timedelta(days=rng.randint(5, 13))
            else:
                late = rng.random() < 0.25 - 0.12 * progress
                held = first_day + dt.timedelta(days=rng.randint(56, 75) if late else rng.randint(35, 55))
            held = max(held, received_on)
            exception = None
            if employer_id and rng.random() < 0.16:
                exception = self.pick_exception()
            at_workplace = bool(employer_id) and not exception and rng.random() < 0.45 + 0.45 * progress
            proposed = max(received_on, held - dt.timedelta(days=rng.randint(3, 10)))
            if exception and proposed <= limit:
                approved = rng.random() < 0.85
                decided = min(proposed + dt.timedelta(days=rng.randint(1, 6)), today)
                t["exception"].add(
                    case_id,
                    self.exception_reasons[exception].pk,
                    owner.pk,
                    self._at(proposed, 9),
                    CaseException.Status.APPROVED if approved else CaseException.Status.REJECTED,
                    leader.pk,
                    self._at(decided, 14),
                )
                label = self.exception_labels[exception]
                event(
                    proposed,
                    "exception_proposed",
                    f"Undtagelse fra mødet på arbejdspladsen foreslået: {label}",
                )
                verdict = "godkendt" if approved else "afvist"
                event(decided, "exception_decided", f"Undtagelse {verdict}: {label}", leader.pk)
            conversation_number = 0
            while held <= limit:
                conversation_number += 1
                if conversation_number == 1:
                    if at_workplace:
                        place, participants = "arbejdsplads", ["citizen", "nearest_leader", "consultant"]
                    else:
                        place, participants = rng.choice(OTHER_PLACES), ["citizen", "consultant"]
                elif employer_id and rng.random() < 0.4:
                    place, participants = "arbejdsplads", ["citizen", "nearest_leader", "hr", "consultant"]
                else:
                    place, participants = rng.choice(OTHER_PLACES), ["citizen", "consultant"]
                next_step = rng.choice(NEXT_STEPS)
                with_employer = "nearest_leader" in participants
                t["conversation"].add(
                    case_id, held, place, json.dumps(participants), with_employer, next_step, owner.pk
                )
                if first_conversation is None:
                    first_conversation = held
                else:  # 21–30 days apart: each day once, ascending
                    later_conversations.append(held)
                who = ", ".join(self.participant_labels[p] for p in participants)
                week = (held - first_day).days // 7 + 1
                text = (
                    f"{conversation_number}. opfølgningssamtale {d(held)} ({self.place_labels[place]}, "
                    f"uge {week}) med {who}"
                )
                if place == "arbejdsplads" and with_employer:
                    text += " – møde på arbejdspladsen med arbejdsgiver, borger og konsulent"
                event(held, "conversation", f"{text}. Næste skridt: {next_step}")
                held += dt.timedelta(days=rng.randint(21, 30))

            if employer_id and rng.random() < 0.45 + 0.2 * progress:
                measure_on = first_day + dt.timedelta(
                    days=rng.randint(45, 90 if rng.random() < 0.5 + 0.3 * progress else 130)
                )
                if measure_on <= limit:
                    code = (
                        "delvis_raskmelding"
                        if rng.random() < 0.7 and "delvis_raskmelding" in self.measure_types
                        else rng.choice(list(self.measure_types))
                    )
                    measure_id = self.ids.take(Measure)
                    t["measure"].add(measure_id, case_id, self.measure_types[code].pk, measure_on)
                    if self.measure_counts[code]:
                        first_measure = measure_on
                    text = f"Virksomhedsrettet indsats: {self.measure_labels[code]} fra {d(measure_on)}"
                    if code == "delvis_raskmelding":
                        hours = rng.choice([10, 12.5, 15, 20, 25])
                        steps = [
                            (measure_on + dt.timedelta(weeks=3 * n), min(hours + 5 * n, 37)) for n in range(4)
                        ]
                        for day, step_hours in steps:
                            t["step"].add(measure_id, day, Decimal(str(step_hours)))
                        text += ". Optrapningsplan: " + ", ".join(
                            f"{str(h).replace('.', ',').removesuffix(',0')} t/uge fra {d(day)}"
                            for day, h in steps
                        )
                    event(measure_on, "measure", text)
            if rng.random() < 0.2:
                offer_on = first_day + dt.timedelta(days=rng.randint(40, 100))
                if offer_on <= limit:
                    offer_type = rng.choice(self.offer_types)
                    offer_end = offer_on + dt.timedelta(weeks=rng.randint(4, 10))
                    finished = offer_end <= limit
                    score = rng.randint(2, 6)
                    t["offer"].add(
                        case_id,
                        offer_type.pk,
                        offer_on,
                        offer_end if finished else None,
                        score,
                        max(1, min(10, score + rng.choice([-1, 0, 1, 2, 2, 3, 3, 4]))) if finished else None,
                    )
                    event(offer_on, "offer", f"Tilbud: {self.offer_labels[offer_type.pk]} fra {d(offer_on)}")
            if rng.random() < 0.03:
                approved_on = first_day + dt.timedelta(days=rng.randint(30, 120))
                if approved_on <= limit:
                    agreement_on = approved_on
                    agreement_expires = rules.add_months(approved_on, 24) - dt.timedelta(days=1)
                    event(approved_on, "agreement_56", f"§ 56-aftale godkendt {d(approved_on)}")
            if employer_id and rng.random() < 0.04:
                received_plan = first_day + dt.timedelta(days=rng.randint(20, 80))
                if received_plan <= limit:
                    retention_on = received_plan
                    event(
                        received_plan,
                        "retention_plan",
                        f"Fastholdelsesplan (§ 7 b) modtaget {d(received_plan)}",
                    )
            if rng.random() < 0.08:
                handover_on = received_on + dt.timedelta(days=rng.randint(20, 150))
                if handover_on < limit:
                    reason_code = self.pick_handover()
                    pool = consultants["syg-og-ledig" if reason_code == "opsagt_ledighed" else "fastholdelse"]
                    new_owner = rng.choice([u for u in pool if u.pk != owner.pk] or pool)
                    new_team = teams["syg-og-ledig" if reason_code == "opsagt_ledighed" else "fastholdelse"]
                    assignment[3] = handover_on
                    handover = (new_owner, new_team, handover_on, reason_code)
                    event(
                        handover_on,
                        "handover",
                        f"Sagen overdraget fra {owner.get_full_name()} til {new_owner.get_full_name()} "
                        f"({self.handover_labels[reason_code]})",
                    )
        t["assignment"].add(*assignment)
        if handover:
            new_owner, team, handover_on, reason_code = handover
            t["assignment"].add(
                case_id, new_owner.pk, handover_on, None, self.handover_reasons[reason_code].pk
            )
            owner = new_owner
        if plan.closed_on:
            week = (plan.closed_on - first_day).days // 7 + 1
            event(
                plan.closed_on,
                "closed",
                f"Sagen afsluttet {d(plan.closed_on)}: {self.closing_labels[plan.reason]} (uge {week})",
                owner.pk,
                15,
            )
        # The stored deadlines (rows and the next one), from the same functions case_deadlines_refresh uses.
        facts = rules.CaseFacts(
            first_absence_day=first_day,
            rules=self.rules_of[plan.rules_row.pk],
            category=category,
            employed=employer_id is not None,
            visited_on=visited_on,
            first_conversation_on=first_conversation,
            later_conversations_on=tuple(later_conversations),
            first_measure_on=first_measure,
            closed_on=plan.closed_on,
            fast_track_requested_on=fast_track_on,
            fast_track_answered_on=fast_track_answered,
            agreement_56_expires_on=agreement_expires,
            earlier_absences=tuple(
                rules.Absence(first_absence_day=day, last_day=closed, employed=was_employed)
                for day, closed, was_employed in plan.earlier
            ),
        )
        computed = rules.case_deadlines(facts)
        status = Case.Status.CLOSED if plan.closed_on else Case.Status.OPEN
        shell = Case(id=case_id, status=status, rule_set_id=plan.rules_row.pk)
        for row in deadline_rows(case=shell, deadlines=computed, today=today).values():
            t["deadline"].add(
                case_id, row.kind, row.due_on, row.done_on, row.planned_on, row.state, row.legal_source,
                row.rule_set_id,
            )  # fmt: skip
        upcoming = rules.next_deadline(computed, closed=plan.closed_on is not None, today=today)
        next_on, next_kind = (upcoming.due_on, upcoming.kind) if upcoming else (None, "")
        t["case"].add(
            case_id,
            self._uuid(),
            person_id,
            employer_id,
            first_day,
            received_on,
            source,
            category,
            status,
            owner.pk,
            team.pk,
            team.department.municipality_id,
            plan.rules_row.pk,
            next_on,
            next_kind,
            fast_track_on,
            fast_track_by or "",
            fast_track_answered,
            agreement_on,
            agreement_expires,
            retention_on,
            plan.closed_on,
            self.closing[plan.reason].pk if plan.closed_on else None,
            self._at(received_on, 8),
        )


def generate_load_data(**kwargs) -> LoadResult:
    return LoadGenerator(**kwargs).run()


def delete_case_data() -> None:
    """Empty the case tables and the generated organisation (a benchmark database only: all cases go)."""
    from cases.models import Alert

    generated = Municipality.objects.filter(name__startswith="Belastningskommune")
    with transaction.atomic():
        if connection.vendor == "postgresql":
            tables = ", ".join(
                m._meta.db_table
                for m in [CaseEvent, Assignment, Visitation, Conversation, GradualReturnStep, Measure, Offer,
                          CaseException, Alert, CaseDeadline, Case, Person, Employer]
            )  # fmt: skip
            with connection.cursor() as cursor:
                # Deferred foreign-key checks of rows written earlier in the same transaction (a test) would
                # make TRUNCATE refuse ("pending trigger events"): run them now.
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                cursor.execute(f"TRUNCATE {tables} CASCADE")
        else:
            for model in [Alert, CaseEvent, Assignment, Visitation, Conversation, GradualReturnStep, Measure,
                          Offer, CaseException, CaseDeadline, Case, Person, Employer]:  # fmt: skip
                model.objects.all().delete()
        # The generated logins are retired, not deleted: the audit log (append-only) keeps referring to them.
        # Renaming frees the usernames, team slugs and municipality names for the next run.
        User = get_user_model()
        for user in User.objects.filter(username__regex=r"^m\d{3}-"):
            User.objects.filter(pk=user.pk).update(
                username=f"retired{user.pk}-{user.username}"[:150], is_active=False
            )
        for team in Team.objects.filter(department__municipality__in=generated):
            Team.objects.filter(pk=team.pk).update(slug=f"retired{team.pk}-{team.slug}"[:50])
        for municipality in generated:
            Municipality.objects.filter(pk=municipality.pk).update(
                name=f"Tidligere {municipality.name.lower()}"
            )


__all__ = ["LoadGenerator", "LoadResult", "generate_load_data", "delete_case_data", "cpr_for", "cvr_for"]
