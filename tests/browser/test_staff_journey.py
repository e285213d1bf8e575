"""A leader runs the conversion programme: overview, a new plan (bad input first), items, qualification."""

import datetime
import re

from playwright.sync_api import expect

from staff.models import CompetencePlan, StaffQualification
from staff.roles import Role
from tests.factories import StaffMemberFactory
from tests.staff.factories import CompetenceItemTypeFactory, ConversionTargetFactory, QualificationFactory


def test_leader_plans_a_conversion_and_sees_the_programme_move(page, log_in, transactional_db, team):
    today = datetime.date.today()
    first_of_month = today.replace(day=1)
    municipality = team.department.municipality
    ConversionTargetFactory(municipality=municipality, due_on=first_of_month, qualified_count=5)
    for _ in range(4):
        member = StaffMemberFactory(user__roles=[Role.CONSULTANT], team=team)
        QualificationFactory(staff_member=member, achieved_on=first_of_month - datetime.timedelta(days=60))
    alice = StaffMemberFactory(
        user__username="alice",
        user__first_name="Alice",
        user__last_name="Holm",
        user__roles=[Role.CONSULTANT],
        team=team,
    )
    StaffMemberFactory(user__username="lars", user__roles=[Role.LEADER], team=team)
    CompetenceItemTypeFactory(name="Sidemandsoplæring")

    log_in("lars")
    page.get_by_role("button", name="Ledelse").click()  # the leader's less daily pages
    page.get_by_role("link", name="Omlægning").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Omlægning til ny fastholdelseskonsulent")
    expect(page.get_by_test_id("qualified-now")).to_have_text("4")
    expect(page.get_by_text("Ikke nået (mangler 1)")).to_be_visible()
    expect(page.get_by_test_id("capacity-now")).to_have_text("52")
    staff_row = page.get_by_role("row").filter(has_text="Alice Holm")
    expect(staff_row).to_contain_text("Ingen plan")

    staff_row.get_by_role("link", name="Alice Holm").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kompetenceplan for Alice Holm")

    # A transition date before the expectation talk is refused, and nothing is saved.
    talk_on = today - datetime.timedelta(days=10)
    page.get_by_label("Forventningssamtale holdt den").fill(talk_on.isoformat())
    page.get_by_label("Forventet dato for overgang").fill((talk_on - datetime.timedelta(days=5)).isoformat())
    page.get_by_label("Lederens noter").fill("Klar til at tage første samtaler på virksomhederne.")
    page.get_by_role("button", name="Gem plan").click()
    expect(
        page.get_by_text("Den forventede overgang kan ikke ligge før forventningssamtalen.")
    ).to_be_visible()
    assert not CompetencePlan.objects.exists()

    page.get_by_label("Forventet dato for overgang").fill((today + datetime.timedelta(days=30)).isoformat())
    page.get_by_role("button", name="Gem plan").click()
    expect(page.get_by_text("Kompetenceplanen er gemt.")).to_be_visible()
    expect(page.get_by_test_id("expected-transition")).to_contain_text(
        (today + datetime.timedelta(days=30)).strftime("%d-%m-%Y")
    )

    page.get_by_text("Tilføj tiltag fra kataloget").click()
    page.get_by_label("Tiltag fra kataloget").select_option(label="Sidemandsoplæring")
    page.get_by_label("Planlagt start").fill(talk_on.isoformat())
    page.get_by_label("Planlagt afsluttet").fill((talk_on + datetime.timedelta(days=7)).isoformat())
    page.get_by_role("button", name="Tilføj tiltag").click()
    expect(page.get_by_text("Tiltaget er føjet til planen.")).to_be_visible()

    page.get_by_role("link", name="Ret Sidemandsoplæring").click()
    page.get_by_label("Status").select_option(label="Gennemført")
    page.get_by_label("Gennemført den").fill((talk_on - datetime.timedelta(days=1)).isoformat())
    page.get_by_role("button", name="Gem tiltag").click()
    expect(page.get_by_text("Et tiltag kan ikke være gennemført før den planlagte start.")).to_be_visible()
    page.get_by_label("Gennemført den").fill((talk_on + datetime.timedelta(days=6)).isoformat())
    page.get_by_role("button", name="Gem tiltag").click()
    expect(page.get_by_text("Tiltaget er opdateret.")).to_be_visible()
    expect(page.get_by_role("row").filter(has_text="Sidemandsoplæring")).to_contain_text("Gennemført")

    page.get_by_text("Registrér kvalifikation").click()
    page.get_by_role("combobox", name="Kompetence").select_option(
        label="Ny fastholdelseskonsulent (kombineret rolle)"
    )
    page.get_by_role("button", name="Registrér", exact=True).click()
    expect(page.get_by_text("Angiv datoen, hvor kompetencen blev opnået.")).to_be_visible()
    assert not StaffQualification.objects.filter(staff_member=alice).exists()
    page.get_by_label("Opnået den").fill(first_of_month.isoformat())
    page.get_by_role("button", name="Registrér", exact=True).click()
    expect(page.get_by_text("Kvalifikationen er registreret.")).to_be_visible()
    expect(page.get_by_text(re.compile(r"kvalificeret \d\d-\d\d-\d{4}"))).to_be_visible()
    history = page.get_by_role("region", name="Historik")
    expect(history).to_contain_text("Kompetenceplan oprettet")
    expect(history).to_contain_text("Status: Planlagt → Gennemført")

    page.get_by_role("button", name="Ledelse").click()
    page.get_by_role("link", name="Omlægning").first.click()
    expect(page.get_by_test_id("qualified-now")).to_have_text("5")
    expect(page.get_by_test_id("capacity-now")).to_have_text("65")
    expect(page.get_by_role("row").filter(has_text="Alice Holm")).to_contain_text("Kvalificeret")


def test_consultant_reads_own_plan_but_cannot_change_it(page, log_in, live_consultant):
    from tests.staff.factories import CompetencePlanFactory

    CompetencePlanFactory(
        staff_member=live_consultant.staff, leader_notes="Aftalt sidemandsoplæring i september."
    )
    log_in(live_consultant.username)
    page.get_by_role("link", name="Min kompetenceplan").click()
    expect(page.get_by_text("Aftalt sidemandsoplæring i september.")).to_be_visible()
    expect(page.get_by_role("button", name="Gem plan")).to_have_count(0)
