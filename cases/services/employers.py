from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from cases.identifiers import normalise_cvr
from cases.models import Employer


@transaction.atomic
def employer_get_or_create(*, cvr: str, name: str = "") -> tuple[Employer, bool]:
    """The employer with this CVR number, created with `name` when it is not known yet."""
    digits = normalise_cvr(cvr)
    employer = Employer.objects.filter(cvr=digits).first()
    if employer is not None:
        return employer, False
    if not name.strip():
        raise ValidationError(
            {
                "new_employer_name": _("Skriv navnet på arbejdsgiveren med CVR-nummer %(cvr)s.")
                % {"cvr": digits}
            }
        )
    employer = Employer(cvr=digits, name=name.strip())
    employer.full_clean()
    employer.save()
    return employer, True
