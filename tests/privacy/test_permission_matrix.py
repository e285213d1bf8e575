"""The permission matrix (issue 9): every URL pattern of the project, requested as every persona, against an
explicit allow/deny table. A URL without a row fails `test_every_url_has_a_row`; a row whose URL is gone fails
`test_no_stale_rows`.

allow: the persona gets the page (2xx, or a redirect that is not to a login page).
deny: redirect to a login page (anonymous), 403 or 404 (404 when the object's existence must not leak).
Every response the booker gets is also checked for health information and full CPR numbers.
"""

import datetime as dt

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from cases.models import (
    Alert,
    Case,
    CaseException,
    Complaint,
    Conversation,
    ImportJob,
    Measure,
    Offer,
    Visitation,
)
from meetings.models import ContactAttempt, Meeting
from meetings.services import calendar_feed_token_renew, calendar_set_working_hours, meeting_book
from staff.models import AuditEntry, CompetencePlanItem, StaffQualification
from staff.roles import Role
from tests.factories import MunicipalityFactory, StaffMemberFactory, TeamFactory
from tests.meetings.factories import NINE_TO_FOUR, CaseFactory, at, next_weekday
from tests.staff.factories import CompetencePlanItemFactory
from visitation.models import ExceptionReason, MeasureType, OfferType

ANONYMOUS = "anonymous"
PERSONAS = [ANONYMOUS, "other_consultant", "booker", "administrator", "leader", "consultant"]
STAFF = frozenset(PERSONAS) - {ANONYMOUS}
EVERYONE = frozenset(PERSONAS)
NOBODY = frozenset()
CASEWORK = frozenset({"consultant", "leader"})  # the case's own consultant (and team) and their leader
BOOKING = frozenset({"booker", "leader"})
CONSULTANTS = frozenset({"consultant", "other_consultant"})
CALENDARS = BOOKING | CONSULTANTS

HEALTH_MARKER = "DISKUSPROLAPS-HELBRED"

# url name -> (method, personas allowed)
MATRIX: dict[str, tuple[str, frozenset]] = {
    "home": ("get", STAFF),
    "healthz": ("get", EVERYONE),
    "login": ("get", EVERYONE),
    "logout": ("post", EVERYONE),
    "set_language": ("post", EVERYONE),
    # cases
    "cases:my_cases": ("get", {"consultant", "other_consultant"}),
    "cases:my_alerts": ("get", STAFF),
    "cases:alert_bell": ("get", STAFF),
    "cases:alert_acknowledge": ("post", {"consultant"}),
    "cases:alert_resolve": ("post", {"consultant"}),
    "cases:register": ("get", {"booker", "leader", "administrator"}),
    "cases:employer_search": ("get", {"booker", "leader", "administrator"}),
    "cases:search": ("post", STAFF - {"administrator"}),  # every role that works with cases
    "cases:detail": ("get", CASEWORK),
    "cases:full_cpr": ("get", frozenset({"consultant"})),  # consultants only, as on the case page
    "cases:access_log": ("get", {"leader"}),
    "cases:audit_sample": ("get", {"leader"}),
    "cases:exceptions_pending": ("get", {"leader"}),
    "cases:exception_decide": ("post", {"leader"}),
    "cases:import": ("get", {"leader"}),
    # an import job (issue 17): only the leader who uploaded it (its errors name rows of citizens)
    "cases:import_job": ("get", {"leader"}),
    "cases:import_job_progress": ("get", {"leader"}),
    "cases:import_confirm": ("post", {"leader"}),
    "cases:import_cancel": ("post", {"leader"}),
    "cases:action": ("post", CASEWORK),
    "cases:action_form": ("get", CASEWORK),
    "cases:offer_finish": ("post", CASEWORK),
    "cases:measure_end": ("post", CASEWORK),
    "cases:conversation_correct": ("get", CASEWORK),  # its author (the consultant) and a leader
    "cases:measure_correct": ("get", CASEWORK),  # the case's consultant and a leader
    "cases:offer_correct": ("get", CASEWORK),
    "cases:visitation_correct": ("get", CASEWORK),
    "cases:complaint_detail": ("get", CASEWORK),  # its author (the consultant) and a leader
    "cases:exception_correct": ("get", CASEWORK),  # a pending proposal: its proposer and a leader
    "cases:reopen": ("post", {"leader"}),
    "cases:leaver_hand_over": ("get", {"administrator"}),  # a leaver's cases to colleagues (admin action)
    # meetings: booking is for bookers and leaders; a meeting is also its consultant's
    "meetings:queue": ("get", BOOKING),
    "meetings:case_booking": ("get", BOOKING),
    "meetings:contact_attempt_add": ("post", BOOKING),
    "meetings:contact_attempt_correct": ("get", BOOKING),  # the booker who logged it and a leader
    "meetings:confirm": ("get", BOOKING),
    "meetings:book": ("post", BOOKING),
    "meetings:meeting_detail": ("get", BOOKING | {"consultant"}),
    "meetings:meeting_letter": ("get", BOOKING | {"consultant"}),
    "meetings:meeting_invitation": ("get", BOOKING | {"consultant"}),
    "meetings:meeting_cancel": ("post", BOOKING | {"consultant"}),
    "meetings:meeting_reschedule": ("post", BOOKING),
    "meetings:meeting_outcome": ("post", BOOKING | {"consultant"}),
    "meetings:allocation": ("get", BOOKING),
    "meetings:allocate": ("post", BOOKING),
    # calendars show employer names and times only
    "meetings:team_week": ("get", CALENDARS),
    "meetings:consultant_week": ("get", CALENDARS),
    "meetings:my_calendar": ("get", CONSULTANTS),
    "meetings:my_feed": ("post", CONSULTANTS),
    "meetings:my_absence_add": ("post", CONSULTANTS),
    "meetings:feed": ("get", EVERYONE),  # no login: the secret token in the URL is the key
    # reporting
    "reporting:dashboard": ("get", {"leader"}),
    "reporting:cases": ("get", {"leader"}),
    "reporting:export_xlsx": ("get", {"leader"}),
    "reporting:export_csv": ("get", {"leader"}),
    # staff: competence plans are seen by the person and their leader (same team) only
    "staff:programme": ("get", {"leader"}),
    "staff:my_plan": ("get", STAFF),
    "staff:plan": ("get", {"consultant", "leader"}),
    "staff:plan_item_edit": ("get", {"leader"}),
    # the integration API: clients with tokens, never a signed-in person; its schema and reference are public
    "api:intake": ("post", NOBODY),
    "api:figures": ("get", NOBODY),
    "api:cases": ("get", NOBODY),
    "api:case_deadlines": ("get", NOBODY),
    "api:schema": ("get", EVERYONE),
    "api:docs": ("get", EVERYONE),
    # two-factor sign-in: every signed-in user may set it up (their own device only) and be asked for a code
    "staff:two_factor_setup": ("get", STAFF),
    "staff:two_factor_verify": ("get", STAFF),
}
# Query strings some pages need to answer at all (a report needs its period).
PERIOD = {"start": (dt.date.today() - dt.timedelta(days=60)).isoformat(), "end": dt.date.today().isoformat()}
QUERY = {
    "reporting:dashboard": PERIOD,
    "reporting:cases": {**PERIOD, "figure": "workplace_first_meeting", "part": "denominator"},
    "reporting:export_xlsx": PERIOD,
    "reporting:export_csv": PERIOD,
    "meetings:allocate": lambda world: {"consultant": world["users"]["consultant"].pk},
    "cases:search": lambda world: {"q": world["case"].person.cpr},  # the booker's page must not show it
}

# The admin: one row for the whole namespace, checked on representative pages (its own permission system
# decides per model; only the administrator, who is staff, gets past its login).
ADMIN_PAGES = [
    "admin:index",
    "admin:staff_team_changelist",
    "admin:staff_auditentry_changelist",
    "admin:auth_user_changelist",
    "admin:reporting_milestone_changelist",
]
ADMIN_ALLOWED = {"administrator"}


def _walk(patterns, prefix=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            namespace = f"{prefix}{entry.namespace}:" if entry.namespace else prefix
            yield from _walk(entry.url_patterns, namespace)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{prefix}{entry.name}", entry


def project_urls() -> dict[str, URLPattern]:
    return {
        name: pattern for name, pattern in _walk(get_resolver().url_patterns) if not name.startswith("admin:")
    }


def test_every_url_has_a_row():
    missing = sorted(set(project_urls()) - set(MATRIX))
    assert missing == [], f"URLs without a row in the permission matrix: {missing}"


def test_no_stale_rows():
    assert sorted(set(MATRIX) - set(project_urls())) == []


@pytest.fixture
def world(
    consultant,
    other_consultant,
    booker,
    leader,
    administrator,
    team,
    settings,
    tmp_path,
    django_capture_on_commit_callbacks,
):
    """The case under test: Alice's, in Alice's team and the leader's department, waiting for booking, with
    health information recorded; and an alert for Alice."""
    case = CaseFactory(
        consultant=consultant, team=team, first_absence_day=dt.date.today() - dt.timedelta(days=20)
    )
    conversation = Conversation.objects.create(
        case=case,
        held_on=dt.date.today(),
        place="telefon",
        minutes=HEALTH_MARKER,
        plan=HEALTH_MARKER,
        recorded_by=consultant,
    )
    alert = Alert.objects.create(
        case=case, kind="first_meeting", level="due_soon", due_on=dt.date.today(), recipient=consultant
    )
    plan_item = CompetencePlanItemFactory(plan__staff_member=consultant.staff)
    offer = Offer.objects.create(
        case=case, type=OfferType.objects.first(), started_on=dt.date.today(), score_start=3
    )
    measure = Measure.objects.create(case=case, type=MeasureType.objects.first(), started_on=dt.date.today())
    exception = CaseException.objects.create(
        case=case,
        reason=ExceptionReason.objects.first(),
        note=HEALTH_MARKER,
        proposed_by=consultant,
        proposed_at=timezone.now(),
    )
    settings.MEDIA_ROOT = tmp_path / "media"
    StaffQualification.objects.create(
        staff_member=consultant.staff, kind=StaffQualification.Kind.COMBINED, achieved_on=dt.date(2017, 1, 1)
    )
    calendar_set_working_hours(consultant=consultant, hours=NINE_TO_FOUR)
    with django_capture_on_commit_callbacks(execute=True):
        meeting = meeting_book(
            case=case, consultant=consultant, starts_at=at(next_weekday(1), 10), booked_by=booker
        )
    feed_token = calendar_feed_token_renew(consultant=consultant)
    visitation = Visitation.objects.create(
        case=case, category=2, decided_on=case.first_absence_day, decided_by=consultant
    )
    attempt = ContactAttempt.objects.create(
        case=case, employer=case.employer, made_by=booker, outcome=ContactAttempt.Outcome.NO_ANSWER
    )
    complaint = Complaint.objects.create(
        case=case,
        decision="revurdering",
        decided_on=case.first_absence_day,
        received_on=dt.date.today(),
        recorded_by=consultant,
    )
    import_job = ImportJob.objects.create(
        created_by=leader, filename="ark.csv", status=ImportJob.Status.READY, expires_at=timezone.now()
    )
    users = {
        "consultant": consultant,
        "other_consultant": other_consultant,
        "booker": booker,
        "leader": leader,
        "administrator": administrator,
    }
    return {
        "case": case,
        "alert": alert,
        "users": users,
        "plan_item": plan_item,
        "offer": offer,
        "measure": measure,
        "exception": exception,
        "meeting": meeting,
        "feed_token": feed_token,
        "conversation": conversation,
        "visitation": visitation,
        "attempt": attempt,
        "import_job": import_job,
        "complaint": complaint,
    }


def sample_kwargs(pattern: URLPattern, world) -> dict:
    values = {
        "uuid": world["case"].uuid,
        "case_uuid": world["case"].uuid,
        "alert_id": world["alert"].pk,
        "staff_uuid": world["users"]["consultant"].staff.uuid,
        "item_uuid": world["plan_item"].uuid,
        "offer_id": world["offer"].pk,
        "measure_id": world["measure"].pk,
        "exception_id": world["exception"].pk,
        "slug": "fast-track",
        "meeting_uuid": world["meeting"].uuid,
        "token": world["feed_token"],
        "user_id": world["users"]["consultant"].pk,
        "case_id": world["case"].uuid,
        "conversation_id": world["conversation"].pk,
        "visitation_id": world["visitation"].pk,
        "attempt_id": world["attempt"].pk,
        "job_uuid": world["import_job"].uuid,
        "complaint_id": world["complaint"].pk,
    }
    names = list(pattern.pattern.converters)
    unknown = [name for name in names if name not in values]
    assert not unknown, f"add a sample value for URL parameter(s) {unknown} in sample_kwargs"
    return {name: values[name] for name in names}


def client_for(persona, world) -> Client:
    client = Client()
    if persona != ANONYMOUS:
        client.force_login(world["users"][persona])
    return client


# Pages whose normal answer is a redirect to the login page (signing out).
REDIRECT_TO_LOGIN_IS_NORMAL = {"logout"}


def outcome(response, url_name: str) -> str:
    if response.status_code in (401, 403, 404):
        return "deny"
    login_redirect = response.status_code in (301, 302) and "login" in response.get("Location", "")
    if login_redirect and url_name not in REDIRECT_TO_LOGIN_IS_NORMAL:
        return "deny"
    if response.status_code < 400 or response.status_code == 503:
        return "allow"
    return f"unexpected {response.status_code}"


def assert_nothing_secret_for_booker(persona, response, world):
    if persona != "booker" or not hasattr(response, "content"):
        return
    body = response.content.decode(errors="replace")
    cpr = world["case"].person.cpr
    assert HEALTH_MARKER not in body
    assert cpr not in body and cpr.replace("-", "") not in body


@pytest.mark.parametrize("url_name", sorted(MATRIX))
def test_permission_matrix(url_name, world):
    method, allowed = MATRIX[url_name]
    pattern = project_urls()[url_name]
    url = reverse(url_name, kwargs=sample_kwargs(pattern, world))
    # Denied personas first, so that the allowed ones' side effects (resolving an alert) change nothing.
    ordered = sorted(PERSONAS, key=lambda persona: persona in allowed)
    results = {}
    for persona in ordered:
        query = QUERY.get(url_name, {})
        response = getattr(client_for(persona, world), method)(
            url, query(world) if callable(query) else query
        )
        results[persona] = outcome(response, url_name)
        assert_nothing_secret_for_booker(persona, response, world)
    expected = {persona: "allow" if persona in allowed else "deny" for persona in PERSONAS}
    assert results == expected


@pytest.mark.parametrize("url_name", ADMIN_PAGES)
def test_admin_is_for_the_administrator_only(url_name, world):
    url = reverse(url_name)
    for persona in PERSONAS:
        response = client_for(persona, world).get(url)
        assert response.status_code < 500
        if persona in ADMIN_ALLOWED:
            assert response.status_code in (200, 403), persona  # 403: a model the role may not see
        else:
            assert outcome(response, url_name) == "deny", persona


# --- the second municipality (issue 16) ---------------------------------------------------------------------
# Every URL pattern, requested by every role of another municipality with the ids of the world above (the
# first municipality's case, meeting, alert, plan, consultant…): whatever carries an id is denied (404, never
# a confirmation that it exists) and audited; pages without an id answer by role as usual but show none of
# the first municipality's people or employers; and nothing changes.
OTHER_MUNICIPALITY_ROLES = {
    "rks_consultant": Role.CONSULTANT,
    "rks_booker": Role.BOOKER,
    "rks_leader": Role.LEADER,
    "rks_administrator": Role.ADMINISTRATOR,
}
# Ids that are not the first municipality's objects: the feed's secret token is itself the key (whoever has
# it sees the consultant's calendar, as the consultant's own Outlook does; it is renewed from their calendar
# page).
NOT_AN_OBJECT_ID = {"meetings:feed"}


@pytest.fixture
def other_municipality():
    team = TeamFactory(
        name="RKS fastholdelse",
        department__municipality=MunicipalityFactory(code=760, name="Ringkøbing-Skjern"),
    )
    return {
        persona: StaffMemberFactory(
            user__username=persona.replace("_", "-"),
            user__roles=[role],
            user__is_staff=role == Role.ADMINISTRATOR,  # as the admin's user page sets it
            team=team,
        ).user
        for persona, role in OTHER_MUNICIPALITY_ROLES.items()
    }


def first_municipality_state(world) -> dict:
    """What a request could change of the first municipality's data."""
    case = Case.objects.get(pk=world["case"].pk)
    meeting = Meeting.objects.get(pk=world["meeting"].pk)
    alert = Alert.objects.get(pk=world["alert"].pk)
    return {
        "case": (case.consultant_id, case.team_id, case.status, case.municipality_id, case.category),
        "meeting": (meeting.consultant_id, meeting.starts_at, meeting.status),
        "alert": (alert.read_at, alert.resolved_at),
        "records": [
            model.objects.filter(case=case).count()
            for model in (Conversation, Measure, Offer, CaseException, ContactAttempt, Meeting)
        ],
        "plan_item": CompetencePlanItem.objects.filter(pk=world["plan_item"].pk).values().get(),
    }


def first_municipality_markers(world) -> list[str]:
    case = world["case"]
    return [
        HEALTH_MARKER,
        case.person.name,
        case.employer.name,
        case.person.cpr,
        case.person.cpr.replace("-", ""),
    ]


@pytest.mark.parametrize("url_name", sorted(MATRIX))
def test_another_municipality_gets_nothing_of_the_first(url_name, world, other_municipality):
    method, _allowed = MATRIX[url_name]
    pattern = project_urls()[url_name]
    url = reverse(url_name, kwargs=sample_kwargs(pattern, world))
    carries_an_id = bool(pattern.pattern.converters) and url_name not in NOT_AN_OBJECT_ID
    before = first_municipality_state(world)
    statuses = []
    for persona, user in other_municipality.items():
        client = Client()
        client.force_login(user)
        query = QUERY.get(url_name, {})
        denied_before = AuditEntry.objects.filter(actor=user, action=AuditEntry.Action.DENIED).count()
        response = getattr(client, method)(url, query(world) if callable(query) else query)
        statuses.append(str(response.status_code))
        assert response.status_code < 500, persona
        if carries_an_id:
            assert outcome(response, url_name) == "deny", persona
            assert response.status_code != 200, persona
            # Audited where the view refused (404/403); the admin's pages send a signed-in user without
            # admin rights to its login, and the API answers a session with 401 before reading any id.
            if response.status_code in (403, 404):
                denied = AuditEntry.objects.filter(actor=user, action=AuditEntry.Action.DENIED)
                assert denied.count() == denied_before + 1, persona
        if url_name in NOT_AN_OBJECT_ID:
            continue
        body = response.content.decode(errors="replace") if hasattr(response, "content") else ""
        shown = [marker for marker in first_municipality_markers(world) if marker in body]
        assert shown == [], f"{persona} saw {shown}"
    assert first_municipality_state(world) == before
    # The table in docs/notes/issue-16.md: pytest -s -k another tests/privacy/test_permission_matrix.py
    print(f"\n{url_name}: {' '.join(statuses)}", end="")
