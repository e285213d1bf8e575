import pytest
from django.urls import reverse

from tests.factories import UserFactory


@pytest.mark.parametrize(
    ("persona", "start_page"),
    [
        ("consultant", "/sager/mine/"),
        ("booker", "/booking/"),
        ("leader", "/rapporter/"),
        ("administrator", "/admin/"),
    ],
)
def test_each_role_lands_on_its_own_start_page(client, request, persona, start_page, password):
    user = request.getfixturevalue(persona)
    response = client.post(reverse("login"), {"username": user.username, "password": password}, follow=True)
    assert response.redirect_chain[-1][0] == start_page
    assert response.status_code == 200


def test_wrong_password_shows_an_error_not_a_500(client, consultant):
    response = client.post(reverse("login"), {"username": consultant.username, "password": "wrong"})
    assert response.status_code == 200
    assert "korrekt brugernavn og adgangskode" in response.content.decode()


def test_anonymous_user_is_sent_to_login(client, db):
    response = client.get(reverse("cases:my_cases"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_user_without_a_role_is_told_so(client, db):
    client.force_login(UserFactory(username="norole"))
    response = client.get(reverse("home"))
    assert response.status_code == 403
    assert "ingen rolle" in response.content.decode()


def test_booker_cannot_open_the_leaders_report(client, booker):
    client.force_login(booker)
    assert client.get(reverse("reporting:dashboard")).status_code == 403


def test_administrator_opens_the_danish_admin(client, administrator):
    client.force_login(administrator)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 200
    assert "Organisation og medarbejdere" in response.content.decode()


def test_language_switch_shows_english(client, consultant):
    client.force_login(consultant)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    response = client.get(reverse("cases:my_cases"))
    assert "My cases" in response.content.decode()
