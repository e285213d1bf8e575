from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from cases.identifiers import validate_cvr
from staff.geo import validate_postcode


class Employer(models.Model):
    cvr = models.CharField(_("CVR-nummer"), max_length=8, unique=True, validators=[validate_cvr])
    name = models.CharField(_("navn"), max_length=200)
    address = models.CharField(_("adresse"), max_length=200, blank=True)
    postcode = models.CharField(_("postnummer"), max_length=4, blank=True, validators=[validate_postcode])
    town = models.CharField(_("by"), max_length=100, blank=True)
    municipality = models.CharField(_("kommune"), max_length=100, blank=True)
    industry_code = models.CharField(_("branchekode"), max_length=6, blank=True)
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
