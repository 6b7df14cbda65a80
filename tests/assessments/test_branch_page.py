"""The secretary's branch page: published quotas with labels, the due list, what is overdue, the visit pace,
"refresh my numbers" (a quota run of the branch, polled with htmx) and scope."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assessments.indicators import INDICATOR_LABELS
from assessments.models import Alert
from assessments.models import AlertKind
from assessments.models import QuotaResult
from assessments.models import QuotaRun
from assessments.models import RunState
from members.models import ApplicantStage
from members.models import VisitLog
from members.services.visits import visit_record
from tests.utils.factories_entry import entry_branch
from tests.utils.factories_entry import logged_in
from tests.utils.factories_entry import zh
from tests.utils.factories_pipeline import ApplicantFactory
from tests.utils.factories_pipeline import activist
from tests.utils.factories_quotas import published_run
from tests.utils.factories_visits import VisitLogFactory

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def page_url(organization, year=None):
    url = reverse("assessments:branch-page", args=[organization.pk])
    return f"{url}?year={year}" if year else url


@pytest.fixture
def year():
    return timezone.localdate().year


def test_a_branch_outside_the_users_scope_answers_404(secretary, world):
    for organization in (world.branch_a2, world.branch_b1, world.township_a):
        assert secretary.get(page_url(organization)).status_code == 404
    assert secretary.get(reverse("assessments:branch-page", args=[999999])).status_code == 404


def test_published_quotas_show_with_readable_labels_and_whether_met(secretary, world, year):
    run = published_run(world.branch_a1, year)
    QuotaResult.objects.create(
        run=run, organization=world.branch_a1, year=year, code="meet.assembly", target=4, actual=3, met=False
    )
    QuotaResult.objects.create(
        run=run,
        organization=world.branch_a1,
        year=year,
        code="visit.households",
        target=2,
        actual=2,
        met=True,
    )
    response = secretary.get(page_url(world.branch_a1))
    assert response.status_code == 200
    rows = {row["code"]: row for row in response.context["quotas"]}
    assert rows["meet.assembly"]["label"] == zh(INDICATOR_LABELS["meet.assembly"])
    assert (rows["meet.assembly"]["actual"], rows["meet.assembly"]["met"]) == (3, False)
    assert rows["visit.households"]["met"] is True
    html = response.content.decode()
    assert zh(INDICATOR_LABELS["visit.households"]) in html
    assert 'id="refresh"' in html


def test_another_years_quotas_are_not_shown(secretary, world, year):
    run = published_run(world.branch_a1, year - 1)
    QuotaResult.objects.create(
        run=run,
        organization=world.branch_a1,
        year=year - 1,
        code="meet.lecture",
        target=4,
        actual=1,
        met=False,
    )
    assert secretary.get(page_url(world.branch_a1)).context["quotas"] == []
    assert [row["code"] for row in secretary.get(page_url(world.branch_a1, year - 1)).context["quotas"]] == [
        "meet.lecture"
    ]


def test_the_due_list_shows_the_next_step_and_what_is_missing(secretary, world):
    waiting = activist(branch=world.branch_a1, name="候选甲")
    ApplicantFactory(branch=world.branch_b1, name="外镇人")
    response = secretary.get(page_url(world.branch_a1))
    (row,) = response.context["due"]
    assert row["applicant"] == waiting
    assert row["next_stage"] == ApplicantStage.CANDIDATE.label
    assert row["advance_url"] == reverse("members:applicant-advance", args=[waiting.pk])
    assert "候选甲" in response.content.decode()


def branch_alert(run, kind, **fields):
    """An alert of ``run`` on the run's own organization and year."""
    return Alert.objects.create(run=run, organization=run.organization, year=run.year, kind=kind, **fields)


def test_overdue_meetings_and_visits_behind_pace_are_listed(secretary, world, branch, year):
    run = published_run(world.branch_a1, year)
    branch_alert(run, AlertKind.MEETINGS_OVERDUE, detail={"kinds": ["meet.theme_day", "meet.group"]})
    branch_alert(run, AlertKind.VISIT_PACE, cadre=branch.secretary, detail={"households": 3})
    overdue = secretary.get(page_url(world.branch_a1)).context["overdue"]
    assert overdue["meetings"] == [zh(INDICATOR_LABELS["meet.theme_day"]), zh(INDICATOR_LABELS["meet.group"])]
    assert overdue["visits"] == [{"cadre": branch.secretary, "households": 3}]


def test_the_visit_pace_counts_households_live(secretary, world, branch):
    today = timezone.localdate()
    VisitLogFactory.create_batch(3, cadre=branch.secretary, visited_on=today)
    rows = {row["name"]: row for row in secretary.get(page_url(world.branch_a1)).context["pace"]}
    assert rows[branch.secretary.name]["households"] == 3
    assert rows[branch.secretary.name]["target"] == 50


def test_refresh_starts_a_run_of_the_branch_and_the_visit_quota_moves(secretary, world, branch, year):
    today = timezone.localdate()
    for n in range(49):
        VisitLogFactory(cadre=branch.secretary, household_name=f"户{n}", visited_on=today)
    refresh = reverse("assessments:branch-refresh", args=[world.branch_a1.pk])

    response = secretary.post(refresh, {"year": year}, **HTMX)
    assert response.status_code == 200 and response["HX-Refresh"] == "true"
    run = QuotaRun.objects.get()
    assert (run.organization, run.year, run.state, run.progress) == (
        world.branch_a1,
        year,
        RunState.SUCCEEDED,
        100,
    )
    assert run.requested_by == world.users["secretary_a1"]
    rows = {row["code"]: row for row in secretary.get(page_url(world.branch_a1)).context["quotas"]}
    assert (rows["visit.households"]["actual"], rows["visit.households"]["met"]) == (0, False)

    visit_record(actor=world.users["secretary_a1"], household_name="第五十户")
    secretary.post(refresh, {"year": year}, **HTMX)
    rows = {row["code"]: row for row in secretary.get(page_url(world.branch_a1)).context["quotas"]}
    assert rows["visit.households"]["actual"] == 1
    assert VisitLog.objects.count() == 50


def test_dues_on_time_and_class_hours_are_listed_for_the_branch_after_a_run(secretary, world, branch, year):
    secretary.post(reverse("assessments:branch-refresh", args=[world.branch_a1.pk]), {"year": year}, **HTMX)
    response = secretary.get(page_url(world.branch_a1))
    rows = {row["code"]: row for row in response.context["quotas"]}
    html = response.content.decode()
    for code in ("dues.on_time", "train.hours"):
        assert rows[code]["label"] == zh(INDICATOR_LABELS[code])
        assert f'data-code="{code}"' in html and zh(INDICATOR_LABELS[code]) in html
    assert rows["train.hours"]["target"] == 100


def test_refresh_without_htmx_goes_back_to_the_page_with_a_message(secretary, world, branch, year):
    response = secretary.post(
        reverse("assessments:branch-refresh", args=[world.branch_a1.pk]), {"year": year}
    )
    assert response.status_code == 302
    page = secretary.get(response.url)
    assert zh("Your numbers were computed again.") in page.content.decode()


def test_viewers_see_the_page_but_cannot_refresh(client, world):
    logged_in(client, world.users["viewer_a"])
    response = client.get(page_url(world.branch_a1))
    assert response.status_code == 200
    assert 'id="refresh"' not in response.content.decode()
    assert client.post(reverse("assessments:branch-refresh", args=[world.branch_a1.pk])).status_code == 404
    assert not QuotaRun.objects.exists()


def test_entry_buttons_are_offered_to_the_secretary_and_not_to_a_viewer(secretary, client, world):
    visit_entry = reverse("members:visit-create")
    assert f'href="{visit_entry}"' in secretary.get(page_url(world.branch_a1)).content.decode()
    logged_in(client, world.users["viewer_a"])
    assert f'href="{visit_entry}"' not in client.get(page_url(world.branch_a1)).content.decode()
    assert client.get(visit_entry).status_code == 404


def test_a_secretary_cannot_refresh_another_branch(secretary, world):
    assert secretary.post(reverse("assessments:branch-refresh", args=[world.branch_a2.pk])).status_code == 404
    assert not QuotaRun.objects.exists()


def test_a_running_run_is_polled_every_second_and_a_foreign_one_is_404(secretary, world, year):
    run = QuotaRun.objects.create(
        organization=world.branch_a1, year=year, state=RunState.RUNNING, progress=40
    )
    poll = reverse("assessments:branch-run", args=[world.branch_a1.pk, run.pk])
    response = secretary.get(poll, **HTMX)
    html = response.content.decode()
    assert 'hx-trigger="load delay:1s"' in html and 'data-progress="40"' in html
    assert "HX-Refresh" not in response
    QuotaRun.objects.filter(pk=run.pk).update(state=RunState.SUCCEEDED, progress=100)
    response = secretary.get(poll, **HTMX)
    assert response["HX-Refresh"] == "true" and "load delay:1s" not in response.content.decode()
    foreign = QuotaRun.objects.create(organization=world.branch_b1, year=year)
    assert (
        secretary.get(reverse("assessments:branch-run", args=[world.branch_b1.pk, foreign.pk])).status_code
        == 404
    )
    assert (
        secretary.get(reverse("assessments:branch-run", args=[world.branch_a1.pk, foreign.pk])).status_code
        == 404
    )


def _queries_of_the_page(world, *, people: int, year: int) -> int:
    branch = entry_branch(world.branch_a1, roll=people)
    today = timezone.localdate()
    VisitLogFactory.create_batch(people, cadre=branch.secretary, visited_on=today)
    for _ in range(people):
        activist(branch=world.branch_a1)
    run = published_run(world.branch_a1, year)
    for n in range(people):
        QuotaResult.objects.create(
            run=run, organization=world.branch_a1, year=year, code=f"meet.k{n}", target=4, actual=1, met=False
        )
        branch_alert(run, AlertKind.VISIT_PACE, cadre=branch.committee, detail={"households": n})
    client = logged_in(Client(), world.users["secretary_a1"])
    with CaptureQueriesContext(connection) as captured:
        response = client.get(page_url(world.branch_a1))
    assert response.status_code == 200
    assert len(response.context["due"]) >= people
    return len(captured)


def test_the_page_takes_the_same_queries_for_2_and_for_25_of_everything(world, year):
    small = _queries_of_the_page(world, people=2, year=year)
    QuotaResult.objects.all().delete()
    Alert.objects.all().delete()
    large = _queries_of_the_page(world, people=25, year=year)
    assert small == large
    assert small <= 21  # one of them counts the members away (docs/mobile-members.md)


def test_the_page_fits_a_phone_and_has_no_inline_script_or_style(secretary, world):
    html = secretary.get(page_url(world.branch_a1)).content.decode()
    assert "style=" not in html and "<style" not in html
    assert "<script>" not in html and " onclick=" not in html and "hx-on" not in html
    assert 'name="viewport"' in html


def test_past_years_can_be_read_and_a_strange_year_falls_back_to_this_one(secretary, world, year):
    assert secretary.get(page_url(world.branch_a1, "abc")).context["year"] == year
    assert secretary.get(page_url(world.branch_a1, 1990)).context["year"] == year
    assert secretary.get(page_url(world.branch_a1, year - 1)).context["year"] == year - 1
