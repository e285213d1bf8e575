import datetime as dt

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from rest_framework import serializers

from cases.identifiers import normalise_cvr
from cases.models import Case, Conversation
from cases.services.persons import cpr_parse_for_person
from visitation.models import Category

EARLIEST = dt.date(1900, 1, 1)


class StrictSerializer(serializers.Serializer):
    """Refuses fields it does not know (a typo must not be silently dropped)."""

    def to_internal_value(self, data):
        if isinstance(data, dict):
            unknown = sorted(set(data) - set(self.fields))
            if unknown:
                raise serializers.ValidationError({name: [_("Ukendt felt.")] for name in unknown})
        return super().to_internal_value(data)


class SaneDateField(serializers.DateField):
    """An ISO date from 1900 on (9999-12-31 and 0001-01-01 are typing errors, not dates)."""

    def to_internal_value(self, value):
        day = super().to_internal_value(value)
        if day < EARLIEST:
            raise serializers.ValidationError(_("Datoen ligger før 1900."))
        return day


class IntakeSerializer(StrictSerializer):
    cpr = serializers.CharField(max_length=11, help_text="CPR-nummer, DDMMÅÅ-XXXX eller 10 cifre.")
    first_absence_day = SaneDateField(help_text="Første fraværsdag (D), ÅÅÅÅ-MM-DD.")
    employer_cvr = serializers.CharField(max_length=10, help_text="Arbejdsgiverens CVR-nummer (8 cifre).")
    employer_name = serializers.CharField(max_length=200, help_text="Arbejdsgiverens navn.")
    received_on = SaneDateField(required=False, help_text="Modtaget i ydelseskontoret, ÅÅÅÅ-MM-DD.")
    category = serializers.ChoiceField(
        choices=Category.choices, required=False, help_text="Visitationskategori, hvis den kendes."
    )

    def validate_cpr(self, value: str) -> str:
        try:
            cpr_parse_for_person(value)  # date and century digit, as the import checks them
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.messages) from None
        return value

    def validate_employer_cvr(self, value: str) -> str:
        try:
            return normalise_cvr(value)
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.messages) from None


class IntakeResultSerializer(serializers.Serializer):
    id = serializers.UUIDField(help_text="Sagens stabile id.")
    created = serializers.BooleanField(help_text="false: sagen fandtes allerede (samme borger og D).")


class FiguresQuerySerializer(StrictSerializer):
    # "from" is a Python keyword: the field is declared under its public name below.
    to = SaneDateField()
    team = serializers.SlugField(required=False, help_text="Kun dette teams sager (teamets kortnavn).")

    def get_fields(self):
        fields = super().get_fields()
        fields["from"] = SaneDateField()
        return fields

    def validate(self, attrs):
        if attrs["to"] < attrs["from"]:
            raise serializers.ValidationError({"to": [_("Perioden slutter før den begynder.")]})
        return attrs


class CasesQuerySerializer(StrictSerializer):
    updated_since = serializers.DateTimeField(required=False, help_text="Kun sager ændret siden (ISO 8601).")
    cursor = serializers.CharField(required=False, help_text="Næste side (fra 'next').")


class BiCaseSerializer(serializers.Serializer):
    """A case for BI: pseudonymised — a stable id, never a CPR number, name or free text."""

    id = serializers.UUIDField(source="uuid")
    municipality = serializers.IntegerField(source="team.department.municipality.code", allow_null=True)
    team = serializers.CharField(source="team.slug", allow_null=True)
    category = serializers.IntegerField(allow_null=True)
    first_absence_day = serializers.DateField()
    status = serializers.ChoiceField(choices=Case.Status.choices)
    closed_on = serializers.DateField(allow_null=True)
    closing_reason = serializers.CharField(source="closing_reason.code", allow_null=True)
    first_conversation_on = serializers.DateField(allow_null=True)
    first_conversation_place = serializers.ChoiceField(choices=Conversation.Place.choices, allow_null=True)
    first_conversation_employer_present = serializers.BooleanField(allow_null=True)
    first_measure_on = serializers.DateField(allow_null=True)
    handovers = serializers.IntegerField()


class DeadlineSerializer(serializers.Serializer):
    kind = serializers.CharField()
    due_on = serializers.DateField()
    done_on = serializers.DateField(allow_null=True)
    planned_on = serializers.DateField(allow_null=True)
    state = serializers.ChoiceField(choices=["met", "late", "open", "overdue"])
    legal_source = serializers.CharField()
    rule_set = serializers.CharField()


class ProblemSerializer(serializers.Serializer):
    """RFC 9457 problem details; `errors` names each field at fault."""

    type = serializers.CharField()
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField(required=False)
    errors = serializers.DictField(child=serializers.ListField(child=serializers.CharField()), required=False)
