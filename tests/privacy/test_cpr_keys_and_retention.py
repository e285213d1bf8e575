import datetime as dt
import io

import pytest
from cryptography.fernet import Fernet, InvalidToken
from django.core.management import CommandError, call_command

from cases.crypto import _fernet
from cases.models import Case, Conversation, Person
from staff.models import AuditEntry
from tests.cases.factories import PersonFactory
from tests.meetings.factories import CaseFactory

OLD_KEY = "ZGV2ZWxvcG1lbnQtb25seS1rZXktZG8tbm90LXVzZSE="


@pytest.fixture
def keys(settings):
    _fernet.cache_clear()
    settings.CPR_ENCRYPTION_KEYS = [OLD_KEY]
    yield settings
    _fernet.cache_clear()


def run(command, *args) -> str:
    out = io.StringIO()
    call_command(command, *args, stdout=out)
    return out.getvalue().strip()


def test_rotation_reencrypts_every_person_under_the_newest_key(keys, db):
    people = [PersonFactory() for _ in range(5)]
    numbers = {p.pk: p.cpr for p in people}
    new_key = Fernet.generate_key().decode()
    keys.CPR_ENCRYPTION_KEYS = [new_key, OLD_KEY]
    assert run("rotate_cpr_keys", "--batch-size", "2") == "rotated=5 already_current=0 batches=3"
    for person in Person.objects.all():
        Fernet(new_key).decrypt(person.cpr_encrypted.encode())  # opens with the new key alone
        with pytest.raises(InvalidToken):
            Fernet(OLD_KEY).decrypt(person.cpr_encrypted.encode())
    keys.CPR_ENCRYPTION_KEYS = [new_key]  # the old key can now be removed
    _fernet.cache_clear()
    assert {p.pk: p.cpr for p in Person.objects.all()} == numbers
    assert run("rotate_cpr_keys") == "rotated=0 already_current=5 batches=1"


def test_rotation_stops_without_saving_a_batch_with_an_unreadable_row(keys, db):
    readable = PersonFactory()
    before = readable.cpr_encrypted
    foreign = PersonFactory()
    Person.objects.filter(pk=foreign.pk).update(
        cpr_encrypted=Fernet(Fernet.generate_key()).encrypt(b"1").decode()
    )
    keys.CPR_ENCRYPTION_KEYS = [Fernet.generate_key().decode(), OLD_KEY]
    with pytest.raises(CommandError, match=f"id={foreign.pk}"):
        run("rotate_cpr_keys")
    readable.refresh_from_db()
    assert readable.cpr_encrypted == before  # the batch rolled back as a whole


def closed_case(days_ago: int, **kwargs) -> Case:
    closed_on = dt.date.today() - dt.timedelta(days=days_ago)
    return CaseFactory(
        status="closed", closed_on=closed_on, first_absence_day=closed_on - dt.timedelta(days=100), **kwargs
    )


def test_dry_run_reports_and_changes_nothing(db, settings):
    settings.RETENTION_YEARS_AFTER_CLOSING = 5
    old = closed_case(6 * 365)
    name = old.person.name
    closed_case(365)
    output = run("retention")
    assert output.startswith("dry_run") and "persons=1 cases=1" in output
    old.person.refresh_from_db()
    assert old.person.name == name


def test_commit_anonymises_people_whose_cases_all_closed_before_the_cutoff(db, settings, consultant):
    settings.RETENTION_YEARS_AFTER_CLOSING = 5
    old = closed_case(6 * 365)
    Conversation.objects.create(
        case=old,
        held_on=old.first_absence_day,
        place="arbejdsplads",
        minutes="diskusprolaps",
        recorded_by=consultant,
    )
    recent = closed_case(365)
    # a person with one old closed case and one open case is still needed
    mixed_person = PersonFactory()
    closed_case(6 * 365, person=mixed_person)
    CaseFactory(person=mixed_person)

    assert "anonymised" in run("retention", "--commit")
    old.person.refresh_from_db()
    assert old.person.name == "" and old.person.phone == ""
    assert old.person.cpr == "000000-0000" and old.person.birth_date.month == 7
    assert Conversation.objects.get(case=old).minutes == ""
    assert Case.objects.filter(pk=old.pk, closed_on=old.closed_on).exists()  # figures keep their dates
    recent.person.refresh_from_db()
    mixed_person.refresh_from_db()
    assert recent.person.name and mixed_person.name
    assert AuditEntry.objects.filter(action="delete", person_uuid=old.person.uuid).count() == 1
    # a second run changes nothing
    assert "persons=0 cases=0" in run("retention", "--commit")


def test_anonymisation_also_clears_the_meetings_letters_addresses_and_contact_notes(
    db, settings, consultant, booker, django_capture_on_commit_callbacks
):
    from django.core.files.base import ContentFile

    from documents.models import StoredDocument
    from meetings.models import ContactAttempt, Meeting

    settings.RETENTION_YEARS_AFTER_CLOSING = 5
    old = closed_case(6 * 365)
    starts = dt.datetime.combine(old.first_absence_day, dt.time(10), tzinfo=dt.UTC)
    meeting = Meeting.objects.create(
        case=old,
        consultant=consultant,
        booked_by=booker,
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=1),
        address="Hjemmevej 3, 7400 Herning",
        status=Meeting.Status.HELD,
    )
    meeting.invitation_letter.save("indkaldelse.pdf", ContentFile(b"%PDF-1.4 brev"))
    letter = StoredDocument.objects.filter(name=meeting.invitation_letter.name)
    ContactAttempt.objects.create(
        case=old, employer=old.employer, made_by=booker, outcome="declined", note="Sygemeldt med stress"
    )
    assert letter.exists()

    with django_capture_on_commit_callbacks(execute=True):
        run("retention", "--commit")
    meeting.refresh_from_db()
    assert (meeting.address, meeting.invitation_letter.name) == ("", "")
    assert not letter.exists()
    assert ContactAttempt.objects.get(case=old).note == ""
    assert meeting.status == Meeting.Status.HELD  # what happened, and when, stays for the figures


def test_celery_job_runs_the_same(db, settings):
    from sof.tasks import retention_sweep

    settings.RETENTION_YEARS_AFTER_CLOSING = 5
    closed_case(6 * 365)
    assert retention_sweep.apply().get() == {"persons": 1, "cases": 1, "audit_entries_removed": 0}
    assert "retention-sweep" in settings.CELERY_BEAT_SCHEDULE
