import pytest

from cases.selectors.staffing import new_category_2_3_cases_by_month, open_cases_by_consultant
from staff import hooks


@pytest.fixture
def no_case_data_hooked_in():
    """The staff pages as they are when no app supplies case figures (cases registers them at start-up)."""
    hooks.first_meeting_demand_unregister(new_category_2_3_cases_by_month)
    hooks.caseload_unregister(open_cases_by_consultant)
    yield
    hooks.first_meeting_demand_register(new_category_2_3_cases_by_month)
    hooks.caseload_register(open_cases_by_consultant)
