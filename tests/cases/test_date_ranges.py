"""Dates held to sensible ranges (issue 17, staff/dates.py): 9999-12-31 and 0001-01-01 were saved as a
measure's and an offer's start, a § 56 approval and an expected full recovery. Each is now refused with a
sentence next to its field, and nothing is saved."""

import datetime as dt

import pytest
from django.urls import reverse

from cases.models import Case, Measure, Offer, Visitation
from staff.dates import END_DAYS_AHEAD, START_DAYS_AHEAD
from tests.cases.factories import AssignedCaseFactory
from visitation.models import MeasureType, OfferType

HTMX = {"HTTP_HX_REQUEST": "true"}
TODAY = dt.date.today()


@pytest.fixture
def case(consultant):
    return AssignedCaseFactory(consultant=consultant, first_absence_day=TODAY - dt.timedelta(days=40))


def post(client, case, slug, data):
    url = reverse("cases:action", kwargs={"uuid": case.uuid, "slug": slug})
    return client.post(url, {f"{slug}-{name}": value for name, value in data.items()}, **HTMX)


def iso(day: dt.date) -> str:
    return day.isoformat()


@pytest.mark.parametrize(
    "day, saved",
    [
        ("9999-12-31", False),
        ("0001-01-01", False),
        ("1899-12-31", False),
        (iso(TODAY + dt.timedelta(days=START_DAYS_AHEAD + 1)), False),  # more than a year ahead
        (iso(TODAY - dt.timedelta(days=41)), False),  # before the first day of absence
        (iso(TODAY + dt.timedelta(days=START_DAYS_AHEAD)), True),  # a year ahead: planned
        (iso(TODAY - dt.timedelta(days=40)), True),  # the first day of absence
    ],
)
@pytest.mark.parametrize(
    "slug, model, type_model", [("measure", Measure, MeasureType), ("offer", Offer, OfferType)]
)
def test_a_measure_or_offer_starts_within_the_case_and_at_most_a_year_ahead(
    client, consultant, case, day, saved, slug, model, type_model
):
    client.force_login(consultant)
    kind = type_model.objects.filter(active=True).first()
    response = post(client, case, slug, {"type": kind.pk, "started_on": day})
    assert model.objects.filter(case=case).exists() is saved
    if not saved:
        assert response.status_code == 200  # the section again, the sentence next to the field
        html = response.content.decode()
        assert any(
            sentence in html
            for sentence in [
                "før 1900",
                "for langt ude i fremtiden",
                "før første fraværsdag",
                "Indtast en gyldig",
            ]
        ), html


@pytest.mark.parametrize("slug", ["measure", "offer"])
def test_an_end_more_than_three_years_ahead_is_refused(client, consultant, case, slug):
    client.force_login(consultant)
    kind = (MeasureType if slug == "measure" else OfferType).objects.filter(active=True).first()
    too_late = TODAY + dt.timedelta(days=END_DAYS_AHEAD + 1)
    response = post(
        client, case, slug, {"type": kind.pk, "started_on": iso(TODAY), "ended_on": iso(too_late)}
    )
    assert "for langt ude i fremtiden" in response.content.decode()
    assert not Measure.objects.exists() and not Offer.objects.exists()


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "1900-01-01"])
def test_a_section_56_approval_of_another_age_is_refused(client, consultant, case, day):
    client.force_login(consultant)
    response = post(client, case, "agreement-56", {"approved_on": day})
    assert response.status_code == 200
    case.refresh_from_db()
    assert case.agreement_56_approved_on is None and case.agreement_56_expires_on is None


def test_a_section_56_agreement_still_running_at_the_first_day_of_absence_is_saved(client, consultant, case):
    client.force_login(consultant)
    approved = case.first_absence_day - dt.timedelta(days=400)  # approved for two years: still running
    assert post(client, case, "agreement-56", {"approved_on": iso(approved)}).status_code == 204
    case.refresh_from_db()
    assert case.agreement_56_approved_on == approved


@pytest.mark.parametrize(
    "day", ["9999-12-31", "0001-01-01", iso(TODAY + dt.timedelta(days=END_DAYS_AHEAD + 1))]
)
def test_an_expected_full_recovery_far_off_is_refused(client, consultant, case, day):
    client.force_login(consultant)
    response = post(
        client,
        case,
        "visitation",
        {"category": 2, "decided_on": iso(TODAY), "expected_full_recovery_on": day},
    )
    assert response.status_code == 200
    assert not Visitation.objects.filter(case=case).exists()
    assert Case.objects.get(pk=case.pk).expected_full_recovery_on is None


def test_the_date_picker_says_1900_is_the_earliest(client, consultant, case):
    client.force_login(consultant)
    url = reverse("cases:action_form", kwargs={"uuid": case.uuid, "slug": "measure"})
    assert 'min="1900-01-01"' in client.get(url, **HTMX).content.decode()
