"""The short forms on the case page (templates/cases/_case_actions.html). They check input shape only;
the rules (dates against the first day of absence, closing, who may decide) live in the services
(cases/services/casework.py).
"""

from decimal import Decimal

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import (
    Case,
    Complaint,
    Conversation,
    ExtensionGround,
    LateGround,
    ReassessmentOutcome,
    Restriction,
    StandbyGround,
)
from staff.dates import START_DAYS_AHEAD, SensibleDateField
from staff.labels import staff_label
from staff.selectors import consultants_of_municipality, staff_of_municipality
from visitation.models import Category, ClosingReason, ExceptionReason, HandoverReason, MeasureType, OfferType

STEP_ROWS = 4  # gradual-return steps offered on a form; more can be added as a new measure


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def _date(label, required=True, initial_today=False, **kwargs):
    """A date from 1900 on and not beyond staff.dates' widest range; the services hold it to the case."""
    return SensibleDateField(
        label=label,
        required=required,
        widget=DateInput(),
        initial=timezone.localdate if initial_today else None,
        **kwargs,
    )


def _active(model):
    return model.objects.filter(active=True).order_by("label")


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, user):
        return staff_label(user)


class HoursField(forms.DecimalField):
    """Hours per week; accepts a Danish decimal comma (25,5) as well as a point."""

    def to_python(self, value):
        return super().to_python(value.replace(",", ".") if isinstance(value, str) else value)


class GradualReturnStepsMixin(forms.Form):
    """Up to STEP_ROWS rows of (from date, hours per week): a gradual return (timeoptrapning)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for number in range(1, STEP_ROWS + 1):
            self.fields[f"step_{number}_from"] = SensibleDateField(
                label=_("Trin %(n)s fra") % {"n": number},
                required=False,
                widget=DateInput(),
                days_ahead=START_DAYS_AHEAD,
            )
            self.fields[f"step_{number}_hours"] = HoursField(
                label=_("Trin %(n)s timer pr. uge") % {"n": number},
                required=False,
                min_value=Decimal(0),
                max_value=Decimal(80),
                decimal_places=1,
                widget=forms.NumberInput(attrs={"step": "0.5", "inputmode": "decimal"}),
            )

    def step_rows(self):
        return [(self[f"step_{n}_from"], self[f"step_{n}_hours"]) for n in range(1, STEP_ROWS + 1)]

    def clean(self):
        cleaned = super().clean()
        steps = []
        for number in range(1, STEP_ROWS + 1):
            day, hours = cleaned.get(f"step_{number}_from"), cleaned.get(f"step_{number}_hours")
            if day is None and hours is None:
                continue
            if day is None or hours is None:
                self.add_error(f"step_{number}_from", _("Angiv både dato og timer for trinnet."))
                continue
            steps.append((day, hours))
        cleaned["gradual_return_steps"] = steps
        return cleaned


class VisitationForm(forms.Form):
    category = forms.TypedChoiceField(label=_("Kategori"), coerce=int, choices=Category.choices)
    decided_on = _date(_("Dato"), initial_today=True)
    rationale = forms.CharField(
        label=_("Begrundelse"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    expected_full_recovery_on = _date(
        _("Forventet fuld raskmelding"),
        required=False,
        help_text=_(
            "Valgfri. Efter 2025-reglerne (§ 13 f) følges der kun op ved raskmelding, når fuld "
            "raskmelding forventes inden udgangen af uge 13 regnet fra første samtale."
        ),
    )

    def __init__(self, *args, case: Case, **kwargs):
        super().__init__(*args, **kwargs)
        if not case.rule_set.category_3_exists:
            self.fields["category"].choices = [c for c in Category.choices if c[0] != Category.THREE]


class ConversationForm(GradualReturnStepsMixin):
    held_on = _date(_("Dato"), initial_today=True)
    # No default place: a phone call recorded in haste must not count as a workplace meeting (issue 14).
    place = forms.ChoiceField(
        label=_("Sted"), choices=[("", _("– vælg sted –")), *Conversation.Place.choices]
    )
    participants = forms.MultipleChoiceField(
        label=_("Deltagere"),
        choices=Conversation.Participant.choices,
        widget=forms.CheckboxSelectMultiple,
        initial=[Conversation.Participant.CITIZEN, Conversation.Participant.CONSULTANT],
    )
    plan = forms.CharField(label=_("Aftalt plan"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    next_step = forms.CharField(label=_("Aftalt næste skridt"), max_length=500, required=False)
    minutes = forms.CharField(
        label=_("Kort referat"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    late_ground = forms.ChoiceField(
        label=_("Holdt efter fristen (uge 8) fordi"),
        choices=[("", _("– ingen grund –")), *LateGround.choices],
        required=False,
        help_text=_(
            "Kun for den første samtale efter fristen. Samtalen tæller stadig som for sent, men vises "
            "for sig i nøgletallene."
        ),
    )


class MeasureForm(GradualReturnStepsMixin):
    type = forms.ModelChoiceField(label=_("Type"), queryset=MeasureType.objects.none())
    started_on = _date(_("Start"), initial_today=True, days_ahead=START_DAYS_AHEAD)
    ended_on = _date(_("Slut"), required=False)
    note = forms.CharField(label=_("Bemærkning"), max_length=500, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["type"].queryset = _active(MeasureType)


class OfferForm(forms.Form):
    type = forms.ModelChoiceField(label=_("Tilbud"), queryset=OfferType.objects.none())
    started_on = _date(_("Start"), initial_today=True, days_ahead=START_DAYS_AHEAD)
    ended_on = _date(_("Slut"), required=False)
    score_start = forms.IntegerField(
        label=_("Borgerens egen vurdering ved start (1–10)"), required=False, min_value=1, max_value=10
    )
    score_end = forms.IntegerField(
        label=_("Borgerens egen vurdering ved slut (1–10)"), required=False, min_value=1, max_value=10
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["type"].queryset = _active(OfferType)


class OfferFinishForm(forms.Form):
    ended_on = _date(_("Slut"), initial_today=True)
    score_end = forms.IntegerField(
        label=_("Borgerens egen vurdering ved slut (1–10)"), required=False, min_value=1, max_value=10
    )


class ExceptionProposeForm(forms.Form):
    reason = forms.ModelChoiceField(label=_("Årsag"), queryset=ExceptionReason.objects.none())
    note = forms.CharField(label=_("Bemærkning"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].queryset = _active(ExceptionReason)


class ExceptionDecideForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Afgørelse"),
        choices=[("approve", _("Godkend")), ("reject", _("Afvis"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=_("Begrundelse"), required=False, max_length=1000)


class HandoverForm(forms.Form):
    to_consultant = PersonChoiceField(label=_("Ny konsulent"), queryset=get_user_model().objects.none())
    reason = forms.ModelChoiceField(label=_("Årsag"), queryset=HandoverReason.objects.none())
    on = _date(_("Dato"), initial_today=True)
    note = forms.CharField(label=_("Bemærkning"), max_length=500, required=False)

    def __init__(self, *args, case: Case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_consultant"].queryset = (
            consultants_of_municipality(case.municipality_id)
            .exclude(pk=case.consultant_id)
            .order_by("first_name", "last_name", "username")
        )
        self.fields["reason"].queryset = _active(HandoverReason)


class FastTrackForm(forms.Form):
    requested_on = _date(_("Anmodet den"), initial_today=True)
    requested_by = forms.ChoiceField(
        label=_("Anmodet af"), choices=[("employer", _("Arbejdsgiver")), ("employee", _("Medarbejder"))]
    )
    answered_on = _date(_("Medarbejderens svar modtaget"), required=False)


class Agreement56Form(forms.Form):
    approved_on = _date(_("§ 56-aftale godkendt den"), initial_today=True)


class RetentionPlanForm(forms.Form):
    received_on = _date(_("Fastholdelsesplan modtaget den"), initial_today=True)


class ReassessmentForm(forms.Form):
    """The re-assessment decision (sygedagpengeloven § 24): payment never simply stops; a decision is made."""

    decided_on = _date(_("Afgjort den"), initial_today=True)
    outcome = forms.ChoiceField(label=_("Afgørelse"), choices=ReassessmentOutcome.choices)
    extension_ground = forms.ChoiceField(
        label=_("Forlængelsesgrund (§ 27, stk. 1)"),
        choices=[("", _("– kun ved forlængelse –")), *ExtensionGround.choices],
        required=False,
    )
    extension_until = _date(
        _("Forlænget til og med"),
        required=False,
        help_text=_(
            "Skal angives for nr. 2 (højst 69 uger) og nr. 3 (højst 134 uger), regnet fra "
            "revurderingstidspunktet. Systemet minder om datoen 4 uger før."
        ),
    )


class StandbyForm(forms.Form):
    """The standby scheme: its ground and first day; for a person already in standby, the day it ended."""

    ground = forms.ChoiceField(label=_("Grund"), choices=[("", "–"), *StandbyGround.choices])
    started_on = _date(_("Fra"), initial_today=True)
    ended_on = _date(_("Standby ophørte den"), initial_today=True)

    def __init__(self, *args, case: Case, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("ended_on",) if not case.in_standby else ("ground", "started_on"):
            del self.fields[name]


class RestrictionForm(forms.Form):
    """A leader marks the case restricted (beskyttet sag), changes who may open it, or lifts it."""

    restriction = forms.ChoiceField(
        label=_("Beskyttet sag"),
        choices=[("", _("Nej (ophæv beskyttelsen)")), *Restriction.choices],
        required=False,
    )
    restricted_staff = PersonChoiceField(
        label=_("Medarbejder sagen vedrører"), queryset=get_user_model().objects.none(), required=False
    )
    deputies = forms.ModelMultipleChoiceField(
        label=_("Stedfortrædere"),
        queryset=get_user_model().objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Konsulenter, der ud over den ansvarlige konsulent kan åbne sagen, fx ved fravær."),
    )
    address_protected = forms.BooleanField(
        label=_("Borgeren har navne- og adressebeskyttelse"),
        required=False,
        help_text=_(
            "Adressen på et mødested uden for arbejdspladsen og jobcenteret vises kun for konsulenten."
        ),
    )

    def __init__(self, *args, case: Case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["restricted_staff"].queryset = staff_of_municipality(case.municipality_id)
        deputies = self.fields["deputies"]
        deputies.queryset = (
            consultants_of_municipality(case.municipality_id)
            .exclude(pk=case.consultant_id)
            .order_by("first_name", "last_name", "username")
        )
        deputies.label_from_instance = staff_label
        self.initial.update(
            restriction=case.restriction,
            restricted_staff=case.restricted_staff_id,
            deputies=list(case.deputies.values_list("pk", flat=True)) if case.pk else [],
            address_protected=case.person.address_protected,
        )


class ComplaintForm(forms.Form):
    """A complaint against a decision on the case came in."""

    decision = forms.ChoiceField(label=_("Klagen gælder"), choices=Complaint.Decision.choices)
    decided_on = _date(_("Afgørelsens dato"))
    received_on = _date(_("Klagen modtaget"), initial_today=True)


class ComplaintReassessForm(forms.Form):
    reassessed_on = _date(_("Genvurderet den"), initial_today=True)
    reassessment = forms.ChoiceField(label=_("Resultat"), choices=Complaint.Reassessment.choices)
    sent_on = _date(
        _("Sendt til Ankestyrelsen"),
        required=False,
        help_text=_("Kun når afgørelsen fastholdes: klagen sendes videre senest 4 uger efter modtagelsen."),
    )


class ComplaintOutcomeForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Ankestyrelsens afgørelse"), choices=Complaint.Outcome.choices)
    outcome_on = _date(_("Modtaget den"), initial_today=True)


class CloseForm(forms.Form):
    closed_on = _date(_("Afsluttet den"), initial_today=True)
    reason = forms.ModelChoiceField(label=_("Afslutningsårsag"), queryset=ClosingReason.objects.none())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].queryset = _active(ClosingReason)


class ReopenForm(forms.Form):
    reason = forms.CharField(label=_("Begrundelse for genåbning"), max_length=400)


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Opfølgningsark (CSV eller XLSX)"),
        help_text=_("Kolonner som beskrevet i importformatet; første række er overskrifter."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )


class ConversationCorrectForm(forms.Form):
    """Correct what the figures count of a recorded conversation: date, place, participants."""

    held_on = _date(_("Dato"))
    place = forms.ChoiceField(label=_("Sted"), choices=Conversation.Place.choices)
    participants = forms.MultipleChoiceField(
        label=_("Deltagere"), choices=Conversation.Participant.choices, widget=forms.CheckboxSelectMultiple
    )
    reason = forms.CharField(label=_("Hvorfor rettes samtalen?"), max_length=500)


class MeasureCorrectForm(forms.Form):
    type = forms.ModelChoiceField(label=_("Type"), queryset=MeasureType.objects.order_by("label"))
    started_on = _date(_("Start"), days_ahead=START_DAYS_AHEAD)
    ended_on = _date(_("Slut"), required=False)
    reason = forms.CharField(label=_("Hvorfor rettes indsatsen?"), max_length=500)


class OfferCorrectForm(forms.Form):
    type = forms.ModelChoiceField(label=_("Tilbud"), queryset=OfferType.objects.order_by("label"))
    started_on = _date(_("Start"), days_ahead=START_DAYS_AHEAD)
    ended_on = _date(_("Slut"), required=False)
    reason = forms.CharField(label=_("Hvorfor rettes tilbuddet?"), max_length=500)


class VisitationCorrectForm(forms.Form):
    category = forms.TypedChoiceField(label=_("Kategori"), coerce=int, choices=Category.choices)
    decided_on = _date(_("Dato"))
    reason = forms.CharField(label=_("Hvorfor rettes visitationen?"), max_length=500)


class ExceptionCorrectForm(forms.Form):
    exception_reason = forms.ModelChoiceField(
        label=_("Årsag"), queryset=ExceptionReason.objects.order_by("label")
    )
    reason = forms.CharField(label=_("Hvorfor rettes undtagelsen?"), max_length=500)


class AnnulForm(forms.Form):
    reason = forms.CharField(label=_("Hvorfor annulleres registreringen?"), max_length=500)
