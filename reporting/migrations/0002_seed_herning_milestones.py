"""Seed Herning's milestones from its SOF application (seed 000, domain.md): the end of each quarter."""

import datetime as dt
from decimal import Decimal

from django.db import migrations

DATES = [dt.date(2017, 12, 31), dt.date(2018, 3, 31), dt.date(2018, 6, 30), dt.date(2018, 9, 30), dt.date(2018, 12, 31)]
WORKPLACE = ["39", "45", "52", "66", "70"]
# The first value is Herning's baseline (40.1 %); the target is a rise of 10 percentage points.
WEEK13 = ["40.1", "44", "46", "48", "50.1"]


def seed(apps, schema_editor):
    Milestone = apps.get_model("reporting", "Milestone")
    for figure, targets in (("workplace_first_meeting", WORKPLACE), ("week13_measure", WEEK13)):
        for due_on, target in zip(DATES, targets):
            Milestone.objects.update_or_create(
                figure=figure,
                due_on=due_on,
                defaults={"target_percent": Decimal(target), "note": "Herning, ansøgning til SOF"},
            )


class Migration(migrations.Migration):
    dependencies = [("reporting", "0001_milestone")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
