import uuid
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from staff.geo import validate_postcode
from staff.roles import Role


class Municipality(models.Model):
    code = models.PositiveSmallIntegerField(_("kommunenummer"), unique=True)
    name = models.CharField(_("navn"), max_length=100)
    first_meeting_requires_qualification = models.BooleanField(
        _("kun kvalificerede medarbejdere kan bookes til første samtale"),
        default=True,
        help_text=_(
            "Første samtale på arbejdspladsen kræver både myndigheds- og fastholdelseskompetence "
            "(rollen som ny fastholdelseskonsulent). Slå fra, hvis alle konsulenter må bookes."
        ),
    )
    first_meeting_slots_per_week = models.DecimalField(
        _("første samtaler pr. uge pr. fuldtidsmedarbejder"),
        max_digits=4,
        decimal_places=1,
        default=3,
        validators=[MinValueValidator(0)],
        help_text=_(
            "Bruges til at beregne kapaciteten: Herning regnede med mindst 64 første samtaler om måneden "
            "med 5 kvalificerede medarbejdere, dvs. ca. 3 om ugen pr. fuldtidsmedarbejder."
        ),
    )
    full_time_hours = models.DecimalField(
        _("timer pr. uge på fuld tid"),
        max_digits=4,
        decimal_places=1,
        default=37,
        validators=[MinValueValidator(1)],
    )
    # The job centre's sender block on letters to citizens.
    jobcenter_name = models.CharField(_("jobcenterets navn"), max_length=100, blank=True)
    jobcenter_address = models.CharField(_("jobcenterets adresse"), max_length=200, blank=True)
    jobcenter_phone = models.CharField(_("jobcenterets telefon"), max_length=30, blank=True)
    jobcenter_email = models.EmailField(_("jobcenterets e-mail"), blank=True)

    class Meta:
        verbose_name = _("kommune")
        verbose_name_plural = _("kommuner")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Department(models.Model):
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, verbose_name=_("kommune"))
    name = models.CharField(_("navn"), max_length=100)

    class Meta:
        verbose_name = _("afdeling")
        verbose_name_plural = _("afdelinger")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Team(models.Model):
    department = models.ForeignKey(Department, on_delete=models.PROTECT, verbose_name=_("afdeling"))
    name = models.CharField(_("navn"), max_length=100)
    slug = models.SlugField(_("kort navn"), unique=True)

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Industry(models.Model):
    """A line of business a consultant knows (used when allocating cases, Herning's practice)."""

    name = models.CharField(_("navn"), max_length=100, unique=True)

    class Meta:
        verbose_name = _("branche")
        verbose_name_plural = _("brancher")
        ordering = ["name"]

    def __str__(self):
        return self.name


class CaseType(models.Model):
    """A kind of case a consultant prefers or specialises in (brain injury, stress/anxiety, ...)."""

    name = models.CharField(_("navn"), max_length=100, unique=True)

    class Meta:
        verbose_name = _("sagstype")
        verbose_name_plural = _("sagstyper")
        ordering = ["name"]

    def __str__(self):
        return self.name


class StaffMember(models.Model):
    class Position(models.TextChoices):
        CASEWORKER = "caseworker", _("Sagsbehandler")
        JOB_CONSULTANT = "job_consultant", _("Jobkonsulent")
        RETENTION_CONSULTANT = "retention_consultant", _("Fastholdelseskonsulent")
        ADMINISTRATIVE = "administrative", _("Administrativ medarbejder")
        LEADER = "leader", _("Leder")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff", verbose_name=_("bruger")
    )
    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, null=True, blank=True, related_name="members", verbose_name=_("team")
    )
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="led_staff",
        verbose_name=_("nærmeste leder"),
        help_text=_("Lederen, der holder forventningssamtalen og ejer kompetenceplanen."),
    )
    position_before_conversion = models.CharField(
        _("stilling før omlægning"), max_length=30, choices=Position.choices, blank=True
    )
    base_postcode = models.CharField(
        _("postnummer for arbejdssted"), max_length=4, blank=True, validators=[validate_postcode]
    )
    phone = models.CharField(
        _("direkte telefon"), max_length=30, blank=True, help_text=_("Står i breve til borgerne.")
    )
    weekly_hours = models.DecimalField(
        _("ugentlige timer"), max_digits=4, decimal_places=1, default=37, validators=[MinValueValidator(0)]
    )
    # A signed field with our own validator and a check constraint (not PositiveSmallIntegerField), so that a
    # form shows "cannot be negative" in words rather than Django's generic "greater than or equal to 0".
    caseload_target = models.SmallIntegerField(
        _("mål for sagsstamme"),
        default=45,
        validators=[MinValueValidator(0, message=_("Målet for sagsstamme kan ikke være negativt."))],
        help_text=_("Anbefalet antal sager pr. konsulent (45)."),
    )
    industries = models.ManyToManyField(
        Industry, blank=True, related_name="staff_members", verbose_name=_("brancher med kendskab")
    )
    case_type_preferences = models.ManyToManyField(
        CaseType, blank=True, related_name="staff_members", verbose_name=_("foretrukne sagstyper")
    )

    class Meta:
        verbose_name = _("medarbejder")
        verbose_name_plural = _("medarbejdere")
        ordering = ["user__first_name", "user__last_name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(caseload_target__gte=0), name="caseload_target_not_negative"
            ),
        ]

    def __str__(self):
        return self.user.get_full_name() or self.user.get_username()

    def qualified_on(self) -> date | None:
        """The day the person became a 'ny fastholdelseskonsulent' (combined role), or None.

        Either the combined qualification itself, or both the authority and the retention competence (the
        later of the two dates). Reads self.qualifications.all(), so prefetch it for lists.
        """
        achieved = {q.kind: q.achieved_on for q in self.qualifications.all()}
        candidates = []
        if StaffQualification.Kind.COMBINED in achieved:
            candidates.append(achieved[StaffQualification.Kind.COMBINED])
        if StaffQualification.Kind.AUTHORITY in achieved and StaffQualification.Kind.RETENTION in achieved:
            candidates.append(
                max(achieved[StaffQualification.Kind.AUTHORITY], achieved[StaffQualification.Kind.RETENTION])
            )
        return min(candidates) if candidates else None

    def is_qualified(self, *, on: date) -> bool:
        qualified_on = self.qualified_on()
        return qualified_on is not None and qualified_on <= on


class StaffQualification(models.Model):
    class Kind(models.TextChoices):
        AUTHORITY = "authority", _("Myndighedskompetence")
        RETENTION = "retention", _("Fastholdelseskompetence")
        COMBINED = "combined", _("Ny fastholdelseskonsulent (kombineret rolle)")

    staff_member = models.ForeignKey(
        StaffMember, on_delete=models.CASCADE, related_name="qualifications", verbose_name=_("medarbejder")
    )
    kind = models.CharField(_("kompetence"), max_length=20, choices=Kind.choices)
    achieved_on = models.DateField(
        _("opnået den"), error_messages={"null": _("Angiv datoen, hvor kompetencen blev opnået.")}
    )
    note = models.CharField(_("bemærkning"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("kvalifikation")
        verbose_name_plural = _("kvalifikationer")
        ordering = ["staff_member", "achieved_on"]
        constraints = [
            models.UniqueConstraint(fields=["staff_member", "kind"], name="one_qualification_of_each_kind"),
        ]

    def __str__(self):
        return f"{self.staff_member}: {self.get_kind_display()}"


class CompetenceItemType(models.Model):
    """The catalogue of competence-development items (seed 000, 'Medarbejderkompetencer')."""

    name = models.CharField(_("navn"), max_length=150, unique=True)
    description = models.TextField(_("beskrivelse"), blank=True)
    position = models.PositiveSmallIntegerField(_("rækkefølge"), default=0)
    is_active = models.BooleanField(_("kan vælges"), default=True)

    class Meta:
        verbose_name = _("kompetenceudviklingstiltag")
        verbose_name_plural = _("katalog over kompetenceudviklingstiltag")
        ordering = ["position", "name"]

    def __str__(self):
        return self.name


class CompetencePlan(models.Model):
    """One person's individual competence plan towards the combined retention-consultant role."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    staff_member = models.OneToOneField(
        StaffMember, on_delete=models.CASCADE, related_name="competence_plan", verbose_name=_("medarbejder")
    )
    expectation_talk_on = models.DateField(_("forventningssamtale holdt den"))
    leader_notes = models.TextField(_("lederens noter fra forventningssamtalen"), blank=True)
    expected_transition_on = models.DateField(_("forventet dato for overgang"), null=True, blank=True)
    created_at = models.DateTimeField(_("oprettet"), auto_now_add=True)
    updated_at = models.DateTimeField(_("ændret"), auto_now=True)

    class Meta:
        verbose_name = _("kompetenceplan")
        verbose_name_plural = _("kompetenceplaner")
        ordering = ["staff_member__user__first_name"]

    def __str__(self):
        return str(self.staff_member)

    def clean(self):
        if (
            self.expected_transition_on
            and self.expectation_talk_on
            and self.expected_transition_on < self.expectation_talk_on
        ):
            raise ValidationError(
                {
                    "expected_transition_on": _(
                        "Den forventede overgang kan ikke ligge før forventningssamtalen."
                    )
                }
            )


class CompetencePlanItem(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", _("Planlagt")
        IN_PROGRESS = "in_progress", _("I gang")
        COMPLETED = "completed", _("Gennemført")
        CANCELLED = "cancelled", _("Aflyst")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    plan = models.ForeignKey(
        CompetencePlan, on_delete=models.CASCADE, related_name="items", verbose_name=_("kompetenceplan")
    )
    item_type = models.ForeignKey(
        CompetenceItemType, on_delete=models.PROTECT, related_name="+", verbose_name=_("tiltag")
    )
    planned_start_on = models.DateField(_("planlagt start"))
    planned_end_on = models.DateField(_("planlagt afsluttet"), null=True, blank=True)
    completed_on = models.DateField(_("gennemført den"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PLANNED)
    note = models.CharField(_("bemærkning"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("tiltag i kompetenceplan")
        verbose_name_plural = _("tiltag i kompetenceplaner")
        ordering = ["planned_start_on", "pk"]
        indexes = [
            # The overdue-items alert and the programme overview look for open items past their end date.
            models.Index(fields=["status", "planned_end_on"], name="competence_item_due"),
        ]

    def __str__(self):
        return f"{self.item_type} ({self.plan})"

    def clean(self):
        errors = {}
        if self.planned_start_on and self.planned_end_on and self.planned_end_on < self.planned_start_on:
            errors["planned_end_on"] = _("Planlagt afslutning kan ikke ligge før planlagt start.")
        if self.completed_on and self.planned_start_on and self.completed_on < self.planned_start_on:
            errors["completed_on"] = _("Et tiltag kan ikke være gennemført før den planlagte start.")
        elif self.status == self.Status.COMPLETED and not self.completed_on:
            errors["completed_on"] = _("Angiv datoen, hvor tiltaget blev gennemført.")
        elif self.completed_on and self.status != self.Status.COMPLETED:
            errors["status"] = _("Et tiltag med en gennemførelsesdato skal have status Gennemført.")
        if errors:
            raise ValidationError(errors)

    def is_overdue(self, *, on: date) -> bool:
        return (
            self.status in (self.Status.PLANNED, self.Status.IN_PROGRESS)
            and self.planned_end_on is not None
            and self.planned_end_on < on
        )


class CompetencePlanChange(models.Model):
    """History of a competence plan: who changed what, when (kept, never edited)."""

    plan = models.ForeignKey(
        CompetencePlan, on_delete=models.CASCADE, related_name="changes", verbose_name=_("kompetenceplan")
    )
    changed_at = models.DateTimeField(_("tidspunkt"), auto_now_add=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("ændret af"),
    )
    description = models.TextField(_("ændring"))

    class Meta:
        verbose_name = _("ændring i kompetenceplan")
        verbose_name_plural = _("historik for kompetenceplaner")
        ordering = ["-changed_at", "-pk"]

    def __str__(self):
        return f"{self.plan}: {self.changed_at:%d-%m-%Y %H:%M}"


class ConversionTarget(models.Model):
    """A dated milestone of the conversion plan: at least N people qualified for the combined role by then."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="conversion_targets", verbose_name=_("kommune")
    )
    due_on = models.DateField(_("senest den"))
    qualified_count = models.PositiveSmallIntegerField(
        _("antal kvalificerede i alt"),
        validators=[MinValueValidator(0, message=_("Antallet kan ikke være negativt."))],
    )
    note = models.CharField(_("bemærkning"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("delmål i omlægningsplanen")
        verbose_name_plural = _("omlægningsplan (delmål)")
        ordering = ["municipality", "due_on"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "due_on"], name="one_conversion_target_per_date"),
        ]

    def __str__(self):
        return f"{self.municipality}: {self.qualified_count} {self.due_on:%d-%m-%Y}"


class AuditEntryQuerySet(models.QuerySet):
    """The audit log is append-only: bulk updates and deletes are refused here as well as on the model.
    The only way rows leave is the retention purge (staff.audit.audit_purge) after the configured period."""

    def update(self, **kwargs):
        raise AuditLogIsAppendOnly(_("Revisionssporet kan ikke ændres."))

    def delete(self):
        raise AuditLogIsAppendOnly(_("Revisionssporet kan ikke slettes."))

    update.queryset_only = True
    delete.queryset_only = True


class AuditLogIsAppendOnly(Exception):
    pass


# What an audit entry's object_type means, in words for the people who review the log (leaders, the
# data-protection officer). Every object_type the code writes has a label here (test_audit_words.py).
AUDIT_OBJECT_TYPES = {
    "access_log": _("sagens adgangslog"),
    "alert_list": _("Mine opgaver (påmindelser)"),
    "allocation": _("fordelingslisten"),
    "api_cases": _("API: sager til BI"),
    "api_deadlines": _("API: en sags frister"),
    "api_figures": _("API: milepælstal"),
    "api_intake": _("API: ny sag fra ydelseskontoret"),
    "booking": _("bookingsiden"),
    "booking_queue": _("bookingkøen"),
    "case": _("sagen"),
    "case_list": _("sagsliste"),
    "case_search": _("søgning efter sager"),
    "caseexception": _("undtagelse"),  # a correction's record type (the model's name)
    "complaint": _("klage"),
    "consultant_calendar": _("en konsulents kalender"),
    "contact_attempt": _("kontaktforsøg"),
    "contactattempt": _("kontaktforsøg"),  # a correction's record type (the model's name)
    "conversation": _("opfølgningssamtale"),
    "cpr": _("fuldt CPR-nummer"),
    "denied": _("adgang afvist"),
    "duplicate_lookup": _("opslag efter dubletter ved oprettelse af en sag"),
    "exception": _("undtagelse"),
    "exception_list": _("undtagelser til afgørelse"),
    "invitation": _("kalenderinvitation"),
    "letter": _("indkaldelsesbrev"),
    "measure": _("indsats"),
    "meeting": _("møde"),
    "my_calendar": _("egen kalender"),
    "offer": _("tilbud"),
    "person": _("borgerens oplysninger"),
    "report_drilldown": _("sager bag et tal i rapporten"),
    "report_figures": _("rapportens tal"),
    "team_calendar": _("teamkalenderen"),
    "totp_device": _("to-trinsbekræftelse"),
    "visitation": _("visitation"),
}


class AuditEntry(models.Model):
    """One use of person data: who, when, what, which case or person, from where (Datatilsynet's log
    requirement; the citizen's right of access, CJEU C-579/21). Case and person are plain UUIDs, not foreign
    keys, so an entry outlives the case or person it names. Never updated or deleted (on PostgreSQL a trigger
    enforces it too, migration 0006)."""

    class Action(models.TextChoices):
        READ = "read", _("Læst")
        SEARCH = "search", _("Søgning")
        CREATE = "create", _("Oprettet")
        CHANGE = "change", _("Ændret")
        EXPORT = "export", _("Eksporteret")
        DELETE = "delete", _("Slettet")
        DENIED = "denied", _("Afvist")  # asked for something the user may not see (404 or 403)

    # Indexed: the access log's order and the retention purge of old entries (audit_purge).
    occurred_at = models.DateTimeField(_("tidspunkt"), default=timezone.now, db_index=True, editable=False)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,  # a user with an audit trail is deactivated, never deleted
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("bruger"),
        editable=False,
    )
    # Snapshots: what the user was called and which roles gave the access, as it was at the time.
    actor_username = models.CharField(_("brugernavn"), max_length=150, blank=True, editable=False)
    actor_roles = models.CharField(_("roller"), max_length=100, blank=True, editable=False)
    action = models.CharField(_("handling"), max_length=10, choices=Action.choices, editable=False)
    object_type = models.CharField(_("oplysning"), max_length=40, editable=False)
    detail = models.CharField(_("beskrivelse"), max_length=300, blank=True, editable=False)
    search_terms = models.CharField(
        _("søgeord"),
        max_length=500,
        blank=True,
        editable=False,
        help_text=_("CPR-numre gemmes kun som maskeret fingeraftryk."),
    )
    # Indexed: a case's access log (audit_entries_for_case), a citizen's extract (audit_entries_for_person).
    case_uuid = models.UUIDField(_("sag"), null=True, blank=True, db_index=True, editable=False)
    person_uuid = models.UUIDField(_("borger"), null=True, blank=True, db_index=True, editable=False)
    remote_addr = models.GenericIPAddressField(_("IP-adresse"), null=True, blank=True, editable=False)
    path = models.CharField(_("side"), max_length=500, blank=True, editable=False)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("revisionsspor")
        verbose_name_plural = _("revisionsspor")
        ordering = ["-occurred_at", "-id"]
        default_permissions = ("view",)  # nobody is ever given add, change or delete

    def __str__(self):
        return f"{self.occurred_at:%d-%m-%Y %H:%M} {self.actor_username} {self.get_action_display()}"

    def save(self, *args, **kwargs):
        if self.pk is not None or not self._state.adding:
            raise AuditLogIsAppendOnly(_("Revisionssporet kan ikke ændres."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditLogIsAppendOnly(_("Revisionssporet kan ikke slettes."))

    def get_object_type_display(self) -> str:
        return str(AUDIT_OBJECT_TYPES.get(self.object_type, self.object_type))

    def actor_roles_display(self) -> str:
        labels = dict(Role.choices)
        return ", ".join(str(labels.get(code, code)) for code in self.actor_roles.split(",") if code)

    def actor_display(self) -> str:
        """The person's name (as the user is called now) with the login name it was made under; the system
        when nobody was signed in. Needs select_related("actor") on lists."""
        if not self.actor_username:
            return str(_("Systemet"))
        name = self.actor.get_full_name() if self.actor is not None else ""
        return f"{name} ({self.actor_username})" if name else self.actor_username


class LoginFailure(models.Model):
    """A failed login, kept for the lock-out (staff.auth): failures per user name and per address within
    the lock-out window. Rows for a user name are removed at that user's next successful login."""

    # Indexed: every login counts the recent failures per user name and per address (staff.auth).
    username = models.CharField(max_length=150, db_index=True)
    remote_addr = models.GenericIPAddressField(null=True, blank=True, db_index=True)
    failed_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("mislykket login")
        verbose_name_plural = _("mislykkede logins")
        default_permissions = ("view",)

    def __str__(self):
        return f"{self.username} {self.failed_at:%d-%m-%Y %H:%M}"
