"""Browser tests: Playwright (the Python package) drives Debian's Chromium against Django's live server.

Never a downloaded browser: the path is /usr/bin/chromium (or CHROMIUM_PATH). A browser that cannot start
fails the test; it is never skipped. A failing test leaves a screenshot in test-artifacts/.
"""

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

from staff.roles import Role
from tests.factories import StaffMemberFactory

# Playwright's sync API runs an event loop in the test thread; Django's ORM calls made by the test itself
# (fixtures, assertions) are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# Assertions wait as long as actions do: on a loaded 2-core CI machine an htmx round trip can exceed
# Playwright's default 5 s (a journey failed that way once while a benchmark shared the machine).
expect.set_options(timeout=15_000)

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parent.parent.parent / "test-artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    # Without these Chromium stalls on the closed network of municipal servers and CI machines.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: apt-get install chromium chromium-driver")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server, request):
    context = browser.new_context(
        base_url=live_server.url, locale="da-DK", viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=ARTIFACTS / f"{request.node.name}.png", full_page=True)
    context.close()


@pytest.fixture
def log_in(page, password):
    def log_in_as(username: str):
        page.goto("/login/")
        page.get_by_label("Brugernavn").fill(username)
        page.get_by_label("Adgangskode").fill(password)
        page.get_by_role("button", name="Log ind").click()
        return page

    return log_in_as


@pytest.fixture
def live_consultant(transactional_db, team):
    return StaffMemberFactory(user__username="alice", user__roles=[Role.CONSULTANT], team=team).user
