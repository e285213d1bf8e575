"""Letters move from MEDIA_ROOT on one machine's disk into the database (documents.StoredDocument).

Letters already written are copied in from this machine's MEDIA_ROOT; a letter whose file is not here (another
replica's disk, or already lost) stays named on its meeting and is answered with a 404 that says so."""

from pathlib import Path

from django.conf import settings
from django.db import migrations, models

import documents.storage


def copy_letters_into_the_database(apps, schema_editor):
    Meeting = apps.get_model("meetings", "Meeting")
    StoredDocument = apps.get_model("documents", "StoredDocument")
    media_root = Path(settings.MEDIA_ROOT)
    names = Meeting.objects.exclude(invitation_letter="").values_list("invitation_letter", flat=True)
    for name in names.iterator():
        path = media_root / name
        if path.is_file() and not StoredDocument.objects.filter(name=name).exists():
            content = path.read_bytes()
            StoredDocument.objects.create(name=name, content=content, size=len(content))


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0001_calendars_meetings_contact_attempts"),
        ("documents", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="meeting",
            name="invitation_letter",
            field=models.FileField(
                blank=True,
                storage=documents.storage.document_storage,
                upload_to="meetings/letters/%Y/%m",
                verbose_name="indkaldelsesbrev",
            ),
        ),
        migrations.RunPython(copy_letters_into_the_database, migrations.RunPython.noop),
    ]
