from django.contrib import admin

from meetings.models import Absence, ConsultantCalendar, ContactAttempt, Meeting, WorkingHours


class WorkingHoursInline(admin.TabularInline):
    model = WorkingHours
    extra = 0


@admin.register(ConsultantCalendar)
class ConsultantCalendarAdmin(admin.ModelAdmin):
    list_display = ["consultant", "office_weekday"]
    inlines = [WorkingHoursInline]
    search_fields = ["consultant__username", "consultant__first_name", "consultant__last_name"]


@admin.register(Absence)
class AbsenceAdmin(admin.ModelAdmin):
    list_display = ["consultant", "kind", "starts_on", "ends_on"]
    list_filter = ["kind"]
    date_hierarchy = "starts_on"


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    # Read-only here: booking goes through meetings.services so that locks, letters and e-mails happen.
    list_display = ["starts_at", "consultant", "place", "status"]
    list_filter = ["status", "place"]
    date_hierarchy = "starts_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ContactAttempt)
class ContactAttemptAdmin(admin.ModelAdmin):
    list_display = ["made_at", "employer", "outcome", "made_by"]
    list_filter = ["outcome"]

    def has_change_permission(self, request, obj=None):
        return False
