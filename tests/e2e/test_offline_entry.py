"""A village secretary's phone loses the signal (docs/offline.md): the pages opened before still open, entries
wait on the phone with a plain message and their count, and when the signal returns each reaches the server
exactly once — even when the network drops again in the middle of sending; an entry the server refuses stays
on the phone with the server's message until it is fixed.

Set PARTYBUILD_SCREENSHOTS to a folder to keep screenshots of the offline form, the banner and a refusal."""

import os
import time
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import expect

from branches.models import IdempotencyKey
from branches.scope.roles import Role
from members.models import CadrePost
from members.models import DuesPayment
from members.models import Meeting
from members.models import MeetingKind
from members.models import StudyRecord
from members.models import Training
from members.models import TrainingAudience
from members.models import VisitLog
from tests.e2e.helpers import county_township_village
from tests.e2e.helpers import log_in
from tests.e2e.helpers import staff_user
from tests.utils.factories import MemberFactory
from tests.utils.factories_cadres import CadreFactory
from tests.utils.factories_dues import declare
from tests.utils.factories_entry import zh
from tests.utils.factories_visits import VisitLogFactory

pytestmark = pytest.mark.browser

VISIT_PAGE = "/people/visits/new/"
MEETING_PAGE = "/people/meetings/new/"
DUES_PAGE = "/people/dues/month/"
HOUSEHOLDS = [("张大山", "一组"), ("李小河", "二组"), ("王家林", "三组")]
SAVED = "Saved on this phone; it will be uploaded automatically once online."
LOGOUT = 'form[action="/accounts/logout/"] button'
REFUSED = "#offline-refused-list li.pb-refused-entry"
LOGOUT_QUESTION = (
    "Entries recorded on this phone and not uploaded yet will be deleted when you log out. Log out anyway?"
)


@pytest.fixture(autouse=True)
def _service_worker_built():
    if not settings.SERVICE_WORKER_FILE.exists():
        pytest.fail(f"{settings.SERVICE_WORKER_FILE} is missing: `make assets` builds the service worker")


@pytest.fixture
def village(transactional_db, django_user_model):
    root, _county, _township, branch = county_township_village(django_user_model, "OFF")
    members = [MemberFactory(branch=branch, name=name) for name in ("张建国", "李秀英", "王德明", "赵丽华")]
    cadre = CadreFactory(organization=branch, post=CadrePost.SECRETARY, member=members[0])
    user = staff_user(django_user_model, root, "secretary", branch, Role.BRANCH_SECRETARY)
    return SimpleNamespace(user=user, branch=branch, members=members, cadre=cadre)


def shot(page, name: str) -> None:
    """The phone's screen, and the same page on a desktop screen, when PARTYBUILD_SCREENSHOTS is set."""
    if folder := os.environ.get("PARTYBUILD_SCREENSHOTS"):
        page.screenshot(path=os.path.join(folder, f"{name}-390.png"))
        page.set_viewport_size({"width": 1440, "height": 900})
        page.screenshot(path=os.path.join(folder, f"{name}-1440.png"))
        page.set_viewport_size({"width": 390, "height": 844})


def open_online(page, live_server):
    """Log in on the phone while the signal is good: the app installs and keeps the secretary's pages."""
    log_in(page, live_server, "secretary")
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    page.reload()
    expect(page.locator("html[data-offline-ready]")).to_have_count(1)


def record_visit_offline(page, name, group):
    page.fill("#id_household_name", name)
    page.fill("#id_village_group", group)
    page.locator("#save").click()
    expect(page.locator("#id_household_name")).to_have_value("")  # the form is ready for the next one


def visit_refused_on_arrival(page, context, live_server, village, name, group):
    """A visit recorded offline that the server refuses when the signal returns, because the same visit was
    logged meanwhile from the township office's computer; answers the list of refused entries, holding it."""
    open_online(page, live_server)
    context.set_offline(True)
    page.goto(live_server.url + VISIT_PAGE)
    record_visit_offline(page, name, group)
    today = timezone.localdate()
    VisitLogFactory(cadre=village.cadre, household_name=name, village_group=group, visited_on=today)
    context.set_offline(False)
    refused = page.locator(REFUSED)
    expect(refused).to_have_count(1)
    return refused


def record_offline(page, live_server, context, village):
    """Three visits and a meeting with attendance, entered with no signal."""
    context.set_offline(True)
    page.goto(live_server.url + VISIT_PAGE)
    expect(page.locator("#id_cadre")).to_have_value(str(village.cadre.pk))
    for count, (name, group) in enumerate(HOUSEHOLDS, start=1):
        record_visit_offline(page, name, group)
        expect(page.locator("#offline-count")).to_have_text(str(count))
    expect(page.locator("#offline-saved")).to_have_text(zh(SAVED))
    page.goto(live_server.url + MEETING_PAGE)
    page.select_option("#id_kind", MeetingKind.THEME_DAY)
    page.fill("#id_topic", "学习新修订的党章")
    for name in ("张建国", "李秀英", "王德明"):
        page.locator("#field-attendees label", has_text=name).click()
    expect(page.locator("[data-checklist-count]")).to_have_text("3 / 4")
    shot(page, "offline-meeting-form")
    page.locator("#save").click()
    expect(page.locator("#offline-count")).to_have_text("4")


def queue_sizes(page) -> dict:
    """What waits on the phone, by state (read from IndexedDB, so while the server is being written to)."""
    return page.evaluate(
        """() => pbQueue.all().then((entries) => entries.reduce(
            (sizes, entry) => ({...sizes, [entry.state]: sizes[entry.state] + 1}),
            {pending: 0, refused: 0}))"""
    )


def wait_for_queue(page, pending: int, timeout: float = 30) -> float:
    """Seconds until ``pending`` entries wait on the phone: an entry leaves the queue once the server has
    answered that its record is stored."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if queue_sizes(page)["pending"] == pending:
            return time.monotonic() - started
        time.sleep(0.02)
    raise AssertionError(f"still waiting on the phone: {queue_sizes(page)}")


def precache_bytes(page) -> int:
    return page.evaluate(
        """async () => {
            let total = 0;
            for (const name of await caches.keys()) {
                if (!name.startsWith("workbox-precache")) continue;
                const cache = await caches.open(name);
                for (const request of await cache.keys()) {
                    total += (await (await cache.match(request)).arrayBuffer()).byteLength;
                }
            }
            return total;
        }"""
    )


def assert_recorded_once(village):
    visits = VisitLog.objects.order_by("household_name")
    assert sorted((v.household_name, v.village_group) for v in visits) == sorted(HOUSEHOLDS)
    assert {v.cadre_id for v in visits} == {village.cadre.pk}
    meeting = Meeting.objects.get()
    assert (meeting.kind, meeting.topic, meeting.attendee_count, meeting.members_expected) == (
        MeetingKind.THEME_DAY,
        "学习新修订的党章",
        3,
        4,
    )
    assert IdempotencyKey.objects.count() == 4


def test_entries_recorded_offline_reach_the_server_once_when_the_signal_returns(
    page, context, live_server, village
):
    open_online(page, live_server)
    print(f"\nservice worker precache: {precache_bytes(page)} bytes")
    record_offline(page, live_server, context, village)

    page.reload()  # still no signal: the form opens from the phone and the queue is still there
    expect(page.locator("#field-attendees label")).to_have_count(4)
    expect(page.locator("#offline-count")).to_have_text("4")
    page.goto(live_server.url + VISIT_PAGE)
    expect(page.locator("#offline-queue")).to_be_visible()
    shot(page, "offline-visit-form")
    assert not VisitLog.objects.exists() and not Meeting.objects.exists()

    context.set_offline(False)
    elapsed = wait_for_queue(page, pending=0)
    print(f"reconnection to the last record stored: {elapsed * 1000:.0f} ms")
    expect(page.locator("#offline-queue")).to_be_hidden()
    expect(page.locator("#offline-sent")).to_be_visible()
    shot(page, "offline-uploaded")
    time.sleep(1)  # a late second sender (background sync) must find nothing left to send
    assert_recorded_once(village)


@pytest.mark.long
def test_the_network_dropping_in_the_middle_of_sending_loses_and_doubles_nothing(
    page, context, live_server, village
):
    # The page sends on its own here (no Background Sync), as in browsers without it.
    page.add_init_script("Object.defineProperty(ServiceWorkerRegistration.prototype, 'sync', {get() {}})")
    open_online(page, live_server)
    record_offline(page, live_server, context, village)
    posts = []

    def second_post_is_cut(route):
        if route.request.method != "POST":
            route.continue_()
            return
        posts.append(route.request.url)
        if len(posts) == 2:
            route.abort("internetdisconnected")
        else:
            route.continue_()

    context.route("**/people/**/new/", second_post_is_cut)
    context.set_offline(False)
    expect(page.locator("#offline-count")).to_have_text("3")
    assert len(posts) == 2 and VisitLog.objects.count() == 1

    page.locator("#offline-retry").click()
    wait_for_queue(page, pending=0)
    expect(page.locator("#offline-queue")).to_be_hidden()
    time.sleep(1)
    assert_recorded_once(village)


def test_an_entry_refused_on_arrival_stays_on_the_phone_with_the_servers_message(
    page, context, live_server, village
):
    refused = visit_refused_on_arrival(page, context, live_server, village, "孙家", "四组")
    expect(refused.locator("[data-errors]")).to_contain_text("孙家")
    page.reload()
    expect(refused).to_have_count(1)  # kept on the phone, never lost
    shot(page, "offline-refused")
    assert VisitLog.objects.count() == 1

    refused.locator("[data-fix]").click()
    expect(page.locator("#id_household_name")).to_have_value("孙家")
    page.fill("#id_household_name", "孙家老宅")
    page.locator("#save").click()
    page.wait_for_url(f"{live_server.url}/branch/{village.branch.pk}/")
    assert VisitLog.objects.filter(household_name="孙家老宅").count() == 1
    expect(page.locator("#offline-refused")).to_be_hidden()


def test_logging_out_asks_while_entries_wait_then_clears_them_and_the_kept_pages(
    page, context, live_server, village
):
    visit_refused_on_arrival(page, context, live_server, village, "周家", "五组")  # it stays on the phone
    # The page's confirm() answers what the tab's session storage says, and keeps each question there (it
    # outlives the logout's navigation): Chromium's native dialog raced the form's submission under
    # Playwright's dialog handling, which is not what this test is about. Every document of the tab gets
    # it, so a reload (the service worker taking over late on a loaded machine) does not bring the native
    # dialog back.
    confirm = """window.confirm = question => {
        sessionStorage.setItem("asked", (sessionStorage.getItem("asked") || "") + question + "\\n");
        return sessionStorage.getItem("answer") === "yes"; };"""
    page.add_init_script(confirm)
    page.evaluate(f"() => {{ {confirm} }}")  # a bare assignment's value, a function, would be called
    page.evaluate("sessionStorage.setItem('answer', 'no')")
    page.locator(LOGOUT).click()
    # The question comes once the queue has been read: wait for it before changing the answer.
    page.wait_for_function("() => (sessionStorage.getItem('asked') || '').split('\\n').length === 2")
    expect(page.locator(REFUSED)).to_have_count(1)  # cancelled: nothing lost
    assert page.url.endswith(VISIT_PAGE)

    page.evaluate("sessionStorage.setItem('answer', 'yes')")
    page.locator(LOGOUT).click()
    expect(page.locator("#id_username")).to_be_visible(timeout=15_000)
    asked = page.evaluate("sessionStorage.getItem('asked')").splitlines()
    assert asked == [zh(LOGOUT_QUESTION)] * 2
    assert queue_sizes(page) == {"pending": 0, "refused": 0}
    assert page.evaluate("() => caches.has('pb-pages')") is False


def test_a_page_not_kept_offline_says_so_and_links_to_those_kept(page, context, live_server, village):
    open_online(page, live_server)
    context.set_offline(True)
    page.goto(live_server.url + "/people/members/")
    expect(page.locator("#offline-page h1")).to_have_text("网络未连接")
    shot(page, "offline-page-not-kept")
    page.locator("#offline-page a", has_text="记录走访").click()
    expect(page.locator("#entry-form")).to_be_visible()


def test_a_training_and_a_study_record_wait_offline_too(page, context, live_server, village):
    open_online(page, live_server)
    context.set_offline(True)
    page.goto(live_server.url + "/people/trainings/new/")
    page.select_option("#id_audience", TrainingAudience.MEMBERS)
    page.fill("#id_topic", "乡村振兴政策解读")
    for name in ("李秀英", "赵丽华"):
        page.locator("#field-member_attendees label", has_text=name).click()
    page.locator("#save").click()
    expect(page.locator("#offline-count")).to_have_text("1")
    page.goto(live_server.url + "/people/study-records/new/")
    page.select_option("#id_cadre", str(village.cadre.pk))
    page.fill("#id_sessions", "2")
    page.fill("#id_note_characters", "800")
    page.fill("#id_articles", "0")
    page.locator("#save").click()
    expect(page.locator("#offline-count")).to_have_text("2")

    context.set_offline(False)
    wait_for_queue(page, pending=0)
    training = Training.objects.get()
    assert (training.topic, training.organizer, training.member_attendees.count()) == (
        "乡村振兴政策解读",
        village.branch,
        2,
    )
    study = StudyRecord.objects.get()
    assert (study.cadre, study.sessions, study.note_characters) == (village.cadre, 2, 800)


def test_the_months_dues_ticked_offline_arrive_once_each(page, context, live_server, village):
    today = timezone.localdate()
    for member in village.members:
        declare(village.user, member, year=today.year, income="4000")
    open_online(page, live_server)  # the home page keeps the month's dues page too
    context.set_offline(True)
    page.goto(live_server.url + DUES_PAGE)
    paid = ("李秀英", "赵丽华")
    for name in paid:
        page.locator("#field-paid label", has_text=name).click()
    shot(page, "offline-dues-month")
    page.locator("#save").click()
    expect(page.locator("#offline-count")).to_have_text("1")

    page.reload()  # still no signal: the page opens from the phone, the month still waits
    expect(page.locator("#field-paid label")).to_have_count(4)
    expect(page.locator("#offline-count")).to_have_text("1")
    assert not DuesPayment.objects.exists()

    context.set_offline(False)
    wait_for_queue(page, pending=0)
    time.sleep(1)  # a late second sender (background sync) must find nothing left to send
    payments = DuesPayment.objects.order_by("member__name")
    assert sorted(p.member.name for p in payments) == sorted(paid)
    assert {(p.month, p.amount, p.organization) for p in payments} == {
        (today.replace(day=1), Decimal("40.00"), village.branch)
    }
    assert IdempotencyKey.objects.count() == 1
