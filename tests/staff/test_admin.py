"""Setup in the Django admin: Danish, validated, and competence plans kept away from the administrator."""

import pytest
from django.urls import reverse

from staff.models import CompetenceItemType
from staff.services import role_permissions_grant

pytestmark = pytest.mark.django_db


def test_the_catalogue_holds_seed_000s_eight_items_in_order():
    names = list(CompetenceItemType.objects.values_list("name", flat=True))
    assert names == [
        "Guide for virksomhedskontakt",
        "Sidemandsoplæring",
        "Håndbog i virksomhedsrettet indsats",
        "Gruppeundervisning",
        "Projektdeltagelse",
        "VIA-modul: Virksomhedsrettet indsats",
        "Individuel efteruddannelse på diplomniveau",
        "Juridisk og socialfaglig støttegruppe",
    ]


def test_administrator_sets_up_staff_but_does_not_see_competence_plans(client, administrator):
    role_permissions_grant()
    client.force_login(administrator)
    index = client.get(reverse("admin:index")).content.decode()
    assert "Kvalifikationer" in index or "Medarbejdere" in index
    assert client.get(reverse("admin:staff_competenceitemtype_changelist")).status_code == 200
    assert client.get(reverse("admin:staff_conversiontarget_changelist")).status_code == 200
    assert client.get(reverse("admin:staff_competenceplan_changelist")).status_code == 403


def test_negative_caseload_target_in_the_admin_is_refused_with_a_clear_message(
    client, administrator, consultant
):
    role_permissions_grant()
    client.force_login(administrator)
    member = consultant.staff
    url = reverse("admin:staff_staffmember_change", args=[member.pk])
    response = client.post(
        url,
        {
            "user": consultant.pk,
            "team": member.team.pk,
            "position_before_conversion": "caseworker",
            "base_postcode": "7400",
            "weekly_hours": "37",
            "caseload_target": "-5",
            "qualifications-TOTAL_FORMS": "0",
            "qualifications-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "Målet for sagsstamme kan ikke være negativt." in response.content.decode()
    member.refresh_from_db()
    assert member.caseload_target == 45
