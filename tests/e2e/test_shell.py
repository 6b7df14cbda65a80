"""The site shell in Chromium, on a phone (390×844) and a desktop (1440×900): the menu each role gets, the
organization tree (open, close, search), the Chinese error page, and a chart click leading to the list
behind the segment. Screenshots go to $PARTYBUILD_SCREENSHOTS when set."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import log_in
from tests.e2e.helpers import shot
from tests.utils.factories_dashboard import YEAR
from tests.utils.factories_dashboard import dashboard_world

pytestmark = pytest.mark.browser

PASSWORD = "Secret-pass-1"  # tests.utils.factories.UserFactory's
VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1440, "height": 900}}
SECRETARIES_NEVER = {"nav-admin", "nav-api", "nav-api-docs", "nav-quota-runs", "nav-report", "nav-audit"}
MENU = {  # who: (links shown, links never shown)
    "secretary_a1": ({"nav-organization-tree", "nav-members", "nav-quota-results"}, SECRETARIES_NEVER),
    "staff_a": (
        {"nav-organization-tree", "nav-alerts", "nav-star-ratings", "nav-quota-results", "nav-quota-runs"},
        {"nav-audit"},
    ),
    "county_admin": (
        {"nav-organization-tree", "nav-alerts", "nav-audit", "nav-admin", "nav-api", "nav-api-docs"},
        set(),
    ),
}


@pytest.fixture
def world(transactional_db):
    return dashboard_world()


def no_sideways_scroll(page):
    width = page.viewport_size["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= width, "the page scrolls sideways"


def open_menu(page):
    toggler = page.locator(".navbar-toggler")
    if toggler.is_visible():
        toggler.click()
        expect(page.locator("#nav-links")).to_have_class(re.compile(r"\bshow\b"))  # done unfolding


@pytest.mark.parametrize("viewport", sorted(VIEWPORTS))
@pytest.mark.parametrize("who", sorted(MENU))
def test_each_role_gets_its_menu(page, live_server, world, console_errors, who, viewport):
    page.set_viewport_size(VIEWPORTS[viewport])
    log_in(page, live_server, who, PASSWORD)
    shown, hidden = MENU[who]
    for link_id in shown:
        assert page.locator(f"#{link_id}").count() == 1, link_id
    for link_id in hidden:
        assert page.locator(f"#{link_id}").count() == 0, link_id
    open_menu(page)
    page.locator("#nav-organizations").click()
    expect(page.locator("#nav-organization-tree")).to_be_visible()
    no_sideways_scroll(page)
    shot(page, f"menu-{who}-{viewport}")
    page.locator("#nav-organization-tree").click()
    expect(page.locator("#organization-tree")).to_be_visible()
    assert console_errors == []


@pytest.mark.parametrize("viewport", sorted(VIEWPORTS))
def test_the_organization_tree_opens_closes_and_searches(page, live_server, world, console_errors, viewport):
    page.set_viewport_size(VIEWPORTS[viewport])
    log_in(page, live_server, "county_admin", PASSWORD)
    page.goto(f"{live_server.url}/people/organizations/")
    township = page.locator(f'li[data-code="{world.township_a.code}"] > details')
    branch = page.locator(f'li[data-code="{world.branch_a1.code}"]')
    expect(branch).to_be_hidden()  # the townships start closed under the open county
    township.locator("> summary").click()
    expect(branch).to_be_visible()
    expect(branch.locator(".pb-tree-leaf")).to_contain_text(world.branch_a1.code)
    no_sideways_scroll(page)
    shot(page, f"tree-{viewport}")
    township.locator("> summary").click()
    expect(branch).to_be_hidden()

    page.fill("#tree-q", "东一")
    page.locator("#tree-search button[type=submit]").click()
    expect(page.locator(".pb-tree-match")).to_have_text(world.branch_a1.name)
    assert page.locator("li[data-code]").count() == 3  # the county, the township, the branch
    shot(page, f"tree-search-{viewport}")
    branch.locator("a", has_text="党员").first.click()
    page.wait_for_url(lambda url: url.endswith(f"/people/members/?within={world.branch_a1.pk}"))

    page.goto(f"{live_server.url}/people/organizations/?q={world.branch_z1.code}")
    expect(page.locator("#tree-empty")).to_be_visible()
    assert page.locator("li[data-code]").count() == 0
    page.emulate_media(media="print")
    shot(page, f"tree-print-{viewport}")
    assert console_errors == []


def test_a_missing_page_is_chinese_with_a_way_home(page, live_server, world):
    log_in(page, live_server, "secretary_a1", PASSWORD)
    page.goto(f"{live_server.url}/no-such-page/")
    expect(page.locator("#error-title")).to_have_text("页面不存在")
    shot(page, "error-404-phone")
    page.goto(f"{live_server.url}/org/audit/")
    expect(page.locator("#error-title")).to_have_text("无权访问")
    page.locator("#error-home").click()
    page.wait_for_url(f"{live_server.url}/")


def test_a_click_on_a_quota_bar_opens_the_results_behind_it(page, live_server, world, console_errors):
    page.set_viewport_size(VIEWPORTS["desktop"])
    log_in(page, live_server, "staff_a", PASSWORD)
    page.goto(f"{live_server.url}/dashboard/{world.township_a.pk}/?year={YEAR}")
    chart = page.locator("#chart-quota")
    expect(chart).to_have_attribute("data-clickable", "true")
    # The middle of the red segment of the indicator's bar, in the chart's own pixels.
    point = page.evaluate(
        """() => {
          const spec = JSON.parse(document.getElementById('dashboard-charts').textContent)
            .find((c) => c.id === 'chart-quota');
          const chart = echarts.getInstanceByDom(document.getElementById('chart-quota'));
          const index = spec.series[2].urls.findIndex((url) => url && url.includes('code=meet.group'));
          const before = spec.series[0].data[index] + spec.series[1].data[index];
          const red = spec.series[2].data[index];
          return chart.convertToPixel({seriesIndex: 2}, [before + red / 2, index]);
        }"""
    )
    chart.scroll_into_view_if_needed()
    page.wait_for_timeout(1500)  # the bars grow in for a second (ECharts' animation)
    box = chart.bounding_box()
    page.mouse.move(box["x"] + point[0], box["y"] + point[1])
    page.wait_for_timeout(500)  # the tooltip opens
    page.mouse.click(box["x"] + point[0], box["y"] + point[1])
    page.wait_for_url(lambda url: "/quota-results/" in url)
    assert "code=meet.group" in page.url and "met=False" in page.url
    expect(page.locator("main table")).to_contain_text(world.branch_a1.name)
    shot(page, "chart-click-results")
    # The pointer passed over the chart and opened its tooltip, drawn on the canvas: no style the CSP refuses.
    assert console_errors == []


@pytest.mark.parametrize("viewport", sorted(VIEWPORTS))
def test_the_pages_in_words_fit_both_screens(page, live_server, world, console_errors, viewport):
    """The drill page (facts in words, rows as links), the audit tabs and the quota results, on a phone and
    a desktop: nothing scrolls sideways and nothing fails in the console."""
    import datetime as dt

    from assessments.models import QuotaResult
    from branches.services import organization_update
    from members.models import MeetingKind
    from tests.utils.factories_activities import MeetingFactory

    QuotaResult.objects.update(detail={"kind": "group"})
    MeetingFactory(
        organization=world.branch_a1,
        kind=MeetingKind.GROUP,
        held_on=dt.date(YEAR, 3, 5),
        topic="三月党小组会",
    )
    organization_update(actor=world.users["county_admin"], organization=world.branch_a2, short_name="东二")
    page.set_viewport_size(VIEWPORTS[viewport])
    log_in(page, live_server, "county_admin", PASSWORD)
    pages = {
        "drill": f"/dashboard/{world.branch_a1.pk}/drill/meet.group/?year={YEAR}",
        "audit-events": "/org/audit/",
        "audit-history": "/org/audit/?tab=history",
        "quota-results": f"/quota-results/?within={world.township_a.pk}&year={YEAR}",
        "report": "/reports/joint-evaluation/",
    }
    for name, path in pages.items():
        response = page.goto(f"{live_server.url}{path}")
        assert response.status == 200, path
        no_sideways_scroll(page)
        shot(page, f"{name}-{viewport}")
    page.goto(f"{live_server.url}{pages['drill']}")
    expect(page.locator("#drill-facts dt").first).not_to_have_text("kind")  # a label, not the key
    expect(page.locator("#drill-facts dd").first).to_have_text("党小组会")  # the kind's name, not "group"
    expect(page.locator("#drill-records a.pb-drill-link").first).to_be_visible()
    page.locator("#drill-records a.pb-drill-link").first.click()
    page.wait_for_url(lambda url: "/people/meetings/" in url and url.endswith("/edit/"))
    assert console_errors == []
