"""Browser journey: a leader registers a case for a consultant, who finds it in 'Mine sager'."""

import datetime as dt
import re

from django.utils import timezone
from playwright.sync_api import expect

from staff.roles import Role
from tests.factories import EmployerFactory, StaffMemberFactory


def test_register_a_case_and_find_it_in_mine_sager(page, log_in, team, live_consultant):
    live_consultant.first_name, live_consultant.last_name = "Alice", "Andersen"
    live_consultant.save()
    StaffMemberFactory(user__username="lars", user__roles=[Role.LEADER], team=team)
    EmployerFactory(name="Herning Plastfabrik A/S", cvr="20000031", nearest_leader_name="Kim Lund")
    first_day = timezone.localdate() - dt.timedelta(days=20)

    log_in("lars")
    page.get_by_role("link", name="Opret sag").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Opret sag")
    page.get_by_role("main").get_by_label("CPR-nummer").fill("010180-1234")
    page.get_by_label("Borgerens navn").fill("Hanne Holm")
    page.get_by_label("Arbejdsgiver (CVR-nummer eller navn)").fill("plastfabrik")
    page.get_by_label("Første fraværsdag").fill(first_day.isoformat())
    page.get_by_label("Ansvarlig konsulent").select_option(label="Alice Andersen (alice)")
    page.get_by_role("button", name="Opret sag").click()

    expect(page.get_by_text("med første fraværsdag")).to_contain_text("010180-XXXX")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Hanne Holm")
    expect(page.get_by_text("Herning Plastfabrik A/S")).to_be_visible()
    expect(page.get_by_role("cell", name="sygedagpengeloven § 13 b, stk. 1", exact=True)).to_be_visible()
    page.get_by_role("button", name="Log ud").click()

    log_in(live_consultant.username)
    expect(page).to_have_url(re.compile("/sager/mine/$"))
    row = page.get_by_role("row", name=re.compile("Hanne Holm"))
    expect(row).to_contain_text("uge 3")
    expect(row).to_contain_text("Visitation (senest uge 7)")
    expect(row).to_contain_text("God tid")
    expect(row).to_contain_text(f"{first_day + dt.timedelta(days=48):%d-%m-%Y}")
    row.get_by_role("link", name="Hanne Holm").click()
    expect(page.get_by_role("heading", name="Forløb")).to_be_visible()
    expect(page.get_by_text("Sagen er tildelt Alice Andersen.")).to_be_visible()


def test_bad_input_is_shown_on_the_field(page, log_in, team):
    StaffMemberFactory(user__username="bente", user__roles=[Role.BOOKER], team=team)
    log_in("bente")
    page.goto("/sager/opret/")
    page.get_by_role("main").get_by_label("CPR-nummer").fill("320180-1234")
    page.get_by_label("Sygemeldt fra ledighed (ingen arbejdsgiver)").check()
    page.get_by_label("Første fraværsdag").fill((timezone.localdate() + dt.timedelta(days=3)).isoformat())
    page.get_by_role("button", name="Opret sag").click()
    expect(page.get_by_text("CPR-nummeret indeholder ikke en gyldig fødselsdato.")).to_be_visible()
    expect(page.get_by_text("Første fraværsdag kan ikke ligge i fremtiden.")).to_be_visible()
