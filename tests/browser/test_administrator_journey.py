"""The administrator runs the organisation (issue 15): a new consultant login with role and team, a leaver's
cases to two colleagues, and a rule set in use replaced by a new version instead of being edited."""

import datetime as dt

from playwright.sync_api import expect

from cases.models import Case
from staff.roles import Role
from tests.cases.factories import CaseFactory
from tests.factories import StaffMemberFactory
from visitation.models import RuleSet


def test_administrator_creates_a_consultant_who_then_lands_on_my_cases(page, log_in, transactional_db, team):
    StaffMemberFactory(
        user__username="admin", user__roles=[Role.ADMINISTRATOR], user__is_staff=True, team=None
    )
    log_in("admin")
    page.goto("/admin/auth/user/add/")
    page.get_by_label("Brugernavn").fill("konsulent99")
    page.get_by_label("Fornavn").fill("Nina")
    page.get_by_label("Efternavn").fill("Nyansat")
    page.locator("#id_password1").fill("en-lang-adgangskode-2026")
    page.locator("#id_password2").fill("en-lang-adgangskode-2026")
    page.get_by_label("Fastholdelseskonsulent").check()
    page.locator("#id_staff-0-team").select_option(label=str(team))
    page.get_by_role("button", name="Gem", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("konsulent99")

    page.goto("/admin/auth/user/")
    row = page.get_by_role("row").filter(has_text="konsulent99")
    expect(row).to_contain_text("Fastholdelseskonsulent")
    expect(row).to_contain_text(team.name)

    page.context.clear_cookies()
    page.goto("/login/")
    page.get_by_label("Brugernavn").fill("konsulent99")
    page.get_by_label("Adgangskode").fill("en-lang-adgangskode-2026")
    page.get_by_role("button", name="Log ind").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mine sager")


def test_administrator_deactivates_a_leaver_and_hands_the_cases_to_two_colleagues(
    page, log_in, transactional_db, team
):
    StaffMemberFactory(
        user__username="admin", user__roles=[Role.ADMINISTRATOR], user__is_staff=True, team=None
    )
    leaver = StaffMemberFactory(
        user__username="stopper", user__last_name="Aagaard", user__roles=[Role.CONSULTANT], team=team
    ).user
    colleagues = [
        StaffMemberFactory(user__username=name, user__roles=[Role.CONSULTANT], team=team).user
        for name in ("kollega1", "kollega2")
    ]
    for days in (30, 31, 32, 33):
        CaseFactory(consultant=leaver, team=team, first_absence_day=dt.date.today() - dt.timedelta(days=days))

    log_in("admin")
    page.goto("/admin/auth/user/")
    page.get_by_role("row").filter(has_text="stopper").get_by_role("checkbox").check()
    page.locator("select[name=action]").select_option("deactivate_and_hand_over")
    page.get_by_role("button", name="Udfør").click()
    expect(page.get_by_text("har 4 åbne sager")).to_be_visible()
    for colleague in colleagues:
        page.get_by_label(colleague.get_full_name(), exact=False).check()
    page.get_by_role("button", name="Deaktivér og overdrag").click()

    expect(page.locator(".messagelist")).to_contain_text("er deaktiveret. Åbne sager overdraget: 4.")
    leaver.refresh_from_db()
    assert not leaver.is_active
    assert sorted(
        Case.objects.filter(consultant__in=colleagues).values_list("consultant", flat=True)
    ) == sorted([colleagues[0].pk] * 2 + [colleagues[1].pk] * 2)


def test_a_rule_set_in_use_is_read_only_and_a_new_version_is_created_from_it(page, log_in, transactional_db):
    StaffMemberFactory(
        user__username="admin", user__roles=[Role.ADMINISTRATOR], user__is_staff=True, team=None
    )
    in_use = RuleSet.objects.get(name="SOF 2017")
    CaseFactory(first_absence_day=dt.date(2017, 8, 21))

    log_in("admin")
    page.goto(f"/admin/visitation/ruleset/{in_use.pk}/change/")
    expect(page.get_by_text("dets frister kan ikke ændres")).to_be_visible()
    expect(page.locator("input[name=first_follow_up_week]")).to_have_count(0)

    page.get_by_role("link", name="Opret en ny version med egen ikrafttrædelsesdato").click()
    expect(page.get_by_label("Navn")).to_have_value("SOF 2017 (ny version)")
    page.get_by_label("Navn").fill("SOF 2017 v2")
    page.get_by_label("Gælder for første fraværsdag fra").fill("01-01-2030")
    page.get_by_role("button", name="Gem", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("SOF 2017 v2")
    assert RuleSet.objects.get(name="SOF 2017 v2").first_follow_up_week == in_use.first_follow_up_week
