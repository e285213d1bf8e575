"""The administrator adds rule sets without code; a rule set in use is neither deleted nor edited: a new
version with its own effective date replaces it (issue 15)."""

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
            **rules(first_follow_up_week=6),
            **sources("lov § 1"),
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


def test_a_rule_set_in_use_shows_its_dates_read_only_and_keeps_them_on_save(client, administrator):
    client.force_login(administrator)
    in_use = RuleSet.objects.get(name="SOF 2017")
    CaseFactory(first_absence_day=dt.date(2017, 8, 21))
    url = f"/admin/visitation/ruleset/{in_use.pk}/change/"
    page = client.get(url).content.decode()
    assert "dets frister kan ikke ændres" in page
    assert 'name="first_follow_up_week"' not in page and 'name="source_first_follow_up"' in page

    # A hand-made POST with a new week is ignored for the read-only fields; the legal source is saved.
    response = client.post(
        url, {"name": in_use.name, "first_follow_up_week": 3, **sources("§ 7, stk. 1 (rettet)")}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    in_use.refresh_from_db()
    assert in_use.first_follow_up_week == 8
    assert in_use.source_first_follow_up == "§ 7, stk. 1 (rettet)"


def test_a_new_version_starts_from_the_old_values_and_must_start_after_every_running_case(
    client, administrator
):
    client.force_login(administrator)
    in_use = RuleSet.objects.get(name="SOF 2017")
    CaseFactory(first_absence_day=dt.date(2017, 8, 21))
    form = client.get(f"/admin/visitation/ruleset/add/?copy={in_use.pk}").content.decode()
    assert "SOF 2017 (ny version)" in form

    data = {**rules(first_follow_up_week=6), **sources("lov § 1"), "name": "SOF 2017 v2"}
    too_early = client.post("/admin/visitation/ruleset/add/", {**data, "effective_from": "01-08-2017"})
    assert too_early.status_code == 200
    assert "Et nyt regelsæt skal gælde fra en dato, som ingen sag har endnu." in too_early.content.decode()
    assert not RuleSet.objects.filter(name="SOF 2017 v2").exists()


def rules(**changes):
    values = {
        "first_follow_up_week": 8,
        "follow_up_interval_weeks": 4,
        "measure_week": 13,
        "employer_period_days": 30,
        "reassessment_benefit_weeks": 22,
        "reassessment_window_months": 9,
        "fast_track_request_weeks": 5,
        "fast_track_meeting_weeks": 2,
        "fast_track_reply_bank_days": 2,
        "agreement_56_years": 2,
        "extension_work_ability_weeks": 69,
        "extension_treatment_weeks": 134,
    }
    return {**values, **changes}


def sources(text):
    kinds = [
        "visitation",
        "first_follow_up",
        "next_follow_up",
        "week13_measure",
        "reassessment",
        "fast_track_reply",
        "fast_track_meeting",
        "agreement_56_expiry",
        "category1_after_week8",
        "extension_end",
    ]
    return {f"source_{kind}": text for kind in kinds}
