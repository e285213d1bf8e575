"""Browser journey of issue 4: registration → visitation → workplace conversation with a gradual-return plan →
exception proposed by the consultant and decided by a leader → handover → closing (read-only afterwards)."""

import datetime as dt
import re

from django.utils import timezone
from playwright.sync_api import expect

from cases.models import Case
from cases.services.casework import case_close
from staff.roles import Role
from tests.cases.factories import AssignedCaseFactory
from tests.factories import EmployerFactory, StaffMemberFactory
from visitation.models import ClosingReason


def open_section(page, slug: str, title: str):
    section = page.locator(f"#section-{slug}")
    section.get_by_role("button", name=title, exact=True).click()
    return section


def test_consultant_carries_a_case_from_registration_to_closing(page, log_in, team, live_consultant):
    live_consultant.first_name, live_consultant.last_name = "Alice", "Andersen"
    live_consultant.save()
    StaffMemberFactory(
        user__username="bo",
        user__first_name="Bo",
        user__last_name="Berg",
        user__roles=[Role.CONSULTANT],
        team=team,
    )
    StaffMemberFactory(user__username="lars", user__roles=[Role.LEADER], team=team)
    EmployerFactory(name="Galvanisering A/S", cvr="20000031", nearest_leader_name="Kim Lund")
    today = timezone.localdate()
    first_day = today - dt.timedelta(days=50)

    # Registration (a leader registers and allocates the case).
    log_in("lars")
    page.goto("/sager/opret/")
    page.get_by_role("main").get_by_label("CPR-nummer").fill("210870-1234")
    page.get_by_label("Borgerens navn").fill("Henrik Hansen")
    page.get_by_label("Arbejdsgiver (CVR-nummer eller navn)").fill("20000031")
    page.get_by_label("Første fraværsdag").fill(first_day.isoformat())
    page.get_by_label("Ansvarlig konsulent").select_option(label="Alice Andersen (alice)")
    page.get_by_role("button", name="Opret sag").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Henrik Hansen")
    case_url = page.url
    page.get_by_role("button", name="Log ud").click()

    # The consultant opens the full CPR number (fetched on opening, logged on its own).
    log_in(live_consultant.username)
    page.goto(case_url)
    expect(page.get_by_text("210870-1234")).to_have_count(0)
    page.get_by_text("Vis fulde CPR-nummer").click()
    expect(page.get_by_test_id("full-cpr")).to_have_text("210870-1234")

    # The consultant visits the case to category 2.
    section = open_section(page, "visitation", "Visitation")
    section.get_by_label("Kategori").select_option("2")
    section.get_by_label("Begrundelse").fill("Forventes ikke rask inden uge 8")
    section.get_by_role("button", name="Gem visitation").click()
    expect(page.get_by_text("Visitationen er gemt.")).to_be_visible()
    expect(page.get_by_text(f"Visiteret til kategori 2 den {today:%d-%m-%Y}")).to_be_visible()

    # An impossible date is refused on the field, and nothing is saved.
    section = open_section(page, "conversation", "Opfølgningssamtale")
    section.get_by_label("Dato").fill((first_day - dt.timedelta(days=1)).isoformat())
    section.get_by_label("Sted").select_option(label="Arbejdspladsen")
    section.get_by_role("button", name="Gem samtale").click()
    expect(page.locator("#section-conversation")).to_contain_text("Datoen ligger før første fraværsdag")

    # The first follow-up conversation at the workplace, with a gradual-return plan.
    section = page.locator("#section-conversation")
    held = today - dt.timedelta(days=1)
    section.get_by_label("Dato").fill(held.isoformat())
    section.get_by_label("Nærmeste leder").check()
    section.get_by_label("Aftalt plan").fill("Delvis raskmelding med optrapning")
    section.get_by_label("Aftalt næste skridt").fill("Nyt møde på arbejdspladsen om 3 uger")
    section.get_by_label("Kort referat").fill("Stress; søvnproblemer")
    section.get_by_label("Trin 1 fra").fill(today.isoformat())
    section.get_by_label("Trin 1 timer pr. uge").fill("25")
    section.get_by_label("Trin 2 fra").fill((today + dt.timedelta(weeks=3)).isoformat())
    section.get_by_label("Trin 2 timer pr. uge").fill("27.5")
    section.get_by_role("button", name="Gem samtale").click()
    expect(page.get_by_text("Samtalen er gemt.")).to_be_visible()
    # The conversation is listed once, in the conversations' table (not again in the timeline).
    conversations = page.locator("table", has=page.get_by_role("columnheader", name="Plan og næste skridt"))
    expect(conversations).to_contain_text("Delvis raskmelding med optrapning")
    timeline = page.locator("section", has=page.get_by_role("heading", name="Forløb"))
    expect(timeline).not_to_contain_text("Delvis raskmelding med optrapning")
    expect(timeline).to_contain_text(f"Optrapningsplan: 25 t/uge fra {today:%d-%m-%Y}, 27,5 t/uge fra")
    expect(page.get_by_text("Møde på arbejdspladsen", exact=True)).to_be_visible()

    # The consultant proposes an exception; a leader decides it.
    section = open_section(page, "exception", "Undtagelse fra mødet på arbejdspladsen")
    section.get_by_label("Årsag").select_option(
        label="Lægelige oplysninger mangler (mødet flyttes til 2. samtale)"
    )
    section.get_by_role("button", name="Foreslå undtagelse").click()
    expect(page.get_by_text("Afventer en leders afgørelse.", exact=True)).to_be_visible()
    page.get_by_role("button", name="Log ud").click()

    log_in("lars")
    page.get_by_role("button", name="Ledelse").click()
    page.get_by_role("link", name="Undtagelser").click()
    row = page.get_by_role("row", name=re.compile("Henrik Hansen"))
    row.get_by_label("Godkend").check()
    row.get_by_placeholder("Begrundelse").fill("Enig")
    row.get_by_role("button", name="Gem afgørelse").click()
    expect(page.get_by_text("Undtagelsen er afgjort.")).to_be_visible()
    expect(page.get_by_text("Ingen undtagelser venter på afgørelse.")).to_be_visible()
    page.get_by_role("button", name="Log ud").click()

    # Handover to a colleague with a reason; the consultant's team still sees the case.
    log_in(live_consultant.username)
    page.goto(case_url)
    expect(page.get_by_text("Godkendt.", exact=False).first).to_be_visible()
    section = open_section(page, "handover", "Overdrag sagen")
    section.get_by_label("Ny konsulent").select_option(label="Bo Berg (bo)")
    section.get_by_label("Årsag").select_option(label="Overgang til jobafklaringsforløb")
    section.get_by_role("button", name="Overdrag", exact=True).click()
    expect(page.get_by_text("Sagen er overdraget.")).to_be_visible()
    expect(page.get_by_text("Sagen overdraget fra Alice Andersen til Bo Berg")).to_be_visible()

    # Closing: afterwards the case is read-only.
    section = open_section(page, "close", "Afslut sagen")
    section.get_by_label("Afslutningsårsag").select_option(label="Rask til eget job")
    section.locator("form").get_by_role("button", name="Afslut sagen").click()
    expect(page.get_by_text("Sagen er afsluttet.")).to_be_visible()
    expect(page.get_by_text("Den kan ikke ændres.")).to_be_visible()
    expect(page.get_by_role("button", name="Gem visitation")).to_have_count(0)

    case = Case.objects.get()
    assert case.is_closed and case.consultant.username == "bo"
    assert case.closing_reason.code == "rask_eget_job"
    assert case.exceptions.get().decided_by.username == "lars"
    assert "Stress" not in " ".join(case.events.values_list("text", flat=True))


def test_a_form_that_cannot_be_fetched_says_so(page, log_in, team, live_consultant):
    """A section fetches its form when opened; if that fails (here: the case was closed in the meantime, so
    there is nothing to register), the section says so instead of "loading" for ever."""
    case = AssignedCaseFactory(consultant=live_consultant, team=team, first_absence_day=timezone.localdate())
    log_in(live_consultant.username)
    page.goto(f"/sager/{case.uuid}/")
    section = open_section(page, "fast-track", "Fast track")
    expect(section.get_by_label("Anmodet af")).to_be_visible()
    case_close(
        case=case,
        actor=live_consultant,
        closed_on=timezone.localdate(),
        reason=ClosingReason.objects.get(code="rask_eget_job"),
    )
    section = open_section(page, "close", "Afslut sagen")
    expect(section).to_contain_text("Formularen kunne ikke hentes. Genindlæs siden.")
