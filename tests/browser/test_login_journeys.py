import re

import pytest
from playwright.sync_api import expect

from staff.roles import Role
from tests.factories import StaffMemberFactory


@pytest.mark.parametrize(
    ("role", "heading", "path"),
    [
        (Role.CONSULTANT, "Mine sager", "/sager/mine/"),
        (Role.BOOKER, "Mødebooking", "/booking/"),
        (Role.LEADER, "Milepæle og nøgletal", "/rapporter/"),
        (Role.ADMINISTRATOR, "Opsætning", "/admin/"),
    ],
)
def test_each_role_logs_in_and_lands_on_its_start_page(page, log_in, transactional_db, role, heading, path):
    StaffMemberFactory(
        user__username=f"demo-{role}", user__roles=[role], user__is_staff=role == Role.ADMINISTRATOR
    )
    log_in(f"demo-{role}")
    expect(page).to_have_url(re.compile(f"{re.escape(path)}$"))
    expect(page.get_by_role("heading", level=1).first).to_contain_text(heading)


def test_wrong_password_shows_an_error(page, transactional_db, live_consultant):
    page.goto("/login/")
    page.get_by_label("Brugernavn").fill(live_consultant.username)
    page.get_by_label("Adgangskode").fill("forkert")
    page.get_by_role("button", name="Log ind").click()
    expect(page.get_by_text("korrekt brugernavn og adgangskode")).to_be_visible()


def test_consultant_switches_to_english_and_logs_out(page, log_in, live_consultant):
    log_in(live_consultant.username)
    page.get_by_label("Sprog").select_option("en")
    expect(page.get_by_role("heading", level=1)).to_have_text("My cases")
    page.get_by_role("button", name="Log out").click()
    expect(page).to_have_url(re.compile("/login/$"))
