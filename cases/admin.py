from django.contrib import admin, messages
from django.utils.translation import gettext as _

from cases.models import Alert, AlertDigest, AlertSettings, Employer, SweepRun
from cases.selectors.alerts import sweep_is_late


@admin.register(Employer)
class EmployerAdmin(admin.ModelAdmin):
    list_display = ["name", "cvr", "postcode", "town", "industry_code"]
    search_fields = ["name", "cvr"]
    list_select_related = ["contact_consultant"]


@admin.register(AlertSettings)
class AlertSettingsAdmin(admin.ModelAdmin):
    list_display = ["__str__", "first_meeting_lead_working_days", "due_soon_working_days"]

    def has_add_permission(self, request):
        return not AlertSettings.objects.exists()  # one row


@admin.register(Alert)
class AlertAdmin(admin.ModelAdmin):
    list_display = ["kind", "level", "due_on", "recipient", "created_at", "read_at", "resolved_at"]
    list_filter = ["level", "kind"]
    list_select_related = ["recipient"]
    raw_id_fields = ["case", "recipient", "about_user", "resolved_by"]
    date_hierarchy = "created_at"


@admin.register(AlertDigest)
class AlertDigestAdmin(admin.ModelAdmin):
    list_display = ["digest_date", "kind", "recipient", "alert_count", "sent_at"]
    list_filter = ["kind"]
    list_select_related = ["recipient"]
    readonly_fields = [f.name for f in AlertDigest._meta.fields]


@admin.register(SweepRun)
class SweepRunAdmin(admin.ModelAdmin):
    list_display = ["started_at", "finished_at", "as_of", "created", "resolved", "failed"]
    readonly_fields = [f.name for f in SweepRun._meta.fields]

    def changelist_view(self, request, extra_context=None):
        if sweep_is_late():
            messages.warning(
                request, _("Fristkørslen har ikke kørt den seneste time. Kører Celery beat og worker?")
            )
        return super().changelist_view(request, extra_context)
