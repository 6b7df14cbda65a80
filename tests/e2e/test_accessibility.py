"""axe-core (from npm) scans the main pages on a phone (390×844) and a desktop (1440×900); any violation of
impact serious or critical fails, listed with the elements it names (docs/printing.md, Accessibility).

The script is injected by Playwright, which the Content-Security-Policy would refuse as an inline script:
these pages alone are opened with the policy bypassed."""

import datetime as dt
import os
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from tests.e2e.helpers import log_in
from tests.utils.factories_dashboard import YEAR
from tests.utils.factories_print import REPORT_YEAR
from tests.utils.factories_print import printable_world

pytestmark = pytest.mark.browser

PASSWORD = "Secret-pass-1"  # tests.utils.factories.UserFactory's
AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = ("serious", "critical")
SIZES = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1440, "height": 900}}


def pages(world) -> dict[str, str]:
    return {
        "home": "/",
        "township dashboard": f"{reverse('assessments:dashboard', args=[world.township_a.pk])}?year={YEAR}",
        "county dashboard": f"{reverse('assessments:dashboard', args=[world.county.pk])}?year={YEAR}",
        "branch page": f"{reverse('assessments:branch-page', args=[world.branch_a1.pk])}?year={YEAR}",
        "member list": reverse("members:member-list"),
        "meeting entry": reverse("members:meeting-create"),
        "visit entry": reverse("members:visit-create"),
        "organization tree": reverse("members:organization-tree"),
        "terms and elections": reverse("members:organization-terms", args=[world.branch_a1.pk]),
        "election entry": reverse("members:election-new", args=[world.branch_a1.pk]),
        "terms ending soon": reverse("members:term-list"),
        "joint evaluation report": (
            f"{reverse('assessments:report-joint-evaluation')}?organization={world.county.pk}&year={REPORT_YEAR}"
        ),
        "meeting list": reverse("members:meeting-list"),
        "quota results": f"{reverse('assessments:quotaresult-list')}?year={YEAR}",
    }


@pytest.fixture
def world(transactional_db):
    return printable_world()


@pytest.fixture(params=list(SIZES))
def scanner(request, browser, browser_context_args):
    options = {**browser_context_args, "viewport": SIZES[request.param], "bypass_csp": True}
    context = browser.new_context(**options)
    yield context.new_page(), request.param
    context.close()


def violations(page) -> list[str]:
    """The serious and critical violations axe finds on the page as it stands, one line per element."""
    page.wait_for_load_state("networkidle")
    page.add_script_tag(path=str(AXE))
    found = page.evaluate("async () => (await axe.run(document, { resultTypes: ['violations'] })).violations")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {node['target']} {node.get('failureSummary', '')[:160]}"
        for v in found
        if v["impact"] in BLOCKING
        for node in v["nodes"]
    ]


def shot(page, name: str, size: str) -> None:
    if folder := os.environ.get("PARTYBUILD_SCREENSHOTS"):
        page.screenshot(path=os.path.join(folder, f"a11y-{name.replace(' ', '-')}-{size}.png"))


def test_the_scan_finds_what_it_should(scanner, live_server):
    """A canary: an unlabelled field and low-contrast text added to the login page are reported."""
    page, _size = scanner
    page.goto(f"{live_server.url}/accounts/login/")
    page.evaluate(
        """() => document.querySelector("main").insertAdjacentHTML("beforeend",
        '<input id="canary-field"><p id="canary-text" style="color:#ddd">这段文字的颜色太浅</p>')"""
    )
    found = "\n".join(violations(page))
    assert "label (critical)" in found and "#canary-field" in found
    assert "color-contrast (serious)" in found and "#canary-text" in found


def test_the_login_page_has_no_serious_accessibility_violation(scanner, live_server):
    page, size = scanner
    page.goto(f"{live_server.url}/accounts/login/")
    shot(page, "login", size)
    found = violations(page)
    assert found == [], f"login at {size}:\n" + "\n".join(found)


@pytest.mark.long
def test_the_main_pages_have_no_serious_accessibility_violation(scanner, live_server, world):
    page, size = scanner
    log_in(page, live_server, "county_admin", PASSWORD)
    report = {}
    for name, url in pages(world).items():
        response = page.goto(f"{live_server.url}{url}")
        assert response.status == 200, f"{name}: {response.status}"
        shot(page, name, size)
        if found := violations(page):
            report[name] = found
    if found := violations(meeting_with_errors(page, live_server)):
        report["meeting entry with errors"] = found
    assert report == {}, f"at {size}:\n" + "\n".join(
        f"{name}:\n  " + "\n  ".join(lines) for name, lines in report.items()
    )


def meeting_with_errors(page, live_server):
    """The meeting entry page sent back with its error summary (a date in the future, no topic)."""
    page.goto(f"{live_server.url}{reverse('members:meeting-create')}")
    # The offline script has registered the service worker (and its precache is in) before the post, so the
    # post does not queue behind the worker's downloads on a busy machine.
    page.wait_for_selector("html[data-offline-ready]", state="attached")
    page.fill("#id_held_on", (timezone.localdate() + dt.timedelta(days=1)).isoformat())
    with page.expect_navigation(wait_until="domcontentloaded"):
        page.locator("#save").click()
    page.wait_for_selector("#error-summary")
    return page
