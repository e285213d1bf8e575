import time_machine
from django.urls import reverse

from staff.models import LoginFailure
from tests.factories import UserFactory


def attempt(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_five_failures_lock_the_account_even_for_the_right_password(client, consultant, password, settings):
    settings.LOGIN_FAILURE_LIMIT = 5
    for _ in range(5):
        assert "korrekt brugernavn og adgangskode" in attempt(client, "alice", "wrong").content.decode()
    response = attempt(client, "alice", password)
    assert response.status_code == 200  # the form again, not a redirect into the product
    assert "For mange mislykkede forsøg" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_lock_ends_after_the_window(client, consultant, password, settings):
    settings.LOGIN_LOCKOUT_MINUTES = 15
    with time_machine.travel("2026-11-26 09:00 +0000", tick=False):
        for _ in range(settings.LOGIN_FAILURE_LIMIT):
            attempt(client, "alice", "wrong")
    with time_machine.travel("2026-11-26 09:16 +0000", tick=False):
        response = attempt(client, "alice", password)
    assert response.status_code == 302
    assert not LoginFailure.objects.filter(username="alice").exists()  # cleared by the success


def test_fewer_failures_than_the_limit_do_not_lock(client, consultant, password, settings):
    for _ in range(settings.LOGIN_FAILURE_LIMIT - 1):
        attempt(client, "alice", "wrong")
    assert attempt(client, "alice", password).status_code == 302


def test_an_address_guessing_many_names_locks_those_names_and_not_the_office(
    client, consultant, password, settings, monkeypatch
):
    """Issue 17: behind a municipality's NAT every colleague shares one address. 25 failed attempts from it on
    five guessed names lock those names (even with their right password), and slow the address's further
    failures, but a colleague who did not fail logs in with the right password at once."""
    from staff import auth

    delays = []
    monkeypatch.setattr(auth, "_sleep", delays.append)
    settings.LOGIN_FAILURE_LIMIT = 5
    guessed = [UserFactory(username=f"guess{n}") for n in range(5)]
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        for user in guessed:
            attempt(client, user.username, "wrong")
    assert LoginFailure.objects.filter(remote_addr="127.0.0.1").count() == 25
    # failures from the 20th on (LIMIT x ADDRESS_FACTOR) were answered late; the first 19 were not
    assert delays == [auth.ADDRESS_FAILURE_DELAY_SECONDS] * (25 - 20 + 1)
    for user in guessed:  # each guessed name is locked, its right password too
        response = attempt(client, user.username, password)
        assert "For mange mislykkede forsøg" in response.content.decode()
        assert "_auth_user_id" not in client.session
    delays.clear()
    response = attempt(client, "alice", password)  # a colleague from the same address
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(consultant.pk)
    assert delays == []  # a right password is never slowed


def test_the_pair_address_and_user_name_is_locked(client, consultant, password, settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    for _ in range(3):
        client.post(reverse("login"), {"username": "alice", "password": "wrong"}, REMOTE_ADDR="10.0.0.7")
    response = client.post(
        reverse("login"), {"username": "alice", "password": password}, REMOTE_ADDR="10.0.0.7"
    )
    assert "For mange mislykkede forsøg" in response.content.decode()


def test_admin_login_is_locked_too(client, administrator, password, settings):
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        client.post(reverse("admin:login"), {"username": "admin", "password": "wrong"})
    response = client.post(reverse("admin:login"), {"username": "admin", "password": password})
    assert "For mange mislykkede forsøg" in response.content.decode()


def session_expiry(client):
    from django.contrib.sessions.models import Session

    return Session.objects.get(session_key=client.session.session_key).expire_date


def test_session_expires_after_inactivity_and_is_renewed_by_use(client, consultant, password, settings):
    assert settings.SESSION_COOKIE_AGE == settings.SESSION_IDLE_MINUTES * 60 <= 2 * 60 * 60
    with time_machine.travel("2026-11-26 09:00 +0000", tick=False):
        client.post(reverse("login"), {"username": "alice", "password": password})
        first = session_expiry(client)
    with time_machine.travel("2026-11-26 09:02 +0000", tick=False):
        client.get(reverse("cases:my_cases"))
        assert session_expiry(client) == first  # no write for every request
    with time_machine.travel("2026-11-26 09:40 +0000", tick=False):
        assert client.get(reverse("cases:my_cases")).status_code == 200
        renewed = session_expiry(client)
    assert (renewed - first).total_seconds() == 40 * 60
    # idle past the expiry: signed out
    with time_machine.travel(renewed.timestamp() + 60, tick=False):
        response = client.get(reverse("cases:my_cases"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_a_request_right_after_login_costs_no_session_write(client, consultant, django_assert_num_queries):
    client.force_login(consultant)
    with django_assert_num_queries(3):  # session, user, roles (the start page redirect): nothing written
        assert client.get(reverse("home")).status_code == 302
