"""Seed the catalogues: seed 000's eight competence-development items, case types and industries."""

from django.db import migrations

# Herning's catalogue of competence-development opportunities (seed 000, "Medarbejderkompetencer").
COMPETENCE_ITEMS = [
    ("Guide for virksomhedskontakt", "Skriftlig guide til den første kontakt med virksomheden."),
    ("Sidemandsoplæring", "Følg en erfaren fastholdelseskonsulent ud på virksomhederne."),
    ("Håndbog i virksomhedsrettet indsats", "Gennemgang af håndbogen med nærmeste leder."),
    ("Gruppeundervisning", "Intern undervisning i teamet."),
    ("Projektdeltagelse", "Deltagelse i projektets fællesaktiviteter og sparring på tværs af kommuner."),
    ("VIA-modul: Virksomhedsrettet indsats", "Undervisningsmodul købt hos VIA University College."),
    ("Individuel efteruddannelse på diplomniveau", "Individuel kompetenceudvikling/efteruddannelse."),
    (
        "Juridisk og socialfaglig støttegruppe",
        "Kollegial oplæring for medarbejdere uden socialrådgiver- eller socialformidlerbaggrund.",
    ),
]
CASE_TYPES = [
    "Erhvervet hjerneskade",
    "Stress og angst",
    "Depression",
    "Muskel- og skeletbesvær",
    "Kræft",
    "Arbejdsulykke",
    "Misbrug",
    "Graviditetsrelateret",
]
INDUSTRIES = [
    "Industri og produktion",
    "Bygge og anlæg",
    "Transport og logistik",
    "Handel og detail",
    "Landbrug",
    "Sundhed og omsorg",
    "Offentlig administration",
    "Undervisning",
    "Hotel og restauration",
    "Rengøring og service",
]


def seed(apps, schema_editor):
    CompetenceItemType = apps.get_model("staff", "CompetenceItemType")
    CaseType = apps.get_model("staff", "CaseType")
    Industry = apps.get_model("staff", "Industry")
    for position, (name, description) in enumerate(COMPETENCE_ITEMS, start=1):
        CompetenceItemType.objects.get_or_create(
            name=name, defaults={"description": description, "position": position}
        )
    for name in CASE_TYPES:
        CaseType.objects.get_or_create(name=name)
    for name in INDUSTRIES:
        Industry.objects.get_or_create(name=name)


class Migration(migrations.Migration):
    dependencies = [("staff", "0003_competence_plans_and_qualifications")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
