from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class Figure(models.TextChoices):
    """The figures that carry dated milestones (domain.md, success criteria 2 and 3)."""

    WORKPLACE_FIRST_MEETING = "workplace_first_meeting", _("Første samtale på arbejdspladsen")
    WEEK13_MEASURE = "week13_measure", _("Virksomhedsrettet indsats senest uge 13")


class Milestone(models.Model):
    """A dated target for one figure (milepæl), e.g. Herning: 39 % of first conversations at the workplace
    by December 2017. A month's actual is measured against the latest milestone due on or before its end.
    A milestone belongs to a municipality; one without is the installation's general target, used for a
    figure a municipality has set no milestones of its own for (reporting.selectors.milestones_for)."""

    municipality = models.ForeignKey(
        "staff.Municipality",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="milestones",
        verbose_name=_("kommune"),
        help_text=_("Tom: gælder for alle kommuner, der ikke har egne milepæle for nøgletallet."),
    )
    figure = models.CharField(_("nøgletal"), max_length=40, choices=Figure.choices)
    due_on = models.DateField(_("skal være nået senest"))
    target_percent = models.DecimalField(
        _("mål (%)"),
        max_digits=4,
        decimal_places=1,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    note = models.CharField(_("bemærkning"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("milepæl")
        verbose_name_plural = _("milepæle")
        ordering = ["municipality", "figure", "due_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "figure", "due_on"], name="milestone_once_per_municipality"
            ),
            models.UniqueConstraint(
                fields=["figure", "due_on"],
                condition=models.Q(municipality__isnull=True),
                name="milestone_once_per_figure_and_date",
            ),
        ]

    def __str__(self):
        where = f"{self.municipality}: " if self.municipality_id else ""
        return f"{where}{self.get_figure_display()} {self.due_on:%d-%m-%Y}: {self.target_percent} %"


class MonthlyReportMail(models.Model):
    """The monthly figures e-mail to one leader for one month. The row is created before the mail is sent
    (unique per leader and month, so a second beat run or worker creates nothing) and `sent_at` is set in
    the transaction that sends, under a row lock, so a second delivery never mails twice. Attempts and errors
    are the outbox's (outbox.OutboxMessage, kind reporting.monthly_report)."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="monthly_report_mails"
    )
    month = models.DateField(_("måned"), help_text=_("Den første dag i den måned, tallene gælder."))
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(_("sendt"), null=True, blank=True)

    class Meta:
        verbose_name = _("månedsrapport pr. e-mail")
        verbose_name_plural = _("månedsrapporter pr. e-mail")
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "month"], name="monthly_report_once_per_leader_month"
            ),
        ]

    def __str__(self):
        return f"{self.recipient} {self.month:%m-%Y}"
