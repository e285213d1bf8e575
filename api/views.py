"""The API's endpoints: thin views over the same services and selectors the pages use."""

import uuid

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, generics, pagination, status
from rest_framework.decorators import api_view, authentication_classes, permission_classes, schema
from rest_framework.response import Response
from rest_framework.views import APIView

from api import selectors
from api.models import Scope
from api.serializers import (
    BiCaseSerializer,
    CasesQuerySerializer,
    DeadlineSerializer,
    FiguresQuerySerializer,
    IntakeResultSerializer,
    IntakeSerializer,
    ProblemSerializer,
)
from cases.models import Case
from cases.selectors.deadlines import case_deadlines_stored
from cases.services.cases import case_register
from cases.services.employers import employer_get_or_create
from cases.services.persons import person_find
from reporting.figures import Period, milestone_report
from reporting.selectors import report_cases
from staff.audit import audit_record
from staff.models import AuditEntry, Team

MAX_BODY_BYTES = 64 * 1024  # an intake is a few hundred bytes
PROBLEM = OpenApiResponse(ProblemSerializer, description="RFC 9457 problem details")


def problems(*codes: int) -> dict:
    return {(code, "application/problem+json"): PROBLEM for code in (400, 401, 403, 429, *codes)}


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "Forespørgslen er over 64 KB."


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "Der findes allerede en sag for denne borger og første fraværsdag."


class ClientView(APIView):
    """Every call is an audit entry naming the client and the endpoint (and the case, when there is one)."""

    required_scope: str = ""
    audit_object_type = "api"

    def audit(self, request, *, action=AuditEntry.Action.READ, case=None):
        audit_record(
            request=request,
            action=action,
            object_type=self.audit_object_type,
            case=case,
            actor_label=f"api:{request.auth.name}",
        )


class IntakeView(ClientView):
    """A new sick-leave case from the benefit office. One person and first day of absence is one case: a
    repeat answers 200 with the existing case's id, a new case 201. The case lands in the client's intake
    team, where the booker's queue and the leader's allocation list pick it up."""

    required_scope = Scope.INTAKE_WRITE
    audit_object_type = "api_intake"

    @extend_schema(
        request=IntakeSerializer,
        responses={200: IntakeResultSerializer, 201: IntakeResultSerializer, **problems(409, 413)},
    )
    def post(self, request):
        if int(request.META.get("CONTENT_LENGTH") or 0) > MAX_BODY_BYTES:
            raise PayloadTooLarge()
        incoming = IntakeSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        client = request.auth
        try:
            with transaction.atomic():
                person = person_find(cpr=data["cpr"])
                existing = (
                    Case.objects.filter(person=person, first_absence_day=data["first_absence_day"]).first()
                    if person is not None
                    else None
                )
                if existing is not None:
                    if not selectors.client_cases(client).filter(pk=existing.pk).exists():
                        raise Conflict()  # another municipality's case: never its id
                    self.audit(request, case=existing)
                    return Response({"id": existing.uuid, "created": False}, status=status.HTTP_200_OK)
                employer, _new = employer_get_or_create(cvr=data["employer_cvr"], name=data["employer_name"])
                case = case_register(
                    cpr=data["cpr"],
                    first_absence_day=data["first_absence_day"],
                    employer=employer,
                    received_on=data.get("received_on"),
                    category=data.get("category"),
                    team=client.intake_team,
                )
                self.audit(request, action=AuditEntry.Action.CREATE, case=case)
        except DjangoValidationError as error:
            messages = error.message_dict if hasattr(error, "error_dict") else {"_": error.messages}
            raise exceptions.ValidationError(messages) from None
        except IntegrityError:
            # The same intake twice at once: the other request's case won; answer as a repeat.
            return self.post(request)
        return Response({"id": case.uuid, "created": True}, status=status.HTTP_201_CREATED)


class FiguresView(ClientView):
    """The milestone figures (formats.md §2) of the client's municipality: exactly the JSON of
    `manage.py milestone_report --format json`, from the same function."""

    required_scope = Scope.FIGURES_READ
    audit_object_type = "api_figures"

    @extend_schema(
        parameters=[
            OpenApiParameter("from", OpenApiTypes.DATE, required=True, description="Første dag (inklusiv)."),
            OpenApiParameter("to", OpenApiTypes.DATE, required=True, description="Sidste dag (inklusiv)."),
            OpenApiParameter("team", OpenApiTypes.STR, description="Kun dette teams sager (kortnavn)."),
        ],
        responses={200: OpenApiTypes.OBJECT, **problems()},
    )
    def get(self, request):
        query = FiguresQuerySerializer(data=request.query_params.dict())
        query.is_valid(raise_exception=True)
        client = request.auth
        team = None
        if "team" in query.validated_data:
            teams = Team.objects.filter(department__municipality_id=client.municipality_id)
            team = teams.filter(slug=query.validated_data["team"]).first()
            if team is None:
                raise exceptions.ValidationError({"team": ["Ukendt team."]})
        cases = report_cases(team=team).filter(municipality_id=client.municipality_id)
        self.audit(request)
        return Response(
            milestone_report(cases, Period(query.validated_data["from"], query.validated_data["to"]))
        )


class BiPagination(pagination.CursorPagination):
    page_size = 500
    ordering = "id"  # stable and unique; the cursor is opaque to clients

    def decode_cursor(self, request):
        try:
            return super().decode_cursor(request)
        except exceptions.NotFound:
            # DRF says 404 for a cursor it cannot read; it is a bad query parameter, not a missing page.
            raise exceptions.ValidationError(
                {"cursor": ["Ugyldig cursor; brug 'next' fra forrige side."]}
            ) from None


class CasesView(ClientView, generics.ListAPIView):
    """Pseudonymised cases for BI, 500 a page (cursor pagination), oldest first."""

    required_scope = Scope.CASES_READ
    audit_object_type = "api_cases"
    serializer_class = BiCaseSerializer
    pagination_class = BiPagination

    @extend_schema(
        parameters=[CasesQuerySerializer], responses={200: BiCaseSerializer(many=True), **problems()}
    )
    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        self.audit(request)
        return response

    def get_queryset(self):
        query = CasesQuerySerializer(data=self.request.query_params.dict())
        query.is_valid(raise_exception=True)
        return selectors.cases_for_bi(
            self.request.auth,
            today=timezone.localdate(),
            updated_since=query.validated_data.get("updated_since"),
        )


class CaseDeadlinesView(ClientView):
    """Every deadline of one case: kind, due date, done date, state, legal source and rule set."""

    required_scope = Scope.DEADLINES_READ
    audit_object_type = "api_deadlines"

    @extend_schema(
        parameters=[OpenApiParameter("case_id", OpenApiTypes.UUID, OpenApiParameter.PATH)],
        responses={200: DeadlineSerializer(many=True), **problems(404)},
    )
    def get(self, request, case_id: str):
        try:
            case_uuid = uuid.UUID(case_id)
        except ValueError:
            raise exceptions.NotFound() from None
        case = get_object_or_404(
            selectors.client_cases(request.auth).select_related("rule_set"), uuid=case_uuid
        )
        today = timezone.localdate()
        rows = [
            {
                "kind": deadline.kind,
                "due_on": deadline.due_on,
                "done_on": deadline.done_on,
                "planned_on": deadline.planned_on,
                "state": deadline.state(today),
                "legal_source": deadline.legal_source,
                "rule_set": case.rule_set.name,
            }
            for deadline in case_deadlines_stored(case=case)
        ]
        self.audit(request, case=case)
        return Response(DeadlineSerializer(rows, many=True).data)


@api_view(["GET", "POST", "PUT", "PATCH", "DELETE"])
@authentication_classes([])
@permission_classes([])
@schema(None)
def not_found(request):
    raise exceptions.NotFound()
