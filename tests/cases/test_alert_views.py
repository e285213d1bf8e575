"""'Mine opgaver' and the bell, as the consultant, the booker and the leader see them."""

import datetime as dt
import re

import pytest
import time_machine
from django.urls import reverse

from cases.models import Alert
from cases.services.alerts import deadline_sweep
from tests.cases.factories import AlertCaseFactory


@pytest.fixture
def alerts(consultant, team):
    mine = AlertCaseFactory(consultant=consultant)
    queue = AlertCaseFactory(consultant=None, team=team)
    return [
        Alert.objects.create(
            case=mine,
            kind="first_follow_up",
            level="overdue",
            due_on=dt.date(2017, 10, 15),
            recipient=consultant,
        ),
        Alert.objects.create(
            case=mine,
            kind="reassessment",
            level="due_soon",
            due_on=dt.date(2018, 2, 28),
            recipient=consultant,
        ),
        Alert.objects.create(
            case=queue, kind="first_meeting_not_booked", level="due_soon", due_on=dt.date(2017, 10, 15)
        ),
    ]


def test_bell_counts_unread_alerts(client, consultant, alerts, django_assert_num_queries):
    client.force_login(consultant)
    # session, user, the user's roles, the count
    with django_assert_num_queries(4):
        response = client.get(reverse("cases:alert_bell"))
    assert "Ulæste påmindelser: </span>2<" in response.text


def test_every_page_loads_the_bell(client, consultant, alerts):
    client.force_login(consultant)
    response = client.get(reverse("cases:my_cases"))
    assert f'hx-get="{reverse("cases:alert_bell")}"' in response.text


def test_bell_is_empty_without_alerts(client, other_consultant, alerts):
    client.force_login(other_consultant)
    assert client.get(reverse("cases:alert_bell")).text.strip() == ""


def test_my_alerts_lists_acknowledges_and_resolves(client, consultant, alerts, django_assert_num_queries):
    client.force_login(consultant)
    # session, user, roles, the alerts with their cases, people and employers; the audit entries (one insert)
    with django_assert_num_queries(5):
        response = client.get(reverse("cases:my_alerts"))
    text = response.text
    assert text.index("Første opfølgningssamtale senest ved udgangen af uge 8") < text.index("Revurdering")
    assert "Overskredet" in text  # the level in words, not colour alone
    assert "Forlængelsesmuligheder efter § 27" in text
    assert "Første møde er ikke booket" not in text  # the booker queue's, not hers
    assert reverse("cases:detail", args=[alerts[0].case.uuid]) in text

    overdue = alerts[0]
    client.post(reverse("cases:alert_acknowledge", args=[overdue.pk]))
    overdue.refresh_from_db()
    assert overdue.read_at is not None and overdue.resolved_at is None
    assert "1" in client.get(reverse("cases:alert_bell")).text

    client.post(reverse("cases:alert_resolve", args=[overdue.pk]))
    overdue.refresh_from_db()
    assert overdue.resolved_by == consultant
    assert "Første opfølgningssamtale" not in client.get(reverse("cases:my_alerts")).text


def test_query_budget_does_not_grow_with_alerts(client, consultant, alerts, django_assert_num_queries):
    for n in range(10):
        Alert.objects.create(
            case=AlertCaseFactory(consultant=consultant),
            kind="next_follow_up",
            level="due_soon",
            due_on=dt.date(2017, 11, 1) + dt.timedelta(days=n),
            recipient=consultant,
        )
    client.force_login(consultant)
    with django_assert_num_queries(5):  # as above: the audit entries of all eleven cases are one insert
        client.get(reverse("cases:my_alerts"))


def test_booker_sees_the_queue(client, booker, alerts):
    client.force_login(booker)
    text = client.get(reverse("cases:my_alerts")).text
    assert "Første møde er ikke booket" in text
    assert "Revurdering" not in text


def test_nobody_resolves_another_persons_alert(client, other_consultant, booker, alerts):
    for user in (other_consultant, booker):
        client.force_login(user)
        assert client.post(reverse("cases:alert_resolve", args=[alerts[0].pk])).status_code == 404
    alerts[0].refresh_from_db()
    assert alerts[0].resolved_at is None


def test_anonymous_is_sent_to_login(client, alerts):
    response = client.get(reverse("cases:my_alerts"))
    assert response.status_code == 302 and reverse("login") in response.url


def test_leader_is_warned_when_the_sweep_has_stopped(client, leader, consultant):
    client.force_login(leader)
    assert "Fristkørslen har aldrig kørt." in client.get(reverse("cases:my_alerts")).text
    with time_machine.travel(dt.datetime(2026, 11, 26, 8, tzinfo=dt.UTC), tick=False):
        deadline_sweep()
    with time_machine.travel(dt.datetime(2026, 11, 26, 8, 50, tzinfo=dt.UTC), tick=False):
        assert "Fristkørslen har ikke kørt" not in client.get(reverse("cases:my_alerts")).text
    with time_machine.travel(dt.datetime(2026, 11, 26, 9, 5, tzinfo=dt.UTC), tick=False):
        text = client.get(reverse("cases:my_alerts")).text
    assert "Fristkørslen har ikke kørt den seneste time" in text
    assert "Seneste kørsel: 26-11-2026 09:00" in text  # Copenhagen time
    # A consultant is not troubled with it.
    client.force_login(consultant)
    assert "Fristkørslen" not in client.get(reverse("cases:my_alerts")).text


def test_a_leaders_escalations_are_summed_up_by_kind_and_consultant_and_filter_the_list(
    client, leader, consultant, other_consultant
):
    """Issue 15: 32 identical red rows said less than one line per kind and consultant with a count."""
    for n, holder in enumerate([consultant] * 5 + [other_consultant] * 2):
        Alert.objects.create(
            case=AlertCaseFactory(consultant=holder),
            kind="reassessment",
            level="escalated",
            due_on=dt.date(2018, 2, 1) + dt.timedelta(days=n),
            recipient=leader,
        )
    client.force_login(leader)

    page = client.get(reverse("cases:my_alerts")).content.decode()

    summary = page[page.index('id="alert-groups"') : page.index("</section>")]
    assert summary.index(consultant.get_full_name()) < summary.index(other_consultant.get_full_name())
    assert '<td class="text-end">5</td>' in summary and '<td class="text-end">2</td>' in summary

    filtered = client.get(
        reverse("cases:my_alerts"), {"slags": "reassessment", "konsulent": other_consultant.pk}
    ).content.decode()
    assert len(re.findall(r'<tr id="alert-\d+"', filtered)) == 2
    assert "Viser 2 påmindelser" in filtered
    # A made-up filter shows everything instead of an error.
    assert client.get(reverse("cases:my_alerts"), {"konsulent": "x'; --"}).status_code == 200
