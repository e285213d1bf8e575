"""Every read, search, create, change and export of person data in the other apps' views leaves an entry."""

from django.urls import reverse

from staff.models import AuditEntry
from tests.meetings.factories import CaseFactory


def test_case_page_read_is_logged_with_case_and_person(client, consultant, own_case):
    client.force_login(consultant)
    assert client.get(reverse("cases:detail", args=[own_case.uuid])).status_code == 200
    entry = AuditEntry.objects.get(action="read", object_type="case")
    assert (entry.actor, entry.case_uuid, entry.person_uuid) == (
        consultant,
        own_case.uuid,
        own_case.person.uuid,
    )


def test_refused_case_page_logs_the_attempt_not_a_read(client, other_consultant, own_case):
    """Nothing was read, so no read entry; the attempt itself is in the case's access log (issue 16)."""
    client.force_login(other_consultant)
    assert client.get(reverse("cases:detail", args=[own_case.uuid])).status_code == 404
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.actor, entry.case_uuid) == ("denied", other_consultant, own_case.uuid)
    assert entry.detail == "cases:detail (404)"


def test_my_cases_logs_one_entry_per_case_shown(client, consultant, team):
    cases = [CaseFactory(consultant=consultant, team=team) for _ in range(3)]
    client.force_login(consultant)
    client.get(reverse("cases:my_cases"))
    logged = set(AuditEntry.objects.filter(object_type="case_list").values_list("case_uuid", flat=True))
    assert logged == {case.uuid for case in cases}
