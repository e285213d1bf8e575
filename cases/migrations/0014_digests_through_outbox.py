"""Digests are delivered through the outbox (issue 17): attempts and errors are the outbox's now. Digests of
the last two days still unsent (what the old requeue step would have sent) get their outbox message."""

import datetime as dt

from django.db import migrations
from django.utils import timezone


def unsent_digests_to_outbox(apps, schema_editor):
    AlertDigest = apps.get_model("cases", "AlertDigest")
    OutboxMessage = apps.get_model("outbox", "OutboxMessage")
    now = timezone.now()
    unsent = AlertDigest.objects.filter(
        sent_at__isnull=True, digest_date__gte=timezone.localdate(now) - dt.timedelta(days=2)
    )
    OutboxMessage.objects.bulk_create(
        OutboxMessage(kind="cases.alert_digest", object_id=pk, next_attempt_at=now)
        for pk in unsent.values_list("pk", flat=True)
    )


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0013_complaint"),
        ("outbox", "0001_outbox_message"),
    ]

    operations = [
        migrations.RunPython(unsent_digests_to_outbox, migrations.RunPython.noop),
        migrations.RemoveField(model_name="alertdigest", name="attempts"),
        migrations.RemoveField(model_name="alertdigest", name="last_error"),
    ]
