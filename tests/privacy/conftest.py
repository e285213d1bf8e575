import pytest

from tests.meetings.factories import CaseFactory


@pytest.fixture
def own_case(consultant, team):
    """Alice's case in Alice's team."""
    return CaseFactory(consultant=consultant, team=team)


@pytest.fixture
def team_case(team):
    """A case in Alice's team held by nobody yet."""
    return CaseFactory(team=team, consultant=None)


@pytest.fixture
def other_team_case(other_consultant, other_team):
    return CaseFactory(consultant=other_consultant, team=other_team)
