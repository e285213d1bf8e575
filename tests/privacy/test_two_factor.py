"""Two-factor sign-in (issue 9): leaders, administrators and superusers owe a TOTP code when
TWO_FACTOR_REQUIRED is on; anyone with a confirmed device owes one always; nobody else is asked.

Codes are computed from the device's own key with django_otp.oath.TOTP, as an authenticator app would.
"""

import logging
import os
import subprocess
import sys
import uuid
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from django.contrib.auth.models import Group, Permission
from django.urls import URLPattern, reverse
from django.urls.converters import IntConverter, UUIDConverter
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from sof.middleware import TWO_FACTOR_OPEN_VIEWS
from staff.models import AuditEntry
from staff.roles import Role
from staff.services import role_permissions_grant
from staff.two_factor import totp_secret_for_display
from tests.factories import UserFactory
from tests.privacy.test_permission_matrix import ADMIN_PAGES, project_urls

WRONG = "Koden er forkert eller allerede brugt"
THROTTLED = "For mange forkerte koder"
NOON = "2026-11-26 12:00:00 +0000"


@pytest.fixture
def required(settings):
    settings.TWO_FACTOR_REQUIRED = True


def code_for(device: TOTPDevice) -> str:
    """The code the user's app shows now (time.time(), frozen by time-machine where a test needs it)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def other_code(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


def confirmed_device(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="Godkendelsesapp", confirmed=True)


def next_of(location: str) -> str:
    return parse_qs(urlsplit(location).query).get("next", [""])[0]


def sample_url(name: str, pattern: URLPattern) -> str:
    """Any well-formed URL of the pattern: the middleware answers before the view looks anything up."""
    kwargs = {}
    for argument, converter in pattern.pattern.converters.items():
        if isinstance(converter, UUIDConverter):
            kwargs[argument] = uuid.uuid4()
        elif isinstance(converter, IntConverter):
            kwargs[argument] = 1
        else:
            kwargs[argument] = "x"
    return reverse(name, kwargs=kwargs)


# With the requirement on ------------------------------------------------------------------------------------


def test_leader_without_a_device_is_sent_to_enrolment_from_every_page_including_the_admin(
    client, leader, required
):
    client.force_login(leader)
    urls = [sample_url(name, p) for name, p in project_urls().items() if name not in TWO_FACTOR_OPEN_VIEWS]
    urls += [reverse(name) for name in ADMIN_PAGES]
    assert len(urls) > 40
    for url in urls:
        for method in (client.get, client.post):
            response = method(url)
            assert response.status_code == 302, (url, response.status_code)
            assert urlsplit(response["Location"]).path == reverse("staff:two_factor_setup"), url
    # GET keeps where they were going; a POST's body cannot be replayed: it starts over from the start page.
    response = client.get(reverse("staff:programme") + "?visning=alle")
    assert next_of(response["Location"]) == reverse("staff:programme") + "?visning=alle"


def test_open_pages_stay_reachable_before_the_code(client, leader, required):
    client.force_login(leader)
    assert client.get(reverse("staff:two_factor_setup")).status_code == 200
    assert client.get(reverse("healthz")).status_code in (200, 503)
    assert client.post(reverse("set_language"), {"language": "en", "next": "/"}).status_code == 302
    response = client.post(reverse("logout"))
    assert response.status_code == 302 and response["Location"] == reverse("login")


def test_enrolment_with_a_real_code_confirms_the_device_and_continues_to_next(
    client, leader, required, caplog
):
    caplog.set_level(logging.DEBUG)
    client.force_login(leader)
    target = reverse("staff:programme")
    setup_url = client.get(target)["Location"]

    page = client.get(setup_url)
    assert page.status_code == 200
    assert "no-store" in page["Cache-Control"]  # the page shows the key
    device = TOTPDevice.objects.get(user=leader)
    assert not device.confirmed
    body = page.content.decode()
    assert "<svg" in body and totp_secret_for_display(device) in body
    reloaded = client.get(setup_url).content.decode()
    assert totp_secret_for_display(device) in reloaded  # a reload keeps the key that may already be scanned
    assert TOTPDevice.objects.filter(user=leader).count() == 1

    code = code_for(device)
    response = client.post(setup_url, {"code": code, "next": target})
    assert response.status_code == 302 and response["Location"] == target
    device.refresh_from_db()
    assert device.confirmed
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
    assert client.get(target).status_code == 200

    entry = AuditEntry.objects.get(actor=leader, object_type="totp_device")
    assert entry.action == AuditEntry.Action.CREATE
    secret = totp_secret_for_display(device).replace(" ", "")
    stored = " ".join([entry.detail, entry.search_terms, entry.path])
    logged = " ".join(record.getMessage() for record in caplog.records)
    for text in (stored, logged):
        assert code not in text and secret not in text and device.key not in text


def test_the_second_login_asks_for_the_code(client, leader, password, required):
    device = confirmed_device(leader)
    target = reverse("staff:programme")
    response = client.post(reverse("login"), {"username": "lars", "password": password, "next": target})
    assert response["Location"] == target
    response = client.get(target)
    assert urlsplit(response["Location"]).path == reverse("staff:two_factor_verify")
    assert next_of(response["Location"]) == target

    page = client.get(response["Location"])
    assert page.status_code == 200 and "Bekræft dit login" in page.content.decode()
    response = client.post(reverse("staff:two_factor_verify"), {"code": code_for(device), "next": target})
    assert response.status_code == 302 and response["Location"] == target
    assert client.get(target).status_code == 200


def test_a_wrong_code_is_refused_with_a_message_and_nothing_is_verified(client, leader, required):
    device = confirmed_device(leader)
    client.force_login(leader)
    response = client.post(reverse("staff:two_factor_verify"), {"code": other_code(code_for(device))})
    assert response.status_code == 200
    assert WRONG in " ".join(response.context["form"].errors["code"])
    assert WRONG in response.content.decode()
    assert DEVICE_ID_SESSION_KEY not in client.session
    assert client.get(reverse("staff:programme")).status_code == 302


def test_a_code_that_is_not_six_digits_is_refused_on_the_field(client, leader, required):
    confirmed_device(leader)
    client.force_login(leader)
    response = client.post(reverse("staff:two_factor_verify"), {"code": "12ab"})
    assert "Skriv de 6 cifre" in " ".join(response.context["form"].errors["code"])


def test_a_used_code_is_refused_the_second_time(client, leader, required):
    device = confirmed_device(leader)
    with time_machine.travel(NOON, tick=False):
        code = code_for(device)
        client.force_login(leader)
        assert client.post(reverse("staff:two_factor_verify"), {"code": code}).status_code == 302
        client.logout()
        client.force_login(leader)
        response = client.post(reverse("staff:two_factor_verify"), {"code": code})
    assert response.status_code == 200 and WRONG in response.content.decode()
    assert DEVICE_ID_SESSION_KEY not in client.session


def test_failed_codes_make_the_next_attempt_wait(client, leader, required):
    """django-otp's throttling: after n failures in a row every code is refused for 2^(n-1) seconds."""
    device = confirmed_device(leader)
    client.force_login(leader)
    verify = reverse("staff:two_factor_verify")

    def attempt(at: str, *, right: bool):
        with time_machine.travel(f"2026-11-26 12:00:{at} +0000", tick=False):
            code = code_for(device)
            return client.post(verify, {"code": code if right else other_code(code)})

    attempt("00", right=False)
    assert THROTTLED in attempt("00", right=True).content.decode()  # 1 failure: wait 1 s
    assert WRONG in attempt("01", right=False).content.decode()
    assert THROTTLED in attempt("02", right=True).content.decode()  # 2 failures: wait 2 s
    assert DEVICE_ID_SESSION_KEY not in client.session
    assert attempt("03", right=True).status_code == 302
    device.refresh_from_db()
    assert device.throttling_failure_count == 0


def test_consultants_and_bookers_are_not_asked(client, consultant, booker, required):
    client.force_login(consultant)
    assert client.get(reverse("cases:my_cases")).status_code == 200
    client.force_login(booker)
    assert client.get(reverse("meetings:queue")).status_code == 200
    assert not TOTPDevice.objects.exists()


def test_a_superuser_without_a_role_is_asked(client, db, required):
    superuser = UserFactory(username="dpo", is_staff=True, is_superuser=True)
    client.force_login(superuser)
    response = client.get(reverse("admin:index"))
    assert urlsplit(response["Location"]).path == reverse("staff:two_factor_setup")


def test_the_administrator_reaches_the_admin_only_after_the_code(client, administrator, password, required):
    response = client.post(
        reverse("admin:login"), {"username": "admin", "password": password, "next": reverse("admin:index")}
    )
    assert response["Location"] == reverse("admin:index")
    setup_url = client.get(reverse("admin:index"))["Location"]
    assert urlsplit(setup_url).path == reverse("staff:two_factor_setup")
    client.get(setup_url)
    device = TOTPDevice.objects.get(user=administrator)
    client.post(setup_url, {"code": code_for(device), "next": next_of(setup_url)})
    assert client.get(reverse("admin:index")).status_code == 200


def test_a_superuser_can_remove_a_lost_device_in_the_admin_without_seeing_its_key(
    client, db, leader, required
):
    superuser = UserFactory(username="dpo", is_staff=True, is_superuser=True)
    own = confirmed_device(superuser)
    lost = confirmed_device(leader)
    client.force_login(superuser)
    client.post(reverse("staff:two_factor_verify"), {"code": code_for(own)})
    change_page = client.get(reverse("admin:otp_totp_totpdevice_change", args=[lost.pk]))
    assert change_page.status_code == 200 and lost.key not in change_page.content.decode()
    delete = reverse("admin:otp_totp_totpdevice_delete", args=[lost.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 302
    assert not TOTPDevice.objects.filter(pk=lost.pk).exists()


def test_htmx_fragments_get_a_full_page_redirect(client, leader, required):
    client.force_login(leader)
    response = client.get(reverse("cases:alert_bell"), headers={"HX-Request": "true"})
    assert response.status_code == 204
    assert response["HX-Redirect"] == reverse("staff:two_factor_setup")


def test_a_session_from_before_two_factor_is_held_back_too(client, leader, required):
    client.force_login(leader)
    session = client.session
    del session["sof_two_factor"]
    session.save()
    assert client.get(reverse("staff:programme")).status_code == 302


def test_next_to_another_site_is_not_followed(client, leader, required):
    device = confirmed_device(leader)
    client.force_login(leader)
    response = client.post(
        reverse("staff:two_factor_verify"), {"code": code_for(device), "next": "https://evil.example/"}
    )
    assert response.status_code == 302 and response["Location"] == reverse("home")


# With the requirement off -----------------------------------------------------------------------------------


def test_without_the_requirement_a_leader_without_a_device_signs_in_as_before(
    client, leader, password, settings
):
    settings.TWO_FACTOR_REQUIRED = False
    target = reverse("staff:programme")
    client.post(reverse("login"), {"username": "lars", "password": password, "next": target})
    assert client.get(target).status_code == 200


def test_without_the_requirement_a_confirmed_device_is_still_asked_for(client, consultant, settings):
    settings.TWO_FACTOR_REQUIRED = False
    device = confirmed_device(consultant)
    client.force_login(consultant)
    response = client.get(reverse("cases:my_cases"))
    assert urlsplit(response["Location"]).path == reverse("staff:two_factor_verify")
    client.post(reverse("staff:two_factor_verify"), {"code": code_for(device)})
    assert client.get(reverse("cases:my_cases")).status_code == 200


def test_anyone_may_opt_in_from_the_menu(client, consultant, settings):
    settings.TWO_FACTOR_REQUIRED = False
    client.force_login(consultant)
    menu = client.get(reverse("cases:my_cases")).content.decode()
    assert reverse("staff:two_factor_setup") in menu and "To-trinsbekræftelse" in menu
    client.get(reverse("staff:two_factor_setup"))
    device = TOTPDevice.objects.get(user=consultant)
    response = client.post(reverse("staff:two_factor_setup"), {"code": code_for(device)})
    assert response["Location"] == reverse("home")
    assert "er slået til" in client.get(reverse("staff:two_factor_setup")).content.decode()
    client.logout()
    client.force_login(consultant)
    response = client.get(reverse("cases:my_cases"))
    assert urlsplit(response["Location"]).path == reverse("staff:two_factor_verify")


def test_a_request_right_after_login_costs_no_extra_query(
    client, leader, required, django_assert_num_queries
):
    """The step is decided at login and kept in the session: an ordinary page costs nothing more."""
    client.force_login(leader)
    # The session and the user (idle sign-out reads it); no device, no roles.
    with django_assert_num_queries(2):
        assert client.get(reverse("staff:programme")).status_code == 302


# The administrator group and the settings -------------------------------------------------------------------


def test_the_administrator_group_gets_no_totp_device_permissions(db):
    role_permissions_grant()
    administrators = Group.objects.get(name=Role.ADMINISTRATOR)
    assert administrators.permissions.exists()  # the setup permissions are there…
    assert not administrators.permissions.filter(content_type__app_label="otp_totp").exists()  # …devices not
    assert Permission.objects.filter(content_type__app_label="otp_totp").exists()


ROOT = Path(__file__).resolve().parent.parent.parent
PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "x" * 50,
    "ALLOWED_HOSTS": "sof.example.dk",
    "CPR_ENCRYPTION_KEYS": "ZGV2ZWxvcG1lbnQtb25seS1rZXktZG8tbm90LXVzZSE=",
    "CPR_HASH_KEY": "k",
}


def two_factor_required_setting(**environment) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "CELERY_BROKER_URL", "DEBUG"}}
    return subprocess.run(
        [sys.executable, "-c", "from django.conf import settings; print(settings.TWO_FACTOR_REQUIRED)"],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "sof.settings", **environment},
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("environment", "expected"),
    [
        ({}, "False"),  # the embedded development default (DEBUG on)
        (PRODUCTION, "True"),
        ({**PRODUCTION, "TWO_FACTOR_REQUIRED": "false"}, "False"),
        ({"TWO_FACTOR_REQUIRED": "true"}, "True"),
    ],
)
def test_the_requirement_follows_debug_unless_set(environment, expected):
    result = two_factor_required_setting(**environment)
    assert result.stdout.strip() == expected, result.stderr


def test_a_malformed_requirement_is_named():
    result = two_factor_required_setting(**PRODUCTION, TWO_FACTOR_REQUIRED="sometimes")
    assert result.returncode != 0 and "TWO_FACTOR_REQUIRED" in result.stderr
