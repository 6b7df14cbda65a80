"""A village secretary issues a transfer letter out of the county from a member's archive on a 390×844 phone,
records its delivery from the letter's page, and finds it in the list; the pages at both sizes
(docs/transfers.md). Screenshots go to ``PB_SHOTS`` when it is set."""

from types import SimpleNamespace

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from branches.scope.roles import Role
from members.models import LetterStatus
from members.models import MemberStatus
from members.models import TransferLetter
from tests.e2e.helpers import county_township_village
from tests.e2e.helpers import log_in
from tests.e2e.helpers import staff_user
from tests.e2e.layout import DESKTOP
from tests.e2e.layout import Screenshots
from tests.e2e.layout import fits
from tests.utils.factories import MemberFactory
from tests.utils.factories_transfers import letter_row
from tests.utils.factories_transfers import receive

pytestmark = pytest.mark.browser

shoot = Screenshots("shots-letters")


@pytest.fixture
def village(transactional_db, django_user_model):
    root, _county, _township, branch = county_township_village(django_user_model, "E2E")
    member = MemberFactory(branch=branch, name="张建国")
    secretary = staff_user(django_user_model, root, "secretary", branch, Role.BRANCH_SECRETARY)
    letter_row(branch, member=MemberFactory(branch=branch, name="李过期"), number="2026-090")
    receive(secretary, branch, accepted_on=timezone.localdate(), number="外-31")
    return SimpleNamespace(branch=branch, member=member)


def test_a_secretary_issues_and_delivers_a_letter_on_a_phone(page, live_server, village, console_errors):
    log_in(page, live_server, "secretary")
    page.goto(f"{live_server.url}/people/members/{village.member.pk}/")
    page.locator("#archive-transfer-letter").click()
    page.fill("#id_to_organization_name", "广东省深圳市宝安区某社区党委")
    page.fill("#id_dues_paid_up_to", timezone.localdate().strftime("%Y-%m"))
    fits(page, 390)
    shoot(page, "issue-phone")
    page.locator("#save").click()
    expect(page.locator("#letter-state")).to_be_visible()
    letter = TransferLetter.objects.get(member=village.member)
    fits(page, 390)
    shoot(page, "letter-phone")
    page.locator("#letter-deliver").click()
    page.locator("#save").click()
    expect(page.locator("#letter-history")).to_contain_text(timezone.localdate().isoformat())
    letter.refresh_from_db()
    village.member.refresh_from_db()
    assert letter.status == LetterStatus.DELIVERED
    assert village.member.status == MemberStatus.TRANSFERRED_OUT
    page.goto(f"{live_server.url}/people/transfer-letters/")
    expect(page.locator("#list-table")).to_contain_text(letter.number)
    fits(page, 390)
    shoot(page, "list-phone")
    page.goto(f"{live_server.url}/people/transfer-letters/receive/")
    fits(page, 390)
    shoot(page, "receive-phone")
    page.set_viewport_size(DESKTOP)
    page.goto(f"{live_server.url}/people/transfer-letters/")
    shoot(page, "list-desktop")
    page.goto(f"{live_server.url}/people/transfer-letters/{letter.pk}/")
    shoot(page, "letter-desktop")
    page.goto(f"{live_server.url}/people/transfer-letters/receive/")
    shoot(page, "receive-desktop")
    assert console_errors == []
