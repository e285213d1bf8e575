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

from cases.models import Alert, CaseException, Conversation, ImportJob, Measure, Offer
from meetings.services import calendar_feed_token_renew, calendar_set_working_hours, meeting_book
from staff.models import StaffQualification
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
    "cases:reopen": ("post", {"leader"}),
    "cases:leaver_hand_over": ("get", {"administrator"}),  # a leaver's cases to colleagues (admin action)
    # meetings: booking is for bookers and leaders; a meeting is also its consultant's
    "meetings:queue": ("get", BOOKING),
    "meetings:case_booking": ("get", BOOKING),
    "meetings:contact_attempt_add": ("post", BOOKING),
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
        "import_job": import_job,
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
        "job_uuid": world["import_job"].uuid,
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
