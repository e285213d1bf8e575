"""Every role's start page and the case page fit a 1280 px screen and a phone (issue 15): no horizontal
scroll bar, and the deadline is on screen."""

import datetime as dt

import pytest

from cases.models import Alert
from cases.services.deadlines import case_deadlines_refresh
from staff.roles import Role
from tests.factories import EmployerFactory, StaffMemberFactory
from tests.meetings.factories import CaseFactory, consultant_with_calendar

SCREENS = {"laptop": (1280, 800), "phone": (390, 844)}
LONG = "Vestjyllands Maskinfabrik og Stålkonstruktioner A/S"


@pytest.fixture
def office(transactional_db, team):
    consultant = consultant_with_calendar(
        "konsulent1", team=team, user__first_name="Marie-Louise", user__last_name="Kristoffersen-Østergaard"
    )
    for username, role in [("booker1", Role.BOOKER), ("leder1", Role.LEADER)]:
        StaffMemberFactory(
            user__username=username,
            user__first_name="Anne-Mette",
            user__last_name="Vestergaard-Christensen",
            user__roles=[role],
            team=team,
        )
    StaffMemberFactory(
        user__username="admin", user__roles=[Role.ADMINISTRATOR], user__is_staff=True, team=None
    )
    cases = []
    for days in (10, 30, 50, 70):
        case = CaseFactory(
            consultant=consultant,
            team=team,
            first_absence_day=dt.date.today() - dt.timedelta(days=days),
            employer=EmployerFactory(
                name=LONG, nearest_leader_name="Bo", nearest_leader_phone="+45 97 12 34 56"
            ),
        )
        case_deadlines_refresh(case=case)
        case.refresh_from_db()
        Alert.objects.create(
            case=case,
            kind=case.next_deadline_kind,
            level="due_soon",
            due_on=case.next_deadline_on,
            recipient=consultant,
        )
        cases.append(case)
    return cases


def fits(page) -> tuple[int, int]:
    return page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")


def deadline_on_screen(page) -> bool:
    return page.evaluate(
        """() => { const cell = document.querySelector('.card-first');
                   if (!cell) return false;
                   const box = cell.getBoundingClientRect();
                   return box.left >= 0 && box.right <= window.innerWidth; }"""
    )


@pytest.mark.parametrize("screen", SCREENS)
@pytest.mark.parametrize(
    ("username", "path", "has_deadlines"),
    [
        ("konsulent1", "/", True),  # Mine sager
        ("konsulent1", "/sager/opgaver/", True),
        ("konsulent1", "case", True),
        ("booker1", "/", True),  # the booking queue
        ("leder1", "/", False),  # the report
        ("leder1", "case", True),
        ("admin", "/", False),  # the admin
    ],
)
def test_the_page_fits_the_screen_and_shows_the_deadline(
    page, log_in, office, screen, username, path, has_deadlines
):
    page.set_viewport_size(dict(zip(("width", "height"), SCREENS[screen], strict=True)))
    log_in(username)
    page.goto(f"/sager/{office[1].uuid}/" if path == "case" else path)
    scroll_width, viewport = fits(page)
    assert scroll_width <= viewport, f"{username} {path} is {scroll_width} px wide on a {viewport} px screen"
    if has_deadlines:
        assert deadline_on_screen(page)
