"""Township staff open a member's archive from the member list, transfer the member to another village of
the township — after a first try with an error — and the member is on the new branch's meeting checklist
and no longer on the old one's. The archive itself at both sizes, printed, and the phone call action."""

import datetime as dt
from types import SimpleNamespace

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from branches.scope.roles import Role
from members.models import Member
from members.models import MemberEvent
from members.models import MemberEventKind
from tests.e2e.helpers import county_township_village
from tests.e2e.helpers import log_in
from tests.e2e.helpers import pick_organization
from tests.e2e.helpers import staff_user
from tests.e2e.helpers import village_branch
from tests.e2e.layout import DESKTOP
from tests.e2e.layout import Screenshots
from tests.e2e.layout import fits
from tests.utils.factories import MemberFactory
from tests.utils.factories_archive import FULL_PHONE
from tests.utils.factories_archive import member_with_history

pytestmark = pytest.mark.browser

shoot = Screenshots("shots-archive")


@pytest.fixture
def township(transactional_db, django_user_model):
    root, _county, township, old = county_township_village(django_user_model, "E2E")
    new = village_branch(root, township, "向阳村党支部", "E2E-B2")
    member = member_with_history(old, new, 3, name="张建国")
    MemberFactory(branch=old, name="李秀英")
    MemberFactory(branch=new, name="孙向阳")
    staff_user(django_user_model, root, "staff", township, Role.TOWNSHIP_STAFF)
    staff_user(django_user_model, root, "secretary", old, Role.BRANCH_SECRETARY)
    return SimpleNamespace(old=old, new=new, member=member)


def checklist(page, branch):
    pick_organization(page, "#id_organization", branch)
    page.wait_for_load_state("networkidle")
    return page.locator("#field-attendees label")


def test_a_member_transferred_in_the_browser_moves_to_the_new_branchs_checklist(
    page, live_server, township, console_errors
):
    log_in(page, live_server, "staff")
    page.goto(f"{live_server.url}/people/members/")
    page.locator("#list-table a", has_text="张建国").click()
    archive = f"{live_server.url}/people/members/{township.member.pk}/"
    page.wait_for_url(archive)
    expect(page.locator("#member-branch")).to_have_text("红星村党支部")

    page.locator("#archive-transfer").click()
    page.wait_for_url(f"{archive}transfer/")
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    page.fill("#id_on", tomorrow.isoformat())
    page.locator("#save").click()
    summary = page.locator("#error-summary")
    expect(summary).to_be_visible()
    expect(summary.locator("li")).to_have_count(2)  # no branch chosen, a date in the future
    expect(summary).to_be_focused()
    fits(page, 390)
    shoot(page, "transfer-error-phone-390x844", full_page=False)
    page.set_viewport_size(DESKTOP)
    shoot(page, "transfer-error-desktop-1440x900", full_page=False)
    assert not MemberEvent.objects.filter(kind=MemberEventKind.TRANSFER, occurred_on__gte=tomorrow).exists()

    pick_organization(page, "#id_to_branch", township.new)
    page.fill("#id_on", timezone.localdate().isoformat())
    page.fill("#id_reason", "随子女迁居向阳村")
    page.locator("#save").click()
    page.wait_for_url(archive)
    expect(page.locator("#member-branch")).to_have_text("向阳村党支部")
    expect(page.locator("#archive-events")).to_contain_text("随子女迁居向阳村")
    assert Member.objects.get(pk=township.member.pk).branch == township.new

    page.goto(f"{live_server.url}/people/meetings/new/")
    old_roll = checklist(page, township.old)
    expect(old_roll.filter(has_text="李秀英")).to_have_count(1)
    expect(old_roll.filter(has_text="张建国")).to_have_count(0)
    expect(checklist(page, township.new)).to_have_text(["孙向阳", "张建国"])
    page.wait_for_load_state("networkidle")
    assert console_errors == []


def test_the_archive_at_both_sizes_printed_and_the_call_button(
    page, live_server, township, console_errors, tmp_path
):
    log_in(page, live_server, "secretary")
    page.goto(f"{live_server.url}/people/members/{township.member.pk}/")
    expect(page.locator("#archive-meetings [data-count]")).to_have_text("6")
    fits(page, 390)
    shoot(page, "archive-phone-390x844")

    page.locator("#member-phone-show").click()
    call = page.locator("#member-phone-call")
    expect(call).to_have_attribute("href", f"tel:{FULL_PHONE}")
    expect(page.locator("#member-id-number")).not_to_contain_text(township.member.id_number)
    shoot(page, "archive-phone-called-390x844", full_page=False)

    page.set_viewport_size(DESKTOP)
    page.reload()
    shoot(page, "archive-desktop-1440x900")
    page.emulate_media(media="print")
    expect(page.locator("#site-nav")).to_be_hidden()
    expect(page.locator("#archive-actions")).to_be_hidden()
    printed = tmp_path / "archive-printed.pdf"
    page.pdf(path=str(printed), format="A4", print_background=True)
    assert printed.stat().st_size > 10_000
    page.wait_for_load_state("networkidle")
    assert console_errors == []
