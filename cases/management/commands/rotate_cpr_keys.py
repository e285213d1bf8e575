"""Key rotation for CPR numbers at rest. Put a new Fernet key first in CPR_ENCRYPTION_KEYS (keep the old
ones after it), restart, run this command, then remove the old keys once a run reports rotated=0.

Rows are re-encrypted in batches, each batch in its own transaction with its rows locked: a run that stops
half-way leaves every row readable (old and new keys are both configured) and a second run finishes the job
(rows already under the newest key are skipped)."""

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from cases.crypto import cpr_reencrypt
from cases.models import Person


class Command(BaseCommand):
    help = "Genkrypterer alle CPR-numre med den nyeste nøgle i CPR_ENCRYPTION_KEYS."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args, batch_size: int, **options):
        if batch_size < 1:
            raise CommandError("--batch-size skal være mindst 1.")
        if not settings.CPR_ENCRYPTION_KEYS:
            raise CommandError("CPR_ENCRYPTION_KEYS er ikke sat.")
        newest = Fernet(settings.CPR_ENCRYPTION_KEYS[0])
        rotated = current = batches = 0
        last_pk = 0
        while True:
            with transaction.atomic():
                batch = list(
                    Person.objects.select_for_update()
                    .filter(pk__gt=last_pk)
                    .order_by("pk")
                    .only("pk", "cpr_encrypted")[:batch_size]
                )
                if not batch:
                    break
                batches += 1
                last_pk = batch[-1].pk
                changed = []
                for person in batch:
                    try:
                        newest.decrypt(person.cpr_encrypted.encode())
                        current += 1
                        continue
                    except InvalidToken:
                        pass
                    # Raises InvalidToken when no configured key opens the row: the batch rolls back and
                    # the command stops, naming nothing but the row's id.
                    try:
                        person.cpr_encrypted = cpr_reencrypt(person.cpr_encrypted)
                    except InvalidToken:
                        raise CommandError(
                            f"Person id={person.pk} kan ikke dekrypteres med nogen konfigureret nøgle."
                        ) from None
                    changed.append(person)
                Person.objects.bulk_update(changed, ["cpr_encrypted"])
                rotated += len(changed)
        self.stdout.write(f"rotated={rotated} already_current={current} batches={batches}")
