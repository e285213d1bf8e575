"""The rulebook as data: effective-dated rule sets and the catalogues administrators maintain.

The arithmetic that uses these rows lives in visitation/deadlines.py (pure functions, no database).
"""

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from visitation import deadlines


class Category(models.IntegerChoices):
    ONE = 1, _("Kategori 1")
    TWO = 2, _("Kategori 2")
    THREE = 3, _("Kategori 3")


class RuleSetQuerySet(models.QuerySet):
    def in_force_on(self, day):
        """The rule set in force on a day: the latest one effective on or before it."""
        return self.filter(effective_from__lte=day).order_by("-effective_from").first()


class RuleSet(models.Model):
    """Which deadlines apply to a case is decided by its first day of absence (domain.md, 2025 reform)."""

    name = models.CharField(_("navn"), max_length=100, unique=True)
    effective_from = models.DateField(_("gælder for første fraværsdag fra"), unique=True)
    category_3_exists = models.BooleanField(_("kategori 3 findes"), default=True)
    first_follow_up_week = models.PositiveSmallIntegerField(
        _("første opfølgningssamtale senest ved udgangen af uge"),
        default=8,
        validators=[MinValueValidator(1)],
    )
    follow_up_interval_weeks = models.PositiveSmallIntegerField(
        _("opfølgning mindst hver (uger)"), default=4, validators=[MinValueValidator(1)]
    )
    measure_week = models.PositiveSmallIntegerField(
        _("virksomhedsrettet indsats senest ved udgangen af uge"),
        default=13,
        validators=[MinValueValidator(1)],
    )
    employer_period_days = models.PositiveSmallIntegerField(_("arbejdsgiverperiode (dage)"), default=30)
    reassessment_benefit_weeks = models.PositiveSmallIntegerField(
        _("revurdering efter mere end (uger med sygedagpenge)"), default=22
    )
    reassessment_window_months = models.PositiveSmallIntegerField(
        _("inden for de seneste (måneder)"), default=9
    )
    fast_track_request_weeks = models.PositiveSmallIntegerField(
        _("Fast track kan anmodes indtil (uger efter første fraværsdag)"), default=5
    )
    fast_track_meeting_weeks = models.PositiveSmallIntegerField(
        _("Fast track: samtale senest (uger efter anmodning)"), default=2
    )
    fast_track_reply_bank_days = models.PositiveSmallIntegerField(
        _("Fast track: svarfrist (bankdage)"), default=2
    )
    agreement_56_years = models.PositiveSmallIntegerField(_("§ 56-aftale gælder (år)"), default=2)
    recovery_only_follow_up = models.BooleanField(
        _("§ 13 f: opfølgning kun ved raskmelding, når fuld raskmelding forventes inden uge 13"),
        default=False,
    )
    # § 27, stk. 1, nr. 2 and 3: how far an extension may run, in weeks from the re-assessment date.
    extension_work_ability_weeks = models.PositiveSmallIntegerField(
        _("§ 27, stk. 1, nr. 2: forlængelse højst (uger fra revurderingstidspunktet)"),
        default=69,
        validators=[MinValueValidator(1)],
    )
    extension_treatment_weeks = models.PositiveSmallIntegerField(
        _("§ 27, stk. 1, nr. 3: forlængelse højst (uger fra revurderingstidspunktet)"),
        default=134,
        validators=[MinValueValidator(1)],
    )

    # The legal source shown with each deadline; a municipality's lawyer corrects the wording here.
    source_visitation = models.CharField(
        _("hjemmel: visitation"),
        max_length=200,
        default=deadlines.DEFAULT_LEGAL_SOURCES[deadlines.VISITATION],
    )
    source_first_follow_up = models.CharField(
        _("hjemmel: første opfølgningssamtale"),
        max_length=200,
        default=deadlines.DEFAULT_LEGAL_SOURCES[deadlines.FIRST_FOLLOW_UP],
    )
    source_next_follow_up = models.CharField(
        _("hjemmel: næste opfølgning"),
        max_length=200,
        default=deadlines.DEFAULT_LEGAL_SOURCES[deadlines.NEXT_FOLLOW_UP],
    )
    source_week13_measure = models.CharField(
        _("hjemmel: virksomhedsrettet indsats før uge 13"),
        max_length=200,
        default=deadlines.DEFAULT_LEGAL_SOURCES[deadlines.WEEK13_MEASURE],
    )
    source_reassessment = models.CharField(
        _("hjemmel: revurdering"),
        max_length=200,
        default=deadlines.DEFAULT_LEGAL_SOURCES[deadlines.REASSESSMENT],
    )
    source_fast_track_reply = models.CharField(
        _("hjemmel: svar på Fast track"),
        max_length=200,
        default=deadlines.DEFAULT_LEGAL_SOURCES[deadlines.FAST_TRACK_REPLY],
    )
    source_fast_track_meeting = models.CharField(
        _("hjemmel: samtale efter Fast track"),
        max_length=200,
        default=deadlines.DEFAULT_LEGAL_SOURCES[deadlines.FAST_TRACK_MEETING],
    )
    source_agreement_56_expiry = models.CharField(
        _("hjemmel: § 56-aftale"),
        max_length=200,
        default=deadlines.DEFAULT_LEGAL_SOURCES[deadlines.AGREEMENT_56_EXPIRY],
    )
    source_category1_after_week8 = models.CharField(
        _("hjemmel: kategori 1 efter uge 8"),
        max_length=200,
        default=deadlines.DEFAULT_LEGAL_SOURCES[deadlines.CATEGORY1_AFTER_WEEK8],
    )
    source_extension_end = models.CharField(
        _("hjemmel: § 27-forlængelse udløber"),
        max_length=200,
        default=deadlines.DEFAULT_LEGAL_SOURCES[deadlines.EXTENSION_END],
    )

    objects = RuleSetQuerySet.as_manager()

    class Meta:
        verbose_name = _("regelsæt")
        verbose_name_plural = _("regelsæt")
        ordering = ["-effective_from"]

    def __str__(self):
        return self.name

    def as_rules(self) -> deadlines.Rules:
        """The plain values the pure deadline functions take."""
        return deadlines.Rules.from_rule_set(self)


class CatalogueEntry(models.Model):
    """A code users type (formats.md) with a Danish label; admins add entries without code changes."""

    code = models.SlugField(_("kode"), max_length=40, unique=True)
    label = models.CharField(_("betegnelse"), max_length=200)
    active = models.BooleanField(_("aktiv"), default=True)

    class Meta:
        abstract = True
        ordering = ["label"]

    def __str__(self):
        return self.label


class ExceptionReason(CatalogueEntry):
    exempts_from_workplace_target = models.BooleanField(
        _("undtager fra målet om møde på arbejdspladsen"), default=True
    )

    class Meta(CatalogueEntry.Meta):
        verbose_name = _("undtagelsesårsag")
        verbose_name_plural = _("undtagelsesårsager")


class ClosingReason(CatalogueEntry):
    counts_as_return_to_work = models.BooleanField(_("tæller som tilbage i arbejde"), default=False)
    excluded_from_figures = models.BooleanField(
        _("holdes ude af alle nøgletal"), default=False, help_text=_("Fx sager oprettet ved en fejl.")
    )

    class Meta(CatalogueEntry.Meta):
        verbose_name = _("afslutningsårsag")
        verbose_name_plural = _("afslutningsårsager")


class MeasureType(CatalogueEntry):
    counts_for_week_13 = models.BooleanField(_("tæller for målet før uge 13"), default=True)

    class Meta(CatalogueEntry.Meta):
        verbose_name = _("type af virksomhedsrettet indsats")
        verbose_name_plural = _("typer af virksomhedsrettet indsats")


class OfferType(CatalogueEntry):
    class Meta(CatalogueEntry.Meta):
        verbose_name = _("tilbud")
        verbose_name_plural = _("tilbud")


class HandoverReason(CatalogueEntry):
    avoidable = models.BooleanField(
        _("kunne undgås"), default=False, help_text=_("Skift, som SOF-modellen ikke regner som en god grund.")
    )

    class Meta(CatalogueEntry.Meta):
        verbose_name = _("årsag til sagsoverdragelse")
        verbose_name_plural = _("årsager til sagsoverdragelse")
