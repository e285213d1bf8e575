"""Issue 14, corrections: the consultant records the first workplace conversation, finds she typed the
place wrong in another one, corrects it and sees it count as a workplace meeting; the timeline says who
corrected what. Clicks are counted for the closing note (typing and the date, which defaults to today, not
counted)."""

import re

from playwright.sync_api import expect

from tests.cases.factories import AssignedCaseFactory


def test_consultant_records_a_workplace_conversation_then_corrects_its_place(page, log_in, live_consultant):
    case = AssignedCaseFactory(consultant=live_consultant, person__name="Henrik Hansen")
    log_in(live_consultant.username)
    page.goto(f"/sager/{case.uuid}/")

    clicks = 0
    section = page.locator("#section-conversation")
    section.get_by_role("button", name="Opfølgningssamtale", exact=True).click()
    clicks += 1
    section.get_by_label("Sted").select_option(label="Telefon")  # typed wrong in haste
    clicks += 1
    section.get_by_label("Nærmeste leder").check()
    clicks += 1
    section.get_by_role("button", name="Gem samtale").click()
    clicks += 1
    expect(page.get_by_text("Samtalen er gemt.")).to_be_visible()
    print(f"\nrecord the first conversation from the case page: {clicks} clicks")
    expect(page.get_by_text("Møde på arbejdspladsen", exact=True)).to_have_count(0)

    clicks = 0
    page.get_by_role("link", name=re.compile("Ret eller annullér")).click()
    clicks += 1
    expect(page.get_by_role("heading", level=1)).to_contain_text("Ret samtalen")
    page.get_by_label("Sted").select_option(label="Arbejdspladsen")
    clicks += 1
    page.get_by_label("Hvorfor rettes samtalen?").fill("Tastefejl: mødet var på virksomheden")
    page.get_by_role("button", name="Gem rettelse").click()
    clicks += 1
    expect(page.get_by_text("Rettelsen er gemt.")).to_be_visible()
    print(f"correct a conversation's place from the case page: {clicks} clicks")
    expect(page.get_by_text("Møde på arbejdspladsen", exact=True)).to_be_visible()
    timeline = page.locator("section", has=page.get_by_role("heading", name="Forløb"))
    expect(timeline).to_contain_text("sted Telefon → Arbejdspladsen. Begrundelse: Tastefejl")
