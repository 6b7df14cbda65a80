"""A village secretary on a phone records a household visit, is taken back to the branch page, and the visit
figure has moved without "refresh my numbers" (docs/quotas.md, "Fresh figures").

The suite runs tasks in-process (partybuild/settings/test.py, with or without a broker), so the run the
visit starts is done before the page comes back. How the page behaves while a worker still has it queued is
the second test: it says it is updating, polls, and reloads with the new figure once the run is done.
"""

import os
from types import SimpleNamespace

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from assessments.models import QuotaRun
from assessments.models import RunState
from assessments.services.quotas import RECORDS_TRIGGER
from assessments.services.quotas import quota_run_execute
from assessments.services.quotas import quota_run_start
from branches.scope.roles import Role
from members.models import CadrePost
from tests.e2e.helpers import county_and_township
from tests.e2e.helpers import log_in
from tests.e2e.helpers import staff_user
from tests.e2e.helpers import village_branch
from tests.utils.factories import MemberFactory
from tests.utils.factories_cadres import CadreFactory
from tests.utils.factories_visits import VisitLogFactory

pytestmark = pytest.mark.browser

VISIT_QUOTA = '#quota-list li[data-code="visit.households"] [data-actual]'
DESKTOP = {"width": 1440, "height": 900}


def shot(page, name: str) -> None:
    """Screenshots at the phone's size and the desktop's into $PARTYBUILD_SCREENSHOTS, when set."""
    if folder := os.environ.get("PARTYBUILD_SCREENSHOTS"):
        phone = page.viewport_size
        page.screenshot(path=os.path.join(folder, f"{name}-phone.png"), full_page=True)
        page.set_viewport_size(DESKTOP)
        page.screenshot(path=os.path.join(folder, f"{name}-desktop.png"), full_page=True)
        page.set_viewport_size(phone)


@pytest.fixture
def village(transactional_db, django_user_model):
    """A village whose secretary has visited 49 households this year, published this morning: the 50th
    meets the quota."""
    root, _county, township = county_and_township(django_user_model, "LIVE")
    branch = village_branch(root, township, "红星村党支部", "LIVE-B1")
    cadre = CadreFactory(organization=branch, post=CadrePost.SECRETARY, member=MemberFactory(branch=branch))
    today = timezone.localdate()
    for n in range(49):
        VisitLogFactory(cadre=cadre, household_name=f"已访户{n}", visited_on=today)
    quota_run_start(actor=root, organization=branch, year=today.year)
    user = staff_user(django_user_model, root, "secretary", branch, Role.BRANCH_SECRETARY)
    return SimpleNamespace(user=user, branch=branch, township=township, cadre=cadre)


def test_a_recorded_visit_moves_the_figure_without_pressing_refresh(
    page, live_server, village, console_errors
):
    assert page.viewport_size == {"width": 390, "height": 844}
    log_in(page, live_server, "secretary")
    branch_page = f"{live_server.url}/branch/{village.branch.pk}/"
    page.goto(branch_page)
    expect(page.locator(VISIT_QUOTA)).to_have_text("0")

    page.locator("#entry-buttons a").first.click()
    page.wait_for_url(f"{live_server.url}/people/visits/new/")
    page.fill("#id_household_name", "新访户")
    page.fill("#id_village_group", "三组")
    page.locator("#save").click()
    page.wait_for_url(branch_page)

    expect(page.locator(VISIT_QUOTA)).to_have_text("1", timeout=20_000)  # through polling, on a worker
    expect(page.locator("#updating")).to_have_count(0)
    runs = QuotaRun.objects.filter(trigger=RECORDS_TRIGGER)
    assert [(run.organization_id, run.state) for run in runs] == [(village.branch.pk, RunState.SUCCEEDED)]
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, "scrolls sideways on a phone"
    shot(page, "live-figures-after-visit")
    page.wait_for_load_state("networkidle")
    assert console_errors == []


def test_while_a_worker_has_the_run_the_page_says_updating_and_reloads_when_done(
    page, live_server, village, console_errors
):
    VisitLogFactory(cadre=village.cadre, household_name="新访户", visited_on=timezone.localdate())
    run = QuotaRun.objects.create(
        organization=village.township, year=timezone.localdate().year, trigger=RECORDS_TRIGGER
    )
    log_in(page, live_server, "secretary")
    page.goto(f"{live_server.url}/branch/{village.branch.pk}/")
    expect(page.locator("#updating")).to_be_visible()
    expect(page.locator(VISIT_QUOTA)).to_have_text("0")
    expect(page.locator("#quota-list")).to_have_attribute("aria-busy", "true")
    shot(page, "live-figures-updating")

    # The worker finishes the run while a poll is held here, so that the server and this thread never use
    # the test database at once (SQLite shares one connection between them).
    def finish_then_answer(route):
        if QuotaRun.objects.get(pk=run.pk).state == RunState.QUEUED:
            quota_run_execute(run.pk)
        route.continue_()

    page.route(f"**/branch/{village.branch.pk}/runs/{run.pk}/", finish_then_answer)
    # htmx reloads the page with the new figures. On a loaded machine a second poll can answer while the
    # first is held, and its reload cuts the first one short: wait for the reloaded page, not one navigation.
    expect(page.locator(VISIT_QUOTA)).to_have_text("1", timeout=20_000)
    expect(page.locator("#updating")).to_have_count(0)
    expect(page.locator("#messages")).to_be_visible()
    shot(page, "live-figures-updated")
    page.wait_for_load_state("networkidle")
    assert console_errors == []
