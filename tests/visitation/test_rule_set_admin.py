"""The administrator adds rule sets without code; a rule set in use cannot be deleted."""

import datetime as dt

from tests.cases.factories import CaseFactory
from visitation.models import RuleSet


def test_administrator_adds_a_rule_set_and_new_cases_fall_under_it(client, administrator):
    client.force_login(administrator)
    response = client.post(
        "/admin/visitation/ruleset/add/",
        {
            "name": "2027",
            "effective_from": "01-01-2027",
            "first_follow_up_week": 6,
            "follow_up_interval_weeks": 4,
            "measure_week": 13,
            "employer_period_days": 30,
            "reassessment_benefit_weeks": 22,
            "reassessment_window_months": 9,
            "fast_track_request_weeks": 5,
            "fast_track_meeting_weeks": 2,
            "fast_track_reply_bank_days": 2,
            "agreement_56_years": 2,
            **{
                f"source_{kind}": "lov § 1"
                for kind in [
                    "visitation",
                    "first_follow_up",
                    "next_follow_up",
                    "week13_measure",
                    "reassessment",
                    "fast_track_reply",
                    "fast_track_meeting",
                    "agreement_56_expiry",
                    "category1_after_week8",
                ]
            },
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    rule_set = RuleSet.objects.in_force_on(dt.date(2027, 3, 1))
    assert rule_set.name == "2027"
    assert rule_set.as_rules().first_follow_up_week == 6


def test_a_rule_set_in_use_cannot_be_deleted(client, administrator):
    client.force_login(administrator)
    in_use = RuleSet.objects.get(name="SOF 2017")
    CaseFactory(first_absence_day=dt.date(2017, 8, 21))
    unused = RuleSet.objects.get(name="2025")
    assert client.get(f"/admin/visitation/ruleset/{in_use.pk}/delete/").status_code == 403
    assert client.get(f"/admin/visitation/ruleset/{unused.pk}/delete/").status_code == 200
