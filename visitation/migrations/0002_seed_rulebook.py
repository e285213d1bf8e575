"""Seed the two rule sets of domain.md and the catalogues of formats.md §1 (codes as users type them)."""

import datetime as dt

from django.db import migrations

RULE_SETS = [
    {
        "name": "SOF 2017",
        "effective_from": dt.date(2014, 1, 1),
        "category_3_exists": True,
        "recovery_only_follow_up": False,
    },
    {
        # Bill L 74 (2024-25): category 3 abolished, § 13 f follow-up only on recovery.
        "name": "2025",
        "effective_from": dt.date(2025, 1, 1),
        "category_3_exists": False,
        "recovery_only_follow_up": True,
    },
]

EXCEPTION_REASONS = [
    ("indlagt", "Indlagt eller netop opereret"),
    ("alvorligt_syg", "Alvorligt eller livstruende syg"),
    ("arbejdsmiljoe", "Arbejdsmiljøet er årsag til sygemeldingen"),
    ("rask_efter_uge8", "Forventes rask lige efter uge 8"),
    ("opsagt", "Opsagt, arbejdsgiver vil ikke genansætte"),
    ("samarbejdsproblem", "Samarbejdsproblem mellem medarbejder og arbejdsgiver"),
    ("arbejdsgiver_afviser", "Arbejdsgiver afviser eller har ikke tid"),
    ("mangler_laegeoplysninger", "Lægelige oplysninger mangler (mødet flyttes til 2. samtale)"),
    ("afstand", "Afstand"),
]

MEASURE_TYPES = [
    ("delvis_raskmelding", "Delvis raskmelding / timeoptrapning"),
    ("virksomhedspraktik", "Virksomhedspraktik"),
    ("loentilskud", "Løntilskud"),
    ("mentor", "Mentor"),
    ("hjaelpemidler", "Hjælpemidler og arbejdspladsindretning"),
    ("personlig_assistance", "Personlig assistance"),
]

CLOSING_REASONS = [
    # code, label, counts as return to work, left out of every figure
    ("rask_eget_job", "Rask til eget job", True, False),
    ("rask_andet_job", "Rask til andet job", True, False),
    ("opsagt", "Opsagt", False, False),
    ("jobafklaring", "Jobafklaringsforløb", False, False),
    ("ressourceforloeb", "Ressourceforløb", False, False),
    ("fleksjob", "Fleksjob", True, False),
    ("foertidspension", "Førtidspension", False, False),
    ("selvforsoergelse", "Selvforsørgelse / anden indtægt", False, False),
    ("barsel", "Barsel", False, False),
    ("fraflyttet", "Fraflyttet kommunen", False, False),
    ("doed", "Død", False, False),
    ("fejloprettet", "Oprettet ved en fejl", False, True),
]

# Seeds 001 and 003: the offers the municipalities used, with the citizen's own progression measured.
OFFER_TYPES = [
    ("psykoedukation", "Psykoedukation"),
    ("mindfulness", "Mindfulness"),
    ("coaching", "Coaching"),
    ("motion_sundhed", "Motion og sundhed"),
    ("jobinspiration", "Jobinspiration"),
    ("smertehaandtering", "Smertehåndtering"),
    ("stresshaandtering", "Stresshåndtering"),
    ("psykolog", "Psykologsamtaler"),
    ("fysioterapi", "Fysioterapi"),
]

HANDOVER_REASONS = [
    # code, label, avoidable (the SOF model allows a change only at these transitions)
    ("raskmelding", "Raskmelding", False),
    ("opsagt_ledighed", "Opsagt – overgår til team for sygemeldte ledige", False),
    ("jobafklaring", "Overgang til jobafklaringsforløb", False),
    ("ressourceforloeb", "Overgang til ressourceforløb", False),
    ("sagsstop", "Sagsstop", False),
    ("kapacitet", "Kapacitet / sagsstamme", True),
    ("konsulent_stopper", "Konsulenten stopper", False),
    ("andet", "Andet", True),
]


def seed(apps, schema_editor):
    RuleSet = apps.get_model("visitation", "RuleSet")
    for rule_set in RULE_SETS:
        RuleSet.objects.update_or_create(name=rule_set["name"], defaults=rule_set)
    for code, label in EXCEPTION_REASONS:
        apps.get_model("visitation", "ExceptionReason").objects.update_or_create(code=code, defaults={"label": label})
    for code, label in MEASURE_TYPES:
        apps.get_model("visitation", "MeasureType").objects.update_or_create(code=code, defaults={"label": label})
    for code, label in OFFER_TYPES:
        apps.get_model("visitation", "OfferType").objects.update_or_create(code=code, defaults={"label": label})
    for code, label, returns, excluded in CLOSING_REASONS:
        apps.get_model("visitation", "ClosingReason").objects.update_or_create(
            code=code,
            defaults={"label": label, "counts_as_return_to_work": returns, "excluded_from_figures": excluded},
        )
    for code, label, avoidable in HANDOVER_REASONS:
        apps.get_model("visitation", "HandoverReason").objects.update_or_create(
            code=code, defaults={"label": label, "avoidable": avoidable}
        )


class Migration(migrations.Migration):
    dependencies = [("visitation", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
