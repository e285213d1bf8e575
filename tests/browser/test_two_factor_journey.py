import re
from base64 import b32decode

from django_otp.oath import TOTP
from playwright.sync_api import expect

from staff.roles import Role
from tests.factories import StaffMemberFactory


def test_leader_sets_up_an_authenticator_app_at_the_first_login(page, log_in, transactional_db, settings):
    settings.TWO_FACTOR_REQUIRED = True
    StaffMemberFactory(user__username="lars", user__roles=[Role.LEADER])
    refused_by_policy = []
    page.on(
        "console", lambda message: "Content Security Policy" in message.text and refused_by_policy.append(1)
    )

    log_in("lars")
    expect(page.get_by_role("heading", level=1)).to_have_text("Slå to-trinsbekræftelse til")
    expect(
        page.get_by_role("navigation", name="Hovedmenu").get_by_role("link", name="Rapporter")
    ).to_have_count(0)
    expect(page.locator("svg title")).to_have_text("QR-kode til godkendelsesappen")

    # The user types the key shown as text into their app; the app computes the code.
    secret = page.locator("#totp-secret").inner_text().replace(" ", "")
    key = b32decode(secret + "=" * (-len(secret) % 8))
    page.get_by_label("Kode fra appen").fill("000000" if TOTP(key).token() != 0 else "111111")
    page.get_by_role("button", name="Bekræft").click()
    expect(page.get_by_text("Koden er forkert eller allerede brugt")).to_be_visible()

    page.wait_for_timeout(1100)  # django-otp makes the attempt after a wrong code wait 1 s
    page.get_by_label("Kode fra appen").fill(f"{TOTP(key).token():06d}")
    page.get_by_role("button", name="Bekræft").click()
    expect(page).to_have_url(re.compile(r"/rapporter/$"))
    expect(page.get_by_text("To-trinsbekræftelse er slået til.")).to_be_visible()
    assert refused_by_policy == []
