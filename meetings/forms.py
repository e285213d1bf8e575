import datetime as dt
from zoneinfo import ZoneInfo

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from cases.models import Conversation
from meetings.models import Absence, ContactAttempt
from meetings.selectors import bookable_consultants
from staff.dates import START_DAYS_AHEAD, SensibleDateField
from staff.labels import staff_label
from staff.selectors import consultants_of_municipality
from visitation.models import HandoverReason


def bootstrap(form: forms.BaseForm) -> None:
    for field in form.fields.values():
        field.widget.attrs.setdefault(
            "class", "form-select" if isinstance(field.widget, forms.Select) else "form-control"
        )


class ConsultantChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, user):
        return staff_label(user)


class BookingForm(forms.Form):
    consultant = ConsultantChoiceField(label=_("Konsulent"), queryset=None)
    # A first meeting is booked at most a year ahead (staff/dates.py); the service holds it to the deadline.
    day = SensibleDateField(
        label=_("Dato"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        days_ahead=START_DAYS_AHEAD,
    )
    time = forms.TimeField(
        label=_("Klokkeslæt"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    minutes = forms.TypedChoiceField(
        label=_("Varighed"),
        coerce=int,
        initial=60,
        choices=[(45, _("45 minutter")), (60, _("1 time")), (90, _("1½ time"))],
    )
    place = forms.ChoiceField(
        label=_("Sted"), choices=Conversation.Place.choices, initial=Conversation.Place.WORKPLACE
    )
    address = forms.CharField(label=_("Adresse (hvis ikke arbejdspladsen)"), max_length=300, required=False)

    def __init__(self, *args, municipality_id: int | None, **kwargs):
        """`municipality_id`: the case's; only its consultants can be chosen (issue 16)."""
        super().__init__(*args, **kwargs)
        self.fields["consultant"].queryset = bookable_consultants(municipality_id=municipality_id)
        bootstrap(self)

    def starts_at(self) -> dt.datetime:
        return dt.datetime.combine(
            self.cleaned_data["day"], self.cleaned_data["time"], tzinfo=ZoneInfo(settings.TIME_ZONE)
        )


class AllocateForm(forms.Form):
    """The allocation list's row form: a consultant of the case's municipality, and the team whose list to
    return to. Any other consultant id (another municipality's, none, not a number, a Unicode digit that
    int() refuses) is invalid; the view answers it with a 404."""

    consultant = forms.ModelChoiceField(queryset=None)
    team = forms.SlugField(required=False, max_length=100)

    def __init__(self, *args, municipality_id: int | None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["consultant"].queryset = consultants_of_municipality(municipality_id)


class ConfirmBookingForm(BookingForm):
    """The confirmation step: the chosen slot again (hidden), plus what the booker must add when the slot is
    after the deadline or the consultant is not the case's own."""

    late_reason = forms.CharField(
        label=_("Hvorfor efter fristen?"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    handover_reason = forms.ModelChoiceField(
        label=_("Årsag til at overdrage sagen"),
        queryset=HandoverReason.objects.filter(active=True),
        required=False,
    )


class BootstrapForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bootstrap(self)


class RescheduleForm(BootstrapForm):
    day = SensibleDateField(
        label=_("Ny dato"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        days_ahead=START_DAYS_AHEAD,
    )
    time = forms.TimeField(
        label=_("Nyt klokkeslæt"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    reason = forms.CharField(label=_("Årsag til flytning"), max_length=250)

    def starts_at(self) -> dt.datetime:
        return dt.datetime.combine(
            self.cleaned_data["day"], self.cleaned_data["time"], tzinfo=ZoneInfo(settings.TIME_ZONE)
        )


class CancelForm(BootstrapForm):
    reason = forms.CharField(label=_("Årsag til aflysning"), max_length=300)


class ContactAttemptForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Resultat"), choices=ContactAttempt.Outcome.choices)
    channel = forms.ChoiceField(
        label=_("Kanal"), choices=ContactAttempt.Channel.choices, initial=ContactAttempt.Channel.PHONE
    )
    note = forms.CharField(label=_("Note"), max_length=500, required=False)
    leader_name = forms.CharField(label=_("Nærmeste leder fundet"), max_length=200, required=False)
    leader_phone = forms.CharField(label=_("Lederens telefon"), max_length=30, required=False)
    leader_email = forms.EmailField(label=_("Lederens e-mail"), required=False)


class ContactAttemptCorrectForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Resultat"), choices=ContactAttempt.Outcome.choices)
    channel = forms.ChoiceField(label=_("Kanal"), choices=ContactAttempt.Channel.choices)
    reason = forms.CharField(label=_("Hvorfor rettes kontaktforsøget?"), max_length=500)


class AbsenceForm(forms.ModelForm):
    class Meta:
        model = Absence
        fields = ["kind", "starts_on", "ends_on"]
        field_classes = {"starts_on": SensibleDateField, "ends_on": SensibleDateField}
        widgets = {
            "starts_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "ends_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bootstrap(self)
