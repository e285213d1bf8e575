from django.contrib import admin

from reporting.models import Milestone, MonthlyReportMail


@admin.register(Milestone)
class MilestoneAdmin(admin.ModelAdmin):
    list_display = ["figure", "due_on", "target_percent", "municipality", "note"]
    list_filter = ["municipality", "figure"]
    date_hierarchy = "due_on"


@admin.register(MonthlyReportMail)
class MonthlyReportMailAdmin(admin.ModelAdmin):
    """Read-only: whether each leader's monthly figures mail went out (why not: the outbox's messages)."""

    list_display = ["recipient", "month", "sent_at"]
    list_filter = ["month"]
    readonly_fields = ["recipient", "month", "sent_at"]

    def has_add_permission(self, request):
        return False
