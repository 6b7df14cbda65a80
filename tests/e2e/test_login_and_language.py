"""A village secretary on a phone: logs in, sees their role in Chinese, switches to English, reads the API."""

from types import SimpleNamespace

import pytest
from playwright.sync_api import expect

from branches.scope.roles import Role
from tests.e2e.helpers import county_township_village
from tests.e2e.helpers import log_in
from tests.e2e.helpers import staff_user
from tests.e2e.helpers import village_branch
from tests.utils.factories_entry import zh

pytestmark = pytest.mark.browser

LOGOUT_BUTTON = 'form[action="/accounts/logout/"] button'


@pytest.fixture
def secretary(transactional_db, django_user_model):
    root, county, township, branch = county_township_village(django_user_model, "E2E")
    other = village_branch(root, township, "向阳村党支部", "E2E-B2")
    user = staff_user(django_user_model, root, "secretary", branch, Role.BRANCH_SECRETARY)
    return SimpleNamespace(user=user, branch=branch, other=other, township=township, county=county)


def test_secretary_logs_in_on_a_phone_and_sees_role_and_branch_in_chinese(
    page, live_server, secretary, console_errors
):
    log_in(page, live_server, "secretary")

    assert page.locator("html").get_attribute("lang") == "zh-hans"
    roles = page.locator("#roles")
    expect(roles).to_contain_text(secretary.branch.name)
    expect(roles).not_to_contain_text(secretary.other.name)
    role_label = zh(Role.BRANCH_SECRETARY.label)
    assert role_label != "Branch secretary", "no Chinese translation of the role: is locale/zh_Hans compiled?"
    expect(roles).to_contain_text(role_label)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, "scrolls sideways on a phone"
    page.wait_for_load_state("networkidle")  # late requests (the favicon) count too
    assert console_errors == []


def test_language_buttons_switch_the_interface_to_english(page, live_server, secretary, console_errors):
    log_in(page, live_server, "secretary")
    logout = page.locator(LOGOUT_BUTTON)
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    chinese_logout = logout.inner_text().strip()

    page.locator('#language-form button[name="language"][value="en"]').click()
    page.wait_for_function("document.documentElement.lang === 'en'")

    assert page.url == f"{live_server.url}/"
    assert logout.inner_text().strip() == "Log out"
    expect(page.locator("#roles")).to_contain_text("Branch secretary")
    assert chinese_logout == zh("Log out")
    assert chinese_logout != "Log out", "the Chinese page said 'Log out': is locale/zh_Hans compiled?"
    page.wait_for_load_state("networkidle")
    assert console_errors == []


def test_api_in_the_browser_lists_only_the_secretarys_branch(page, live_server, secretary):
    log_in(page, live_server, "secretary")

    response = page.goto(f"{live_server.url}/api/v1/organizations/?format=json")
    assert response.status == 200
    data = response.json()
    assert data["count"] == 1
    assert [row["name"] for row in data["results"]] == [secretary.branch.name]

    response = page.goto(f"{live_server.url}/api/v1/organizations/")  # the browsable API, as HTML
    assert response.status == 200
    expect(page.locator("body")).to_contain_text(secretary.branch.code)
    expect(page.locator("body")).not_to_contain_text(secretary.other.code)
    expect(page.locator("body")).not_to_contain_text(secretary.township.code)

    response = page.goto(f"{live_server.url}/api/v1/organizations/{secretary.other.pk}/?format=json")
    assert response.status == 404
