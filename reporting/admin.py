from django.contrib import admin

from reporting.models import Milestone


@admin.register(Milestone)
class MilestoneAdmin(admin.ModelAdmin):
    list_display = ["figure", "due_on", "target_percent", "note"]
    list_filter = ["figure"]
    date_hierarchy = "due_on"
