"""A village secretary on a phone sends a meeting with a date in the future and no topic: the page comes back
with both errors in one summary at the top, which has the focus; the attendance rows are thumb-sized."""

import datetime as dt
from types import SimpleNamespace

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from branches.scope.roles import Role
from members.models import Meeting
from members.models import MeetingKind
from tests.e2e.helpers import county_township_village
from tests.e2e.helpers import log_in
from tests.e2e.helpers import staff_user
from tests.e2e.layout import DESKTOP
from tests.e2e.layout import Screenshots
from tests.utils.factories import MemberFactory

pytestmark = pytest.mark.browser

shoot = Screenshots("shots-phone-errors")


@pytest.fixture
def village(transactional_db, django_user_model):
    """A branch with a long roll: the checklist and the save button are well below the fold of a phone."""
    root, _county, _township, branch = county_township_village(django_user_model, "E2E")
    for n in range(24):
        MemberFactory(branch=branch, name=f"党员{n:02d}")
    user = staff_user(django_user_model, root, "secretary", branch, Role.BRANCH_SECRETARY)
    return SimpleNamespace(user=user, branch=branch)


def test_a_missing_topic_and_a_future_date_are_summarised_at_the_top_with_focus(
    page, live_server, village, console_errors
):
    log_in(page, live_server, "secretary")
    page.goto(f"{live_server.url}/people/meetings/new/")
    row = page.locator("#field-attendees .pb-check-row").first
    assert row.bounding_box()["height"] >= 44
    box = row.locator("input[type=checkbox]").bounding_box()
    assert box["height"] >= 24 and box["width"] >= 24
    assert page.locator("#save").bounding_box()["height"] >= 44

    page.select_option("#id_kind", MeetingKind.THEME_DAY)
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    page.fill("#id_held_on", tomorrow.isoformat())
    page.locator("#field-attendees label", has_text="党员03").click()
    page.locator("#save").scroll_into_view_if_needed()
    assert page.evaluate("window.scrollY") > 0  # the save button is below the fold
    page.locator("#save").click()
    page.wait_for_load_state()

    summary = page.locator("#error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_have_attribute("role", "alert")
    expect(summary).to_be_focused()
    expect(summary.locator("li")).to_have_count(2)
    expect(summary.locator('a[href="#id_held_on"]')).to_be_visible()
    expect(summary.locator('a[href="#id_topic"]')).to_be_visible()
    assert summary.bounding_box()["y"] < 844  # in view, not below the fold
    assert not Meeting.objects.exists()
    shoot(page, "phone-390x844-summary")

    summary.locator('a[href="#id_topic"]').click()
    expect(page.locator("#id_topic")).to_be_focused()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.locator("#field-attendees").scroll_into_view_if_needed()
    shoot(page, "phone-390x844-checklist")

    page.set_viewport_size(DESKTOP)
    page.evaluate("window.scrollTo(0, 0)")
    shoot(page, "desktop-1440x900-summary")
    assert console_errors == []
