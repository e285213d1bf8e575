from django import forms
from django.apps import apps
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import Group
from django.shortcuts import redirect
from django.urls import reverse
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
        "phone",
        "weekly_hours",
        "caseload_target",
        "industries",
        "case_type_preferences",
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("user__groups")

    def get_readonly_fields(self, request, obj=None):
        return ["user"]

    def has_add_permission(self, request):
        # A staff member is added on their login's page (Brugere), where the login is created first.
        return False

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


class RestrictedCaseFilter(admin.SimpleListFilter):
    """The data-protection officer's list of every use of restricted cases (issue 16)."""

    title = _("beskyttede sager")
    parameter_name = "restricted"

    def lookups(self, request, model_admin):
        return [("yes", _("Kun beskyttede sager"))]

    def queryset(self, request, queryset):
        if self.value() != "yes":
            return queryset
        # By name, not import: staff is the leftmost app (the cases app imports staff, never the reverse).
        cases = apps.get_model("cases", "Case").objects.exclude(restriction="")
        return queryset.filter(case_uuid__in=cases.values("uuid"))


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
    list_filter = ["action", RestrictedCaseFilter, "object_type", "occurred_at"]
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


# --- Logins: the administrator creates, places and deactivates them on one page -----------------------------


class StaffMemberInline(admin.StackedInline):
    """Team, leader and working data of the login, on the login's own page (no separate pick of a login)."""

    model = StaffMember
    can_delete = False
    fk_name = "user"
    autocomplete_fields = ["leader"]
    filter_horizontal = ["industries", "case_type_preferences"]
    fields = StaffMemberAdmin.fields[1:]  # everything but the login itself


admin.site.unregister(get_user_model())


@admin.register(get_user_model())
class StaffUserAdmin(UserAdmin):
    """Logins of the job centre's staff. The administrator role creates them, gives them role(s) (the four
    role groups, nothing else) and a team, and deactivates those who leave — never deletes them, since their
    name stays on what they recorded. Superuser status and single permissions are for superusers only, and
    an administrator neither sees nor edits superusers' logins (no way up from setup to the audit log)."""

    inlines = [StaffMemberInline]
    list_display = ["username", "full_name", "roles", "team", "is_active"]
    list_filter = ["is_active", "groups", "staff__team"]
    list_select_related = ["staff__team"]
    search_fields = ["username", "first_name", "last_name", "email"]
    ordering = ["last_name", "first_name", "username"]
    actions = ["deactivate_and_hand_over"]
    filter_horizontal = ["user_permissions"]  # roles are four check boxes (formfield_for_manytomany)
    administrator_fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Personlige oplysninger"), {"fields": ("first_name", "last_name", "email")}),
        (_("Roller og adgang"), {"fields": ("is_active", "groups")}),
        (_("Vigtige datoer"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": (
                    "username",
                    "first_name",
                    "last_name",
                    "email",
                    "password1",
                    "password2",
                    "groups",
                ),
            },
        ),
    )
    readonly_fields = ["last_login", "date_joined"]

    def get_queryset(self, request):
        users = super().get_queryset(request).prefetch_related("groups")
        return users if request.user.is_superuser else users.filter(is_superuser=False)

    def get_fieldsets(self, request, obj=None):
        if obj is None or request.user.is_superuser:
            return super().get_fieldsets(request, obj)
        return self.administrator_fieldsets

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name != "groups":
            return super().formfield_for_manytomany(db_field, request, **kwargs)
        kwargs["queryset"] = Group.objects.filter(name__in=Role.values).order_by("name")
        kwargs["widget"] = forms.CheckboxSelectMultiple
        kwargs["help_text"] = _("Rollerne lægges sammen: en bruger med to roller ser begge dele.")
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        field.label_from_instance = lambda group: Role(group.name).label  # words, not the group's code
        return field

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # The Django admin's door follows the administrator role (a superuser keeps it regardless).
        user = form.instance
        is_staff = user.is_superuser or user.groups.filter(name=Role.ADMINISTRATOR).exists()
        if user.is_staff != is_staff:
            type(user).objects.filter(pk=user.pk).update(is_staff=is_staff)

    @admin.display(description=_("navn"), ordering="last_name")
    def full_name(self, user):
        return user.get_full_name() or "–"

    @admin.display(description=_("roller"))
    def roles(self, user):
        labels = {role.value: role.label for role in Role}
        return ", ".join(str(labels[g.name]) for g in user.groups.all() if g.name in labels) or "–"

    @admin.display(description=_("team"), ordering="staff__team__name")
    def team(self, user):
        staff = getattr(user, "staff", None)
        return staff.team if staff is not None and staff.team_id else "–"

    @admin.action(description=_("Deaktivér og fordel åbne sager til kolleger"))
    def deactivate_and_hand_over(self, request, queryset):
        """One leaver at a time: the next page (cases app, which owns the cases) shows their open cases and
        asks which colleagues take them."""
        if queryset.count() != 1:
            self.message_user(request, gettext("Vælg én medarbejder ad gangen."), level="warning")
            return None
        return redirect(reverse("cases:leaver_hand_over", args=[queryset.get().pk]))
