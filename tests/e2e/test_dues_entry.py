"""A village secretary on a phone (390×844) records this month's dues of the whole branch in one screen, and
the month's ledger then shows them paid (docs/dues.md)."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from branches.scope.roles import Role
from members.models import DuesPayment
from tests.e2e.helpers import county_township_village
from tests.e2e.helpers import log_in
from tests.e2e.helpers import staff_user
from tests.e2e.layout import Screenshots
from tests.utils.factories import MemberFactory
from tests.utils.factories_dues import declare

pytestmark = pytest.mark.browser
shoot = Screenshots("shots-dues")


@pytest.fixture
def branch(transactional_db, django_user_model):
    root, _county, _township, branch = county_township_village(django_user_model, "DUE")
    year = timezone.localdate().year
    for name, income in (("张建国", "3000"), ("李秀英", "5000.01"), ("王德明", "12000")):
        declare(root, MemberFactory(branch=branch, name=name), year=year, income=income)
    staff_user(django_user_model, root, "secretary", branch, Role.BRANCH_SECRETARY)
    return branch


def test_secretary_records_the_month_and_the_ledger_shows_them_paid(
    page, live_server, branch, console_errors
):
    log_in(page, live_server, "secretary")
    page.goto(f"{live_server.url}/branch/{branch.pk}/")
    page.get_by_role("link", name="登记党费").or_(page.get_by_role("link", name="Record dues")).first.click()
    page.wait_for_url(f"{live_server.url}/people/dues/month/")
    expect(page.get_by_text("张建国 · 15.00")).to_be_visible()
    expect(page.get_by_text("李秀英 · 75.00")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shoot(page, "dues-entry-390")

    page.locator("#save").click()  # nothing ticked: the message, nothing saved
    expect(page.locator("#error-summary")).to_be_visible()
    shoot(page, "dues-entry-error-390")

    page.locator("[data-checklist-all]").click()
    page.locator("#save").click()
    page.wait_for_url(f"{live_server.url}/branch/{branch.pk}/")
    assert DuesPayment.objects.filter(organization=branch).count() == 3

    page.goto(f"{live_server.url}/people/dues/month/")
    recorded = page.get_by_role("list", name="已登记").or_(page.get_by_role("list", name="Already recorded"))
    expect(recorded.get_by_text("王德明")).to_be_visible()
    expect(recorded.locator("li")).to_have_count(3)
    shoot(page, "dues-ledger-390")
    page.goto(f"{live_server.url}/people/dues-payments/")
    expect(page.get_by_text("李秀英")).to_be_visible()
    shoot(page, "dues-list-390")
    page.set_viewport_size({"width": 1440, "height": 900})
    shoot(page, "dues-list-1440")
    page.goto(f"{live_server.url}/people/dues/month/")
    shoot(page, "dues-ledger-1440")
    assert not console_errors
