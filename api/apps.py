from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    """The integration API (/api/v1/): cases in from the benefit office, figures and pseudonymised cases out
    for BI. Django REST framework with an OpenAPI 3 schema from drf-spectacular (docs/openapi.yaml)."""

    name = "api"
    verbose_name = _("Integration (API)")
