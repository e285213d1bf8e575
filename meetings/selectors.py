"""Reads for the meetings app: calendars, the booker's queue and flow, consultant suggestions."""

import datetime as dt
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from cases.models import Case, CaseDeadline, Conversation, Employer
from cases.selectors.access import department_q, staff_placement, visible_filter
from meetings import slots
from meetings.geo import distance_km
from meetings.models import Absence, ConsultantCalendar, ContactAttempt, Meeting
from meetings.ranking import Suggestion, rank
from staff.roles import Role
from staff.selectors import staff_qualified_for_first_meetings
from visitation import deadlines
from visitation.deadlines import Rules, end_of_week, first_meeting_due

User = get_user_model()
BOOKING_CATEGORIES = (2, 3)


def local_tz() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def first_meeting_deadline(case: Case) -> dt.date:
    """When the first follow-up conversation must be held: the end of week 8, or earlier after a Fast Track
    request (visitation.deadlines.first_meeting_due)."""
    return first_meeting_due(case.first_absence_day, case.fast_track_requested_on, case.rule_set.as_rules())


# --- calendars -------------------------------------------------------------------------------------------


def calendars_for(
    *, consultant_ids: list[int], first_day: dt.date, last_day: dt.date
) -> dict[int, slots.Calendar]:
    """Each consultant's working hours, absences and booked meetings overlapping the days given.
    Consultants without a calendar row are left out: they cannot be booked."""
    tz = local_tz()
    window_start = dt.datetime.combine(first_day, dt.time.min, tzinfo=tz)
    window_end = dt.datetime.combine(last_day + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    rows = ConsultantCalendar.objects.filter(consultant_id__in=consultant_ids).prefetch_related(
        "working_hours"
    )
    absences: dict[int, list[slots.AbsenceDays]] = {}
    for absence in Absence.objects.filter(
        consultant_id__in=consultant_ids, starts_on__lte=last_day, ends_on__gte=first_day
    ):
        absences.setdefault(absence.consultant_id, []).append(
            slots.AbsenceDays(absence.starts_on, absence.ends_on, str(absence.get_kind_display()))
        )
    busy: dict[int, list[slots.Busy]] = {}
    for consultant_id, starts_at, ends_at in Meeting.objects.filter(
        consultant_id__in=consultant_ids,
        status=Meeting.Status.BOOKED,
        starts_at__lt=window_end,
        ends_at__gt=window_start,
    ).values_list("consultant_id", "starts_at", "ends_at"):
        busy.setdefault(consultant_id, []).append(slots.Busy(starts_at, ends_at))
    return {
        row.consultant_id: slots.Calendar(
            working_hours={wh.weekday: (wh.starts_at, wh.ends_at) for wh in row.working_hours.all()},
            absences=tuple(absences.get(row.consultant_id, [])),
            busy=tuple(busy.get(row.consultant_id, [])),
            office_weekday=row.office_weekday,
        )
        for row in rows
    }


def bookable_consultants(*, first_meeting_on: dt.date | None = None, municipality_id: int | None = None):
    """Everyone holding the consultant role who has a calendar — of one municipality, when given (a case's
    consultant is always of its own: issue 16); with a date, only those who may hold a first follow-up
    conversation that day (staff app: qualified for the combined role where required)."""
    users = User.objects.filter(groups__name=Role.CONSULTANT, is_active=True, meeting_calendar__isnull=False)
    if municipality_id is not None:
        users = users.filter(staff__team__department__municipality_id=municipality_id)
    if first_meeting_on is not None:
        users = users.filter(staff__in=staff_qualified_for_first_meetings(on=first_meeting_on))
    return (
        users.select_related("staff", "staff__team")
        .order_by("first_name", "last_name", "username")
        .distinct()
    )


@dataclass
class DayColumn:
    day: dt.date
    working_hours: tuple[dt.time, dt.time] | None
    absence: str | None
    is_office_day: bool
    meetings: list[Meeting] = field(default_factory=list)


@dataclass
class WeekRow:
    consultant: object
    days: list[DayColumn]


def week_view_cases(rows: list[WeekRow]) -> list:
    """The cases whose meetings a week view shows, each once (for the views' audit entries)."""
    cases = {}
    for row in rows:
        for column in row.days:
            for meeting in column.meetings:
                cases[meeting.case_id] = meeting.case
    return list(cases.values())


def week_view(*, consultants: list, monday: dt.date) -> list[WeekRow]:
    """One row per consultant, one column per weekday (Monday–Friday, plus weekend days with meetings)."""
    tz = local_tz()
    days = slots.week_days(monday)
    ids = [c.pk for c in consultants]
    calendars = calendars_for(consultant_ids=ids, first_day=days[0], last_day=days[-1])
    meetings: dict[int, list[Meeting]] = {}
    for meeting in (
        Meeting.objects.filter(
            consultant_id__in=ids,
            status__in=[Meeting.Status.BOOKED, Meeting.Status.HELD, Meeting.Status.NO_SHOW],
            starts_at__gte=dt.datetime.combine(days[0], dt.time.min, tzinfo=tz),
            starts_at__lt=dt.datetime.combine(days[-1] + dt.timedelta(days=1), dt.time.min, tzinfo=tz),
        )
        .select_related("case__employer", "case__person")  # the person's uuid: the views' audit entries
        .order_by("starts_at")
    ):
        meetings.setdefault(meeting.consultant_id, []).append(meeting)
    rows = []
    for consultant in consultants:
        calendar = calendars.get(consultant.pk, slots.Calendar(working_hours={}))
        own = meetings.get(consultant.pk, [])
        columns = []
        for day in days:
            absence = next((a.label for a in calendar.absences if a.covers(day)), None)
            columns.append(
                DayColumn(
                    day=day,
                    working_hours=calendar.working_hours.get(day.weekday()),
                    absence=absence,
                    is_office_day=calendar.office_weekday == day.weekday(),
                    meetings=[m for m in own if timezone.localtime(m.starts_at, tz).date() == day],
                )
            )
        rows.append(WeekRow(consultant=consultant, days=columns))
    return rows


# --- the booker's queue ----------------------------------------------------------------------------------


QUEUE_PAGE_SIZE = 50


@dataclass(frozen=True)
class QueueEntry:
    """A waiting case as much as ordering and counting the queue needs."""

    case_id: int
    deadline: dt.date
    days_left: int
    intake_late_days: int | None  # None: not yet received / unknown


@dataclass
class QueueRow:
    case: Case
    deadline: dt.date
    days_left: int
    intake_late_days: int | None
    attempts: int
    last_attempt: ContactAttempt | None

    @property
    def overdue_days(self) -> int:
        return max(0, -self.days_left)


def booking_queue_cases(cases: QuerySet[Case] | None = None) -> QuerySet[Case]:
    """Open cat. 2/3 cases with an employer, no booked/held first meeting and no conversation held yet (of
    `cases`, default all). The one meaning of "waiting for booking" ("Venter på booking"): the booker's
    queue and the report's flow figure count these same cases."""
    live_meeting = Meeting.objects.filter(
        case=OuterRef("pk"), status__in=[Meeting.Status.BOOKED, Meeting.Status.HELD]
    )
    conversation = Conversation.objects.filter(case=OuterRef("pk"))
    return (
        (Case.objects.all() if cases is None else cases)
        .filter(status=Case.Status.OPEN, category__in=BOOKING_CATEGORIES, employer__isnull=False)
        .filter(~Exists(live_meeting), ~Exists(conversation))
    )


def booking_queue(*, today: dt.date, user=None) -> list[QueueEntry]:
    """The booker's whole queue, most urgent first: by days left to the first meeting's stored deadline (the
    end of week 8, or earlier after a Fast Track request, or later after standby). Read as plain values
    (no model objects), so that a municipality's hundreds of waiting cases cost milliseconds; the page shows
    the rows of one page of it (`booking_queue_rows`). With a user: only the cases that user may see
    (cases/selectors/access.py), in the same query."""
    cases = booking_queue_cases()
    if user is not None:
        visible = visible_filter(user)
        cases = cases.filter(visible) if visible is not None else cases.none()
    # The first meeting's stored deadline (cases.CaseDeadline: the end of week 8, earlier after Fast Track,
    # later after standby ended), read in the same query; the rulebook's date for a case without one.
    stored = CaseDeadline.objects.filter(
        case=OuterRef("pk"),
        kind__in=[deadlines.FIRST_FOLLOW_UP, deadlines.FAST_TRACK_MEETING],
        state=CaseDeadline.State.OPEN,
    ).order_by("due_on")
    cases = cases.annotate(first_meeting_due_on=Subquery(stored.values("due_on")[:1]))
    entries = []
    rules: dict[tuple, Rules] = {}  # the few rule sets' parameters, read with the cases (no extra query)
    for (
        case_id,
        stored_due,
        first_absence_day,
        received_on,
        fast_track_on,
        week,
        *fast_track,
    ) in cases.values_list(
        "pk",
        "first_meeting_due_on",
        "first_absence_day",
        "received_on",
        "fast_track_requested_on",
        "rule_set__first_follow_up_week",
        "rule_set__fast_track_request_weeks",
        "rule_set__fast_track_meeting_weeks",
    ):
        key = (week, *fast_track)
        if key not in rules:
            rules[key] = Rules(
                first_follow_up_week=week,
                fast_track_request_weeks=fast_track[0],
                fast_track_meeting_weeks=fast_track[1],
            )
        deadline = stored_due or first_meeting_due(first_absence_day, fast_track_on, rules[key])
        late = None
        if received_on:  # the benefit office hands cat. 2/3 cases over by the end of week 7 (domain.md)
            late = max(0, (received_on - end_of_week(first_absence_day, week - 1)).days)
        entries.append(QueueEntry(case_id, deadline, (deadline - today).days, late))
    entries.sort(key=lambda entry: (entry.days_left, entry.case_id))
    return entries


def booking_queue_rows(entries: list[QueueEntry]) -> list[QueueRow]:
    """The full rows of some queue entries (a page): case, person, employer, consultant, contact attempts."""
    cases = Case.objects.select_related("employer", "consultant", "rule_set", "person").annotate(
        attempt_count=Count("contact_attempts")
    )
    by_id = cases.in_bulk([entry.case_id for entry in entries])
    last_attempts: dict[int, ContactAttempt] = {}
    with_attempts = [case_id for case_id, case in by_id.items() if case.attempt_count]
    attempts = ContactAttempt.objects.filter(case__in=with_attempts).order_by("case_id", "-made_at", "-id")
    for attempt in attempts:
        last_attempts.setdefault(attempt.case_id, attempt)
    return [
        QueueRow(
            case=by_id[entry.case_id],
            deadline=entry.deadline,
            days_left=entry.days_left,
            intake_late_days=entry.intake_late_days,
            attempts=by_id[entry.case_id].attempt_count,
            last_attempt=last_attempts.get(entry.case_id),
        )
        for entry in entries
        if entry.case_id in by_id
    ]


@dataclass
class Flow:
    waiting: int
    overdue: int
    due_in_7_days: int
    due_in_14_days: int
    booked_this_week: int
    late_intake: int


def booking_flow(*, entries: list[QueueEntry], today: dt.date, user=None) -> Flow:
    """The flow panel: how many wait, how many deadlines hit soon, how many were booked this week (in the
    user's department, when a user is given)."""
    tz = local_tz()
    monday = slots.monday_of(today)
    week_start = dt.datetime.combine(monday, dt.time.min, tzinfo=tz)
    booked = Meeting.objects.filter(
        booked_at__gte=week_start,
        booked_at__lt=week_start + dt.timedelta(days=7),
        status__in=[Meeting.Status.BOOKED, Meeting.Status.HELD],
    )
    if user is not None:
        booked = booked.filter(case__in=Case.objects.filter(department_q(staff_placement(user))))
    return Flow(
        waiting=len(entries),
        overdue=sum(1 for entry in entries if entry.days_left < 0),
        due_in_7_days=sum(1 for entry in entries if 0 <= entry.days_left <= 7),
        due_in_14_days=sum(1 for entry in entries if 0 <= entry.days_left <= 14),
        booked_this_week=booked.count(),
        late_intake=sum(1 for entry in entries if entry.intake_late_days),
    )


# --- consultant suggestions ------------------------------------------------------------------------------


def open_caseloads(consultant_ids: list[int]) -> dict[int, int]:
    return dict(
        Case.objects.filter(consultant_id__in=consultant_ids, status=Case.Status.OPEN)
        .values_list("consultant_id")
        .annotate(n=Count("pk"))
        .values_list("consultant_id", "n")
    )


def industry_experience(consultant_ids: list[int], employer: Employer) -> dict[int, int]:
    """Cases (any status) each consultant has had with employers in the same industry (DB07 code)."""
    if not employer.industry_code:
        return {}
    return dict(
        Case.objects.filter(consultant_id__in=consultant_ids, employer__industry_code=employer.industry_code)
        .values_list("consultant_id")
        .annotate(n=Count("pk"))
        .values_list("consultant_id", "n")
    )


def consultant_suggestions(*, case: Case, now: dt.datetime, slots_shown: int = 3) -> list[Suggestion]:
    """Every consultant who may hold the first meeting, ranked for this case, with the reasons shown.

    Points: fixed contact consultant 40; industry experience up to 15; distance up to 20 (0 at 100 km);
    caseload room up to 20 (target minus open cases); free time before the deadline up to 15, and a
    consultant with no free slot before the deadline goes to the bottom. The case's own consultant comes
    first whatever the points; choosing someone else hands the case over (meetings.services.meeting_book).
    """
    tz = local_tz()
    deadline = first_meeting_deadline(case)
    today = timezone.localtime(now, tz).date()
    consultants = list(bookable_consultants(first_meeting_on=today, municipality_id=case.municipality_id))
    ids = [c.pk for c in consultants]
    # Look at least two weeks ahead even when the deadline has passed: the meeting must still be held.
    last_day = max(deadline, today + dt.timedelta(days=14))
    calendars = calendars_for(consultant_ids=ids, first_day=today, last_day=last_day)
    caseloads = open_caseloads(ids)
    industry = industry_experience(ids, case.employer) if case.employer_id else {}
    suggestions = []
    for consultant in consultants:
        staff = getattr(consultant, "staff", None)
        free_before_deadline = slots.free_slots(
            calendar=calendars[consultant.pk], after=now, until=deadline, tz=tz, step_minutes=60
        )
        shown = free_before_deadline[:slots_shown] or slots.free_slots(
            calendar=calendars[consultant.pk], after=now, until=last_day, tz=tz, limit=slots_shown
        )
        distance = None
        if staff and staff.base_postcode and case.employer_id and case.employer.postcode:
            distance = distance_km(staff.base_postcode, case.employer.postcode)
        suggestions.append(
            Suggestion(
                consultant=consultant,
                is_contact_consultant=case.employer_id is not None
                and case.employer.contact_consultant_id == consultant.pk,
                industry_cases=industry.get(consultant.pk, 0),
                distance_km=distance,
                open_cases=caseloads.get(consultant.pk, 0),
                caseload_target=staff.caseload_target if staff else 45,
                free_slots=shown,
                free_slot_count=len(free_before_deadline),
                is_owner=consultant.pk == case.consultant_id,
                late_slots=frozenset(
                    slot for slot in shown if timezone.localtime(slot, tz).date() > deadline
                ),
            )
        )
    return rank(suggestions, deadline=deadline)


# --- allocation at the weekly team meeting ---------------------------------------------------------------


@dataclass
class CaseloadRow:
    consultant: object
    open_cases: int
    target: int

    @property
    def share(self) -> int:
        """Percent of the target, for the bar; the number is always shown in words too."""
        return round(100 * self.open_cases / self.target) if self.target else 0


def team_caseloads(*, team) -> list[CaseloadRow]:
    """Every consultant of the team with open cases against their target (default 45, set by the admin)."""
    consultants = list(
        User.objects.filter(groups__name=Role.CONSULTANT, is_active=True, staff__team=team)
        .select_related("staff")
        .order_by("first_name", "last_name", "username")
        .distinct()
    )
    loads = open_caseloads([c.pk for c in consultants])
    return [CaseloadRow(c, loads.get(c.pk, 0), c.staff.caseload_target) for c in consultants]


def unallocated_cases(*, department_id: int | None, municipality_id: int | None):
    """Open cases without a responsible consultant in the leader's department or not yet on a team (their
    municipality's intake), oldest first absence first: the list the team allocates from."""
    scope = Q(team__isnull=True, municipality_id=municipality_id)
    if department_id is not None:
        scope |= Q(team__department_id=department_id)
    return (
        Case.objects.filter(scope, status=Case.Status.OPEN, consultant__isnull=True)
        .select_related("employer", "person", "rule_set")
        .order_by("first_absence_day", "pk")
    )
