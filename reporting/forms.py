import datetime as dt
from functools import partial

from django import forms
from django.utils.translation import gettext_lazy as _

from reporting.figures import Period
from reporting.selectors import consultants_for, teams_for
from staff.dates import SensibleDateField
from visitation.models import Category


class ConsultantChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.get_username()


MAX_MONTHS = 60


def default_period(today: dt.date) -> Period:
    """The last twelve calendar months including this one."""
    first = today.replace(day=1)
    for _month in range(11):
        first = (first - dt.timedelta(days=1)).replace(day=1)
    return Period(first, today)


PeriodDateField = partial(SensibleDateField, days_ahead=10 * 366)


class ReportFilterForm(forms.Form):
    # From 1900 (staff/dates.py: 0001-01-01 is a typing error); up to ten years ahead, as milestones may be.
    start = PeriodDateField(label=_("Fra"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    end = PeriodDateField(label=_("Til"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    team = forms.ModelChoiceField(
        label=_("Team"), queryset=None, required=False, to_field_name="slug", empty_label=_("Alle teams")
    )
    consultant = ConsultantChoiceField(
        label=_("Konsulent"), queryset=None, required=False, empty_label=_("Alle konsulenter")
    )
    category = forms.TypedChoiceField(
        label=_("Kategori"),
        choices=[("", _("Alle kategorier")), *Category.choices],
        coerce=int,
        empty_value=None,
        required=False,
    )

    FILTERS = ("start", "end", "team", "consultant", "category")

    def __init__(self, data, *, user, today: dt.date):
        period = default_period(today)
        values = {"start": period.start.isoformat(), "end": period.end.isoformat()}
        values |= {key: data[key] for key in self.FILTERS if key in data}
        super().__init__(values)
        self.fields["team"].queryset = teams_for(user)
        self.fields["consultant"].queryset = consultants_for(user)
        for name, field in self.fields.items():
            css = "form-select" if name in ("team", "consultant", "category") else "form-control"
            field.widget.attrs["class"] = css

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end < start:
            raise forms.ValidationError(_("Perioden slutter før den begynder. Ret datoerne."))
        if start and end and len(Period(start, end).months()) > MAX_MONTHS:
            # the page breaks every figure down by month in one query: keep it readable and bounded
            raise forms.ValidationError(
                _("Vælg en periode på højst %(months)s måneder.") % {"months": MAX_MONTHS}
            )
        return cleaned

    @property
    def period(self) -> Period:
        return Period(self.cleaned_data["start"], self.cleaned_data["end"])

    def query(self) -> dict[str, str]:
        """The valid filters as query parameters, for drill-down and export links."""
        data = self.cleaned_data
        query = {"start": data["start"].isoformat(), "end": data["end"].isoformat()}
        if data.get("team"):
            query["team"] = data["team"].slug
        if data.get("consultant"):
            query["consultant"] = str(data["consultant"].pk)
        if data.get("category"):
            query["category"] = str(data["category"])
        return query
