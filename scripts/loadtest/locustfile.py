"""Load test (issue 10): consultants, bookers and leaders of the generated municipalities working at once.

Run by scripts/loadtest/run.sh (`make loadtest`), which starts gunicorn over TLS on loopback against
PostgreSQL and Redis with production settings and the data of `manage.py generate_load_data`. Each virtual
user logs in once with its own generated login (`m001-konsulent1`, …) and then works as that role does,
with a few seconds of reading between pages. Requests are named by page, not by URL, so the report groups
them (the case uuids differ)."""

import itertools
import os
import re

from locust import FastHttpUser, between, task

PASSWORD = os.environ.get("LOADTEST_PASSWORD", "sof-demo-2026")  # staff/demo.py DEMO_PASSWORD
MUNICIPALITIES = int(os.environ.get("LOADTEST_MUNICIPALITIES", "10"))
CASE_LINK = re.compile(r'href="(/sager/[0-9a-f-]{36}/)"')
BOOKING_LINK = re.compile(r'href="(/booking/sag/[0-9a-f-]{36}/)"')
DRILL_LINK = re.compile(r'href="(/rapporter/sager/\?[^"]+)"')
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')

# Logins spread over the municipalities; every generated municipality has at least 5 consultants, 2 bookers
# and 1 leader. More users than logins share a login (two sessions of one person).
_consultants = itertools.cycle(
    [f"m{m:03d}-konsulent{n}" for n in range(1, 6) for m in range(1, MUNICIPALITIES + 1)]
)
_bookers = itertools.cycle([f"m{m:03d}-booker{n}" for n in (1, 2) for m in range(1, MUNICIPALITIES + 1)])
_leaders = itertools.cycle([f"m{m:03d}-leder1" for m in range(1, MUNICIPALITIES + 1)])


class Staff(FastHttpUser):
    """geventhttpclient: a light client, so that the 2-core machine's time goes to the server. It does not
    verify certificates (the run's own is self-signed) and keeps cookies across requests."""

    abstract = True
    wait_time = between(1, 4)
    default_headers = {"Accept-Language": "da"}
    logins = None

    def on_start(self):
        self.username = next(self.logins)
        page = self.client.get("/login/", name="login page")
        credentials = {
            "username": self.username,
            "password": PASSWORD,
            "csrfmiddlewaretoken": self._csrf(page.text),
        }
        with self.client.post(
            "/login/",
            credentials,
            headers={"Referer": f"{self.host}/login/"},
            name="log in",
            catch_response=True,
        ) as response:
            if "/login/" in response.url:
                response.failure(f"{self.username} could not log in")

    def _csrf(self, html: str) -> str:
        match = CSRF.search(html)
        return match.group(1) if match else ""

    def _follow(self, html: str, pattern: re.Pattern, name: str) -> None:
        links = pattern.findall(html)
        if links:
            self.client.get(links[len(links) // 2].replace("&amp;", "&"), name=name)


class Consultant(Staff):
    weight = 6
    logins = _consultants

    @task(4)
    def my_cases_then_a_case(self):
        page = self.client.get("/sager/mine/", name="Mine sager")
        self._follow(page.text, CASE_LINK, "case page")

    @task(2)
    def alerts(self):
        self.client.get("/sager/opgaver/", name="Mine opgaver")

    @task(1)
    def search(self):
        # The commonest generated surname: the search lists its full 50 rows (the bench's worst case).
        self.client.get("/sager/soeg/?q=Jensen", name="search")

    @task(3)
    def bell(self):
        self.client.get("/sager/opgaver/klokke/", headers={"HX-Request": "true"}, name="alert bell")


class Booker(Staff):
    weight = 2
    logins = _bookers

    @task(3)
    def queue_then_booking_page(self):
        page = self.client.get("/booking/", name="booker queue")
        links = BOOKING_LINK.findall(page.text)
        if not links:
            return
        url = links[len(links) // 2]
        booking = self.client.get(url, name="booking page")
        form = {
            "outcome": "no_answer",
            "channel": "phone",
            "note": "",
            "csrfmiddlewaretoken": self._csrf(booking.text),
        }
        self.client.post(
            f"{url}kontakt/", form, headers={"Referer": booking.url}, name="contact attempt (POST)"
        )

    @task(1)
    def team_calendar(self):
        self.client.get("/booking/kalender/", name="team calendar")


class Leader(Staff):
    weight = 2
    logins = _leaders

    @task(2)
    def report_then_drill_down(self):
        page = self.client.get("/rapporter/", name="milestone report")
        self._follow(page.text, DRILL_LINK, "report drill-down")

    @task(1)
    def exceptions(self):
        self.client.get("/sager/undtagelser/", name="pending exceptions")
