"""What a client may read: the cases of its own municipality, and per case what BI may see."""

import datetime as dt

from django.db.models import Count, Exists, Min, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from api.models import ApiClient
from cases.models import Assignment, Case, CaseEvent, Conversation, Measure


def client_cases(client: ApiClient) -> QuerySet[Case]:
    """The client's municipality is a hard boundary (Case.municipality, issue 16)."""
    return Case.objects.filter(municipality_id=client.municipality_id)


def _count(queryset) -> Subquery:
    return Coalesce(Subquery(queryset.values("case").annotate(n=Count("pk")).values("n")[:1]), 0)


def cases_for_bi(client: ApiClient, *, today: dt.date, updated_since=None) -> QuerySet[Case]:
    """Pseudonymised rows: the figures' facts of each case, never a CPR number, name or free text. "Updated"
    is the registration or any later timeline event (every service writes one). A measure dated after
    `today` is planned, not started, and is not the first measure yet."""
    first_conversation = Conversation.objects.filter(case=OuterRef("pk")).order_by("held_on", "id")
    cases = client_cases(client)
    if updated_since is not None:
        changed = CaseEvent.objects.filter(case=OuterRef("pk"), occurred_at__gte=updated_since)
        cases = cases.filter(Q(created_at__gte=updated_since) | Exists(changed))
    return cases.select_related("team__department__municipality", "closing_reason").annotate(
        first_conversation_on=Subquery(first_conversation.values("held_on")[:1]),
        first_conversation_place=Subquery(first_conversation.values("place")[:1]),
        first_conversation_employer_present=Subquery(first_conversation.values("employer_took_part")[:1]),
        first_measure_on=Subquery(
            Measure.objects.filter(case=OuterRef("pk"), started_on__lte=today)
            .values("case")
            .annotate(first=Min("started_on"))
            .values("first")[:1]
        ),
        handovers=_count(Assignment.objects.filter(case=OuterRef("pk"), reason__isnull=False)),
    )
