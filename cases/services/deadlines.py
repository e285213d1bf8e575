from django.db import transaction

from cases.models import Case
from cases.selectors.deadlines import case_deadlines
from visitation.deadlines import next_deadline


@transaction.atomic
def case_deadlines_refresh(*, case: Case) -> None:
    """Recompute and store the case's next deadline (date and kind). Every service that changes a case or its
    records calls this afterwards; nothing else (no signal) keeps the stored columns up to date."""
    upcoming = next_deadline(case_deadlines(case=case), closed=case.is_closed)
    case.next_deadline_on = upcoming.due_on if upcoming else None
    case.next_deadline_kind = upcoming.kind if upcoming else ""
    # update(), not save(): touch only the derived columns, never overwrite a concurrent change to the rest.
    Case.objects.filter(pk=case.pk).update(
        next_deadline_on=case.next_deadline_on, next_deadline_kind=case.next_deadline_kind
    )
