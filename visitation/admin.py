from django import forms
from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from visitation.models import ClosingReason, ExceptionReason, HandoverReason, MeasureType, OfferType, RuleSet

# The values that decide a case's dates. Once a case uses the rule set they are fixed (Open Zaak's
# validity-dated configuration): a change would silently move the deadlines of cases already running. The
# legal-source texts and the name change no date and stay editable.
RULE_FIELDS = [
    field.name
    for field in RuleSet._meta.concrete_fields
    if field.name not in {"id", "name"} and not field.name.startswith("source_")
]


class RuleSetForm(forms.ModelForm):
    """The admin's form (its fields come from the admin); a new version must start after every case's first
    day of absence, so no case already running would have fallen under it."""

    def clean_effective_from(self):
        effective_from = self.cleaned_data["effective_from"]
        later_cases = RuleSet.objects.filter(case__first_absence_day__gte=effective_from)
        if later_cases.exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(
                _(
                    "Der er allerede sager med første fraværsdag fra denne dato under et andet regelsæt. "
                    "Et nyt regelsæt skal gælde fra en dato, som ingen sag har endnu."
                )
            )
        return effective_from


@admin.register(RuleSet)
class RuleSetAdmin(admin.ModelAdmin):
    form = RuleSetForm
    list_display = [
        "name",
        "effective_from",
        "category_3_exists",
        "first_follow_up_week",
        "measure_week",
        "in_use",
    ]

    @admin.display(description=_("i brug"), boolean=True)
    def in_use(self, rule_set):
        return rule_set.case_set.exists()

    @admin.display(description=_("versionering"))
    def versioning_note(self, rule_set):
        return format_html(
            '{} <a href="{}?copy={}">{}</a>',
            gettext(
                "Sager bruger dette regelsæt, så dets frister kan ikke ændres: en ændring ville flytte "
                "fristerne i sager, der allerede kører. Kilderne (hjemmel) kan stadig rettes."
            ),
            reverse("admin:visitation_ruleset_add"),
            rule_set.pk,
            gettext("Opret en ny version med egen ikrafttrædelsesdato"),
        )

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.case_set.exists():
            return ["versioning_note", *RULE_FIELDS]
        return []

    def get_fields(self, request, obj=None):
        # The note first: it says why the dates below cannot be changed.
        fields = super().get_fields(request, obj)
        if "versioning_note" in fields:
            fields = ["versioning_note", *(field for field in fields if field != "versioning_note")]
        return fields

    def get_changeform_initial_data(self, request):
        """A new version starts from the values of the one it follows (?copy=<id>); name and date are new."""
        initial = super().get_changeform_initial_data(request)
        copy = request.GET.get("copy", "")
        source = RuleSet.objects.filter(pk=int(copy)).first() if copy.isdigit() else None
        if source is not None:
            for field in RuleSet._meta.concrete_fields:
                if field.name not in {"id", "name", "effective_from"}:
                    initial[field.name] = getattr(source, field.name)
            initial["name"] = gettext("%(name)s (ny version)") % {"name": source.name}
        return initial

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
