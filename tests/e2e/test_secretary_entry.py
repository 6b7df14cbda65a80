"""A village secretary on a phone: logs in, records a household visit and a meeting with attendance, sees the
branch's visit and meeting figures move as each is saved (tests/e2e/test_live_figures.py shows more), and
"refresh my numbers" computes them again — with no console errors."""

import os
from types import SimpleNamespace

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from assessments.services.quotas import quota_run_start
from branches.scope.roles import Role
from members import picker as people_picker
from members.models import Cadre
from members.models import CadrePost
from members.models import Meeting
from members.models import MeetingKind
from members.models import VisitLog
from tests.e2e.helpers import county_township_village
from tests.e2e.helpers import log_in
from tests.e2e.helpers import pick_organization
from tests.e2e.helpers import staff_user
from tests.e2e.helpers import type_search
from tests.e2e.helpers import village_branch
from tests.utils.factories import MemberFactory
from tests.utils.factories_cadres import CadreFactory
from tests.utils.factories_visits import VisitLogFactory

pytestmark = pytest.mark.browser

VISIT_QUOTA = '#quota-list li[data-code="visit.households"] [data-actual]'


@pytest.fixture
def village(transactional_db, django_user_model):
    """A village branch whose secretary has visited 49 households this year: the 50th meets the quota."""
    root, _county, _township, branch = county_township_village(django_user_model, "E2E")
    members = [MemberFactory(branch=branch, name=name) for name in ("张建国", "李秀英", "王德明", "赵丽华")]
    cadre = CadreFactory(organization=branch, post=CadrePost.SECRETARY, member=members[0])
    today = timezone.localdate()
    for n in range(49):
        VisitLogFactory(cadre=cadre, household_name=f"已访户{n}", visited_on=today)
    quota_run_start(actor=root, organization=branch, year=today.year)  # this morning's numbers
    user = staff_user(django_user_model, root, "secretary", branch, Role.BRANCH_SECRETARY)
    return SimpleNamespace(user=user, branch=branch, members=members, cadre=cadre)


def refresh_numbers(page):
    with page.expect_navigation():  # the run finishes, htmx reloads the page with the new numbers
        page.locator("#refresh").click()
    expect(page.locator("#quota-list")).to_be_visible()


def assert_fits_a_phone(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, "scrolls sideways on a phone"


def test_secretary_records_a_visit_and_a_meeting_and_sees_the_visit_quota_move(
    page, live_server, village, console_errors
):
    log_in(page, live_server, "secretary")
    branch_page = f"{live_server.url}/branch/{village.branch.pk}/"

    # Two taps from the home page: the button, then "save" on a form already filled with today and the
    # secretary's own post.
    page.locator("#record-visit").click()
    page.wait_for_url(f"{live_server.url}/people/visits/new/")
    assert page.locator("#id_cadre").input_value() == str(village.cadre.pk)
    assert page.locator("#id_visited_on").input_value() == timezone.localdate().isoformat()
    assert_fits_a_phone(page)
    page.fill("#id_household_name", "新访户")
    page.fill("#id_village_group", "三组")
    page.fill("#id_concerns", "道路需要修缮")
    page.locator("#save").click()
    page.wait_for_url(branch_page)
    expect(page.locator("#messages")).to_be_visible()
    expect(page.locator("#branch-name")).to_have_text(village.branch.name)
    assert VisitLog.objects.filter(household_name="新访户", cadre=village.cadre).exists()
    # The numbers published this morning had 49 households: the 50th is counted as soon as it is saved.
    expect(page.locator(VISIT_QUOTA)).to_have_text("1")
    assert_fits_a_phone(page)

    # The meeting, with attendance ticked on the roll.
    page.locator('#entry-buttons a[href$="/people/meetings/new/"]').click()
    page.wait_for_url(f"{live_server.url}/people/meetings/new/")
    assert page.locator('input[name="attendees"]').count() == len(village.members)
    assert_fits_a_phone(page)
    page.select_option("#id_kind", MeetingKind.THEME_DAY)
    page.fill("#id_topic", "学习新修订的党章")
    page.locator("#field-attendees label", has_text="张建国").click()
    page.locator("#field-attendees label", has_text="李秀英").click()
    page.locator("#field-attendees label", has_text="王德明").click()
    expect(page.locator("[data-checklist-count]")).to_have_text("3 / 4")
    page.locator("#save").click()
    page.wait_for_url(branch_page)
    meeting = Meeting.objects.get()
    assert (meeting.kind, meeting.attendee_count, meeting.members_expected) == (MeetingKind.THEME_DAY, 3, 4)

    expect(page.locator('#quota-list li[data-code="meet.theme_day"] [data-actual]')).to_have_text("1")
    refresh_numbers(page)
    expect(page.locator(VISIT_QUOTA)).to_have_text("1")
    expect(page.locator('#quota-list li[data-code="meet.theme_day"] [data-actual]')).to_have_text("1")
    assert_fits_a_phone(page)
    page.wait_for_load_state("networkidle")
    assert console_errors == []


def test_a_visit_with_a_future_date_is_refused_beside_the_date(page, live_server, village, console_errors):
    log_in(page, live_server, "secretary")
    page.goto(f"{live_server.url}/people/visits/new/")
    page.fill("#id_household_name", "未来户")
    page.fill("#id_visited_on", "2999-01-01")
    page.locator("#save").click()
    error = page.locator("#field-visited_on .invalid-feedback")
    expect(error).to_be_visible()
    assert not VisitLog.objects.filter(household_name="未来户").exists()
    page.wait_for_load_state("networkidle")
    assert console_errors == []


def test_another_branch_page_answers_404(page, live_server, village, django_user_model):
    root = django_user_model.objects.get(username="root")
    other = village_branch(root, village.branch.parent, "向阳村党支部", "E2E-B2")
    log_in(page, live_server, "secretary")
    response = page.goto(f"{live_server.url}/branch/{other.pk}/")
    assert response.status == 404


def test_township_staff_pick_a_branch_and_its_roll_replaces_the_checklist(
    page, live_server, village, django_user_model, console_errors
):
    root = django_user_model.objects.get(username="root")
    other = village_branch(root, village.branch.parent, "向阳村党支部", "E2E-B3")
    MemberFactory(branch=other, name="孙向阳")
    staff_user(django_user_model, root, "staff", village.branch.parent, Role.TOWNSHIP_STAFF)
    log_in(page, live_server, "staff")
    page.goto(f"{live_server.url}/people/meetings/new/")
    pick_organization(page, "#id_organization", other)
    expect(page.locator("#field-attendees label")).to_have_text(["孙向阳"])
    expect(page.locator("[data-checklist-count]")).to_have_text("0 / 1")
    pick_organization(page, "#id_organization", village.branch)
    expect(page.locator("#field-attendees label")).to_have_count(len(village.members))
    page.wait_for_load_state("networkidle")
    assert console_errors == []


def test_typing_an_id_number_fills_the_birth_date_and_gender(page, live_server, village, console_errors):
    log_in(page, live_server, "secretary")
    page.goto(f"{live_server.url}/people/members/new/")
    page.fill("#id_id_number", "110101199003077654")  # 17th digit 5: a man born on 7 March 1990
    expect(page.locator("#id_birth_date")).to_have_value("1990-03-07")
    expect(page.locator("#id_gender")).to_have_value("male")
    page.fill("#id_id_number", "")
    page.fill("#id_birth_date", "1991-01-01")
    page.fill("#id_id_number", "110101199003077662")  # a woman's number: the date typed first is kept
    expect(page.locator("#id_birth_date")).to_have_value("1991-01-01")
    expect(page.locator("#id_gender")).to_have_value("male")  # already chosen: left for the server to judge
    assert not console_errors


def test_a_search_typed_while_the_first_is_slow_waits_for_it_instead_of_aborting_it(
    page, live_server, village, django_user_model, console_errors
):
    root = django_user_model.objects.get(username="root")
    village_branch(root, village.branch.parent, "向阳村党支部", "E2E-B3")  # two branches: the picker shows
    staff_user(django_user_model, root, "staff", village.branch.parent, Role.TOWNSHIP_STAFF)
    log_in(page, live_server, "staff")
    page.goto(f"{live_server.url}/people/meetings/new/")
    slow_network = page.context.new_cdp_session(page)  # each answer comes later than the 250 ms typing delay
    slow_network.send("Network.enable")
    slow_network.send(
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": 600, "downloadThroughput": -1, "uploadThroughput": -1},
    )
    searches = []
    page.on("request", lambda request: searches.append(request) if "/pick/" in request.url else None)
    pick_organization(page, "#id_organization", village.branch)
    expect(page.locator("#field-attendees label")).to_have_count(len(village.members))
    page.wait_for_load_state("networkidle")
    assert len(searches) >= 2 and console_errors == []


def test_township_staff_appoint_a_member_found_by_typing_part_of_the_name(
    page, live_server, village, django_user_model, console_errors, monkeypatch
):
    monkeypatch.setattr(people_picker, "SELECT_AT_MOST", 2)  # the village's four members: a search
    root = django_user_model.objects.get(username="root")
    staff_user(django_user_model, root, "staff", village.branch.parent, Role.TOWNSHIP_STAFF)
    log_in(page, live_server, "staff")
    page.goto(f"{live_server.url}/people/cadres/new/")
    pick_organization(page, "#id_organization", village.branch)
    page.select_option("#id_post", CadrePost.BRANCH_COMMITTEE)
    type_search(page, "#id_member", "秀", "members:member-pick")
    page.locator("[data-picker] [data-pick-id]", has_text="李秀英").click()
    expect(page.locator("#id_member")).to_have_value("李秀英")
    if folder := os.environ.get("PARTYBUILD_SCREENSHOTS"):
        page.locator("#id_member").fill("李")
        page.locator("[data-picker] [data-pick-id]").first.wait_for()
        page.screenshot(path=os.path.join(folder, "member-picker-390.png"))
        page.set_viewport_size({"width": 1440, "height": 900})
        page.screenshot(path=os.path.join(folder, "member-picker-1440.png"))
        page.set_viewport_size({"width": 390, "height": 844})
        page.locator("[data-picker] [data-pick-id]", has_text="李秀英").click()
    page.fill("#id_started_on", "2024-01-15")
    with page.expect_navigation():
        page.locator("#entry-form [type=submit]").last.click()
    expect(page.locator(".alert-success:not([hidden])")).to_be_visible()
    assert Cadre.objects.get(post=CadrePost.BRANCH_COMMITTEE).member == village.members[1]
    assert console_errors == []
