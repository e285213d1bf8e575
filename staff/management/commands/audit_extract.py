"""The citizen's right of access to the log (GDPR art. 15, CJEU C-579/21): when their data was consulted,
what was done, and why (the purpose of the role that gave access). Staff names are left out by default:
the citizen is owed the when and why, and colleagues' identities only where the municipality decides so."""

import csv
import uuid

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from staff.audit import audit_entries_for_person, audit_purpose


class Command(BaseCommand):
    help = "Udtræk af adgangsloggen for én borger (indsigtsret): hvornår og hvorfor oplysningerne blev brugt."

    def add_arguments(self, parser):
        parser.add_argument("--person-uuid", required=True, help="Borgerens uuid (aldrig CPR-nummeret).")
        parser.add_argument(
            "--with-staff-names", action="store_true", help="Medtag brugernavne (efter konkret vurdering)."
        )

    def handle(self, *args, person_uuid: str, with_staff_names: bool, **options):
        try:
            person = uuid.UUID(person_uuid)
        except ValueError:
            raise CommandError("--person-uuid er ikke et gyldigt uuid.") from None
        writer = csv.writer(self.stdout, delimiter=";", lineterminator="\n")
        header = ["tidspunkt", "handling", "oplysning", "sag", "formål"]
        if with_staff_names:
            header.append("bruger")
        writer.writerow(header)
        count = 0
        for entry in audit_entries_for_person(person_uuid=person).iterator():
            row = [
                timezone.localtime(entry.occurred_at).strftime("%d-%m-%Y %H:%M"),
                entry.get_action_display(),
                entry.object_type,
                str(entry.case_uuid or ""),
                audit_purpose(entry),
            ]
            if with_staff_names:
                row.append(entry.actor_username)
            writer.writerow(row)
            count += 1
        self.stderr.write(f"entries={count}")
