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


def test_booker_registers_a_category_2_case_lands_on_its_booking_page_and_books_it(page, log_in, team):
    """Issue 14, point 6: after saving, the booker is on the new case's booking page, told where it waits;
    from there the first meeting is booked with the confirmation. Clicks are counted for the closing note."""
    from meetings.models import Meeting
    from tests.meetings.factories import consultant_with_calendar

    StaffMemberFactory(user__username="bente", user__roles=[Role.BOOKER], team=team)
    consultant_with_calendar("karen", team=team, user__first_name="Karen", user__last_name="Kjær")
    EmployerFactory(name="Herning Plastfabrik A/S", cvr="20000031")
    first_day = timezone.localdate() - dt.timedelta(days=20)
    log_in("bente")

    clicks = 0
    page.get_by_role("link", name="Opret sag").click()
    clicks += 1
    page.get_by_label("CPR-nummer").fill("010180-1234")
    page.get_by_label("Borgerens navn").fill("Hanne Holm")
    page.get_by_label("Arbejdsgiver (CVR-nummer eller navn)").fill("20000031")
    page.get_by_label("Første fraværsdag").fill(first_day.isoformat())
    page.get_by_label("Visitationskategori fra ydelseskontoret").select_option("2")
    page.get_by_role("button", name="Opret sag").click()
    clicks += 1
    expect(page.get_by_role("heading", level=1)).to_contain_text("Book første møde")
    deadline = first_day + dt.timedelta(days=55)
    expect(page.get_by_role("alert")).to_contain_text(
        "Den venter på booking af første møde i mødebookerens kø; mødet skal holdes senest "
        f"{deadline:%d-%m-%Y}."
    )
    print(f"\nregister a case: {clicks} clicks (after signing in; typing not counted)")

    page.get_by_test_id("suggestions").get_by_role("link", name=re.compile("^Book Karen Kjær")).first.click()
    page.get_by_role("button", name="Bekræft og send").click()
    expect(page.get_by_role("alert")).to_contain_text("Mødet er booket")
    print("book its first meeting from there: 2 clicks (a slot, then 'Bekræft og send')")
    assert Meeting.objects.get().case.person.name == "Hanne Holm"
