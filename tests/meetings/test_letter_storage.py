"""Letters live in the database, so every web and worker process serves the same letter (issue 19)."""

import pytest

from documents.models import StoredDocument
from meetings import services
from tests.meetings.factories import CaseFactory, at, consultant_with_calendar, next_weekday

pytestmark = pytest.mark.django_db


@pytest.fixture
def writer_media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "writer"
    return settings.MEDIA_ROOT


@pytest.fixture
def meeting(team, booker, writer_media_root):
    consultant = consultant_with_calendar("karen", team=team)
    return services.meeting_book(
        case=CaseFactory(), consultant=consultant, starts_at=at(next_weekday(3), 10, 30), booked_by=booker
    )


def test_a_process_with_another_media_root_serves_the_letter(
    meeting, writer_media_root, booker, client, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "another-machine"  # a second replica: its own, empty disk
    client.force_login(booker)

    response = client.get(f"/booking/moede/{meeting.uuid}/brev.pdf")

    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    assert StoredDocument.objects.get(name=meeting.invitation_letter.name).size > 1000
    # Nothing was written to either machine's disk.
    for root in (writer_media_root, settings.MEDIA_ROOT):
        assert not root.exists() or not any(root.rglob("*.pdf"))


def test_a_missing_letter_is_a_404_that_says_so(meeting, booker, client):
    StoredDocument.objects.filter(name=meeting.invitation_letter.name).delete()
    client.force_login(booker)

    response = client.get(f"/booking/moede/{meeting.uuid}/brev.pdf")

    assert response.status_code == 404
    assert "indkaldelsesbrevet findes ikke i dokumentarkivet" in response.content.decode()
