from django.contrib import admin

from visitation.models import ClosingReason, ExceptionReason, HandoverReason, MeasureType, OfferType, RuleSet


@admin.register(RuleSet)
class RuleSetAdmin(admin.ModelAdmin):
    # A rule set in use cannot be deleted: Case.rule_set is PROTECT, and the admin says which cases hold it.
    list_display = ["name", "effective_from", "category_3_exists", "first_follow_up_week", "measure_week"]

    def has_delete_permission(self, request, obj=None):
        # Cases keep the rule set of their first day of absence for good (reports of 2017-era cases under
        # 2017 rules), so a rule set that any case uses cannot be deleted; a new one is added instead.
        if obj is not None and obj.case_set.exists():
            return False
        return super().has_delete_permission(request, obj)


@admin.register(ExceptionReason)
class ExceptionReasonAdmin(admin.ModelAdmin):
    list_display = ["code", "label", "exempts_from_workplace_target", "active"]


@admin.register(ClosingReason)
class ClosingReasonAdmin(admin.ModelAdmin):
    list_display = ["code", "label", "counts_as_return_to_work", "excluded_from_figures", "active"]


@admin.register(MeasureType)
class MeasureTypeAdmin(admin.ModelAdmin):
    list_display = ["code", "label", "counts_for_week_13", "active"]


@admin.register(OfferType)
class OfferTypeAdmin(admin.ModelAdmin):
    list_display = ["code", "label", "active"]


@admin.register(HandoverReason)
class HandoverReasonAdmin(admin.ModelAdmin):
    list_display = ["code", "label", "avoidable", "active"]
