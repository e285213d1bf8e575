from functools import partial

from django import forms
from django.utils.translation import gettext_lazy as _

from staff.dates import SensibleDateField
from staff.models import CompetenceItemType, CompetencePlanItem, StaffQualification

# Competence plans and qualifications: from 1900 (staff/dates.py), and a plan may reach years ahead (Herning
# planned every conversion over two and a half years), so up to ten.
PlanDateField = partial(SensibleDateField, days_ahead=10 * 366)


class DateInput(forms.DateInput):
    """The browser's own date picker (keyboard-accessible); it submits ISO dates (accepted)."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class CompetencePlanForm(forms.Form):
    expectation_talk_on = PlanDateField(label=_("Forventningssamtale holdt den"), widget=DateInput)
    expected_transition_on = PlanDateField(
        label=_("Forventet dato for overgang til ny fastholdelseskonsulent"), required=False, widget=DateInput
    )
    leader_notes = forms.CharField(
        label=_("Lederens noter fra forventningssamtalen"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Ses kun af medarbejderen og dennes leder."),
    )


class CompetencePlanItemAddForm(forms.Form):
    item_type = forms.ModelChoiceField(
        label=_("Tiltag fra kataloget"), queryset=CompetenceItemType.objects.filter(is_active=True)
    )
    planned_start_on = PlanDateField(label=_("Planlagt start"), widget=DateInput)
    planned_end_on = PlanDateField(label=_("Planlagt afsluttet"), required=False, widget=DateInput)
    note = forms.CharField(label=_("Bemærkning"), required=False, max_length=300)


class CompetencePlanItemForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=CompetencePlanItem.Status.choices)
    planned_start_on = PlanDateField(label=_("Planlagt start"), widget=DateInput)
    planned_end_on = PlanDateField(label=_("Planlagt afsluttet"), required=False, widget=DateInput)
    completed_on = PlanDateField(label=_("Gennemført den"), required=False, widget=DateInput)
    note = forms.CharField(label=_("Bemærkning"), required=False, max_length=300)


class QualificationForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kompetence"), choices=StaffQualification.Kind.choices)
    achieved_on = PlanDateField(
        label=_("Opnået den"),
        widget=DateInput,
        error_messages={"required": _("Angiv datoen, hvor kompetencen blev opnået.")},
    )
    note = forms.CharField(label=_("Bemærkning"), required=False, max_length=200)


class TotpCodeForm(forms.Form):
    """The 6-digit code from an authenticator app; spaces (as some apps show it: 123 456) are ignored."""

    code = forms.CharField(
        label=_("Kode fra appen"),
        max_length=12,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "autofocus": True, "size": 8}
        ),
        help_text=_("De 6 cifre, som godkendelsesappen viser lige nu."),
    )

    def clean_code(self) -> str:
        code = "".join(self.cleaned_data["code"].split())
        if len(code) != 6 or not code.isascii() or not code.isdigit():
            raise forms.ValidationError(_("Skriv de 6 cifre, som appen viser."), code="format")
        return code
