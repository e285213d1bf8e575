from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone

from cases.models import Case, CaseEvent


def case_event_add(
    *, case: Case, actor: AbstractBaseUser | None, kind: str, text: str, occurred_at=None
) -> CaseEvent:
    """Add one line to the case's timeline. `text` must hold no CPR number and no health information:
    every role that may open the case reads it."""
    return CaseEvent.objects.create(
        case=case, actor=actor, kind=kind, text=text[:500], occurred_at=occurred_at or timezone.now()
    )
