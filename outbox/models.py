from django.db import models
from django.utils.translation import gettext_lazy as _


class OutboxMessage(models.Model):
    """One thing to deliver outside the system, written in the same transaction as the change that causes it
    (a booked meeting, a prepared digest). `kind` names the delivering service (outbox/registry.py) and
    `object_id` the row it delivers; the service itself reads everything else from that row, so a message
    always says what the database says when it is delivered, not what it said when it was written."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Venter")
        SENT = "sent", _("Sendt")
        SKIPPED = "skipped", _("Intet at sende")  # e.g. the meeting was cancelled before its invitation went
        DEAD = "dead", _("Opgivet")

    kind = models.CharField(_("art"), max_length=60)
    object_id = models.PositiveBigIntegerField(_("objekt-id"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("forsøg"), default=0)
    next_attempt_at = models.DateTimeField(_("næste forsøg"))
    last_error = models.CharField(_("seneste fejl"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("oprettet"), auto_now_add=True)
    queued_at = models.DateTimeField(
        _("givet til køen"), null=True, blank=True, help_text=_("Tom: køen (Redis) kunne ikke nås.")
    )
    sent_at = models.DateTimeField(_("sendt"), null=True, blank=True)

    class Meta:
        verbose_name = _("udgående besked")
        verbose_name_plural = _("udgående beskeder")
        indexes = [
            # outbox.redeliver (every minute): pending messages whose next attempt is due.
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(status="pending"),
                name="outbox_pending_due",
            ),
            # The booking page asks whether a meeting's invitation is still waiting.
            models.Index(fields=["kind", "object_id"], name="outbox_kind_object"),
        ]

    def __str__(self):
        return f"{self.kind} #{self.object_id}"
