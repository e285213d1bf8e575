"""The figures managers read (domain.md "Figures managers read", formats.md §2), computed in the database.

Each figure is a denominator queryset plus a numerator condition on it, so that the figure, its monthly
breakdown and the drill-down list of cases behind every number share one definition. Counting is done by
conditional aggregation (one query per figure, whatever the number of cases or months); only the median and
the survival curves read a sorted list of values.

D is the first day of absence; the end of week n is D + 7n − 1 days (end of week 8 = D + 55, end of
week 13 = D + 90). Day differences are compared as durations, which Django translates for SQLite and
PostgreSQL alike.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.auth import get_user_model
from django.db.models import (
    BooleanField,
    Count,
    DateField,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models import Case as CaseWhen
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import (
    Assignment,
    Case,
    CaseDeadline,
    CaseException,
    Complaint,
    Conversation,
    Measure,
    Offer,
)
from meetings.selectors import booking_queue_cases
from staff.labels import staff_label
from staff.models import Team
from visitation import deadlines
from visitation.models import Category

END_OF_WEEK_7 = dt.timedelta(days=48)  # intake: the benefit office hands cases over by the end of week 7
END_OF_WEEK_8 = dt.timedelta(days=55)
END_OF_WEEK_13 = dt.timedelta(days=90)
EMPLOYED_CATEGORIES = [Category.TWO, Category.THREE]

# The definitions shown next to each figure, word for word from formats.md §2 (translated in the UI).
DEFINITIONS = {
    "workplace_first_meeting": _(
        "Nævner: sager med en arbejdsgiver, visitationskategori 2 eller 3, hvis første opfølgningssamtale "
        "fandt sted i perioden. Tæller: dem, der blev holdt på arbejdspladsen med arbejdsgiveren som "
        "deltager. Tallene »ikke undtaget« udelader sager med en undtagelse, der fritager fra målet, af både "
        "tæller og nævner."
    ),
    "first_meeting_on_time": _(
        "Samme nævner som første samtale på arbejdspladsen; tæller: første samtale senest D + 55 (udgangen "
        "af uge 8)."
    ),
    "week13_measure": _(
        "Nævner: sager, hvis uge 13 sluttede i perioden (D + 90), og som ikke var afsluttet senest D + 55. "
        "Tæller: dem, hvis første virksomhedsrettede indsats startede senest D + 90."
    ),
    "duration": _(
        "Sager afsluttet i perioden: antal, median af (afslutningsdato − D + 1) i dage (gennemsnittet af de "
        "to midterste ved et lige antal), andelen, hvis afslutningsårsag tæller som tilbage i arbejde, og "
        "antal pr. afslutningsårsag."
    ),
    "one_caseworker": _(
        "Andelen af sager afsluttet i perioden, der havde én ansvarlig konsulent hele vejen; skift af "
        "konsulent i perioden pr. årsag."
    ),
    "caseload": _("Åbne sager pr. konsulent i dag, målt mod konsulentens mål for sagsstamme (anbefalet 45)."),
    "flow": _(
        "Venter på booking: åbne sager i kategori 2 eller 3 med arbejdsgiver, uden booket eller holdt første "
        "møde og uden samtale – de samme sager som i mødebookerens kø. Dertil dage til fristen ved udgangen "
        "af uge 8, og sager modtaget i perioden efter udgangen af uge 7."
    ),
    "offers": _(
        "Tilbud afsluttet i perioden: andelen med positiv, ingen eller negativ udvikling mellem borgerens "
        "egen vurdering ved start og slut, pr. køn, med antal besvarelser."
    ),
    "survival": _(
        "Kaplan–Meier: andelen, der endnu ikke er tilbage i arbejde, efter uger fra D, for sager, hvis "
        "første samtale i perioden var på arbejdspladsen med arbejdsgiveren, mod de øvrige. Åbne sager og "
        "sager afsluttet af andre grunde tælles med, til de forlader opgørelsen (censureres)."
    ),
    "punctuality": _(
        "Rettidighed pr. frist: de frister, der faldt i perioden (D + 55 for første samtale, D + 90 for "
        "virksomhedsrettet indsats), i sager der ikke var afsluttet før fristen. Til tiden: nået senest på "
        "fristen; op til 3 uger for sent: nået 1–21 dage efter; mere end 3 uger for sent: nået senere; "
        "ikke nået: intet registreret endnu, efter eller før fristen. Første samtale tæller sager med "
        "arbejdsgiver i kategori 2 eller 3; indsatsen de samme sager som målet for uge 13. Heraf for sent "
        "pga. borgerens tilstand (indlagt): første samtaler holdt efter fristen, hvor konsulenten har "
        "angivet, at borgerens tilstand gjorde samtalen umulig i tide. De tælles stadig med i »op til 3 "
        "uger for sent« og »mere end 3 uger for sent« (aldrig som til tiden) og vises her for sig. De øvrige "
        "frister tælles fra sagernes gemte frister: hver frist med forfaldsdag i perioden, i båndet efter, "
        "hvornår den blev nået (et udløb, som en § 56-aftales eller en § 27-forlængelses, tælles ikke). "
        "Senere opfølgningssamtaler tælles hver for sig: hver er forfalden et interval (4 uger) efter den "
        "forrige samtale og nås af den næste."
    ),
    "complaints": _(
        "Klager modtaget i perioden: antal, hvor mange kommunen selv ændrede, hvor mange der blev sendt til "
        "Ankestyrelsen, og andelen genvurderet rettidigt (ændret, eller fastholdt og sendt videre, senest 4 "
        "uger efter modtagelsen) blandt dem, hvis 4 uger er gået. Ankestyrelsens afgørelser modtaget i "
        "perioden pr. udfald og omgørelsesprocenten: andelen ændret, hjemvist eller ophævet."
    ),
    "excluded": _("Sager afsluttet som »fejloprettet« holdes ude af alle nøgletal."),
}


@dataclass(frozen=True)
class Period:
    """A closed interval of days [start, end]."""

    start: dt.date
    end: dt.date

    def months(self) -> list[Period]:
        """The calendar months the period touches, each cut to the period."""
        months = []
        first = self.start.replace(day=1)
        while first <= self.end:
            following = (first + dt.timedelta(days=32)).replace(day=1)
            months.append(Period(max(first, self.start), min(following - dt.timedelta(days=1), self.end)))
            first = following
        return months

    def shifted_back(self, delta: dt.timedelta) -> tuple[dt.date, dt.date]:
        return (self.start - delta, self.end - delta)

    def as_range(self) -> tuple[dt.date, dt.date]:
        return (self.start, self.end)


# More rows than any selection can hold: the LIMIT only stops PostgreSQL from flattening the subquery.
_NO_LIMIT = 2**62


def _fenced(cases: QuerySet[Case]) -> QuerySet[Case]:
    """The queryset sliced, so that aggregating over it reads it as a subquery that PostgreSQL cannot pull up.

    Django aggregates over annotations by wrapping the annotated query in a subquery; PostgreSQL flattens that
    subquery and then evaluates each correlated subquery (the first conversation, the first measure) once for
    every FILTER that mentions it: 5 counts × 13 periods × 3 subqueries per case, minutes at 100,000 cases. A
    subquery with a LIMIT is never flattened, so each case's subqueries run once (docs/benchmarks.md)."""
    return cases[:_NO_LIMIT]


def share(numerator: int, denominator: int) -> float | None:
    """A fraction rounded half up to 4 decimals; None when there is nothing to divide by (shown as "–")."""
    if not denominator:
        return None
    return float((Decimal(numerator) / Decimal(denominator)).quantize(Decimal("0.0001"), ROUND_HALF_UP))


def _days_between(later: str, earlier: str) -> ExpressionWrapper:
    return ExpressionWrapper(F(later) - F(earlier), output_field=DurationField())


# ---------------------------------------------------------------------------------------------------------
# First follow-up conversation: at the workplace, on time
# ---------------------------------------------------------------------------------------------------------

AT_WORKPLACE = Q(first_conversation_place=Conversation.Place.WORKPLACE, first_conversation_employer=True)
NOT_EXEMPTED = Q(exempted=False)
FIRST_ON_TIME = Q(first_conversation_delay__lte=END_OF_WEEK_8)


def with_first_conversation(cases: QuerySet[Case]) -> QuerySet[Case]:
    first = Conversation.objects.filter(case=OuterRef("pk")).order_by("held_on", "id")
    exempting = CaseException.objects.filter(
        case=OuterRef("pk"),
        status=CaseException.Status.APPROVED,
        reason__exempts_from_workplace_target=True,
    )
    return cases.annotate(
        first_conversation_on=Subquery(first.values("held_on")[:1], output_field=DateField()),
        first_conversation_place=Subquery(first.values("place")[:1]),
        first_conversation_employer=Subquery(
            first.values("employer_took_part")[:1], output_field=BooleanField()
        ),
        exempted=Exists(exempting),
    ).annotate(first_conversation_delay=_days_between("first_conversation_on", "first_absence_day"))


def first_meeting_cases(cases: QuerySet[Case], period: Period) -> QuerySet[Case]:
    """Denominator of the workplace and on-time figures: cases with an employer, category 2 or 3, whose
    first follow-up conversation took place in the period."""
    return with_first_conversation(
        cases.filter(employer__isnull=False, category__in=EMPLOYED_CATEGORIES)
    ).filter(first_conversation_on__range=period.as_range())


def _first_meeting_counts(prefix: str, within: Q) -> dict:
    return {
        f"{prefix}denominator": Count("pk", filter=within),
        f"{prefix}numerator": Count("pk", filter=within & AT_WORKPLACE),
        f"{prefix}denominator_not_exempted": Count("pk", filter=within & NOT_EXEMPTED),
        f"{prefix}numerator_not_exempted": Count("pk", filter=within & AT_WORKPLACE & NOT_EXEMPTED),
        f"{prefix}on_time": Count("pk", filter=within & FIRST_ON_TIME),
    }


def workplace_figures(
    cases: QuerySet[Case], period: Period, *, by_month: bool = True
) -> tuple[dict, dict, list[dict]]:
    """(workplace_first_meeting, first_meeting_on_time, months): two queries in all."""
    denominator = first_meeting_cases(cases, period)
    months = period.months() if by_month else []
    aggregates = _first_meeting_counts("", Q())
    for index, month in enumerate(months):
        aggregates |= _first_meeting_counts(f"m{index}_", Q(first_conversation_on__range=month.as_range()))
    counts = _fenced(denominator).aggregate(**aggregates)
    exceptions = (
        CaseException.objects.filter(case__in=denominator.values("pk"), status=CaseException.Status.APPROVED)
        .values("reason__code")
        .annotate(cases=Count("case", distinct=True))
        .order_by("reason__code")
    )
    workplace = {
        "numerator": counts["numerator"],
        "denominator": counts["denominator"],
        "share": share(counts["numerator"], counts["denominator"]),
        "numerator_not_exempted": counts["numerator_not_exempted"],
        "denominator_not_exempted": counts["denominator_not_exempted"],
        "share_not_exempted": share(counts["numerator_not_exempted"], counts["denominator_not_exempted"]),
        "exceptions_by_reason": {row["reason__code"]: row["cases"] for row in exceptions},
    }
    on_time = {
        "numerator": counts["on_time"],
        "denominator": counts["denominator"],
        "share": share(counts["on_time"], counts["denominator"]),
    }
    by_month = [
        {
            "period": month,
            "numerator": counts[f"m{index}_numerator"],
            "denominator": counts[f"m{index}_denominator"],
            "share": share(counts[f"m{index}_numerator"], counts[f"m{index}_denominator"]),
            "numerator_not_exempted": counts[f"m{index}_numerator_not_exempted"],
            "denominator_not_exempted": counts[f"m{index}_denominator_not_exempted"],
            "share_not_exempted": share(
                counts[f"m{index}_numerator_not_exempted"], counts[f"m{index}_denominator_not_exempted"]
            ),
            "on_time": counts[f"m{index}_on_time"],
            "on_time_share": share(counts[f"m{index}_on_time"], counts[f"m{index}_denominator"]),
        }
        for index, month in enumerate(months)
    ]
    return workplace, on_time, by_month


# ---------------------------------------------------------------------------------------------------------
# Enterprise-oriented measure by the end of week 13
# ---------------------------------------------------------------------------------------------------------

MEASURE_BY_WEEK_13 = Q(first_measure_delay__lte=END_OF_WEEK_13)


def week13_cases(cases: QuerySet[Case], period: Period) -> QuerySet[Case]:
    """Denominator: cases whose end of week 13 (D + 90) lies in the period and that were not closed on or
    before D + 55. "D + 90 in [start, end]" is "D in [start − 90, end − 90]", which uses the index on D.
    A measure registered ahead (started after today) is planned, not started, and counts for nothing yet."""
    first_measure = (
        Measure.objects.filter(
            case=OuterRef("pk"), type__counts_for_week_13=True, started_on__lte=timezone.localdate()
        )
        .order_by("started_on", "id")
        .values("started_on")[:1]
    )
    return (
        cases.filter(first_absence_day__range=period.shifted_back(END_OF_WEEK_13))
        .annotate(
            closed_after=_days_between("closed_on", "first_absence_day"),
            first_measure_on=Subquery(first_measure, output_field=DateField()),
        )
        .annotate(first_measure_delay=_days_between("first_measure_on", "first_absence_day"))
        .filter(Q(closed_on__isnull=True) | Q(closed_after__gt=END_OF_WEEK_8))
    )


def week13_figures(
    cases: QuerySet[Case], period: Period, *, by_month: bool = True
) -> tuple[dict, list[dict]]:
    months = period.months() if by_month else []
    aggregates = {"denominator": Count("pk"), "numerator": Count("pk", filter=MEASURE_BY_WEEK_13)}
    for index, month in enumerate(months):
        within = Q(first_absence_day__range=month.shifted_back(END_OF_WEEK_13))
        aggregates[f"m{index}_denominator"] = Count("pk", filter=within)
        aggregates[f"m{index}_numerator"] = Count("pk", filter=within & MEASURE_BY_WEEK_13)
    counts = _fenced(week13_cases(cases, period)).aggregate(**aggregates)
    figure = {
        "numerator": counts["numerator"],
        "denominator": counts["denominator"],
        "share": share(counts["numerator"], counts["denominator"]),
    }
    by_month = [
        {
            "period": month,
            "numerator": counts[f"m{index}_numerator"],
            "denominator": counts[f"m{index}_denominator"],
            "share": share(counts[f"m{index}_numerator"], counts[f"m{index}_denominator"]),
        }
        for index, month in enumerate(months)
    ]
    return figure, by_month


# ---------------------------------------------------------------------------------------------------------
# Duration and closing reasons
# ---------------------------------------------------------------------------------------------------------

RETURN_TO_WORK = Q(closing_reason__counts_as_return_to_work=True)


def closed_cases(cases: QuerySet[Case], period: Period) -> QuerySet[Case]:
    return cases.filter(closed_on__range=period.as_range())


def median(sorted_values: list[int]) -> float | None:
    if not sorted_values:
        return None
    middle = len(sorted_values) // 2
    if len(sorted_values) % 2:
        return float(sorted_values[middle])
    return (sorted_values[middle - 1] + sorted_values[middle]) / 2


def duration_figures(cases: QuerySet[Case], period: Period) -> tuple[dict, list[dict], list[int]]:
    """formats.md's `duration` plus, for the page, the median and count per closing reason (3 queries)."""
    closed = closed_cases(cases, period)
    counts = closed.aggregate(closed=Count("pk"), returned=Count("pk", filter=RETURN_TO_WORK))
    by_reason = list(
        closed.values(
            "closing_reason__code", "closing_reason__label", "closing_reason__counts_as_return_to_work"
        )
        .annotate(cases=Count("pk"))
        .order_by("closing_reason__code")
    )
    # The median needs the values themselves: one sorted values query (days counted inclusively).
    lengths = list(
        closed.annotate(length=_days_between("closed_on", "first_absence_day"))
        .order_by("length")
        .values_list("closing_reason__code", "length")
    )
    all_days = [length.days + 1 for _, length in lengths]
    reasons = []
    for row in by_reason:
        code = row["closing_reason__code"]
        reasons.append(
            {
                "code": code or "",
                "label": row["closing_reason__label"] or "",
                "counts_as_return_to_work": bool(row["closing_reason__counts_as_return_to_work"]),
                "cases": row["cases"],
                "median_days": median([length.days + 1 for reason, length in lengths if reason == code]),
            }
        )
    figure = {
        "closed": counts["closed"],
        "median_days": median(all_days),
        "return_to_work_share": share(counts["returned"], counts["closed"]),
        "closing_reasons": {row["code"]: row["cases"] for row in reasons if row["code"]},
    }
    return figure, reasons, all_days


def duration_distribution(days: list[int]) -> list[dict]:
    """Closed cases by absence-week band of their closing, for the chart and its table."""
    bands = [(1, 8), (9, 13), (14, 26), (27, 52), (53, None)]
    rows = []
    for first, last in bands:
        weeks = [(d - 1) // 7 + 1 for d in days]
        count = sum(1 for w in weeks if w >= first and (last is None or w <= last))
        band = f"{first}-{last}" if last else str(first)
        rows.append({"first_week": first, "last_week": last, "band": band, "cases": count})
    return rows


# ---------------------------------------------------------------------------------------------------------
# One caseworker, handovers, caseload, flow
# ---------------------------------------------------------------------------------------------------------

ONE_CASEWORKER = Q(consultant__isnull=False, changed_consultant=False)


def one_caseworker_cases(cases: QuerySet[Case], period: Period) -> QuerySet[Case]:
    """Closed cases in the period; a case had one caseworker when no assignment names another consultant
    than the responsible one."""
    other = Assignment.objects.filter(case=OuterRef("pk")).exclude(consultant=OuterRef("consultant"))
    return closed_cases(cases, period).annotate(changed_consultant=Exists(other))


def one_caseworker_figures(cases: QuerySet[Case], period: Period) -> tuple[dict, list[dict]]:
    counts = one_caseworker_cases(cases, period).aggregate(
        closed=Count("pk"), one=Count("pk", filter=ONE_CASEWORKER)
    )
    handovers = list(
        handovers_in(cases, period)
        .values("reason__code", "reason__label", "reason__avoidable")
        .annotate(handovers=Count("pk"), cases=Count("case", distinct=True))
        .order_by("-handovers", "reason__code")
    )
    figure = {
        "numerator": counts["one"],
        "denominator": counts["closed"],
        "share": share(counts["one"], counts["closed"]),
    }
    return figure, handovers


def handovers_in(cases: QuerySet[Case], period: Period) -> QuerySet[Assignment]:
    """Changes of consultant in the period: assignments given with a reason (the first one has none)."""
    return Assignment.objects.filter(
        case__in=cases.values("pk"), started_on__range=period.as_range(), reason__isnull=False
    )


def caseload(cases: QuerySet[Case]) -> list[dict]:
    """Open cases per consultant today against the consultant's own target (one query)."""
    rows = (
        cases.filter(status=Case.Status.OPEN, consultant__isnull=False)
        .values(
            "consultant",
            "consultant__username",
            "consultant__first_name",
            "consultant__last_name",
            "consultant__staff__caseload_target",
        )
        .annotate(open_cases=Count("pk"))
        .order_by("-open_cases", "consultant__first_name")
    )
    return [
        {
            "consultant_id": row["consultant"],
            "name": f"{row['consultant__first_name']} {row['consultant__last_name']}".strip()
            or row["consultant__username"],
            "open_cases": row["open_cases"],
            "target": row["consultant__staff__caseload_target"] or 45,
            "over_target": row["open_cases"] > (row["consultant__staff__caseload_target"] or 45),
        }
        for row in rows
    ]


def waiting_cases(cases: QuerySet[Case]) -> QuerySet[Case]:
    """Cases waiting for booking: the booker's queue's own definition (meetings.selectors), so that the
    queue and the report show one number under one name."""
    return booking_queue_cases(cases)


# Bands of days left to the week-8 deadline (D + 55 − today), as conditions on D so the index serves them.
def _deadline_bands(today: dt.date) -> dict[str, Q]:
    def d_for(days_left: int) -> dt.date:
        return today - END_OF_WEEK_8 + dt.timedelta(days=days_left)

    return {
        "overdue": Q(first_absence_day__lt=d_for(0)),
        "within_7_days": Q(first_absence_day__range=(d_for(0), d_for(7))),
        "within_14_days": Q(first_absence_day__range=(d_for(8), d_for(14))),
        "later": Q(first_absence_day__gt=d_for(14)),
    }


LATE_INTAKE = Q(intake_delay__gt=END_OF_WEEK_7)


def received_cases(cases: QuerySet[Case], period: Period) -> QuerySet[Case]:
    return cases.filter(received_on__range=period.as_range()).annotate(
        intake_delay=_days_between("received_on", "first_absence_day")
    )


def flow_figures(cases: QuerySet[Case], period: Period, today: dt.date) -> dict:
    bands = _deadline_bands(today)
    waiting = waiting_cases(cases).aggregate(
        waiting=Count("pk"), **{band: Count("pk", filter=q) for band, q in bands.items()}
    )
    intake = received_cases(cases, period).aggregate(
        received=Count("pk"), late=Count("pk", filter=LATE_INTAKE)
    )
    return {
        "waiting": waiting.pop("waiting"),
        "bands": waiting,
        "received": intake["received"],
        "late": intake["late"],
        "late_share": share(intake["late"], intake["received"]),
    }


# ---------------------------------------------------------------------------------------------------------
# Offers and progression (seed 001's table)
# ---------------------------------------------------------------------------------------------------------


def offers_progression(cases: QuerySet[Case], period: Period) -> list[dict]:
    """Per offer and sex: respondents (both scores given) and positive/no/negative development."""
    rows = (
        Offer.objects.filter(
            case__in=cases.values("pk"),
            ended_on__range=period.as_range(),
            score_start__isnull=False,
            score_end__isnull=False,
        )
        .values("type__code", "type__label", "case__person__sex")
        .annotate(
            respondents=Count("pk"),
            positive=Count("pk", filter=Q(score_end__gt=F("score_start"))),
            unchanged=Count("pk", filter=Q(score_end=F("score_start"))),
            negative=Count("pk", filter=Q(score_end__lt=F("score_start"))),
        )
        .order_by("type__label", "case__person__sex")
    )
    return [
        {
            "offer_code": row["type__code"],
            "offer": row["type__label"],
            "sex": row["case__person__sex"],
            "respondents": row["respondents"],
            "positive": row["positive"],
            "unchanged": row["unchanged"],
            "negative": row["negative"],
            "positive_share": share(row["positive"], row["respondents"]),
            "unchanged_share": share(row["unchanged"], row["respondents"]),
            "negative_share": share(row["negative"], row["respondents"]),
        }
        for row in rows
    ]


# ---------------------------------------------------------------------------------------------------------
# Punctuality: how late the late ones are (Ankestyrelsen's practice study; Signalen's "late / late ×3")
# ---------------------------------------------------------------------------------------------------------

THREE_WEEKS = dt.timedelta(days=21)
PUNCTUALITY_BANDS = {
    "on_time": _("Til tiden"),
    "late_up_to_3_weeks": _("Op til 3 uger for sent"),
    "late_over_3_weeks": _("Mere end 3 uger for sent"),
    "open_past_due": _("Ikke nået, fristen er overskredet"),
    "not_yet_due": _("Ikke nået, fristen er ikke kommet"),
}


# Counted apart, inside the late bands (which still include them): the first conversations held late with
# the ground that the person's condition (hospitalised) made it impossible on time.
PUNCTUALITY_APART = {
    "late_for_condition": _("Heraf for sent pga. borgerens tilstand (indlagt)"),
}


@dataclass(frozen=True)
class PunctualityKind:
    """A deadline counted from D: due on D + `due`; done on the date `delay` (done − D) measures."""

    code: str
    label: str
    due: dt.timedelta
    delay: str  # the annotation holding done − D (null: not done)
    apart: tuple[str, ...] = ()  # PUNCTUALITY_APART counts this kind has

    def cases(self, cases: QuerySet[Case], period: Period) -> QuerySet[Case]:
        """Cases whose deadline (D + due) lies in the period, not closed before it came."""
        if self.code == "first_meeting":
            first = Conversation.objects.filter(case=OuterRef("pk")).order_by("held_on", "id")
            base = with_first_conversation(
                cases.filter(employer__isnull=False, category__in=EMPLOYED_CATEGORIES)
            ).annotate(first_conversation_late_ground=Subquery(first.values("late_ground")[:1]))
        else:
            base = week13_cases(cases, period)
        return (
            base.filter(first_absence_day__range=period.shifted_back(self.due))
            .annotate(closed_after=_days_between("closed_on", "first_absence_day"))
            .filter(Q(closed_on__isnull=True) | Q(closed_after__gt=self.due))
        )

    def bands(self, today: dt.date) -> dict[str, Q]:
        done = Q(**{f"{self.delay}__isnull": False})
        return {
            "on_time": done & Q(**{f"{self.delay}__lte": self.due}),
            "late_up_to_3_weeks": Q(
                **{f"{self.delay}__gt": self.due, f"{self.delay}__lte": self.due + THREE_WEEKS}
            ),
            "late_over_3_weeks": Q(**{f"{self.delay}__gt": self.due + THREE_WEEKS}),
            "open_past_due": ~done & Q(first_absence_day__lt=today - self.due),
            "not_yet_due": ~done & Q(first_absence_day__gte=today - self.due),
        }

    def apart_conditions(self) -> dict[str, Q]:
        """The counts shown apart (a subset of the late bands), by the same conditions the drill-down uses."""
        late = Q(**{f"{self.delay}__gt": self.due})
        conditions = {
            "late_for_condition": late & Q(first_conversation_late_ground=deadlines.LATE_FOR_CONDITION),
        }
        return {code: conditions[code] for code in self.apart}


PUNCTUALITY_KINDS = [
    PunctualityKind(
        "first_meeting",
        _("Første opfølgningssamtale (udgangen af uge 8)"),
        END_OF_WEEK_8,
        "first_conversation_delay",
        apart=("late_for_condition",),
    ),
    PunctualityKind(
        "week13_measure",
        _("Virksomhedsrettet indsats (udgangen af uge 13)"),
        END_OF_WEEK_13,
        "first_measure_delay",
    ),
]
PUNCTUALITY_KINDS_BY_CODE = {kind.code: kind for kind in PUNCTUALITY_KINDS}


class _Tally:
    """The counts of one row of a punctuality table: per band, and the counts shown apart."""

    def __init__(self, apart: tuple[str, ...]):
        self.bands = dict.fromkeys(PUNCTUALITY_BANDS, 0)
        self.apart_counts = dict.fromkeys(apart, 0)

    def add(self, band: str, apart_codes: list[str], count: int) -> None:
        if band in self.bands:
            self.bands[band] += count
        for code in apart_codes:
            self.apart_counts[code] += count

    def row(self) -> dict:
        """The count per band, the total, and the shares on time and very late; then the counts apart."""
        row = dict(self.bands)
        row["total"] = sum(self.bands.values())
        row["on_time_share"] = share(row["on_time"], row["total"])
        row["late_over_3_weeks_share"] = share(row["late_over_3_weeks"], row["total"])
        row.update(self.apart_counts)
        return row


# A punctuality table's breakdowns: the dimension and the case column its groups are keyed by. The rows carry
# the keys only (grouping by the team's and consultant's names as well doubled the stored deadlines' statement
# at 100k); `_name_the_groups` names the groups afterwards.
_BREAKDOWNS = (("team", "team_id"), ("consultant", "consultant_id"), ("category", "category"))
_BREAKDOWN_COLUMNS = tuple(column for _dimension, column in _BREAKDOWNS)


def _punctuality_table(period: Period, groups, *, breakdowns: bool, apart: tuple[str, ...] = ()) -> dict:
    """One kind's punctuality table from the database's groups of deadlines, each with its band, its apart
    flags and its count `n` — and, for the `breakdowns`, the month of the deadline (a date in it) and the
    case's _BREAKDOWN_COLUMNS: the counts in all, by month, and by team, consultant and category. Each group
    is read once (a department's year is some thousand groups; this runs on every report page)."""
    total = _Tally(apart)
    by_month: dict[tuple[int, int], _Tally] = {}
    by_dimension: dict[str, dict] = {dimension: {} for dimension, _column in _BREAKDOWNS}
    for group in groups:
        band, count = group["band"], group["n"]
        codes = [code for code in apart if group[code]]
        total.add(band, codes, count)
        if not breakdowns:
            continue
        month = group["month"]
        tally = by_month.get((month.year, month.month))
        if tally is None:
            tally = by_month[(month.year, month.month)] = _Tally(apart)
        tally.add(band, codes, count)
        for dimension, column in _BREAKDOWNS:
            of_dimension = by_dimension[dimension]
            tally = of_dimension.get(group[column])
            if tally is None:
                tally = of_dimension[group[column]] = _Tally(apart)
            tally.add(band, codes, count)
    table = {**total.row(), "apart": apart}
    if not breakdowns:
        return table
    empty = _Tally(apart)
    return {
        **table,
        "months": [
            {"period": month, **by_month.get((month.start.year, month.start.month), empty).row()}
            for month in period.months()
        ],
        **{
            dimension: [{"key": key, **tally.row()} for key, tally in of_dimension.items()]
            for dimension, of_dimension in by_dimension.items()
        },
    }


def _name_the_groups(tables: dict[str, dict]) -> None:
    """Label each breakdown group of the punctuality tables ('Name (login)' for a consultant, as the choosers
    say it: two consultants may share a name) and sort each breakdown by its label: the teams and consultants
    of every table named in one query each."""
    keys = {
        dimension: {group["key"] for table in tables.values() for group in table[dimension]} - {None}
        for dimension in ("team", "consultant")
    }
    names = {
        "team": dict(Team.objects.filter(pk__in=keys["team"]).values_list("pk", "name")),
        "consultant": {
            user.pk: staff_label(user)
            for user in get_user_model()
            .objects.filter(pk__in=keys["consultant"])
            .only("username", "first_name", "last_name")
        },
        "category": {category.value: str(category.label) for category in Category},
    }
    unnamed = {
        "team": str(_("Uden team")),
        "consultant": str(_("Ikke fordelt")),
        "category": str(_("Ikke visiteret")),
    }
    for table in tables.values():
        for dimension in names:
            for group in table[dimension]:
                group["label"] = names[dimension].get(group["key"], unnamed[dimension])
            table[dimension].sort(key=lambda group: group["label"])


def punctuality_figures(
    cases: QuerySet[Case], period: Period, today: dt.date, *, breakdowns: bool = True
) -> dict:
    """Per deadline kind, the deadlines that fell in the period (D + due in it): met on time, late by up to
    3 weeks, late by more, not met past the deadline, not yet due; in all, and (`breakdowns`, the report page)
    by month of the deadline, by team, consultant and visitation category. One query per kind: the database
    puts each case in its band (the same conditions the drill-down selects by) and counts the cases of each
    band (and month, team, consultant and category); the tables are summed up here."""
    result = {}
    for kind in PUNCTUALITY_KINDS:
        band = CaseWhen(
            *(When(condition, then=Value(code)) for code, condition in kind.bands(today).items()),
            default=Value(""),
        )
        flags = {
            code: CaseWhen(When(condition, then=Value(True)), default=Value(False))
            for code, condition in kind.apart_conditions().items()
        }
        in_bands = _fenced(kind.cases(cases, period).annotate(band=band, **flags))
        due = ExpressionWrapper(F("first_absence_day") + kind.due, output_field=DateField())
        split = {"month": TruncMonth(due)} if breakdowns else {}
        columns = _BREAKDOWN_COLUMNS if breakdowns else ()
        groups = in_bands.values("band", *flags, *columns, **split).annotate(n=Count("*"))
        table = _punctuality_table(period, groups, breakdowns=breakdowns, apart=kind.apart)
        result[kind.code] = {"label": kind.label, **table}
    result.update(stored_punctuality_figures(cases, period, today, breakdowns=breakdowns))
    if breakdowns:
        _name_the_groups(result)
    return result


# The other legal deadlines, counted from their stored rows (cases.CaseDeadline, issue 18): each kind's rows
# due in the period, in the band their done date puts them. An expiry (§ 56, an extension's end) is not
# something done on time or late, so it is not counted here. The later follow-ups are one row each (every
# conversation meets the one before it), so that kind counts follow-up conversations, not cases.
STORED_PUNCTUALITY_KINDS = (
    deadlines.VISITATION,
    deadlines.FIRST_FOLLOW_UP,
    deadlines.CATEGORY1_AFTER_WEEK8,
    deadlines.NEXT_FOLLOW_UP,
    deadlines.FAST_TRACK_REPLY,
    deadlines.FAST_TRACK_MEETING,
    deadlines.REASSESSMENT,
    deadlines.COMPLAINT_REASSESSMENT,
)
_LATENESS = _days_between("done_on", "due_on")


def stored_punctuality_bands(today: dt.date) -> dict[str, Q]:
    """The bands of a stored deadline row (annotated with `lateness`: done − due), as for the kinds above."""
    done = Q(done_on__isnull=False)
    return {
        "on_time": done & Q(lateness__lte=dt.timedelta(0)),
        "late_up_to_3_weeks": Q(lateness__gt=dt.timedelta(0), lateness__lte=THREE_WEEKS),
        "late_over_3_weeks": Q(lateness__gt=THREE_WEEKS),
        "open_past_due": ~done & Q(due_on__lt=today),
        "not_yet_due": ~done & Q(due_on__gte=today),
    }


def stored_deadlines_in(cases: QuerySet[Case], period: Period, kind: str) -> QuerySet[CaseDeadline]:
    """The stored deadlines of one kind due in the period, in `cases`, with their lateness."""
    return CaseDeadline.objects.filter(
        case__in=cases.values("pk"), kind=kind, due_on__range=period.as_range()
    ).annotate(lateness=_LATENESS)


def stored_punctuality_figures(
    cases: QuerySet[Case], period: Period, today: dt.date, *, breakdowns: bool = True
) -> dict:
    """`punctuality_figures` for the other deadline kinds, from the stored deadline rows: one query for all
    kinds, the database putting each row in its band and counting the rows of each kind and band, and (with
    `breakdowns`) month, team, consultant and category (a department's year is tens of thousands of rows, but
    some thousand groups)."""
    band = CaseWhen(
        *(When(condition, then=Value(code)) for code, condition in stored_punctuality_bands(today).items()),
        default=Value(""),
    )
    # From the cases, joined to their deadline rows once (the annotations reuse the filter's join): starting
    # from the deadline rows with `case__in=cases` made PostgreSQL join the visible cases to a scan of every
    # case for the team and consultant columns (820 ms at 1M, docs/benchmarks.md).
    in_bands = (
        cases.filter(deadlines__kind__in=STORED_PUNCTUALITY_KINDS, deadlines__due_on__range=period.as_range())
        .annotate(
            deadline_kind=F("deadlines__kind"), due_on=F("deadlines__due_on"), done_on=F("deadlines__done_on")
        )
        .annotate(lateness=_LATENESS, band=band)
    )
    split = {"month": TruncMonth("due_on")} if breakdowns else {}
    columns = _BREAKDOWN_COLUMNS if breakdowns else ()
    rows = list(in_bands.values("deadline_kind", "band", *columns, **split).annotate(n=Count("*")).order_by())
    by_kind: dict[str, list[dict]] = {kind: [] for kind in STORED_PUNCTUALITY_KINDS}
    for row in rows:
        by_kind[row["deadline_kind"]].append(row)
    return {
        kind: {
            "label": deadlines.kind_label(kind),
            **_punctuality_table(period, of_kind, breakdowns=breakdowns),
        }
        for kind, of_kind in by_kind.items()
    }


def punctuality_json(figures: dict) -> dict:
    """The milestone report's `punctuality` object: counts and shares per kind (no breakdowns)."""
    keys = (*PUNCTUALITY_BANDS, "total", "on_time_share", "late_over_3_weeks_share")
    return {
        code: {
            # Counted from D (the two SOF targets); the stored kinds have their own due date per case.
            **(
                {"due_days": PUNCTUALITY_KINDS_BY_CODE[code].due.days}
                if code in PUNCTUALITY_KINDS_BY_CODE
                else {}
            ),
            **{key: figure[key] for key in keys},
            # New keys after the existing ones (other tools read those): counted apart, inside the late bands.
            **{key: figure[key] for key in figure["apart"]},
        }
        for code, figure in figures.items()
    }


# ---------------------------------------------------------------------------------------------------------
# Complaints: re-assessed within four weeks, and Ankestyrelsen's "omgørelsesprocent"
# ---------------------------------------------------------------------------------------------------------

REASSESSED_IN_TIME = Q(reassessment=Complaint.Reassessment.CHANGED, reassessed_on__lte=F("due_on")) | Q(
    reassessment=Complaint.Reassessment.UPHELD, sent_on__lte=F("due_on")
)
OVERTURNED = [Complaint.Outcome.CHANGED, Complaint.Outcome.REMITTED, Complaint.Outcome.ANNULLED]


def complaints_figures(cases: QuerySet[Case], period: Period, today: dt.date) -> dict:
    """Complaints received in the period: how many, how many re-assessed (changed, or upheld and sent on)
    within four weeks of their deadline having come, how many the municipality changed itself; and
    Ankestyrelsen's decisions received in the period: per outcome and the share changed, remitted or annulled
    (Ankestyrelsen's "omgørelsesprocent"). One query."""
    received_in_period = Q(received_on__range=period.as_range())
    decided_in_period = Q(outcome_on__range=period.as_range())
    four_weeks_after = ExpressionWrapper(F("received_on") + dt.timedelta(weeks=4), output_field=DateField())
    counts = (
        Complaint.objects.filter(case__in=cases.values("pk"))
        .filter(received_in_period | decided_in_period)
        .annotate(due_on=four_weeks_after)
        .aggregate(
            received=Count("pk", filter=received_in_period),
            # whose four weeks have run out, or that were dealt with in time before they did
            measured=Count("pk", filter=received_in_period & (Q(due_on__lt=today) | REASSESSED_IN_TIME)),
            in_time=Count("pk", filter=received_in_period & REASSESSED_IN_TIME),
            changed_by_municipality=Count(
                "pk", filter=received_in_period & Q(reassessment=Complaint.Reassessment.CHANGED)
            ),
            sent=Count("pk", filter=received_in_period & Q(sent_on__isnull=False)),
            **{
                f"outcome_{code}": Count("pk", filter=decided_in_period & Q(outcome=code))
                for code in Complaint.Outcome.values
            },
        )
    )
    received = {
        key: counts[key] for key in ("received", "measured", "in_time", "changed_by_municipality", "sent")
    }
    outcomes = {code: counts[f"outcome_{code}"] for code in Complaint.Outcome.values}
    total = sum(outcomes.values())
    overturned = sum(outcomes[code] for code in OVERTURNED)
    return {
        **received,
        "in_time_share": share(received["in_time"], received["measured"]),
        "outcomes": outcomes,
        "decided": total,
        "overturned": overturned,
        "overturned_share": share(overturned, total),
    }


# ---------------------------------------------------------------------------------------------------------
# formats.md §2: the milestone report
# ---------------------------------------------------------------------------------------------------------


def milestone_report(cases: QuerySet[Case], period: Period, today: dt.date | None = None) -> dict:
    """The JSON of formats.md §2, and the `punctuality` object after its keys."""
    workplace, on_time, _months = workplace_figures(cases, period, by_month=False)
    week13, _months = week13_figures(cases, period, by_month=False)
    duration, _reasons, _days = duration_figures(cases, period)
    return {
        "period": {"from": period.start.isoformat(), "to": period.end.isoformat()},
        "workplace_first_meeting": workplace,
        "first_meeting_on_time": on_time,
        "week13_measure": week13,
        "duration": duration,
        # Added by issue 18 (the keys above are unchanged: other tools read them).
        "punctuality": punctuality_json(
            punctuality_figures(cases, period, today or timezone.localdate(), breakdowns=False)
        ),
        "complaints": complaints_figures(cases, period, today or timezone.localdate()),
    }


def milestone_report_rows(report: dict) -> list[tuple[str, str, object]]:
    """The same report flattened to (figure, measure, value) rows for CSV."""
    rows = [("period", "from", report["period"]["from"]), ("period", "to", report["period"]["to"])]
    for figure in ("workplace_first_meeting", "first_meeting_on_time", "week13_measure", "duration"):
        for key, value in report[figure].items():
            if isinstance(value, dict):
                for code, count in value.items():
                    rows.append((figure, f"{key}.{code}", count))
            else:
                rows.append((figure, key, value))
    for code, values in report.get("punctuality", {}).items():
        rows.extend(("punctuality", f"{code}.{key}", value) for key, value in values.items())
    for key, value in report.get("complaints", {}).items():
        if isinstance(value, dict):
            rows.extend(("complaints", f"{key}.{code}", count) for code, count in value.items())
        else:
            rows.append(("complaints", key, value))
    return rows


# ---------------------------------------------------------------------------------------------------------
# Survival: time to return to work, workplace-first vs the rest
# ---------------------------------------------------------------------------------------------------------


def survival_observations(
    cases: QuerySet[Case], period: Period, as_of: dt.date
) -> dict[str, list[tuple[int, bool]]]:
    """(absence week, returned) per case whose first conversation was in the period, by whether it was at the
    workplace with the employer. A case not closed by `as_of`, or closed for a reason that is not a return
    to work, is censored at that week (one sorted values query)."""
    rows = (
        first_meeting_cases(cases, period)
        .annotate(
            workplace_first=CaseWhen(When(AT_WORKPLACE, then=Value(True)), default=Value(False)),
        )
        .values_list(
            "workplace_first", "first_absence_day", "closed_on", "closing_reason__counts_as_return_to_work"
        )
        .order_by("first_absence_day", "pk")
    )
    groups: dict[str, list[tuple[int, bool]]] = {"workplace": [], "other": []}
    for workplace_first, first_absence_day, closed_on, returns in rows:
        if closed_on is not None and closed_on <= as_of:
            observation = ((closed_on - first_absence_day).days // 7 + 1, bool(returns))
        else:
            observation = ((as_of - first_absence_day).days // 7 + 1, False)
        groups["workplace" if workplace_first else "other"].append(observation)
    return groups


# ---------------------------------------------------------------------------------------------------------
# Drill-down: the cases behind every number
# ---------------------------------------------------------------------------------------------------------


def drill_down(
    cases: QuerySet[Case], period: Period, figure: str, part: str, today: dt.date
) -> QuerySet[Case] | None:
    """The cases behind one number of the report, or None for an unknown figure/part."""
    part, _sep, code = part.partition(":")
    if figure in ("workplace_first_meeting", "first_meeting_on_time"):
        base = first_meeting_cases(cases, period)
        selections = {
            "denominator": Q(),
            "numerator": AT_WORKPLACE if figure == "workplace_first_meeting" else FIRST_ON_TIME,
            "denominator_not_exempted": NOT_EXEMPTED,
            "numerator_not_exempted": AT_WORKPLACE & NOT_EXEMPTED,
        }
        if part == "exception":
            return base.filter(
                exceptions__status=CaseException.Status.APPROVED, exceptions__reason__code=code
            ).distinct()
        return base.filter(selections[part]) if part in selections else None
    if figure == "week13_measure":
        base = week13_cases(cases, period)
        return {"denominator": base, "numerator": base.filter(MEASURE_BY_WEEK_13)}.get(part)
    if figure == "duration":
        base = closed_cases(cases, period)
        if part == "reason":
            return base.filter(closing_reason__code=code)
        if part == "weeks":
            # closed in absence weeks first…last: (closed_on − D) in [7(first − 1), 7·last − 1] days
            first, _sep, last = code.partition("-")
            if not first.isdigit() or (last and not last.isdigit()):
                return None
            lengths = base.annotate(length=_days_between("closed_on", "first_absence_day")).filter(
                length__gte=dt.timedelta(days=7 * (int(first) - 1))
            )
            return lengths.filter(length__lte=dt.timedelta(days=7 * int(last) - 1)) if last else lengths
        return {"closed": base, "return_to_work": base.filter(RETURN_TO_WORK)}.get(part)
    if figure == "one_caseworker":
        base = one_caseworker_cases(cases, period)
        return {"denominator": base, "numerator": base.filter(ONE_CASEWORKER)}.get(part)
    if figure.startswith("punctuality:") and figure.partition(":")[2] in STORED_PUNCTUALITY_KINDS:
        bands = stored_punctuality_bands(today)
        if part not in bands:
            return None
        in_band = stored_deadlines_in(cases, period, figure.partition(":")[2]).filter(bands[part])
        return cases.filter(pk__in=in_band.values("case_id"))
    if figure.startswith("punctuality:") and figure.partition(":")[2] in PUNCTUALITY_KINDS_BY_CODE:
        kind = PUNCTUALITY_KINDS_BY_CODE[figure.partition(":")[2]]
        bands = {**kind.bands(today), **kind.apart_conditions()}
        return kind.cases(cases, period).filter(bands[part]) if part in bands else None
    if figure == "survival":
        base = first_meeting_cases(cases, period)
        return {"workplace": base.filter(AT_WORKPLACE), "other": base.exclude(AT_WORKPLACE)}.get(part)
    if figure == "handovers" and part == "reason":
        return cases.filter(pk__in=handovers_in(cases, period).filter(reason__code=code).values("case"))
    if figure == "caseload" and part == "consultant" and code.isdigit():
        return cases.filter(status=Case.Status.OPEN, consultant_id=int(code))
    if figure == "flow":
        waiting = waiting_cases(cases)
        bands = _deadline_bands(today)
        if part == "waiting":
            return waiting
        if part in bands:
            return waiting.filter(bands[part])
        received = received_cases(cases, period)
        return {"received": received, "late": received.filter(LATE_INTAKE)}.get(part)
    if figure == "offers" and part == "offer":
        offer_code, _sep, sex = code.partition(":")
        offers = Offer.objects.filter(
            type__code=offer_code,
            case__person__sex=sex,
            ended_on__range=period.as_range(),
            score_start__isnull=False,
            score_end__isnull=False,
        )
        return cases.filter(pk__in=offers.values("case"))
    return None
