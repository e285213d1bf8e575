"""The case page's case-work forms, the deciders' list and the import page, as users meet them."""

import datetime as dt

import pytest
from django.urls import reverse

from cases.models import Case, CaseException, Conversation, ImportJob
from cases.services.casework import case_close, exception_propose
from staff.models import AuditEntry
from staff.roles import Role
from tests.cases.factories import AssignedCaseFactory
from tests.factories import StaffMemberFactory
from visitation.models import ClosingReason, ExceptionReason, HandoverReason

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def case(consultant):
    return AssignedCaseFactory(
        consultant=consultant, first_absence_day=dt.date.today() - dt.timedelta(days=40)
    )


def action_url(case, slug):
    return reverse("cases:action", kwargs={"uuid": case.uuid, "slug": slug})


def detail_url(case):
    return reverse("cases:detail", kwargs={"uuid": case.uuid})


def form_url(case, slug):
    return reverse("cases:action_form", kwargs={"uuid": case.uuid, "slug": slug})


def test_case_page_shows_the_actions_and_fetches_a_form_when_its_section_opens(client, consultant, case):
    client.force_login(consultant)
    response = client.get(detail_url(case))
    content = response.content.decode()
    assert response.status_code == 200
    for title in ["Visitation", "Opfølgningssamtale", "Virksomhedsrettet indsats", "Tilbud", "Overdrag sagen",
                  "Fast track", "§ 56-aftale", "Fastholdelsesplan (§ 7 b)", "Afslut sagen"]:  # fmt: skip
        assert title in content
    # The forms are not rendered with the page: each closed section fetches its own when opened.
    assert 'name="conversation-held_on"' not in content
    assert f'hx-get="{form_url(case, "conversation")}"' in content
    assert 'hx-trigger="show.bs.collapse from:#body-conversation once"' in content

    form = client.get(form_url(case, "conversation"), **HTMX)
    html = form.content.decode()
    assert form.status_code == 200
    assert 'for="id_conversation-held_on"' in html and 'name="conversation-held_on"' in html  # real labels
    assert f'hx-post="{action_url(case, "conversation")}"' in html
    assert 'hx-target="#section-conversation"' in html  # a refused post replaces the section
    assert "Gem samtale" in html and "csrfmiddlewaretoken" in html
    assert "<html" not in html  # a partial, swapped into the section


def test_every_action_form_can_be_fetched(client, consultant, leader, case):
    for user in (consultant, leader):
        client.force_login(user)
        for slug in ["visitation", "conversation", "measure", "offer", "exception", "handover", "fast-track",
                     "agreement-56", "retention-plan", "close"]:  # fmt: skip
            response = client.get(form_url(case, slug), **HTMX)
            assert response.status_code == 200, (user.username, slug)
            assert f'action="{action_url(case, slug)}"' in response.content.decode()


def test_fetching_a_form_is_authorised_like_the_case_page_and_not_logged(
    client, consultant, other_consultant, booker, case
):
    for user, status in [(other_consultant, 404), (booker, 403)]:
        client.force_login(user)
        assert client.get(form_url(case, "visitation"), **HTMX).status_code == status, user.username
    client.force_login(consultant)
    assert client.get(form_url(case, "no-such-action"), **HTMX).status_code == 404
    assert client.get(form_url(case, "visitation"), **HTMX).status_code == 200
    # An empty form shows no person data: no read entry; only the refusals are logged (issue 16).
    assert list(AuditEntry.objects.values_list("action", flat=True)) == ["denied"] * 3
    assert client.post(form_url(case, "visitation"), **HTMX).status_code == 405


def test_a_closed_case_offers_no_forms(client, consultant, case):
    case_close(
        case=case,
        actor=consultant,
        closed_on=dt.date.today(),
        reason=ClosingReason.objects.get(code="rask_eget_job"),
    )
    client.force_login(consultant)
    assert client.get(form_url(case, "visitation"), **HTMX).status_code == 404


def test_handover_form_offers_the_other_consultants(
    client, consultant, team, case, django_assert_num_queries
):
    StaffMemberFactory(
        user__username="bo",
        user__first_name="Bo",
        user__last_name="Berg",
        user__roles=[Role.CONSULTANT],
        team=team,
    )
    client.force_login(consultant)
    # session, user, roles, staff member (authorisation), case with its relations; the form's choices:
    # consultants, handover reasons.
    with django_assert_num_queries(7):
        html = client.get(form_url(case, "handover"), **HTMX).content.decode()
    assert ">Bo Berg (bo)</option>" in html  # the login tells two Bo Bergs apart
    assert f">{consultant.get_full_name()} (alice)</option>" not in html  # not to the case's own consultant


def test_a_conversation_with_a_plan_through_the_form(client, consultant, case):
    client.force_login(consultant)
    held = dt.date.today() - dt.timedelta(days=2)
    response = client.post(
        action_url(case, "conversation"),
        {
            "conversation-held_on": held.isoformat(),
            "conversation-place": "arbejdsplads",
            "conversation-participants": ["citizen", "nearest_leader", "consultant"],
            "conversation-plan": "Optrapning",
            "conversation-next_step": "Nyt møde om 4 uger",
            "conversation-minutes": "Ondt i ryggen",
            "conversation-step_1_from": held.isoformat(),
            "conversation-step_1_hours": "20",
            "conversation-step_2_from": (held + dt.timedelta(weeks=3)).isoformat(),
            "conversation-step_2_hours": "25,5",
        },
    )
    assert response.status_code == 302 and response["Location"] == detail_url(case)
    conversation = Conversation.objects.get(case=case)
    assert conversation.counts_as_workplace_meeting
    assert [str(s.hours_per_week) for s in case.measures.get().steps.all()] == ["20.0", "25.5"]
    page = client.get(detail_url(case)).content.decode()
    assert "Samtalen er gemt." in page and "Møde på arbejdspladsen" in page and "25,5 t/uge fra" in page


def test_htmx_errors_come_back_in_the_section_and_nothing_is_saved(client, consultant, case):
    client.force_login(consultant)
    before = (case.first_absence_day - dt.timedelta(days=1)).isoformat()
    response = client.post(
        action_url(case, "visitation"), {"visitation-category": "2", "visitation-decided_on": before}, **HTMX
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert 'id="section-visitation"' in content and "før første fraværsdag" in content
    assert not case.visitations.exists()
    ok = client.post(
        action_url(case, "visitation"),
        {"visitation-category": "2", "visitation-decided_on": dt.date.today().isoformat()},
        **HTMX,
    )
    assert ok.status_code == 204 and ok["HX-Redirect"] == detail_url(case)


def test_a_consultant_of_another_team_cannot_act(client, other_consultant, case):
    client.force_login(other_consultant)
    response = client.post(
        action_url(case, "visitation"),
        {"visitation-category": "2", "visitation-decided_on": dt.date.today().isoformat()},
    )
    assert response.status_code == 404 and not case.visitations.exists()


def test_closed_case_is_read_only_and_a_leader_reopens_it(client, consultant, leader, case):
    case_close(
        case=case,
        actor=consultant,
        closed_on=dt.date.today(),
        reason=ClosingReason.objects.get(code="rask_eget_job"),
    )
    client.force_login(consultant)
    page = client.get(detail_url(case)).content.decode()
    assert "Sagen er afsluttet" in page and "Gem visitation" not in page and "Genåbn sagen" not in page
    response = client.post(
        action_url(case, "visitation"),
        {"visitation-category": "2", "visitation-decided_on": dt.date.today().isoformat()},
        follow=True,
    )
    assert "Ikke gemt." in response.content.decode() and not case.visitations.exists()
    assert (
        client.post(reverse("cases:reopen", kwargs={"uuid": case.uuid}), {"reopen-reason": "x"}).status_code
        == 403
    )

    client.force_login(leader)
    assert "Genåbn sagen" in client.get(detail_url(case)).content.decode()
    client.post(reverse("cases:reopen", kwargs={"uuid": case.uuid}), {"reopen-reason": "Fejl i afslutningen"})
    case.refresh_from_db()
    assert case.status == Case.Status.OPEN


def test_pending_exceptions_are_decided_by_another_leader(client, consultant, leader, team, case):
    reason = ExceptionReason.objects.get(code="indlagt")
    exception = exception_propose(case=case, actor=consultant, reason=reason, note="")
    other_case = AssignedCaseFactory(consultant=consultant)
    own = exception_propose(case=other_case, actor=leader, reason=reason)
    client.force_login(leader)
    # queries: session, user, roles, staff member (visibility), pending exceptions with their case
    page = client.get(reverse("cases:exceptions_pending")).content.decode()
    assert "Indlagt eller netop opereret" in page and "Foreslået af dig" in page
    client.post(
        reverse("cases:exception_decide", kwargs={"exception_id": own.pk}), {"decide-decision": "approve"}
    )
    own.refresh_from_db()
    assert own.status == CaseException.Status.PENDING
    client.post(
        reverse("cases:exception_decide", kwargs={"exception_id": exception.pk}),
        {"decide-decision": "reject", "decide-note": "Mød op"},
    )
    exception.refresh_from_db()
    assert exception.status == CaseException.Status.REJECTED and exception.decided_by == leader


def test_pending_list_query_budget(client, consultant, leader, django_assert_max_num_queries):
    reason = ExceptionReason.objects.get(code="afstand")
    for _ in range(5):
        exception_propose(case=AssignedCaseFactory(consultant=consultant), actor=consultant, reason=reason)
    client.force_login(leader)
    client.get(reverse("cases:exceptions_pending"))
    # session, user, roles (groups), staff member for visibility, pending exceptions with case, person,
    # employer, consultant, reason and proposer joined in, plus the alert bell's own count: no query per row
    with django_assert_max_num_queries(8):
        response = client.get(reverse("cases:exceptions_pending"))
    assert response.content.decode().count("Gem afgørelse") == 5


def test_only_leaders_reach_the_import_and_decisions(client, consultant):
    client.force_login(consultant)
    assert client.get(reverse("cases:import")).status_code == 403
    assert client.get(reverse("cases:exceptions_pending")).status_code == 403


def test_import_page_previews_then_imports(client, leader, django_capture_on_commit_callbacks):
    """Upload → the worker checks → the preview (errors by row and column, or the rows) → confirm → the worker
    writes. Tasks run eagerly after each request's commit, as a worker runs them after the request."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from sof.celery import app as celery_app

    def post(url, data=None):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(url, data or {})
        return client.get(response["Location"]).content.decode()

    StaffMemberFactory(user__username="alice", user__roles=[Role.CONSULTANT])
    bad = "cpr;foerste_fravaersdag;kategori\n0101802468;2018-02-01;7\n"
    client.force_login(leader)
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    try:
        content = post(reverse("cases:import"), {"file": SimpleUploadedFile("ark.csv", bad.encode())})
        assert '<td>2</td><td class="font-monospace">kategori</td><td>skal være 1, 2 eller 3</td>' in content
        assert "Importér sagerne" not in content

        good = "cpr;foerste_fravaersdag;kategori;konsulent\n0101802468;2018-02-01;2;alice\n"
        content = post(reverse("cases:import"), {"file": SimpleUploadedFile("ark.csv", good.encode())})
        assert "010180-XXXX" in content and "0101802468" not in content and "Ny sag" in content
        assert not Case.objects.exists()
        job = ImportJob.objects.get(status=ImportJob.Status.READY, error_count=0)
        content = post(reverse("cases:import_confirm", args=[job.uuid]))
    finally:
        celery_app.conf.task_always_eager = eager
    assert "Importeret: 1 sager (1 nye, 0 opdateret)." in content
    assert Case.objects.get().created_by == leader


def test_handover_to_another_team_returns_to_my_cases(client, consultant, other_consultant, case, other_team):
    client.force_login(consultant)
    response = client.post(
        action_url(case, "handover"),
        {
            "handover-to_consultant": other_consultant.pk,
            "handover-reason": HandoverReason.objects.get(code="opsagt_ledighed").pk,
            "handover-on": dt.date.today().isoformat(),
        },
    )
    assert response.status_code == 302 and response["Location"] == reverse("cases:my_cases")
    case.refresh_from_db()
    assert case.consultant == other_consultant and case.team == other_team


def test_category_1_after_week_8_is_flagged(client, consultant):
    late = AssignedCaseFactory(
        consultant=consultant, category=1, first_absence_day=dt.date.today() - dt.timedelta(days=60)
    )
    early = AssignedCaseFactory(
        consultant=consultant, category=1, first_absence_day=dt.date.today() - dt.timedelta(days=20)
    )
    client.force_login(consultant)
    assert "Kategori 1 efter uge 8" in client.get(detail_url(late)).content.decode()
    assert "Kategori 1 efter uge 8" not in client.get(detail_url(early)).content.decode()
