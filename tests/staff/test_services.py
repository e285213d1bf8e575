"""Writes to competence plans and qualifications: history kept, bad input refused with nothing saved."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from staff import services
from staff.models import CompetencePlan, CompetencePlanChange, CompetencePlanItem, StaffQualification
from tests.factories import StaffMemberFactory
from tests.staff.factories import (
    CompetenceItemTypeFactory,
    CompetencePlanFactory,
    CompetencePlanItemFactory,
    QualificationFactory,
)

pytestmark = pytest.mark.django_db

TALK = datetime.date(2017, 8, 15)


def test_plan_is_created_after_the_expectation_talk_and_the_history_says_so(leader):
    member = StaffMemberFactory()
    plan = services.competence_plan_save(
        staff_member=member,
        changed_by=leader,
        expectation_talk_on=TALK,
        leader_notes="Vil gerne ud på virksomhederne.",
        expected_transition_on=datetime.date(2017, 10, 1),
    )
    assert plan.staff_member == member
    change = CompetencePlanChange.objects.get(plan=plan)
    assert change.changed_by == leader
    assert "Kompetenceplan oprettet" in change.description
    assert "01-10-2017" in change.description


def test_moving_the_transition_date_is_kept_in_the_history_with_old_and_new_value(leader):
    plan = CompetencePlanFactory(expected_transition_on=datetime.date(2017, 10, 1))
    services.competence_plan_save(
        staff_member=plan.staff_member,
        changed_by=leader,
        expectation_talk_on=plan.expectation_talk_on,
        leader_notes=plan.leader_notes,
        expected_transition_on=datetime.date(2018, 1, 1),
    )
    change = CompetencePlanChange.objects.get(plan=plan)
    assert "Forventet dato for overgang: 01-10-2017 → 01-01-2018" in change.description
    # Saving the same values again records nothing new.
    services.competence_plan_save(
        staff_member=plan.staff_member,
        changed_by=leader,
        expectation_talk_on=plan.expectation_talk_on,
        leader_notes=plan.leader_notes,
        expected_transition_on=datetime.date(2018, 1, 1),
    )
    assert CompetencePlanChange.objects.filter(plan=plan).count() == 1


def test_transition_date_before_the_expectation_talk_is_refused_and_nothing_saved(leader):
    member = StaffMemberFactory()
    with pytest.raises(ValidationError) as error:
        services.competence_plan_save(
            staff_member=member,
            changed_by=leader,
            expectation_talk_on=TALK,
            expected_transition_on=TALK - datetime.timedelta(days=1),
        )
    assert error.value.message_dict["expected_transition_on"] == [
        "Den forventede overgang kan ikke ligge før forventningssamtalen."
    ]
    assert not CompetencePlan.objects.exists()
    assert not CompetencePlanChange.objects.exists()


def test_changing_an_existing_plan_to_an_impossible_transition_keeps_the_old_one(leader):
    plan = CompetencePlanFactory(expected_transition_on=datetime.date(2017, 10, 1))
    with pytest.raises(ValidationError):
        services.competence_plan_save(
            staff_member=plan.staff_member,
            changed_by=leader,
            expectation_talk_on=plan.expectation_talk_on,
            expected_transition_on=datetime.date(2017, 1, 1),
        )
    plan.refresh_from_db()
    assert plan.expected_transition_on == datetime.date(2017, 10, 1)
    assert not CompetencePlanChange.objects.exists()


def test_item_from_the_catalogue_is_added_and_completed_with_history(leader):
    plan = CompetencePlanFactory()
    via = CompetenceItemTypeFactory(name="VIA-modul: Virksomhedsrettet indsats")
    item = services.competence_plan_item_add(
        plan=plan,
        changed_by=leader,
        item_type=via,
        planned_start_on=datetime.date(2017, 9, 1),
        planned_end_on=datetime.date(2017, 9, 30),
    )
    services.competence_plan_item_update(
        item=item,
        changed_by=leader,
        status=CompetencePlanItem.Status.COMPLETED,
        planned_start_on=datetime.date(2017, 9, 1),
        planned_end_on=datetime.date(2017, 9, 30),
        completed_on=datetime.date(2017, 9, 28),
    )
    item.refresh_from_db()
    assert item.status == CompetencePlanItem.Status.COMPLETED
    descriptions = list(plan.changes.order_by("pk").values_list("description", flat=True))
    assert descriptions[0].startswith("Tiltag tilføjet: VIA-modul")
    assert "Status: Planlagt → Gennemført" in descriptions[1]
    assert "Gennemført den: – → 28-09-2017" in descriptions[1]


def test_item_completed_before_its_planned_start_is_refused_and_unchanged(leader):
    item = CompetencePlanItemFactory(planned_start_on=datetime.date(2017, 9, 1))
    with pytest.raises(ValidationError) as error:
        services.competence_plan_item_update(
            item=item,
            changed_by=leader,
            status=CompetencePlanItem.Status.COMPLETED,
            planned_start_on=datetime.date(2017, 9, 1),
            completed_on=datetime.date(2017, 8, 31),
        )
    assert error.value.message_dict["completed_on"] == [
        "Et tiltag kan ikke være gennemført før den planlagte start."
    ]
    item.refresh_from_db()
    assert item.status == CompetencePlanItem.Status.PLANNED
    assert item.completed_on is None
    assert not CompetencePlanChange.objects.exists()


def test_completed_without_a_date_and_a_date_without_completed_status_are_refused(leader):
    item = CompetencePlanItemFactory()
    with pytest.raises(ValidationError) as error:
        services.competence_plan_item_update(
            item=item,
            changed_by=leader,
            status=CompetencePlanItem.Status.COMPLETED,
            planned_start_on=item.planned_start_on,
        )
    assert "completed_on" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.competence_plan_item_update(
            item=item,
            changed_by=leader,
            status=CompetencePlanItem.Status.IN_PROGRESS,
            planned_start_on=item.planned_start_on,
            completed_on=item.planned_start_on,
        )
    assert "status" in error.value.message_dict


def test_planned_end_before_planned_start_is_refused(leader):
    plan = CompetencePlanFactory()
    with pytest.raises(ValidationError) as error:
        services.competence_plan_item_add(
            plan=plan,
            changed_by=leader,
            item_type=CompetenceItemTypeFactory(),
            planned_start_on=datetime.date(2017, 9, 1),
            planned_end_on=datetime.date(2017, 8, 1),
        )
    assert "planned_end_on" in error.value.message_dict
    assert not CompetencePlanItem.objects.exists()


def test_qualification_without_a_date_is_refused_and_nothing_saved(leader):
    member = StaffMemberFactory()
    with pytest.raises(ValidationError) as error:
        services.qualification_record(
            staff_member=member, recorded_by=leader, kind=StaffQualification.Kind.COMBINED, achieved_on=None
        )
    assert error.value.message_dict["achieved_on"] == ["Angiv datoen, hvor kompetencen blev opnået."]
    assert not StaffQualification.objects.exists()


def test_qualification_is_recorded_once_per_kind_and_corrected_in_the_plan_history(leader):
    plan = CompetencePlanFactory()
    member = plan.staff_member
    services.qualification_record(
        staff_member=member,
        recorded_by=leader,
        kind=StaffQualification.Kind.COMBINED,
        achieved_on=datetime.date(2017, 9, 29),
    )
    services.qualification_record(
        staff_member=member,
        recorded_by=leader,
        kind=StaffQualification.Kind.COMBINED,
        achieved_on=datetime.date(2017, 9, 30),
    )
    assert member.qualifications.get().achieved_on == datetime.date(2017, 9, 30)
    last = plan.changes.order_by("-pk").first()
    assert "Opnået den: 29-09-2017 → 30-09-2017" in last.description
    assert member.qualified_on() == datetime.date(2017, 9, 30)


def test_negative_caseload_target_is_refused_with_a_clear_message():
    member = StaffMemberFactory()
    member.caseload_target = -1
    with pytest.raises(ValidationError) as error:
        member.full_clean()
    assert "Målet for sagsstamme kan ikke være negativt." in error.value.message_dict["caseload_target"]


def test_qualified_on_is_the_combined_role_or_the_later_of_both_competences():
    member = StaffMemberFactory()
    QualificationFactory(
        staff_member=member, kind=StaffQualification.Kind.AUTHORITY, achieved_on=datetime.date(2012, 1, 1)
    )
    assert member.qualified_on() is None
    QualificationFactory(
        staff_member=member, kind=StaffQualification.Kind.RETENTION, achieved_on=datetime.date(2017, 11, 1)
    )
    assert member.qualified_on() == datetime.date(2017, 11, 1)
    QualificationFactory(
        staff_member=member, kind=StaffQualification.Kind.COMBINED, achieved_on=datetime.date(2017, 10, 1)
    )
    assert member.qualified_on() == datetime.date(2017, 10, 1)
    assert member.is_qualified(on=datetime.date(2017, 10, 1))
    assert not member.is_qualified(on=datetime.date(2017, 9, 30))
