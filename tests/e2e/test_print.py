"""Printing on A4 (docs/printing.md): the township dashboard keeps every quota column on its landscape pages,
no page prints the menu or the buttons, and the charts shrink to the page. The PDFs are Chromium's own
(``page.pdf``), read back with pypdf; screenshots of the print-emulated pages at A4 widths go to
$PARTYBUILD_SCREENSHOTS when set, to look at by eye."""

import io
import os
import re
from dataclasses import dataclass

import pypdf
import pytest
from playwright.sync_api import expect

from assessments.indicators import indicator_label
from tests.e2e.helpers import log_in
from tests.utils.factories_dashboard import YEAR
from tests.utils.factories_entry import zh
from tests.utils.factories_print import BRANCH_CODES
from tests.utils.factories_print import REPORT_YEAR
from tests.utils.factories_print import printable_world

pytestmark = pytest.mark.browser

PASSWORD = "Secret-pass-1"  # tests.utils.factories.UserFactory's
DESKTOP = {"width": 1440, "height": 900}
# A4 at 96 CSS pixels per inch, less the margins of static/css/print.css.
A4_PORTRAIT = {"width": 718, "height": 1050}
A4_LANDSCAPE = {"width": 1047, "height": 718}
PORTRAIT_POINTS, LANDSCAPE_POINTS = (595, 842), (842, 595)


@pytest.fixture
def world(transactional_db):
    return printable_world()


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def page_sizes(reader: pypdf.PdfReader) -> list[tuple]:
    """Each page's size in points, A4's when within 2 points of it (Chromium's A4 is 8.27 × 11.7 inches)."""
    return [_a4_or_not(float(page.mediabox.width), float(page.mediabox.height)) for page in reader.pages]


def _a4_or_not(width: float, height: float) -> tuple:
    for a4 in (PORTRAIT_POINTS, LANDSCAPE_POINTS):
        if abs(width - a4[0]) <= 2 and abs(height - a4[1]) <= 2:
            return a4
    return width, height


@dataclass
class Printed:
    text: str  # without white space: a heading wrapped over lines reads whole
    sizes: list[tuple]


def print_page(page, name: str, width: int = A4_PORTRAIT["width"]) -> Printed:
    """The page as printed on A4, and its print-emulated screenshot at the width of the paper."""
    menu = menu_only_texts(page)
    page.emulate_media(media="print")
    if folder := os.environ.get("PARTYBUILD_SCREENSHOTS"):
        size = page.viewport_size
        page.set_viewport_size({"width": width, "height": 1000})
        page.wait_for_timeout(300)
        page.screenshot(path=os.path.join(folder, f"print-{name}.png"), full_page=True)
        page.set_viewport_size(size)
        page.wait_for_timeout(300)
    content = page.pdf(format="A4", prefer_css_page_size=True)
    if folder:
        with open(os.path.join(folder, f"print-{name}.pdf"), "wb") as file:
            file.write(content)
    reader = pypdf.PdfReader(io.BytesIO(content))
    text = squeeze("".join(p.extract_text() for p in reader.pages))
    assert menu, "no menu text to look for"
    assert [t for t in menu if t in text] == [], "the menu printed"
    printed = Printed(text, page_sizes(reader))
    assert all(size in (PORTRAIT_POINTS, LANDSCAPE_POINTS) for size in printed.sizes)
    return printed


def menu_only_texts(page) -> list[str]:
    """The menu's and buttons' words that appear nowhere in the page's content."""
    main = squeeze(page.locator("main").text_content())
    texts = page.locator("#site-nav a, #site-nav button").all_text_contents()
    return sorted({squeeze(t) for t in texts if squeeze(t) and squeeze(t) not in main})


def fits_the_paper(page, width: int, frames: str = ".table-responsive, #charts, main"):
    """Laid out at the width of the paper (print media still emulated), none of ``frames`` is wider."""
    page.set_viewport_size({"width": width, "height": 900})
    wider = page.evaluate(
        "selector => [...document.querySelectorAll(selector)]"
        ".filter(f => f.scrollWidth > f.clientWidth + 1).map(f => f.id || f.className)",
        frames,
    )
    assert wider == [], f"wider than A4 ({width} px): {wider}"


def charts_fit(page):
    """Every chart was redrawn for the paper: its canvas no wider than its box, two boxes across A4."""
    for chart in page.locator("[data-chart]").all():
        box, canvas = chart.bounding_box(), chart.locator("canvas").first.bounding_box()
        assert canvas["width"] <= box["width"] + 1, chart.get_attribute("id")
        assert box["width"] <= A4_PORTRAIT["width"] / 2, chart.get_attribute("id")


def test_the_township_dashboard_prints_every_quota_column_and_no_menu(page, live_server, world):
    page.set_viewport_size(DESKTOP)
    log_in(page, live_server, "staff_a", PASSWORD)
    page.goto(f"{live_server.url}/dashboard/{world.township_a.pk}/?year={YEAR}")
    expect(page.locator("[data-chart]").first).to_have_attribute("data-rendered", "true")
    expect(page.locator("#quota-progress thead th[title]")).to_have_count(len(BRANCH_CODES))

    printed = print_page(page, "township-dashboard")
    for code in BRANCH_CODES:
        assert squeeze(zh(indicator_label(code))) in printed.text, code
    assert squeeze(zh("Show")) not in printed.text  # the year form's button
    # The quota table on landscape pages of its own, the rest portrait.
    assert set(printed.sizes) == {LANDSCAPE_POINTS, PORTRAIT_POINTS}
    charts_fit(page)
    fits_the_paper(page, A4_PORTRAIT["width"], "#overview, #charts, #alerts")
    fits_the_paper(page, A4_LANDSCAPE["width"], "#quota-progress .table-responsive")
    if folder := os.environ.get("PARTYBUILD_SCREENSHOTS"):
        path = os.path.join(folder, "print-township-quota-landscape.png")
        page.locator("#quota-progress").screenshot(path=path)


def test_the_county_dashboard_prints_its_table_and_charts_on_a4(page, live_server, world):
    page.set_viewport_size(DESKTOP)
    log_in(page, live_server, "county_admin", PASSWORD)
    page.goto(f"{live_server.url}/dashboard/{world.county.pk}/?year={YEAR}")
    expect(page.locator("[data-chart]").first).to_have_attribute("data-rendered", "true")
    # The dues card's figures load after the page, into its place.
    expect(page.locator("#dues-summary table")).to_be_visible()
    expect(page.locator("#dues-summary")).not_to_have_attribute("aria-busy", "true")
    printed = print_page(page, "county-dashboard")
    assert world.township_a.name in printed.text and world.township_b.name in printed.text
    assert squeeze(zh("In arrears")) in printed.text  # a column of the dues card's table
    assert squeeze(zh("Young reserve coverage")) in printed.text  # one of the table's last columns
    assert set(printed.sizes) == {PORTRAIT_POINTS}
    charts_fit(page)
    fits_the_paper(page, A4_PORTRAIT["width"])


def test_the_branch_page_prints_without_its_entry_buttons(page, live_server, world):
    log_in(page, live_server, "secretary_a1", PASSWORD)
    page.goto(f"{live_server.url}/branch/{world.branch_a1.pk}/?year={YEAR}")
    expect(page.locator("#entry-buttons")).to_be_visible()
    printed = print_page(page, "branch-page")
    assert world.branch_a1.name in printed.text
    assert squeeze(zh("Development due list")) in printed.text
    for hidden in ("Record a visit", "Refresh my numbers", "Record facts of the step"):
        assert squeeze(zh(hidden)) not in printed.text, hidden
    assert set(printed.sizes) == {PORTRAIT_POINTS}
    fits_the_paper(page, A4_PORTRAIT["width"])


def test_the_report_prints_every_township_table_whole(page, live_server, world):
    page.set_viewport_size(DESKTOP)
    log_in(page, live_server, "county_admin", PASSWORD)
    page.goto(
        f"{live_server.url}/reports/joint-evaluation/?organization={world.county.pk}&year={REPORT_YEAR}"
    )
    expect(page.locator(".report-township")).to_have_count(2)
    printed = print_page(page, "report")
    for name in ("东一村党支部", "西一村党支部", zh("Rank in the township")):
        assert squeeze(name) in printed.text
    for hidden in ("Generate Excel", "My report files"):
        assert squeeze(zh(hidden)) not in printed.text, hidden
    assert set(printed.sizes) == {PORTRAIT_POINTS}
    fits_the_paper(page, A4_PORTRAIT["width"])
