"""Invitations leave through the outbox (issue 17). A booked meeting still ahead whose invitation was never
sent (the broker was down when it was booked: nothing used to send it again) gets its outbox message, so it
goes out once the new version runs."""

from django.db import migrations
from django.utils import timezone


def unsent_invitations_to_outbox(apps, schema_editor):
    Meeting = apps.get_model("meetings", "Meeting")
    OutboxMessage = apps.get_model("outbox", "OutboxMessage")
    now = timezone.now()
    unsent = Meeting.objects.filter(status="booked", invitations_sent_at__isnull=True, starts_at__gt=now)
    OutboxMessage.objects.bulk_create(
        OutboxMessage(kind="meetings.invitations", object_id=pk, next_attempt_at=now)
        for pk in unsent.values_list("pk", flat=True)
    )


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0003_meeting_late_reason"),
        ("outbox", "0001_outbox_message"),
    ]

    operations = [migrations.RunPython(unsent_invitations_to_outbox, migrations.RunPython.noop)]
