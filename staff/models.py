from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from staff.geo import validate_postcode


class Municipality(models.Model):
    code = models.PositiveSmallIntegerField(_("kommunenummer"), unique=True)
    name = models.CharField(_("navn"), max_length=100)

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


class StaffMember(models.Model):
    class Position(models.TextChoices):
        CASEWORKER = "caseworker", _("Sagsbehandler")
        JOB_CONSULTANT = "job_consultant", _("Jobkonsulent")
        RETENTION_CONSULTANT = "retention_consultant", _("Fastholdelseskonsulent")
        ADMINISTRATIVE = "administrative", _("Administrativ medarbejder")
        LEADER = "leader", _("Leder")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff", verbose_name=_("bruger")
    )
    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, null=True, blank=True, related_name="members", verbose_name=_("team")
    )
    position_before_conversion = models.CharField(
        _("stilling før omlægning"), max_length=30, choices=Position.choices, blank=True
    )
    base_postcode = models.CharField(
        _("postnummer for arbejdssted"), max_length=4, blank=True, validators=[validate_postcode]
    )
    weekly_hours = models.DecimalField(
        _("ugentlige timer"), max_digits=4, decimal_places=1, default=37, validators=[MinValueValidator(0)]
    )
    caseload_target = models.PositiveSmallIntegerField(
        _("mål for sagsstamme"), default=45, help_text=_("Anbefalet antal sager pr. konsulent (45).")
    )

    class Meta:
        verbose_name = _("medarbejder")
        verbose_name_plural = _("medarbejdere")
        ordering = ["user__first_name", "user__last_name"]

    def __str__(self):
        return self.user.get_full_name() or self.user.get_username()
