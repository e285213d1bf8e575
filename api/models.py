import hashlib
import secrets

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from staff.models import Municipality, Team


class Scope(models.TextChoices):
    INTAKE_WRITE = "intake:write", _("intake:write – nye sager fra ydelseskontoret")
    CASES_READ = "cases:read", _("cases:read – pseudonymiserede sager til BI")
    FIGURES_READ = "figures:read", _("figures:read – milepælstal")
    DEADLINES_READ = "deadlines:read", _("deadlines:read – en sags frister")


def token_hash(token: str) -> str:
    """Tokens are 256 random bits, so a plain SHA-256 is enough to store them (no salt or slow hash needed:
    there is nothing to guess); the token itself is shown once and never stored."""
    return hashlib.sha256(token.encode()).hexdigest()


class ApiClient(models.Model):
    """A system that calls the API on behalf of one municipality (the benefit office's payment system, the BI
    team's nightly job). Clients, not people: the token is the client's, its scopes say what it may do."""

    name = models.CharField(_("navn"), max_length=100, unique=True)
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, verbose_name=_("kommune"))
    intake_team = models.ForeignKey(
        Team,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("team for nye sager"),
        help_text=_("Hvor sager fra intake:write lander (bookerne og lederne i teamets afdeling ser dem)."),
    )
    scopes = models.JSONField(_("rettigheder"), default=list)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    token_hint = models.CharField(_("nøglens start"), max_length=8, editable=False)
    created_at = models.DateTimeField(_("oprettet"), auto_now_add=True)
    expires_at = models.DateTimeField(_("udløber"))
    revoked_at = models.DateTimeField(_("tilbagekaldt"), null=True, blank=True)

    class Meta:
        verbose_name = _("API-klient")
        verbose_name_plural = _("API-klienter")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def clean(self):
        unknown = sorted(set(self.scopes) - set(Scope.values)) if isinstance(self.scopes, list) else ["?"]
        if unknown:
            raise ValidationError({"scopes": _("Ukendte rettigheder: %(scopes)s") % {"scopes": unknown}})
        if self.intake_team_id and self.intake_team.department.municipality_id != self.municipality_id:
            raise ValidationError({"intake_team": _("Teamet hører ikke til klientens kommune.")})
        if Scope.INTAKE_WRITE in self.scopes and not self.intake_team_id:
            raise ValidationError({"intake_team": _("En klient med intake:write skal have et team.")})

    def new_token(self) -> str:
        """A fresh token for this client (replacing any earlier one); the caller shows it once."""
        token = secrets.token_urlsafe(32)
        self.token_hash = token_hash(token)
        self.token_hint = token[:8]
        return token

    def is_usable(self, now=None) -> bool:
        now = now or timezone.now()
        return self.revoked_at is None and self.expires_at > now
