import datetime as dt
import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from cases import alert_kinds
from cases.crypto import cpr_decrypt
from cases.folding import Folded
from cases.identifiers import validate_cvr
from documents.storage import document_storage
from staff.geo import validate_postcode
from staff.models import Team
from visitation import deadlines
from visitation.deadlines import COMPLAINT_REASSESSMENT_WEEKS, kind_label
from visitation.models import (
    Category,
    ClosingReason,
    ExceptionReason,
    HandoverReason,
    MeasureType,
    OfferType,
    RuleSet,
)


class Employer(models.Model):
    cvr = models.CharField(_("CVR-nummer"), max_length=8, unique=True, validators=[validate_cvr])
    name = models.CharField(_("navn"), max_length=200)
    address = models.CharField(_("adresse"), max_length=200, blank=True)
    postcode = models.CharField(_("postnummer"), max_length=4, blank=True, validators=[validate_postcode])
    town = models.CharField(_("by"), max_length=100, blank=True)
    municipality = models.CharField(_("kommune"), max_length=100, blank=True)
    industry_code = models.CharField(_("branchekode"), max_length=6, blank=True)
    # Search (cases/selectors/search.py): the name folded by the database on every write.
    name_folded = models.GeneratedField(
        expression=Folded("name"), output_field=models.CharField(max_length=400), db_persist=True
    )
    nearest_leader_name = models.CharField(_("nærmeste leder"), max_length=200, blank=True)
    nearest_leader_phone = models.CharField(_("telefon til nærmeste leder"), max_length=30, blank=True)
    nearest_leader_email = models.EmailField(_("e-mail til nærmeste leder"), blank=True)
    contact_consultant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contact_employers",
        verbose_name=_("fast kontaktkonsulent"),
    )

    class Meta:
        verbose_name = _("arbejdsgiver")
        verbose_name_plural = _("arbejdsgivere")
        ordering = ["name"]

    def __str__(self):
        return f"{self.name} ({self.cvr})"


class Person(models.Model):
    """A sick-listed citizen. The CPR number is stored only encrypted; `cpr_hash` finds one by exact CPR."""

    class Sex(models.TextChoices):
        FEMALE = "F", _("Kvinde")
        MALE = "M", _("Mand")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    cpr_encrypted = models.TextField(_("CPR-nummer (krypteret)"), editable=False)
    cpr_hash = models.CharField(max_length=64, unique=True, editable=False)
    birth_date = models.DateField(_("fødselsdato"))
    sex = models.CharField(_("køn"), max_length=1, choices=Sex.choices)
    name = models.CharField(_("navn"), max_length=200, blank=True)
    # Search (cases/selectors/search.py): the name folded by the database on every write.
    name_folded = models.GeneratedField(
        expression=Folded("name"), output_field=models.CharField(max_length=400), db_persist=True
    )
    phone = models.CharField(_("telefon"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    # Navne- og adressebeskyttelse (issue 16): an address typed for a meeting away from the workplace or the
    # job centre (at home, say) is shown only to the consultant who holds it; letters, invitations, bookers'
    # pages and exports say "adresse beskyttet" (meetings.documents.meeting_place_text).
    address_protected = models.BooleanField(_("navne- og adressebeskyttelse"), default=False)

    class Meta:
        verbose_name = _("borger")
        verbose_name_plural = _("borgere")

    def __str__(self):
        return self.name or self.cpr_masked

    @property
    def cpr(self) -> str:
        """The full CPR number, DDMMYY-SSSS. Show it only to roles that may see it."""
        digits = cpr_decrypt(self.cpr_encrypted)
        return f"{digits[:6]}-{digits[6:]}"

    @property
    def cpr_masked(self) -> str:
        return f"{self.birth_date:%d%m%y}-XXXX"


class ReassessmentOutcome(models.TextChoices):
    """What a re-assessment (sygedagpengeloven § 24) decides; payment never simply stops. Each decision is a
    ReassessmentDecision; the case stores the first one's day (Case.reassessment_decided_on)."""

    EXTENSION_27 = "extension_27", _("Forlængelse efter § 27")
    JOBAFKLARING = "jobafklaring", _("Overgang til jobafklaringsforløb")


class ExtensionGround(models.TextChoices):
    """The ground of a § 27 extension (sygedagpengeloven § 27, stk. 1, nr. 1–7); the codes are the rulebook's
    (visitation.deadlines.EXTENSION_GROUNDS), which also knows the two grounds with a maximum."""

    REHABILITATION = deadlines.EXTENSION_REHABILITATION, _("Nr. 1: revalidering er overvejende sandsynlig")
    WORK_ABILITY = deadlines.EXTENSION_WORK_ABILITY, _("Nr. 2: arbejdsevnen skal afklares (op til 69 uger)")
    TREATMENT = (
        deadlines.EXTENSION_TREATMENT,
        _("Nr. 3: under eller venter på lægebehandling (op til 134 uger)"),
    )
    REHABILITATION_TEAM = (
        deadlines.EXTENSION_REHABILITATION_TEAM,
        _("Nr. 4: sagen skal forelægges rehabiliteringsteamet"),
    )
    LIFE_THREATENING = deadlines.EXTENSION_LIFE_THREATENING, _("Nr. 5: livstruende, alvorlig sygdom")
    WORK_INJURY = deadlines.EXTENSION_WORK_INJURY, _("Nr. 6: sag om erstatning for en arbejdsskade")
    DISABILITY_PENSION = deadlines.EXTENSION_DISABILITY_PENSION, _("Nr. 7: ansøgning om førtidspension")


class LateGround(models.TextChoices):
    """Why the first follow-up conversation was held after its deadline. The deadline stays late (never
    silently on time); the figures show these cases apart."""

    CONDITION = (
        deadlines.LATE_FOR_CONDITION,
        deadlines.LATE_GROUND_LABELS[deadlines.LATE_FOR_CONDITION],
    )


class StandbyGround(models.TextChoices):
    """Why a person is in the standby scheme: so seriously ill that conversations and offers are neither
    appropriate nor possible (borger.dk names cancer and severe heart failure as examples)."""

    CANCER = "kraeft", _("Kræft")
    HEART_FAILURE = "hjertesvigt", _("Svært hjertesvigt")
    OTHER = "anden", _("Anden alvorlig eller livstruende sygdom")


class Restriction(models.TextChoices):
    """Why a case is restricted (beskyttet sag): the municipality is the largest employer in its own area, so
    a case may concern one of its own staff or someone close to them (NAV's "egen ansatt")."""

    OWN_STAFF = "egen_ansat", _("Borgeren er ansat i kommunen")
    CLOSE_TO_STAFF = "naer_ansat", _("Borgeren er nærtstående til en ansat")


class Case(models.Model):
    class Source(models.TextChoices):
        BENEFIT_OFFICE = "benefit_office", _("Ydelseskontoret")
        FAST_TRACK = "fast_track", _("Fast track-anmodning")
        OWN_INITIATIVE = "own_initiative", _("Eget initiativ")
        IMPORT = "import", _("Import af opfølgningsark")

    class Status(models.TextChoices):
        OPEN = "open", _("Åben")
        CLOSED = "closed", _("Afsluttet")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)  # in URLs; never the CPR
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="cases", verbose_name=_("borger")
    )
    employer = models.ForeignKey(
        Employer,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("arbejdsgiver"),
        help_text=_("Tom, når borgeren er sygemeldt fra ledighed."),
    )
    first_absence_day = models.DateField(_("første fraværsdag"))
    received_on = models.DateField(_("modtaget i opfølgningsteamet"), null=True, blank=True)
    source = models.CharField(
        _("kilde"), max_length=20, choices=Source.choices, default=Source.BENEFIT_OFFICE
    )
    category = models.PositiveSmallIntegerField(
        _("visitationskategori"), choices=Category.choices, null=True, blank=True
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    consultant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("ansvarlig konsulent"),
    )
    # The municipality is a hard boundary (issue 16): a case belongs to the municipality of its team or,
    # before it has one, of whoever registered or imported it. Set when the case is created; a case moves
    # only within it (handovers, allocation and booking refuse consultants of another municipality).
    municipality = models.ForeignKey(
        "staff.Municipality",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("kommune"),
    )
    team = models.ForeignKey(
        Team,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("team"),
        help_text=_("Det team, sagen hører til; følger den ansvarlige konsulent."),
    )
    rule_set = models.ForeignKey(RuleSet, on_delete=models.PROTECT, verbose_name=_("regelsæt"))
    # The stored next deadline: recomputed by the services on every change (never by signals), so that lists
    # and the deadline sweep select on an indexed column instead of computing rules per row.
    next_deadline_on = models.DateField(_("næste frist"), null=True, blank=True)
    next_deadline_kind = models.CharField(_("næste frists art"), max_length=40, blank=True)
    # Set by the meetings app when the first meeting is booked (or cleared when cancelled), so that the
    # deadline rules in this app can see it without importing meetings.
    first_meeting_planned_on = models.DateField(_("første møde planlagt til"), null=True, blank=True)
    # § 13 f (2025 rule set): when full recovery is expected before the end of week 13 counted from the first
    # follow-up conversation, the person is followed up only on recovery (no 4-weekly follow-up deadline).
    expected_full_recovery_on = models.DateField(_("forventet fuld raskmelding"), null=True, blank=True)
    # Re-assessment (sygedagpengeloven § 24): the day of the first decision (a § 27 extension or a
    # transition), which completes the re-assessment deadline; later decisions are ReassessmentDecision rows.
    reassessment_decided_on = models.DateField(_("revurdering afgjort"), null=True, blank=True)
    # The day the current § 27 extension runs to (ReassessmentDecision keeps each decision with its ground):
    # a deadline of its own (visitation.deadlines.EXTENSION_END). One column only: the import's bulk insert
    # of cases must stay one statement for its batch on SQLite (999 parameters; tests/cases/test_import_bulk).
    extension_until = models.DateField(_("forlænget til og med"), null=True, blank=True)
    # The standby scheme: follow-up conversations and offers are not required while it lasts (the
    # re-assessment still is); after it ends, the follow-up counts from that day (visitation.deadlines).
    standby_ground = models.CharField(
        _("standby: grund"), max_length=20, choices=StandbyGround.choices, blank=True
    )
    standby_from = models.DateField(_("standby fra"), null=True, blank=True)
    standby_until = models.DateField(_("standby ophørt"), null=True, blank=True)
    # A restricted case (issue 16) is open only to its responsible consultant, its named deputies and the
    # leaders of its department (cases/selectors/access.py); figures still count it. `restricted_staff` is
    # the member of staff the case concerns (the person, or the colleague they are close to): neither they
    # nor their team may hold it.
    restriction = models.CharField(_("beskyttet sag"), max_length=20, choices=Restriction.choices, blank=True)
    restricted_staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("medarbejder sagen vedrører"),
    )
    deputies = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="deputy_cases", verbose_name=_("stedfortrædere")
    )
    # Fast Track (sygedagpengeloven §§ 7 c–7 e)
    fast_track_requested_on = models.DateField(_("Fast track anmodet"), null=True, blank=True)
    fast_track_requested_by = models.CharField(
        _("Fast track anmodet af"),
        max_length=10,
        blank=True,
        choices=[("employer", _("Arbejdsgiver")), ("employee", _("Medarbejder"))],
    )
    fast_track_answered_on = models.DateField(_("medarbejderens svar på Fast track"), null=True, blank=True)
    # § 56 agreement (chronic illness) and retention plan (§ 7 b)
    agreement_56_approved_on = models.DateField(_("§ 56-aftale godkendt"), null=True, blank=True)
    agreement_56_expires_on = models.DateField(_("§ 56-aftale udløber"), null=True, blank=True)
    retention_plan_received_on = models.DateField(
        _("fastholdelsesplan (§ 7 b) modtaget"), null=True, blank=True
    )
    closed_on = models.DateField(_("afsluttet"), null=True, blank=True)
    closing_reason = models.ForeignKey(
        ClosingReason, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("afslutningsårsag")
    )
    created_at = models.DateTimeField(_("oprettet"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("oprettet af"),
    )

    class Meta:
        verbose_name = _("sag")
        verbose_name_plural = _("sager")
        constraints = [
            # The import identifies a case by (cpr, first day of absence): formats.md §1.
            models.UniqueConstraint(
                fields=["person", "first_absence_day"], name="case_unique_person_absence"
            ),
        ]
        indexes = [
            # 'Mine sager': a consultant's open cases ordered by next deadline.
            models.Index(
                fields=["consultant", "next_deadline_on"],
                name="case_open_by_consultant",
                condition=models.Q(status="open"),
            ),
            # Lists of open cases by their next deadline (the booker queue, a team's cases).
            models.Index(
                fields=["next_deadline_on"], name="case_open_by_deadline", condition=models.Q(status="open")
            ),
            # Reports: cases by first day of absence (week-13 denominator, period filters).
            models.Index(fields=["first_absence_day"], name="case_by_first_absence_day"),
            # Reports: a department's cases with an employer (the first-conversation figures, their
            # exceptions, punctuality and survival). Without it PostgreSQL ANDed the team index with a bitmap
            # of the employer index over every employed case in the country: 30-50 ms a statement at 1M.
            models.Index(
                fields=["team"], name="case_employed_by_team", condition=models.Q(employer__isnull=False)
            ),
        ]

    def __str__(self):
        return f"{self.person} – {self.first_absence_day:%d-%m-%Y}"

    def absence_week(self, on: dt.date) -> int:
        """Absence week of a date: D is day 1 of week 1 (domain.md, Counting weeks)."""
        return (on - self.first_absence_day).days // 7 + 1

    def end_of_week(self, week: int) -> dt.date:
        return self.first_absence_day + dt.timedelta(days=7 * week - 1)

    @property
    def is_closed(self) -> bool:
        return self.status == self.Status.CLOSED

    @property
    def is_restricted(self) -> bool:
        return bool(self.restriction)

    @property
    def in_standby(self) -> bool:
        return self.standby_from is not None and self.standby_until is None

    @property
    def next_deadline_label(self) -> str:
        return kind_label(self.next_deadline_kind) if self.next_deadline_kind else ""

    def days_to_next_deadline(self, today: dt.date) -> int | None:
        """Days left to the stored next deadline; negative when overdue, None when there is none."""
        if self.next_deadline_on is None:
            return None
        return (self.next_deadline_on - today).days

    def deadline_light(self, today: dt.date) -> str:
        """The traffic light of 'Mine sager': green more than 10 days left, amber 10 or fewer, red overdue
        ("" without a deadline). The page also says it in words (WCAG: never colour alone)."""
        days_left = self.days_to_next_deadline(today)
        if days_left is None:
            return ""
        if days_left < 0:
            return "red"
        return "amber" if days_left <= 10 else "green"


class CaseDeadline(models.Model):
    """One legal deadline of a case (issue 18): a row per case, kind and due date, as the rulebook
    (visitation/deadlines.py) computes it from the case's facts. Written only by
    cases/services/deadlines.py, in the same transaction as the change that moved it (never by signals);
    `manage.py deadlines_rebuild --check` recomputes every row and reports any that differ.

    `state` is stored so that the sweep selects the open rows by an index range (Healthchecks' stored
    `alert_after`): open (not done), met (done on or before the due date), late (done after it) and missed
    (never done: the case closed after the due date, or a target that lapsed, like the week-13 measure)."""

    class State(models.TextChoices):
        OPEN = "open", _("Åben")
        MET = "met", _("Overholdt")
        LATE = "late", _("Overholdt for sent")
        MISSED = "missed", _("Ikke overholdt")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="deadlines")
    kind = models.CharField(_("art"), max_length=40)
    due_on = models.DateField(_("frist"))
    done_on = models.DateField(_("gennemført"), null=True, blank=True)
    planned_on = models.DateField(_("planlagt til"), null=True, blank=True)
    # Why it was done late (the first conversation: the person's condition), shown with the late deadline.
    late_ground = models.CharField(_("grund til forsinkelse"), max_length=20, blank=True)
    state = models.CharField(_("status"), max_length=10, choices=State.choices)
    legal_source = models.CharField(_("retsgrundlag"), max_length=300)
    rule_set = models.ForeignKey(RuleSet, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("frist")
        verbose_name_plural = _("frister")
        constraints = [
            models.UniqueConstraint(fields=["case", "kind", "due_on"], name="deadline_once_per_case_kind_due")
        ]
        indexes = [
            # The deadline sweep: open deadlines due by its horizon (its cost grows with the due rows).
            models.Index(fields=["due_on"], name="deadline_open_by_due", condition=models.Q(state="open")),
        ]

    def __str__(self):
        return f"{self.label} {self.due_on:%d-%m-%Y}"

    @property
    def label(self) -> str:
        return kind_label(self.kind)


class CaseEvent(models.Model):
    """The case's timeline: who did what, when. `text` is a non-health summary safe for every role that
    may see the case; health details stay on the records they belong to (minutes, offers' scores)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    occurred_at = models.DateTimeField(_("tidspunkt"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(_("hændelse"), max_length=40)
    text = models.CharField(_("beskrivelse"), max_length=500)

    class Meta:
        verbose_name = _("hændelse")
        verbose_name_plural = _("hændelser")
        ordering = ["occurred_at", "id"]
        # The case page's timeline: a case's events in order.
        indexes = [models.Index(fields=["case", "occurred_at"], name="case_event_timeline")]

    def __str__(self):
        return f"{self.occurred_at:%d-%m-%Y %H:%M} {self.text}"


class Assignment(models.Model):
    """Who was responsible for the case from when to when, and why it changed (handovers)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="assignments")
    consultant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("konsulent")
    )
    started_on = models.DateField(_("fra"))
    ended_on = models.DateField(_("til"), null=True, blank=True)
    reason = models.ForeignKey(
        HandoverReason,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("årsag til skift"),
        help_text=_("Årsagen til, at sagen kom til denne konsulent (tom ved første tildeling)."),
    )
    note = models.CharField(_("bemærkning"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("tildeling")
        verbose_name_plural = _("tildelinger")
        ordering = ["started_on", "id"]

    def __str__(self):
        return f"{self.consultant} {self.started_on:%d-%m-%Y}"


class Visitation(models.Model):
    """A (re-)assessment of the visitation category, kept as history."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="visitations")
    category = models.PositiveSmallIntegerField(_("kategori"), choices=Category.choices)
    decided_on = models.DateField(_("dato"))
    rationale = models.TextField(_("begrundelse"), blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("visitation")
        verbose_name_plural = _("visitationer")
        ordering = ["decided_on", "id"]

    def __str__(self):
        return f"{self.get_category_display()} {self.decided_on:%d-%m-%Y}"


class Conversation(models.Model):
    """A follow-up conversation (opfølgningssamtale)."""

    class Place(models.TextChoices):
        WORKPLACE = "arbejdsplads", _("Arbejdspladsen")
        JOB_CENTRE = "jobcenter", _("Jobcenteret")
        PHONE = "telefon", _("Telefon")
        VIDEO = "video", _("Video")
        HOME = "hjemme", _("Hjemme")
        HOSPITAL = "hospital", _("Hospital")

    class Participant(models.TextChoices):
        CITIZEN = "citizen", _("Borgeren")
        NEAREST_LEADER = "nearest_leader", _("Nærmeste leder")
        HR = "hr", _("HR")
        UNION = "union", _("Tillidsrepræsentant")
        COLLEAGUE = "colleague", _("Kollega")
        CONSULTANT = "consultant", _("Konsulenten")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="conversations")
    held_on = models.DateField(_("dato"))
    place = models.CharField(_("sted"), max_length=20, choices=Place.choices)
    participants = models.JSONField(_("deltagere"), default=list)
    employer_took_part = models.BooleanField(
        _("arbejdsgiveren deltog"), default=False, help_text=_("Nærmeste leder eller HR var med.")
    )
    plan = models.TextField(_("aftalt plan"), blank=True)
    next_step = models.CharField(_("aftalt næste skridt"), max_length=500, blank=True)
    minutes = models.TextField(_("kort referat"), blank=True)  # may hold health information
    # Only for the first conversation held after its deadline (visitation.deadlines: the state stays late).
    late_ground = models.CharField(
        _("grund til at samtalen blev holdt for sent"), max_length=20, choices=LateGround.choices, blank=True
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("opfølgningssamtale")
        verbose_name_plural = _("opfølgningssamtaler")
        ordering = ["held_on", "id"]
        # The case page's deadline facts and the reports' first-conversation subqueries (first by date).
        indexes = [models.Index(fields=["case", "held_on"], name="conversation_by_case_date")]

    def __str__(self):
        return f"{self.get_place_display()} {self.held_on:%d-%m-%Y}"

    @property
    def counts_as_workplace_meeting(self) -> bool:
        """At the workplace with employer, citizen and consultant present (the SOF core element)."""
        return (
            self.place == self.Place.WORKPLACE
            and self.employer_took_part
            and {self.Participant.CITIZEN, self.Participant.CONSULTANT} <= set(self.participants)
        )


class ReassessmentDecision(models.Model):
    """A re-assessment decision (sygedagpengeloven § 24), each one kept: a § 27 extension with its ground
    (§ 27, stk. 1, nr. 1–7) and the day it runs to, or the transition to jobafklaringsforløb (which closes the
    case). The case keeps the first day (Case.reassessment_decided_on) and the current extension's end
    (Case.extension_until); cases/services/casework.py `reassessment_decide` writes all three."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="reassessment_decisions")
    decided_on = models.DateField(_("afgjort"))
    outcome = models.CharField(_("afgørelse"), max_length=20, choices=ReassessmentOutcome.choices)
    extension_ground = models.CharField(
        _("forlængelsesgrund (§ 27)"), max_length=20, choices=ExtensionGround.choices, blank=True
    )
    extension_until = models.DateField(_("forlænget til og med"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("registreret"), auto_now_add=True)

    class Meta:
        verbose_name = _("revurderingsafgørelse")
        verbose_name_plural = _("revurderingsafgørelser")
        ordering = ["decided_on", "id"]

    def __str__(self):
        return f"{self.get_outcome_display()} {self.decided_on:%d-%m-%Y}"


class Complaint(models.Model):
    """A complaint against a decision on the case (klage). The municipality re-assesses its decision first
    (genvurdering); unless it changes it in the citizen's favour, it sends the complaint to Ankestyrelsen no
    later than four weeks after receiving it (Ankestyrelsen's guidance: "senest fire uger efter, at den har
    fået din klage"), which upholds, changes, remits or annuls it. cases/services/complaints.py keeps the
    order of the dates; the four weeks are a deadline with alerts (visitation/deadlines.py)."""

    class Decision(models.TextChoices):
        VISITATION = "visitation", _("Visitation")
        REASSESSMENT = "revurdering", _("Revurdering (§ 24)")
        STOP = "ophoer", _("Ophør af sygedagpenge")
        OFFER = "tilbud", _("Tilbud eller indsats")
        OTHER = "anden", _("Anden afgørelse")

    class Reassessment(models.TextChoices):
        UPHELD = "fastholdt", _("Fastholdt: sendes til Ankestyrelsen")
        CHANGED = "aendret", _("Ændret: borgeren fik medhold")

    class Outcome(models.TextChoices):
        UPHELD = "stadfaestet", _("Stadfæstet")
        CHANGED = "aendret", _("Ændret")
        REMITTED = "hjemvist", _("Hjemvist")
        ANNULLED = "ophaevet", _("Ophævet")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="complaints")
    decision = models.CharField(_("afgørelse"), max_length=20, choices=Decision.choices)
    decided_on = models.DateField(_("afgørelsens dato"))
    received_on = models.DateField(_("klagen modtaget"))
    reassessed_on = models.DateField(_("genvurderet den"), null=True, blank=True)
    reassessment = models.CharField(
        _("genvurdering"), max_length=20, choices=Reassessment.choices, blank=True
    )
    sent_on = models.DateField(_("sendt til Ankestyrelsen"), null=True, blank=True)
    outcome = models.CharField(
        _("Ankestyrelsens afgørelse"), max_length=20, choices=Outcome.choices, blank=True
    )
    outcome_on = models.DateField(_("Ankestyrelsens afgørelse modtaget"), null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("klage")
        verbose_name_plural = _("klager")
        ordering = ["received_on", "id"]

    def __str__(self):
        return f"{self.get_decision_display()} {self.received_on:%d-%m-%Y}"

    @property
    def reassessment_due_on(self) -> dt.date:
        return self.received_on + dt.timedelta(weeks=COMPLAINT_REASSESSMENT_WEEKS)

    @property
    def reassessment_done_on(self) -> dt.date | None:
        """When the four-week obligation was met: changed in the citizen's favour, or upheld and sent on."""
        if self.reassessment == self.Reassessment.CHANGED:
            return self.reassessed_on
        return self.sent_on


class Correction(models.Model):
    """A correction or annulment of a recorded conversation, with the old values kept (the Objects API's
    'correct' link, Open Zaak's audit trail with diffs). A correction changes the record in place and keeps
    {field: [old, new]}; an annulment removes the record, so that it counts nowhere, and keeps all its values
    here. Who, when and why are always recorded; the case's timeline says it in words."""

    class Kind(models.TextChoices):
        CORRECTED = "corrected", _("Rettet")
        ANNULLED = "annulled", _("Annulleret")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="corrections")
    record_type = models.CharField(_("oplysning"), max_length=20, default="conversation")
    record_id = models.PositiveBigIntegerField(_("id"))
    kind = models.CharField(_("art"), max_length=10, choices=Kind.choices)
    # corrected: {field: [old, new]}; annulled: {field: old} for every field of the record
    values = models.JSONField(_("værdier"), default=dict)
    reason = models.CharField(_("begrundelse"), max_length=500)
    made_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    made_at = models.DateTimeField(_("tidspunkt"))

    class Meta:
        verbose_name = _("rettelse")
        verbose_name_plural = _("rettelser")
        ordering = ["made_at", "id"]
        indexes = [models.Index(fields=["case", "made_at"], name="correction_by_case")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.made_at:%d-%m-%Y %H:%M}"


class Measure(models.Model):
    """An enterprise-oriented measure (virksomhedsrettet indsats)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="measures")
    type = models.ForeignKey(MeasureType, on_delete=models.PROTECT, verbose_name=_("type"))
    started_on = models.DateField(_("start"))
    ended_on = models.DateField(_("slut"), null=True, blank=True)
    note = models.CharField(_("bemærkning"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("virksomhedsrettet indsats")
        verbose_name_plural = _("virksomhedsrettede indsatser")
        ordering = ["started_on", "id"]
        # The case page's deadline facts and the week-13 figure's first-measure subquery (first by start).
        indexes = [models.Index(fields=["case", "started_on"], name="measure_by_case_start")]

    def __str__(self):
        return f"{self.type} {self.started_on:%d-%m-%Y}"


class GradualReturnStep(models.Model):
    """One step of a gradual return (timeoptrapning): from this date, this many hours a week."""

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="steps")
    from_date = models.DateField(_("fra"))
    hours_per_week = models.DecimalField(
        _("timer pr. uge"),
        max_digits=4,
        decimal_places=1,
        validators=[MinValueValidator(0), MaxValueValidator(80)],
    )

    class Meta:
        verbose_name = _("trin i timeoptrapning")
        verbose_name_plural = _("trin i timeoptrapning")
        ordering = ["from_date"]

    def __str__(self):
        return f"{self.from_date:%d-%m-%Y}: {self.hours_per_week} t/uge"


class Offer(models.Model):
    """An offer (tilbud) with the citizen's own progression score at start and end (health information)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="offers")
    type = models.ForeignKey(OfferType, on_delete=models.PROTECT, verbose_name=_("tilbud"))
    started_on = models.DateField(_("start"))
    ended_on = models.DateField(_("slut"), null=True, blank=True)
    score_start = models.PositiveSmallIntegerField(
        _("egen vurdering ved start (1–10)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
    )
    score_end = models.PositiveSmallIntegerField(
        _("egen vurdering ved slut (1–10)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
    )

    class Meta:
        verbose_name = _("tilbud")
        verbose_name_plural = _("tilbud")
        ordering = ["started_on", "id"]

    def __str__(self):
        return f"{self.type} {self.started_on:%d-%m-%Y}"


class CaseException(models.Model):
    """An exception from the workplace meeting: proposed by one person, decided by another."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Afventer afgørelse")
        APPROVED = "approved", _("Godkendt")
        REJECTED = "rejected", _("Afvist")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="exceptions")
    reason = models.ForeignKey(ExceptionReason, on_delete=models.PROTECT, verbose_name=_("årsag"))
    note = models.TextField(_("bemærkning"), blank=True)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    proposed_at = models.DateTimeField(_("foreslået"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("afgjort"), null=True, blank=True)
    decision_note = models.TextField(_("begrundelse for afgørelsen"), blank=True)

    class Meta:
        verbose_name = _("undtagelse")
        verbose_name_plural = _("undtagelser")
        ordering = ["proposed_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(decided_by=models.F("proposed_by")),
                name="exception_not_decided_by_proposer",
                violation_error_message=_("En undtagelse kan ikke afgøres af den, der har foreslået den."),
            ),
        ]
        indexes = [
            # The deciders' list of pending exceptions.
            models.Index(
                fields=["proposed_at"], name="exception_pending", condition=models.Q(status="pending")
            ),
        ]

    def __str__(self):
        return f"{self.reason} ({self.get_status_display()})"


class ImportJob(models.Model):
    """One upload of a monitoring sheet (formats.md §1) on its way through the background import (issue 17):
    a worker reads and checks the file (cases/services/import_jobs.py), the leader sees the preview and
    confirms, a worker writes every row or none. The file waits encrypted in the documents storage and is
    deleted after confirmation, cancellation or 24 hours, whichever comes first; after 24 hours the job also
    forgets its first rows and its errors (they name citizens' rows), keeping only its counts."""

    class Status(models.TextChoices):
        READING = "reading", _("Læser filen")
        CHECKING = "checking", _("Kontrollerer rækkerne")
        READY = "ready", _("Klar til forhåndsvisning")
        SAVING = "saving", _("Gemmer")
        DONE = "done", _("Importeret")
        FAILED = "failed", _("Ikke importeret")
        CANCELLED = "cancelled", _("Annulleret")

    # The states a worker is busy in: the page polls the progress while the job is in one of them.
    IN_PROGRESS = (Status.READING, Status.CHECKING, Status.SAVING)

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="import_jobs", verbose_name=_("af")
    )
    # The importing user's municipality when uploaded: a new case without a consultant lands in it (issue 16).
    municipality = models.ForeignKey(
        "staff.Municipality", on_delete=models.CASCADE, null=True, blank=True, verbose_name=_("kommune")
    )
    filename = models.CharField(_("filnavn"), max_length=255)
    # The uploaded bytes, Fernet-encrypted under the CPR keys (crypto.sheet_encrypt); blank once deleted.
    file = models.FileField(
        _("fil (krypteret)"), upload_to="imports/%Y/%m", storage=document_storage, blank=True, max_length=255
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.READING)
    message = models.CharField(_("besked"), max_length=500, blank=True)  # why the whole file was refused
    rows_total = models.PositiveIntegerField(_("rækker i filen"), null=True, blank=True)
    rows_read = models.PositiveIntegerField(_("læste rækker"), default=0)
    rows_checked = models.PositiveIntegerField(_("kontrollerede rækker"), default=0)
    created_count = models.PositiveIntegerField(_("nye sager"), default=0)
    updated_count = models.PositiveIntegerField(_("opdaterede sager"), default=0)
    error_count = models.PositiveIntegerField(_("fejl"), default=0)
    # Compact: [[row, column, message], …] in row order; every error, paged on the page.
    errors = models.JSONField(_("fejlliste"), default=list, blank=True)
    # The first rows as the preview shows them (CPR masked): never the whole sheet.
    preview = models.JSONField(_("første rækker"), default=list, blank=True)
    # Where the confirmation came from, for the audit entries the worker writes on the leader's behalf.
    confirmed_from = models.GenericIPAddressField(_("bekræftet fra"), null=True, blank=True)
    confirmed_path = models.CharField(_("bekræftet på siden"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("oprettet"), auto_now_add=True)
    # Touched by every progress step: a job in a busy state whose row has not moved for long lost its task.
    updated_at = models.DateTimeField(_("opdateret"), auto_now=True)
    expires_at = models.DateTimeField(_("filen slettes senest"))

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("importer")
        ordering = ["-created_at"]
        indexes = [
            # The hourly import clean-up (cases.import_jobs_clean_up): jobs past their 24 hours.
            models.Index(fields=["expires_at"], name="import_job_expiry"),
        ]

    def __str__(self):
        return f"{self.filename} ({self.get_status_display()})"

    @property
    def in_progress(self) -> bool:
        return self.status in self.IN_PROGRESS

    @property
    def percent(self) -> int:
        """How far the current phase has come, 0–100. Saving reads and checks the file again, then writes
        every row in one transaction (whose progress no other connection sees): that part is the last 10."""
        total = self.rows_total or 0
        if not total:
            return 0
        if self.status == self.Status.READING:
            done = self.rows_read / total
        elif self.status == self.Status.CHECKING:
            done = self.rows_checked / total
        elif self.status == self.Status.SAVING:
            done = 0.9 * (self.rows_read + self.rows_checked) / (2 * total)
        else:
            done = 1
        return max(0, min(100, int(100 * done)))

    def preview_rows(self) -> list[dict]:
        """The stored first rows, their dates as dates (the page formats them the Danish way)."""
        dates = ("first_absence_day", "first_conversation", "closed_on")
        return [
            {**row, **{name: dt.date.fromisoformat(row[name]) if row.get(name) else None for name in dates}}
            for row in self.preview
        ]


class Alert(models.Model):
    """A deadline alert, created by the deadline sweep (cases/services/alerts.py) exactly once per case, kind,
    due date and level; a caseload alert (no case) exactly once per open episode per consultant.

    `recipient` is the responsible consultant; NULL means the booker queue of the case's team (unassigned
    cases); escalated alerts go to the team leader. `read_at` is the acknowledgement, `resolved_at` the
    resolution: by a person (`resolved_by`) or by the sweep when the deadline was met (`resolved_by` NULL)."""

    class Level(models.TextChoices):
        DUE_SOON = "due_soon", _("Forfalder snart")
        DUE_TODAY = "due_today", _("Forfalder i dag")
        OVERDUE = "overdue", _("Overskredet")
        ESCALATED = "escalated", _("Overskredet i mere end 7 dage")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, null=True, blank=True, related_name="alerts")
    kind = models.CharField(_("art"), max_length=40)
    level = models.CharField(_("niveau"), max_length=10, choices=Level.choices)
    due_on = models.DateField(_("frist"))
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="alerts"
    )
    # The consultant an alert without a case is about (caseload above target); shown to the leader.
    about_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("vedrører medarbejder"),
    )
    created_at = models.DateTimeField(_("oprettet"), auto_now_add=True)
    read_at = models.DateTimeField(_("læst"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("løst"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("løst af"),
    )

    class Meta:
        verbose_name = _("påmindelse")
        verbose_name_plural = _("påmindelser")
        constraints = [
            # Exactly once per case, kind, due date and level, whatever workers or repeated beats do. The due
            # date is part of the key because some deadlines recur (the next follow-up every 4 weeks).
            models.UniqueConstraint(
                fields=["case", "kind", "due_on", "level"], name="alert_once_per_case_kind_due_level"
            ),
            # Alerts about a person rather than a case (caseload above target): one open alert at a time.
            models.UniqueConstraint(
                fields=["about_user", "kind"],
                name="alert_one_open_per_person_kind",
                condition=models.Q(case__isnull=True, resolved_at__isnull=True),
            ),
        ]
        indexes = [
            # The bell and 'Mine opgaver': a person's unresolved alerts.
            models.Index(
                fields=["recipient", "created_at"],
                name="alert_open_by_recipient",
                condition=models.Q(resolved_at__isnull=True),
            ),
            # The morning digest: alerts created since a person's previous digest.
            models.Index(fields=["created_at"], name="alert_by_created_at"),
        ]

    def __str__(self):
        return f"{self.kind_label} {self.get_level_display()} {self.due_on:%d-%m-%Y}"

    @property
    def kind_label(self) -> str:
        return alert_kinds.label(self.kind)

    @property
    def absence_week(self) -> int | None:
        """The absence week the due date falls in (None for alerts without a case)."""
        return self.case.absence_week(self.due_on) if self.case_id else None

    @property
    def is_overdue(self) -> bool:
        return self.level in {self.Level.OVERDUE, self.Level.ESCALATED}


class AlertSettings(models.Model):
    """Alert lead times the administrator sets in the admin; one row (created on first use)."""

    first_meeting_lead_working_days = models.PositiveSmallIntegerField(
        _("advar om ikke-booket første møde (arbejdsdage før udgangen af uge 8)"),
        default=10,
        validators=[MinValueValidator(1), MaxValueValidator(30)],
    )
    due_soon_working_days = models.PositiveSmallIntegerField(
        _("'forfalder snart' (arbejdsdage før fristen)"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(30)],
    )

    class Meta:
        verbose_name = _("indstillinger for påmindelser")
        verbose_name_plural = _("indstillinger for påmindelser")

    def __str__(self):
        return str(_("Indstillinger for påmindelser"))

    @classmethod
    def current(cls) -> "AlertSettings":
        return cls.objects.order_by("pk").first() or cls()


class AlertDigest(models.Model):
    """One e-mail per person per morning (or per week for leaders' summaries). The row is created before the
    mail is sent and covers the alerts created in [covers_from, covers_until); `sent_at` is set in the same
    transaction that sends, under a row lock, so a second delivery never mails twice. Attempts and errors
    are the outbox's (outbox.OutboxMessage, kind cases.alert_digest)."""

    class Kind(models.TextChoices):
        DAILY = "daily", _("Morgenoversigt")
        WEEKLY = "weekly", _("Ugeoversigt for ledere")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="alert_digests"
    )
    kind = models.CharField(_("art"), max_length=10, choices=Kind.choices, default=Kind.DAILY)
    digest_date = models.DateField(_("dato"))
    covers_from = models.DateTimeField(null=True, blank=True)
    covers_until = models.DateTimeField()
    alert_count = models.PositiveIntegerField(_("antal påmindelser"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(_("sendt"), null=True, blank=True)

    class Meta:
        verbose_name = _("e-mailoversigt")
        verbose_name_plural = _("e-mailoversigter")
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "kind", "digest_date"], name="alert_digest_once_per_person_day"
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.digest_date:%d-%m-%Y}"


class SweepRun(models.Model):
    """Every deadline sweep is recorded, so /healthz and the leader see when it last ran."""

    started_at = models.DateTimeField(_("startet"))
    finished_at = models.DateTimeField(_("afsluttet"), null=True, blank=True)
    as_of = models.DateTimeField(_("kørt pr."))
    created = models.PositiveIntegerField(_("oprettede påmindelser"), default=0)
    resolved = models.PositiveIntegerField(_("løste påmindelser"), default=0)
    failed = models.PositiveIntegerField(_("fejlede trin"), default=0)

    class Meta:
        verbose_name = _("fristkørsel")
        verbose_name_plural = _("fristkørsler")
        ordering = ["-started_at"]
        # /healthz and the sweep status: the latest run.
        indexes = [models.Index(fields=["-started_at"], name="sweep_run_latest")]

    def __str__(self):
        return f"{self.started_at:%d-%m-%Y %H:%M}"
