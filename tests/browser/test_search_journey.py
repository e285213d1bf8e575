"""Issue 14, point 4: a booker and a leader take a phone call and find the case from the top bar, by CPR
number and by name; the CPR number never appears in an address."""

import re

from playwright.sync_api import expect

from staff.roles import Role
from tests.factories import StaffMemberFactory
from tests.meetings.factories import CaseFactory

CPR = "150375-1234"


def search_from_top_bar(page, term: str):
    field = page.get_by_role("searchbox", name=re.compile("Søg efter sag"))
    field.fill(term)
    field.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Søg efter sag")


def test_booker_and_leader_find_a_case_by_cpr_number_and_by_name(page, log_in, team, consultant):
    StaffMemberFactory(user__username="bente", user__roles=[Role.BOOKER], team=team)
    StaffMemberFactory(user__username="lars", user__roles=[Role.LEADER], team=team)
    case = CaseFactory(
        consultant=consultant,
        team=team,
        person__cpr=CPR,
        person__name="Søren Jørgensen",
        employer__name="Ærø Værft A/S",
    )
    addresses = []
    page.on("request", lambda request: addresses.append(request.url))

    log_in("bente")
    search_from_top_bar(page, CPR)
    expect(page.get_by_text("Søgt på CPR-nummer 150375-XXXX.")).to_be_visible()
    # The booker lands on the booking page: she may not open the case page (health information).
    page.get_by_role("link", name="Søren Jørgensen").click()
    expect(page).to_have_url(re.compile(f"/booking/sag/{case.uuid}/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Book første møde")
    page.get_by_role("button", name="Log ud").click()

    log_in("lars")
    search_from_top_bar(page, "soren jorg")  # no Danish keyboard at hand
    row = page.get_by_role("row", name=re.compile("Søren Jørgensen"))
    expect(row).to_contain_text("Ærø Værft A/S")
    row.get_by_role("link", name="Søren Jørgensen").click()
    expect(page).to_have_url(re.compile(f"/sager/{case.uuid}/$"))
    search_from_top_bar(page, CPR.replace("-", ""))
    expect(page.get_by_text("1 sag fundet.")).to_be_visible()

    assert not [url for url in addresses if "150375" in url]
