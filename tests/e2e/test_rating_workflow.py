"""A branch's five-good rating taken from the system's proposal to the county's confirmation entirely in the
browser: the secretary self-assesses on a phone, the township reviews on a PC changing a score (first
without a reason: the error is shown on the field and summarised at the top, then with one), the county
confirms, and the list shows 县委确认 with the stars. The overview of the county and of the township, at two
sizes of county."""

from types import SimpleNamespace

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from assessments.models import RatingStage
from assessments.models import RatingStep
from assessments.models import StarRating
from assessments.services.ratings import rating_propose
from branches.scope.roles import Role
from tests.e2e.helpers import county_and_township
from tests.e2e.helpers import log_in
from tests.e2e.helpers import shot
from tests.e2e.helpers import staff_user
from tests.e2e.helpers import township_committee
from tests.e2e.helpers import village_branch
from tests.utils.factories_ratings import publish_results

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1440, "height": 900}
# The proposal: leadership 16, members 20, mechanism 18, performance 13.3, feedback 20 = 87.3, four stars.
MET = {
    "train.secretary": True,
    "study.village.sessions": True,
    "study.village.notes": True,
    "study.village.articles": False,
    "reserve.team_young": True,
    "dev.branch_min": True,
    "dev.two_years_none": True,
    "dev.under_25": True,
    "train.rotation": True,
    "reserve.young": True,
    **{f"meet.{kind}": True for kind in ("assembly", "committee", "group", "lecture", "theme_day")},
    "meet.life_meeting": True,
    "meet.appraisal": True,
    "review.committee_reports": True,
    "review.branch_reports": True,
    "review.disclosures": False,
    "visit.households": True,
    "train.per_level": True,
    "contact.visit": False,
    "review.democratic": True,
}


def switch_user(page, live_server, username, viewport):
    page.context.clear_cookies()
    page.set_viewport_size(viewport)
    log_in(page, live_server, username)


def assert_no_sideways_scroll(page):
    width = page.viewport_size["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= width, "the page scrolls sideways"


@pytest.fixture
def county(transactional_db, django_user_model):
    """A county, a township with a village branch whose quotas are published and its rating proposed."""
    year = timezone.localdate().year
    root, county, township = county_and_township(django_user_model, "RT")
    branch = village_branch(root, township, "红星村党支部", "RT-B1")
    village_branch(root, township, "向阳村党支部", "RT-B2")  # taking part, not proposed: "not rated yet"
    publish_results(branch, MET, year=year)
    rating_propose(actor=root, organization=branch, year=year)
    staff_user(django_user_model, root, "secretary", branch, Role.BRANCH_SECRETARY)
    staff_user(django_user_model, root, "township", township, Role.TOWNSHIP_STAFF)
    staff_user(django_user_model, root, "county", county, Role.COUNTY_ADMIN)
    rating = StarRating.objects.get(organization=branch, year=year)
    return SimpleNamespace(
        root=root, county=county, township=township, branch=branch, rating=rating, year=year
    )


def submit(page):
    with page.expect_navigation():
        page.locator("#save").click()


@pytest.mark.long
def test_a_rating_goes_from_proposal_to_confirmation_in_the_browser(
    page, live_server, county, console_errors
):
    rating_url = f"{live_server.url}/star-ratings/{county.rating.pk}/"

    # The secretary, on a phone: from the list to the rating, self-assessed as proposed.
    switch_user(page, live_server, "secretary", PHONE)
    page.goto(f"{live_server.url}/star-ratings/")
    page.locator(f'#list-table tr[data-pk="{county.rating.pk}"] a').first.click()
    page.wait_for_url(rating_url)
    expect(page.locator("#rating-stage")).to_contain_text("系统建议")
    expect(page.locator('#proposal-basis [data-code="study.village.articles"]')).to_contain_text("未达标")
    expect(page.locator("#id_leadership")).to_have_value("16.0")
    assert page.locator("#id_version").count() == 1 and not page.locator("#id_version").is_visible()
    assert_no_sideways_scroll(page)
    shot(page, "rating-page-phone")
    submit(page)
    expect(page.locator("#messages")).to_contain_text("支部自评")
    expect(page.locator("#rating-stage")).to_contain_text("支部自评")
    expect(page.locator("#entry-form")).to_have_count(0)  # the review is not the secretary's

    # The township, on a PC: from the overview, lowers a score — first without saying why.
    switch_user(page, live_server, "township", DESKTOP)
    page.goto(f"{live_server.url}/star-ratings/overview/?year={county.year}")
    expect(page.locator(f'tr[data-branch="{county.branch.pk}"]')).to_contain_text("支部自评")
    shot(page, "overview-township-desktop")
    page.locator(f'tr[data-branch="{county.branch.pk}"] a[data-rating-link]').click()
    page.wait_for_url(rating_url)
    page.fill("#id_leadership", "15.5")
    submit(page)
    expect(page.locator("#error-summary")).to_be_visible()
    expect(page.locator("#error-summary")).to_be_focused()
    expect(page.locator("#field-reason .invalid-feedback")).to_contain_text("领导班子好")
    expect(page.locator("#id_leadership")).to_have_value("15.5")
    assert not RatingStep.objects.filter(stage=RatingStage.REVIEWED).exists()
    shot(page, "form-with-errors-desktop")
    page.set_viewport_size(PHONE)
    assert_no_sideways_scroll(page)
    shot(page, "form-with-errors-phone")
    page.set_viewport_size(DESKTOP)
    page.fill("#id_reason", "书记学习心得文章未完成，班子建设扣0.5分")
    submit(page)
    expect(page.locator("#rating-stage")).to_contain_text("乡镇审核")
    expect(page.locator('#score-table tr[data-row="leadership"] td.table-warning')).to_have_text("15.5")
    expect(page.locator("#step-list")).to_contain_text("书记学习心得文章未完成")
    shot(page, "rating-page-desktop")

    # The county: confirms, and the list shows it.
    switch_user(page, live_server, "county", DESKTOP)
    page.goto(f"{live_server.url}/star-ratings/overview/?year={county.year}")
    township_row = page.locator(f'tr[data-row="{county.township.pk}"]')
    expect(township_row.locator('[data-count="reviewed"]')).to_have_text("1")
    expect(township_row.locator('[data-count="not_rated"]')).to_have_text("1")
    page.goto(rating_url)
    expect(page.locator("#id_leadership")).to_have_value("15.5")
    submit(page)
    expect(page.locator("#rating-final")).to_be_visible()
    page.goto(f"{live_server.url}/star-ratings/?year={county.year}")
    row = page.locator(f'#list-table tr[data-pk="{county.rating.pk}"]')
    expect(row).to_contain_text("县委确认")
    expect(row).to_contain_text("★★★★")
    shot(page, "list-confirmed-desktop")
    rating = StarRating.objects.get(pk=county.rating.pk)
    assert (rating.stage, str(rating.total), rating.stars) == (RatingStage.CONFIRMED, "86.8", 4)
    assert list(rating.steps.values_list("stage", flat=True)) == [
        RatingStage.SELF_ASSESSED,
        RatingStage.REVIEWED,
        RatingStage.CONFIRMED,
    ]
    page.wait_for_load_state("networkidle")
    assert console_errors == []


@pytest.mark.parametrize("townships", [1, 12])
def test_the_county_overview_at_two_sizes_fits_a_phone_and_a_pc(
    page, live_server, county, console_errors, townships
):
    for n in range(1, townships):
        township = township_committee(county.root, county.county, f"第{n}镇党委", f"RT-T{n}")
        for m in range(3):
            village_branch(county.root, township, f"第{n}镇{m + 1}村党支部", f"RT-T{n}-{m}")
    rating_propose(actor=county.root, organization=county.county, year=county.year)
    for name, viewport in (("phone", PHONE), ("desktop", DESKTOP)):
        switch_user(page, live_server, "county", viewport)
        page.goto(f"{live_server.url}/star-ratings/overview/?year={county.year}")
        expect(page.locator('[data-table="townships"] tbody tr')).to_have_count(townships)
        assert_no_sideways_scroll(page)
        shot(page, f"overview-county-{townships}-{name}")
    page.locator(f'tr[data-row="{county.township.pk}"] a[data-township-link]').click()
    expect(page.locator("#list-table")).to_contain_text("红星村党支部")
    page.wait_for_load_state("networkidle")
    assert console_errors == []
