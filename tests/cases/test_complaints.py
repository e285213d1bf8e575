"""The complaints register (issue 18, part 5): a complaint against a decision, the municipality's
re-assessment within four weeks (a deadline with alerts), Ankestyrelsen's outcome, and the figures."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from cases.models import Complaint
from cases.services.complaints import complaint_outcome, complaint_reassess, complaint_register
from reporting import figures
from reporting.selectors import report_cases
from tests.cases.factories import AssignedCaseFactory
from visitation.deadlines import COMPLAINT_REASSESSMENT

pytestmark = pytest.mark.django_db

TODAY = dt.date.today()


@pytest.fixture
def case(consultant):
    return AssignedCaseFactory(consultant=consultant, first_absence_day=TODAY - dt.timedelta(days=45))


def register(case, consultant, received_on=None, **kwargs):
    return complaint_register(
        case=case,
        actor=consultant,
        decision=kwargs.pop("decision", Complaint.Decision.REASSESSMENT),
        decided_on=kwargs.pop("decided_on", TODAY - dt.timedelta(days=40)),
        received_on=received_on or TODAY - dt.timedelta(days=30),
    )


def test_an_overdue_re_assessment_becomes_the_cases_next_deadline_until_it_is_sent_on(case, consultant):
    complaint = register(case, consultant)
    case.refresh_from_db()
    assert case.next_deadline_kind == COMPLAINT_REASSESSMENT
    assert case.next_deadline_on == complaint.received_on + dt.timedelta(weeks=4)
    complaint_reassess(
        complaint=complaint,
        actor=consultant,
        reassessed_on=TODAY - dt.timedelta(days=3),
        reassessment=Complaint.Reassessment.UPHELD,
        sent_on=TODAY - dt.timedelta(days=2),
    )
    case.refresh_from_db()
    assert case.next_deadline_kind != COMPLAINT_REASSESSMENT
    assert case.events.filter(kind="complaint").count() == 2


@pytest.mark.parametrize(
    "step, kwargs, field",
    [
        ("register", {"received_on": TODAY - dt.timedelta(days=50)}, "received_on"),  # before the decision
        ("register", {"decision": "nonsense"}, "decision"),
        ("reassess", {"reassessment": Complaint.Reassessment.UPHELD, "sent_on": None}, "sent_on"),
        ("reassess", {"reassessment": Complaint.Reassessment.CHANGED, "sent_on": TODAY}, "sent_on"),
        ("reassess", {"reassessment": "x", "sent_on": None}, "reassessment"),
        ("outcome", {"outcome": Complaint.Outcome.UPHELD, "outcome_on": None}, "outcome_on"),  # no date
    ],
)
def test_bad_input_is_a_field_error_and_saves_nothing(case, consultant, step, kwargs, field):
    if step == "register":
        with pytest.raises(ValidationError) as error:
            register(case, consultant, **kwargs)
        assert field in error.value.message_dict and not Complaint.objects.exists()
        return
    complaint = register(case, consultant)
    if step == "outcome":
        complaint_reassess(
            complaint=complaint,
            actor=consultant,
            reassessed_on=TODAY,
            reassessment=Complaint.Reassessment.UPHELD,
            sent_on=TODAY,
        )
        with pytest.raises(ValidationError) as error:
            complaint_outcome(complaint=complaint, actor=consultant, **kwargs)
    else:
        with pytest.raises(ValidationError) as error:
            complaint_reassess(complaint=complaint, actor=consultant, reassessed_on=TODAY, **kwargs)
    assert field in error.value.message_dict
    complaint.refresh_from_db()
    assert complaint.outcome == "" and (step == "outcome" or complaint.reassessment == "")


def test_the_case_page_registers_it_and_the_complaint_page_takes_the_next_steps(client, case, consultant):
    client.force_login(consultant)
    response = client.post(
        reverse("cases:action", args=[case.uuid, "complaint"]),
        {
            "complaint-decision": "revurdering",
            "complaint-decided_on": (TODAY - dt.timedelta(days=10)).isoformat(),
            "complaint-received_on": TODAY.isoformat(),
        },
    )
    assert response.status_code == 302
    complaint = Complaint.objects.get()
    page = client.get(reverse("cases:detail", args=[case.uuid])).content.decode()
    assert "genvurderes senest" in page
    url = reverse("cases:complaint_detail", args=[case.uuid, complaint.pk])
    response = client.post(
        url,
        {
            "reassess-reassessed_on": TODAY.isoformat(),
            "reassess-reassessment": "fastholdt",
            "reassess-sent_on": TODAY.isoformat(),
        },
    )
    assert response.status_code == 302
    response = client.post(url, {"outcome-outcome": "hjemvist", "outcome-outcome_on": TODAY.isoformat()})
    complaint.refresh_from_db()
    assert (complaint.reassessment, complaint.outcome) == ("fastholdt", "hjemvist")


def test_figures_count_timeliness_and_the_omgoerelsesprocent(case, consultant, leader):
    in_time = register(case, consultant, received_on=TODAY - dt.timedelta(days=35))
    complaint_reassess(
        complaint=in_time,
        actor=consultant,
        reassessed_on=TODAY - dt.timedelta(days=20),
        reassessment=Complaint.Reassessment.UPHELD,
        sent_on=TODAY - dt.timedelta(days=20),
    )
    complaint_outcome(
        complaint=in_time, actor=consultant, outcome=Complaint.Outcome.CHANGED, outcome_on=TODAY
    )
    register(case, consultant, received_on=TODAY - dt.timedelta(days=33))  # four weeks gone, not dealt with
    changed = register(case, consultant, received_on=TODAY - dt.timedelta(days=5))
    complaint_reassess(
        complaint=changed, actor=consultant, reassessed_on=TODAY, reassessment=Complaint.Reassessment.CHANGED
    )
    register(case, consultant, received_on=TODAY - dt.timedelta(days=2))  # still within its four weeks
    result = figures.complaints_figures(
        report_cases(user=leader), figures.Period(TODAY - dt.timedelta(days=60), TODAY), TODAY
    )
    assert result["received"] == 4 and result["changed_by_municipality"] == 1 and result["sent"] == 1
    assert (result["in_time"], result["measured"], result["in_time_share"]) == (2, 3, 0.6667)
    assert result["outcomes"]["aendret"] == 1 and result["overturned_share"] == 1.0
