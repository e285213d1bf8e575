"""Consultants' calendars and booked meetings.

A consultant's calendar is one row (`ConsultantCalendar`) holding the weekly office day and the secret
token of the personal iCalendar feed; working hours are one row per weekday; absences are whole days.
A `Meeting` is a booked follow-up meeting on a case (the first one is what the booker books).
"""

import datetime as dt
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import Case, Conversation, Employer
from documents.storage import document_storage


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("mandag")
    TUESDAY = 1, _("tirsdag")
    WEDNESDAY = 2, _("onsdag")
    THURSDAY = 3, _("torsdag")
    FRIDAY = 4, _("fredag")
    SATURDAY = 5, _("lørdag")
    SUNDAY = 6, _("søndag")


class ConsultantCalendar(models.Model):
    consultant = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="meeting_calendar",
        verbose_name=_("konsulent"),
    )
    office_weekday = models.PositiveSmallIntegerField(
        _("fast kontordag"),
        choices=Weekday.choices,
        null=True,
        blank=True,
        help_text=_("Den ugedag, konsulenten er på jobcenteret; der foreslås ikke møder ude denne dag."),
    )
    # The personal feed's secret: whoever has the URL sees the meetings, so it is long, random, and can be
    # revoked (set to empty) or replaced at any time by its owner.
    feed_token = models.CharField(max_length=64, unique=True, null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("konsulentkalender")
        verbose_name_plural = _("konsulentkalendere")

    def __str__(self):
        return str(self.consultant.get_full_name() or self.consultant.get_username())


class WorkingHours(models.Model):
    calendar = models.ForeignKey(
        ConsultantCalendar, on_delete=models.CASCADE, related_name="working_hours", verbose_name=_("kalender")
    )
    weekday = models.PositiveSmallIntegerField(_("ugedag"), choices=Weekday.choices)
    starts_at = models.TimeField(_("fra"))
    ends_at = models.TimeField(_("til"))

    class Meta:
        verbose_name = _("arbejdstid")
        verbose_name_plural = _("arbejdstider")
        ordering = ["weekday"]
        constraints = [
            models.UniqueConstraint(fields=["calendar", "weekday"], name="working_hours_one_per_weekday"),
            models.CheckConstraint(
                condition=models.Q(starts_at__lt=models.F("ends_at")),
                name="working_hours_start_before_end",
                violation_error_message=_("Arbejdstiden skal slutte efter, den begynder."),
            ),
        ]

    def __str__(self):
        return f"{self.get_weekday_display()} {self.starts_at:%H:%M}–{self.ends_at:%H:%M}"


class Absence(models.Model):
    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("Ferie")
        COURSE = "course", _("Kursus")
        SICKNESS = "sickness", _("Sygdom")
        OTHER = "other", _("Andet fravær")

    consultant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="absences",
        verbose_name=_("konsulent"),
    )
    kind = models.CharField(_("art"), max_length=10, choices=Kind.choices)
    starts_on = models.DateField(_("fra og med"))
    ends_on = models.DateField(_("til og med"))

    class Meta:
        verbose_name = _("fravær")
        verbose_name_plural = _("fravær")
        ordering = ["starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(starts_on__lte=models.F("ends_on")),
                name="absence_start_not_after_end",
                violation_error_message=_("Fraværet skal slutte samme dag eller senere, end det begynder."),
            ),
        ]
        # Free-slot search and week views: a consultant's absences ending on or after the first day shown.
        indexes = [models.Index(fields=["consultant", "ends_on"], name="absence_by_consultant_end")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.starts_on:%d-%m-%Y}–{self.ends_on:%d-%m-%Y}"

    def covers(self, day: dt.date) -> bool:
        return self.starts_on <= day <= self.ends_on


class Meeting(models.Model):
    class Status(models.TextChoices):
        BOOKED = "booked", _("Booket")
        CANCELLED = "cancelled", _("Aflyst")
        HELD = "held", _("Afholdt")
        NO_SHOW = "no_show", _("Udeblevet")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="meetings", verbose_name=_("sag"))
    consultant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="meetings",
        verbose_name=_("konsulent"),
    )
    starts_at = models.DateTimeField(_("starter"))
    ends_at = models.DateTimeField(_("slutter"))
    place = models.CharField(
        _("sted"), max_length=20, choices=Conversation.Place.choices, default=Conversation.Place.WORKPLACE
    )
    address = models.CharField(_("adresse"), max_length=300, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.BOOKED)
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("booket af")
    )
    booked_at = models.DateTimeField(_("booket"), default=timezone.now)
    cancelled_at = models.DateTimeField(_("aflyst"), null=True, blank=True)
    cancel_reason = models.CharField(_("årsag til aflysning"), max_length=300, blank=True)
    # The invitation letter to the citizen (PDF), stored for Digital Post; and when the invitations went out.
    invitation_letter = models.FileField(
        _("indkaldelsesbrev"), upload_to="meetings/letters/%Y/%m", storage=document_storage, blank=True
    )
    invitations_sent_at = models.DateTimeField(_("invitationer sendt"), null=True, blank=True)
    # Why a first meeting was booked after its deadline (the booker must say; empty when on time).
    late_reason = models.CharField(_("årsag til booking efter fristen"), max_length=300, blank=True)
    sequence = models.PositiveIntegerField(default=0, editable=False)  # iCalendar SEQUENCE for updates

    class Meta:
        verbose_name = _("møde")
        verbose_name_plural = _("møder")
        ordering = ["starts_at"]
        constraints = [
            # Backstop for the lock in meeting_book: two booked meetings of one consultant never start at
            # the same moment, whatever the application does.
            models.UniqueConstraint(
                fields=["consultant", "starts_at"],
                condition=models.Q(status="booked"),
                name="meeting_consultant_slot_once",
                violation_error_message=_("Konsulenten har allerede et møde på det tidspunkt."),
            ),
            # A case has at most one booked (upcoming) meeting at a time.
            models.UniqueConstraint(
                fields=["case"],
                condition=models.Q(status="booked"),
                name="meeting_one_booked_per_case",
                violation_error_message=_("Sagen har allerede et booket møde."),
            ),
            models.CheckConstraint(
                condition=models.Q(starts_at__lt=models.F("ends_at")), name="meeting_start_before_end"
            ),
        ]
        indexes = [
            # Week views and free-slot search: a consultant's meetings in a time window.
            models.Index(fields=["consultant", "starts_at"], name="meeting_by_consultant_start"),
        ]

    def __str__(self):
        local = timezone.localtime(self.starts_at)
        return f"{local:%d-%m-%Y %H:%M} {self.get_status_display()}"


class ContactAttempt(models.Model):
    """One call or e-mail from the booker to the employer, with what came of it."""

    class Channel(models.TextChoices):
        PHONE = "phone", _("Telefon")
        EMAIL = "email", _("E-mail")

    class Outcome(models.TextChoices):
        NO_ANSWER = "no_answer", _("Intet svar")
        WRONG_PERSON = "wrong_person", _("Forkert person")
        DECLINED = "declined", _("Afvist")
        PLAN_AGREED = "plan_agreed", _("Plan allerede aftalt")
        BOOKED = "booked", _("Møde booket")

    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="contact_attempts", verbose_name=_("sag")
    )
    employer = models.ForeignKey(
        Employer, on_delete=models.CASCADE, related_name="contact_attempts", verbose_name=_("arbejdsgiver")
    )
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("foretaget af")
    )
    made_at = models.DateTimeField(_("tidspunkt"), default=timezone.now)
    channel = models.CharField(_("kanal"), max_length=10, choices=Channel.choices, default=Channel.PHONE)
    outcome = models.CharField(_("resultat"), max_length=20, choices=Outcome.choices)
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("kontaktforsøg")
        verbose_name_plural = _("kontaktforsøg")
        ordering = ["-made_at", "-id"]
        # The booker queue's last contact attempt per case and the booking page's list.
        indexes = [models.Index(fields=["case", "made_at"], name="contact_attempt_by_case")]

    def __str__(self):
        return f"{self.get_outcome_display()} {timezone.localtime(self.made_at):%d-%m-%Y %H:%M}"
