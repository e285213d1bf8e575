from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.identifiers import normalise_cvr
from cases.models import Case, Employer, Restriction
from cases.selectors.access import case_is_visible_to
from cases.selectors.cases import case_probable_duplicates
from cases.selectors.search import SearchKind, SearchTerm, search_term_parse
from cases.services.cases import case_dates_validate
from cases.services.persons import cpr_parse_for_person, person_find
from staff.labels import staff_label
from staff.selectors import consultants_of_municipality, staff_of_municipality, user_municipality_id
from visitation.models import Category


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class ConsultantChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, user):
        return staff_label(user)


class CaseRegisterForm(forms.Form):
    cpr = forms.CharField(
        label=_("CPR-nummer"),
        max_length=11,
        help_text=_("DDMMÅÅ-XXXX"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )
    person_name = forms.CharField(label=_("Borgerens navn"), max_length=200, required=False)
    employer = forms.CharField(
        label=_("Arbejdsgiver (CVR-nummer eller navn)"),
        max_length=200,
        required=False,
        help_text=_("Skriv CVR-nummeret, eller søg på navnet og vælg i listen."),
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "list": "employer-options",
                # htmx: suggestions while typing (CVR number as the value, the name shown)
                "hx-get": reverse_lazy("cases:employer_search"),
                "hx-trigger": "input changed delay:300ms",
                "hx-target": "#employer-options",
                "hx-swap": "innerHTML",
            }
        ),
    )
    new_employer_name = forms.CharField(
        label=_("Navn på ny arbejdsgiver"),
        max_length=200,
        required=False,
        help_text=_("Kun når CVR-nummeret ikke findes i systemet endnu."),
    )
    unemployed = forms.BooleanField(label=_("Sygemeldt fra ledighed (ingen arbejdsgiver)"), required=False)
    first_absence_day = forms.DateField(label=_("Første fraværsdag"), widget=DateInput())
    received_on = forms.DateField(
        label=_("Modtaget i opfølgningsteamet"),
        required=False,
        widget=DateInput(),
        initial=timezone.localdate,
    )
    source = forms.ChoiceField(
        label=_("Kilde"),
        choices=[(value, label) for value, label in Case.Source.choices if value != Case.Source.IMPORT],
        initial=Case.Source.BENEFIT_OFFICE,
    )
    category = forms.TypedChoiceField(
        label=_("Visitationskategori fra ydelseskontoret"),
        choices=[("", _("Ikke visiteret endnu"))] + Category.choices,
        coerce=int,
        empty_value=None,
        required=False,
        help_text=_("En sag i kategori 2 eller 3 med en arbejdsgiver går direkte i mødebookerens kø."),
    )
    consultant = ConsultantChoiceField(
        label=_("Ansvarlig konsulent"),
        queryset=get_user_model().objects.none(),
        required=False,
        empty_label=_("Vælges senere"),
    )
    restriction = forms.ChoiceField(
        label=_("Beskyttet sag"),
        choices=[("", _("Nej"))] + Restriction.choices,
        required=False,
        help_text=_(
            "En beskyttet sag ses kun af den ansvarlige konsulent, stedfortrædere og afdelingens ledere."
        ),
    )
    restricted_staff = ConsultantChoiceField(
        label=_("Medarbejder sagen vedrører"),
        queryset=get_user_model().objects.none(),
        required=False,
        empty_label=_("Ingen"),
        help_text=_(
            "Borgeren selv eller den kollega, borgeren er nærtstående til: "
            "hverken de eller deres team får sagen."
        ),
    )
    address_protected = forms.BooleanField(
        label=_("Borgeren har navne- og adressebeskyttelse"),
        required=False,
        help_text=_(
            "Adressen på et mødested uden for arbejdspladsen og jobcenteret vises kun for konsulenten."
        ),
    )
    confirm_duplicate = forms.BooleanField(
        label=_("Opret alligevel: det er ikke en dublet"),
        required=False,
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the user's own municipality: its consultants to choose, its cases to show (issue 16).
        self.user = user
        self.municipality_id = user_municipality_id(user)
        self.fields["consultant"].queryset = consultants_of_municipality(self.municipality_id).order_by(
            "first_name", "last_name", "username"
        )
        self.fields["restricted_staff"].queryset = staff_of_municipality(self.municipality_id)
        self.duplicates = []
        self.person = None
        self.cpr_looked_up = False  # the duplicate look-up by CPR ran (the view records it in the audit log)
        self.employer_obj = None

    def clean_cpr(self):
        return cpr_parse_for_person(self.cleaned_data["cpr"]).formatted

    def clean(self):
        cleaned = super().clean()
        self._clean_employer(cleaned)
        first_absence_day = cleaned.get("first_absence_day")
        if first_absence_day is not None:
            try:
                case_dates_validate(
                    first_absence_day=first_absence_day,
                    received_on=cleaned.get("received_on"),
                    today=timezone.localdate(),
                )
            except ValidationError as error:
                for field, messages in error.message_dict.items():
                    for message in messages:
                        self.add_error(field, message)
        if "cpr" in cleaned and cleaned.get("first_absence_day") and not self.errors:
            self.person = person_find(cpr=cleaned["cpr"])
            self.cpr_looked_up = True
            probable = list(
                case_probable_duplicates(person=self.person, first_absence_day=cleaned["first_absence_day"])
            )
            # One person and day is one case in the whole installation; what is shown is this municipality's,
            # and of its restricted cases only those the user may open.
            self.duplicates = [
                c
                for c in probable
                if c.municipality_id == self.municipality_id
                and (not c.is_restricted or case_is_visible_to(self.user, c))
            ]
            same_day = [c for c in probable if c.first_absence_day == cleaned["first_absence_day"]]
            if same_day:
                self.add_error(
                    "first_absence_day",
                    _("Borgeren har allerede en sag med første fraværsdag %(day)s.")
                    % {"day": f"{cleaned['first_absence_day']:%d-%m-%Y}"},
                )
            elif self.duplicates and not cleaned.get("confirm_duplicate"):
                self.add_error(
                    "confirm_duplicate",
                    _(
                        "Borgeren har en sag, hvis fravær overlapper. "
                        "Markér »Opret alligevel«, hvis det ikke er en dublet."
                    ),
                )
        return cleaned

    def _clean_employer(self, cleaned):
        query = (cleaned.get("employer") or "").strip()
        if cleaned.get("unemployed"):
            if query:
                self.add_error(
                    "unemployed",
                    _("Markér kun ledighed, når feltet Arbejdsgiver er tomt."),
                )
            return
        if not query:
            self.add_error(
                "employer",
                _(
                    "Skriv arbejdsgiverens CVR-nummer eller navn, "
                    "eller markér at borgeren er sygemeldt fra ledighed."
                ),
            )
            return
        digits = "".join(query.split())
        if digits.isdigit():
            try:
                cleaned["employer_cvr"] = normalise_cvr(digits)
            except ValidationError as error:
                self.add_error("employer", error)
                return
            self.employer_obj = Employer.objects.filter(cvr=cleaned["employer_cvr"]).first()
            if self.employer_obj is None and not (cleaned.get("new_employer_name") or "").strip():
                self.add_error(
                    "new_employer_name",
                    _(
                        "CVR-nummer %(cvr)s findes ikke i systemet: "
                        "skriv arbejdsgiverens navn for at oprette den."
                    )
                    % {"cvr": cleaned["employer_cvr"]},
                )
            return
        matches = list(Employer.objects.filter(name__icontains=query).order_by("name")[:6])
        if len(matches) == 1:
            self.employer_obj = matches[0]
            cleaned["employer_cvr"] = matches[0].cvr
        elif not matches:
            self.add_error(
                "employer", _("Ingen arbejdsgiver hedder »%(query)s«. Skriv CVR-nummeret.") % {"query": query}
            )
        else:
            names = ", ".join(f"{e.name} ({e.cvr})" for e in matches[:5])
            self.add_error(
                "employer",
                _(
                    "Flere arbejdsgivere passer på »%(query)s«: %(names)s. "
                    "Vælg én i listen eller skriv CVR-nummeret."
                )
                % {"query": query, "names": names},
            )


class MyCasesFilterForm(forms.Form):
    STATUS_ALL = "all"
    category = forms.TypedChoiceField(
        label=_("Kategori"),
        choices=[("", _("Alle kategorier")), *Category.choices, ("none", _("Ikke visiteret"))],
        required=False,
    )
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[(Case.Status.OPEN, _("Åbne")), (Case.Status.CLOSED, _("Afsluttede")), ("all", _("Alle"))],
        required=False,
    )


class CaseSearchForm(forms.Form):
    """The case search (top bar and /sager/soeg/). Its cleaned `q` is a SearchTerm. A CPR number is only
    accepted when posted: it never travels in an address (issue 14)."""

    q = forms.CharField(
        label=_("Søg efter sag"),
        max_length=100,
        help_text=_("Helt CPR-nummer, navn eller en del af det, arbejdsgiverens navn eller CVR-nummer."),
    )

    def __init__(self, *args, posted: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.posted = posted

    def clean_q(self) -> SearchTerm:
        term = search_term_parse(self.cleaned_data["q"])
        if term.kind == SearchKind.CPR and not self.posted:
            raise ValidationError(
                _("Søg efter et CPR-nummer i søgefeltet, så nummeret ikke står i adressen."),
                code="cpr_in_url",
            )
        return term
