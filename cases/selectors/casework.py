"""Reads for the case page's case-work panel and the deciders' list of pending exceptions."""

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet

from cases.models import Case, CaseException, Measure
from cases.selectors.cases import case_visible_filter


def case_work_records(*, case: Case) -> dict:
    """The case's records for the panel: seven queries (visitations, conversations, measures with their steps,
    offers, exceptions, complaints, assignments), each with what it shows joined in."""
    return {
        "visitations": list(case.visitations.select_related("decided_by").order_by("-decided_on", "-id")),
        "conversations": list(case.conversations.select_related("recorded_by").order_by("-held_on", "-id")),
        "measures": list(
            Measure.objects.filter(case=case)
            .select_related("type")
            .prefetch_related("steps")
            .order_by("-started_on", "-id")
        ),
        "offers": list(case.offers.select_related("type").order_by("-started_on", "-id")),
        "exceptions": list(
            case.exceptions.select_related("reason", "proposed_by", "decided_by").order_by("-proposed_at")
        ),
        "complaints": list(case.complaints.order_by("-received_on", "-id")),
        "assignments": list(
            case.assignments.select_related("consultant", "reason").order_by("started_on", "id")
        ),
    }


def exceptions_pending_for(*, user: AbstractBaseUser) -> QuerySet[CaseException]:
    """Pending exceptions on the cases the decider may open, oldest first (the partial index
    'exception_pending' serves this)."""
    allowed = case_visible_filter(user=user)
    if allowed is None:
        return CaseException.objects.none()
    visible = Case.objects.filter(allowed).values("pk")
    return (
        CaseException.objects.filter(status=CaseException.Status.PENDING, case__in=visible)
        .select_related("case__person", "case__employer", "case__consultant", "reason", "proposed_by")
        .order_by("proposed_at")
    )
