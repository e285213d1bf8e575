"""Monthly mails are delivered through the outbox (issue 17): attempts and errors are the outbox's now. This
month's mails still unsent (what the old daily run would have enqueued again) get their outbox message."""

from django.db import migrations
from django.utils import timezone


def unsent_mails_to_outbox(apps, schema_editor):
    MonthlyReportMail = apps.get_model("reporting", "MonthlyReportMail")
    OutboxMessage = apps.get_model("outbox", "OutboxMessage")
    now = timezone.now()
    unsent = MonthlyReportMail.objects.filter(
        sent_at__isnull=True, month__gte=timezone.localdate(now).replace(day=1)
    )
    OutboxMessage.objects.bulk_create(
        OutboxMessage(kind="reporting.monthly_report", object_id=pk, next_attempt_at=now)
        for pk in unsent.values_list("pk", flat=True)
    )


class Migration(migrations.Migration):
    dependencies = [
        ("reporting", "0004_milestone_municipality"),
        ("outbox", "0001_outbox_message"),
    ]

    operations = [
        migrations.RunPython(unsent_mails_to_outbox, migrations.RunPython.noop),
        migrations.RemoveField(model_name="monthlyreportmail", name="attempts"),
        migrations.RemoveField(model_name="monthlyreportmail", name="last_error"),
    ]
