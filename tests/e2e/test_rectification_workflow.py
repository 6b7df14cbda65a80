"""A weak branch rectified from end to end in the browser: the township opens a rectification for a branch
on the year's candidate list, the branch's secretary notes progress on a phone, the township asks for the
close and the county verifies it; the page then shows the verified status and the history. Screenshots of
every page at both sizes go to $PB_SHOTS when set."""

import datetime as dt
import os
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from assessments.models import Rectification
from assessments.models import RectificationStatus
from branches.scope.roles import Role
from tests.e2e.conftest import PHONE
from tests.e2e.helpers import PASSWORD
from tests.e2e.helpers import county_and_township
from tests.e2e.helpers import log_in
from tests.e2e.helpers import staff_user
from tests.e2e.helpers import village_branch
from tests.utils.factories_assessments import instructor

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1440, "height": 900}
SHOTS = os.environ.get("PB_SHOTS")


@pytest.fixture
def county(transactional_db, django_user_model):
    """红星村 has no secretary and no rating this year (listed twice over); 向阳村's member is the township's
    party-building instructor."""
    root, county, township = county_and_township(django_user_model, "E2E")
    weak = village_branch(root, township, "红星村党支部", "E2E-B1")
    other = village_branch(root, township, "向阳村党支部", "E2E-B2")
    return SimpleNamespace(
        weak=weak,
        guide=instructor(other),
        staff=staff_user(django_user_model, root, "staff", township, Role.TOWNSHIP_STAFF),
        secretary=staff_user(django_user_model, root, "secretary", weak, Role.BRANCH_SECRETARY),
        admin=staff_user(django_user_model, root, "county", county, Role.COUNTY_ADMIN),
    )


def shoot(page, name):
    """The page at both sizes, whole, when $PB_SHOTS is set; the viewport is put back as it was."""
    if not SHOTS:
        return
    folder = Path(SHOTS)
    folder.mkdir(parents=True, exist_ok=True)
    size = page.viewport_size
    for label, viewport in (("phone", PHONE), ("desktop", DESKTOP)):
        page.set_viewport_size(viewport)
        page.screenshot(path=str(folder / f"{name}-{label}.png"), full_page=True)
    page.set_viewport_size(size)


def as_user(browser, live_server, username, viewport):
    context = browser.new_context(viewport=viewport, locale="zh-CN")
    page = context.new_page()
    log_in(page, live_server, username, PASSWORD)
    return page


def assert_fits_a_phone(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], "scrolls sideways"


def township_opens(page, live_server, county):
    page.goto(f"{live_server.url}/rectifications/candidates/")
    row = page.locator(f'#candidates li[data-pk="{county.weak.pk}"]')
    expect(row.locator('[data-code="unrated"]')).to_be_visible()
    shoot(page, "1-candidates")
    row.locator("[data-open]").click()
    page.wait_for_url("**/rectifications/new/**")
    expect(page.locator("#listed-reasons li")).to_have_count(2)
    expect(page.locator('#field-reasons input[value="unrated"]')).to_be_checked()
    # First a careless round: no plan, a deadline of today — both said at the top, with the focus.
    page.fill("#id_responsible_leader", "王镇长")
    page.fill("#id_deadline", timezone.localdate().isoformat())
    page.locator("#save").click()
    expect(page.locator("#error-summary li")).to_have_count(3)  # plan, instructor, deadline
    expect(page.locator("#error-summary")).to_be_focused()
    shoot(page, "2-open-errors")
    page.fill("#id_plan", "调整充实支委班子，规范三会一课，每月督导一次")
    page.select_option("#id_instructor", str(county.guide.pk))
    page.fill("#id_deadline", (timezone.localdate() + dt.timedelta(days=90)).isoformat())
    page.locator("#save").click()
    page.wait_for_url("**/rectifications/*/")
    expect(page.locator("#status")).to_have_attribute("data-status", "open")
    shoot(page, "3-page-open")
    return Rectification.objects.get(organization=county.weak)


def secretary_notes_progress(page, live_server, county):
    page.goto(f"{live_server.url}/branch/{county.weak.pk}/")
    expect(page.locator("#rectification")).to_be_visible()
    assert_fits_a_phone(page)
    shoot(page, "4-branch-page")
    page.locator("#rectification a").click()
    page.wait_for_url("**/rectifications/*/")
    expect(page.locator("#step-request-close")).to_have_count(0)
    page.locator("#submit-note").click()  # nothing written: said at the top of the note's form
    expect(page.locator("#step-note #error-summary")).to_be_focused()
    shoot(page, "5-page-note-error")
    page.fill("#id_note-text", "召开支部党员大会，补选支部书记，建立每月主题党日台账")
    page.locator("#submit-note").click()
    expect(page.locator("[data-note]")).to_have_count(1)
    assert_fits_a_phone(page)
    shoot(page, "6-page-note-on-phone")


@pytest.mark.long
def test_a_weak_branch_is_rectified_from_the_candidate_list_to_the_countys_verification(
    page, browser, live_server, county, console_errors
):
    page.set_viewport_size(DESKTOP)
    log_in(page, live_server, "staff")
    rectification = township_opens(page, live_server, county)
    url = f"{live_server.url}/rectifications/{rectification.pk}/"

    phone = as_user(browser, live_server, "secretary", PHONE)
    secretary_notes_progress(phone, live_server, county)

    page.goto(url)
    expect(page.locator("#step-verify")).to_have_count(0)
    page.fill("#id_request-close-summary", "支部书记已配齐，三会一课按时召开，群众满意度明显提升")
    page.locator("#submit-request-close").click()
    expect(page.locator("#status")).to_have_attribute("data-status", "close_requested")
    shoot(page, "7-page-close-requested")
    page.goto(f"{live_server.url}/rectifications/")
    expect(page.locator(f'#list-table tr[data-pk="{rectification.pk}"]')).to_be_visible()
    shoot(page, "8-list")

    county_page = as_user(browser, live_server, "county", DESKTOP)
    county_page.goto(url)
    county_page.locator("#submit-verify").click()
    expect(county_page.locator("#status")).to_have_attribute("data-status", "verified")
    expect(county_page.locator("#status")).to_have_text("验收销号")
    expect(county_page.locator("#history [data-step]")).to_have_count(3)
    expect(county_page.locator("#history")).to_contain_text("申请销号")
    expect(county_page.locator("[data-note]")).to_contain_text("补选支部书记")
    shoot(county_page, "9-page-verified")
    assert Rectification.objects.get(pk=rectification.pk).status == RectificationStatus.VERIFIED

    page.wait_for_load_state("networkidle")
    assert console_errors == []
