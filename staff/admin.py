from django.contrib import admin
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from staff.models import (
    AuditEntry,
    CaseType,
    CompetenceItemType,
    CompetencePlan,
    CompetencePlanChange,
    CompetencePlanItem,
    ConversionTarget,
    Department,
    Industry,
    Municipality,
    StaffMember,
    StaffQualification,
    Team,
)
from staff.roles import Role


class ConversionTargetInline(admin.TabularInline):
    model = ConversionTarget
    extra = 1


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "first_meeting_requires_qualification", "first_meeting_slots_per_week"]
    inlines = [ConversionTargetInline]


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["name", "municipality"]


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "department", "slug"]
    list_select_related = ["department"]
    prepopulated_fields = {"slug": ["name"]}


class StaffQualificationInline(admin.TabularInline):
    model = StaffQualification
    extra = 0


@admin.register(StaffMember)
class StaffMemberAdmin(admin.ModelAdmin):
    list_display = [
        "__str__",
        "team",
        "roles",
        "position_before_conversion",
        "weekly_hours",
        "caseload_target",
    ]
    list_filter = ["team", "position_before_conversion"]
    list_select_related = ["user", "team"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    autocomplete_fields = ["leader"]
    filter_horizontal = ["industries", "case_type_preferences"]
    inlines = [StaffQualificationInline]
    fields = [
        "user",
        "team",
        "leader",
        "position_before_conversion",
        "base_postcode",
        "weekly_hours",
        "caseload_target",
        "industries",
        "case_type_preferences",
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("user__groups")

    @admin.display(description=_("roller"))
    def roles(self, obj):
        labels = {role.value: role.label for role in Role}
        return ", ".join(str(labels[g.name]) for g in obj.user.groups.all() if g.name in labels) or "–"


@admin.register(Industry)
class IndustryAdmin(admin.ModelAdmin):
    search_fields = ["name"]


@admin.register(CaseType)
class CaseTypeAdmin(admin.ModelAdmin):
    search_fields = ["name"]


@admin.register(CompetenceItemType)
class CompetenceItemTypeAdmin(admin.ModelAdmin):
    list_display = ["name", "position", "is_active"]
    list_editable = ["position", "is_active"]


@admin.register(ConversionTarget)
class ConversionTargetAdmin(admin.ModelAdmin):
    list_display = ["municipality", "due_on", "qualified_count", "note"]
    list_filter = ["municipality"]
    date_hierarchy = "due_on"


class CompetencePlanItemInline(admin.TabularInline):
    model = CompetencePlanItem
    extra = 0


class CompetencePlanChangeInline(admin.TabularInline):
    model = CompetencePlanChange
    extra = 0
    can_delete = False
    fields = ["changed_at", "changed_by", "description"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(CompetencePlan)
class CompetencePlanAdmin(admin.ModelAdmin):
    """Kept for superusers: leaders work with plans in the app, and the history is written there too."""

    list_display = ["staff_member", "expectation_talk_on", "expected_transition_on"]
    list_select_related = ["staff_member__user"]
    inlines = [CompetencePlanItemInline, CompetencePlanChangeInline]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if form.changed_data:
            fields = ", ".join(str(form.fields[name].label) for name in form.changed_data)
            CompetencePlanChange.objects.create(
                plan=obj,
                changed_by=request.user,
                description=gettext("Ændret i administrationen: %(fields)s") % {"fields": fields},
            )

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        if formset.model is CompetencePlanItem and formset.has_changed():
            CompetencePlanChange.objects.create(
                plan=form.instance,
                changed_by=request.user,
                description=gettext("Tiltag ændret i administrationen"),
            )


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only: list, filter and look; no add, change or delete, not even for superusers. Only
    superusers (the data-protection officer's account) see it here; leaders use the case's access log."""

    list_display = [
        "occurred_at",
        "actor_username",
        "actor_roles",
        "action",
        "object_type",
        "case_uuid",
        "path",
    ]
    list_filter = ["action", "object_type", "occurred_at"]
    search_fields = ["actor_username", "=case_uuid", "=person_uuid"]
    date_hierarchy = "occurred_at"
    readonly_fields = [field.name for field in AuditEntry._meta.fields]
    actions = None

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
