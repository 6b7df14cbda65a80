"""The joint evaluation report's web page, its job buttons and progress partial."""

import datetime as dt
import re
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments.models import CycleState
from assessments.models import ReportJob
from assessments.models import RunState
from branches.scope.roles import Role
from tests.utils.factories import StaffRoleFactory
from tests.utils.factories import UserFactory
from tests.utils.factories_reports import published_report_county
from tests.utils.factories_reports import report_job
from tests.utils.factories_reports import world_report

PAGE = "assessments:report-joint-evaluation"


def browser(world, who) -> Client:
    client = Client()
    client.force_login(world.users[who])
    return client


def page(client, **params):
    return client.get(reverse(PAGE), params)


@pytest.mark.django_db
def test_the_county_admin_sees_the_summary_and_a_table_per_township(world):
    world_report(world)
    response = page(browser(world, "county_admin"), organization=world.county.pk, year=2025)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('class="mb-4 report-township"') == 2
    assert "东一村党支部" in html and "西一村党支部" in html
    assert 'id="generate-xlsx"' in html and "table-responsive" in html
    assert 'id="report-county-row"' in html and "甲县委" in html
    township = page(browser(world, "county_admin"), organization=world.township_a.pk, year=2025)
    assert 'id="report-county-row"' not in township.content.decode()


@pytest.mark.django_db
def test_the_county_secretarys_row_gives_the_rank_in_the_county_as_the_pdf_does(world):
    world_report(world)
    html = page(browser(world, "county_admin"), organization=world.county.pk, year=2025).content.decode()
    county_table = html.split('id="report-county-row"')[1].split("</section>")[0]
    assert "全县排名" in county_table and "乡镇内排名" not in county_table
    cells = re.findall(r'<td class="text-end">([^<]*)</td>', county_table.split("<tbody>")[1])
    assert cells[-1] == "1"


def at(moment: str):
    """The clock at ``moment``, local time (Asia/Shanghai)."""
    local = dt.datetime.fromisoformat(moment).replace(tzinfo=ZoneInfo("Asia/Shanghai"))
    return mock.patch("django.utils.timezone.now", return_value=local.astimezone(dt.UTC))


@pytest.mark.django_db
@pytest.mark.parametrize(("moment", "year"), [("2026-12-31T23:59:59", 2025), ("2027-01-01T00:00:00", 2026)])
def test_without_parameters_the_page_opens_on_the_last_year_that_has_ended(world, moment, year):
    for cycle_year in (2025, 2026, 2027):
        world_report(world, year=cycle_year)
    with at(moment):
        response = browser(world, "staff_a").get(reverse(PAGE))
    assert response.status_code == 200
    assert response.context["report"].year == year
    assert response.context["report"].organization_id == world.township_a.pk


@pytest.mark.django_db
def test_an_unpublished_last_year_opens_for_the_county_but_staff_get_the_year_before(world):
    world_report(world, year=2025)
    world_report(world, year=2026, state=CycleState.CLOSED)
    with at("2027-01-02T09:00:00"):
        assert browser(world, "staff_a").get(reverse(PAGE)).context["report"].year == 2025
        assert browser(world, "county_admin").get(reverse(PAGE)).context["report"].year == 2026


@pytest.mark.django_db
def test_with_only_the_current_years_cycle_the_page_offers_the_last_complete_year(world):
    world_report(world, year=2026)
    with at("2026-12-31T12:00:00"):
        response = browser(world, "staff_a").get(reverse(PAGE))
    assert response.status_code == 200
    assert "report" not in response.context and not response.context["form"].errors
    assert response.context["form"]["year"].value() == 2025


@pytest.mark.django_db
def test_the_page_obeys_scope_and_publication(world):
    world_report(world, state=CycleState.CLOSED)
    staff = browser(world, "staff_a")
    assert page(staff, organization=world.township_b.pk, year=2025).status_code == 404
    assert page(staff, organization=10**9, year=2025).status_code == 404
    refused = page(staff, organization=world.township_a.pk, year=2025)
    assert refused.status_code == 403
    assert "2025" in refused.context["refusal"]
    assert page(browser(world, "county_admin"), organization=world.county.pk, year=2024).status_code == 404
    assert page(staff, organization=world.township_a.pk, year="20x5").status_code == 400


@pytest.mark.django_db
def test_the_page_has_no_inline_script_style_or_handlers(world):
    world_report(world)
    html = page(browser(world, "county_admin"), organization=world.county.pk, year=2025).content.decode()
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    assert "<style" not in html and " style=" not in html
    assert not re.search(r"\son[a-z]+\s*=", html)
    assert "hx-on" not in html


@pytest.mark.django_db
def test_the_page_takes_a_fixed_number_of_queries(world):
    small = world_report(world)
    built, _cycle = published_report_county(townships=4, villages_per_township=8)
    admin = UserFactory(username="big-admin")
    StaffRoleFactory(user=admin, organization=built.county, role=Role.COUNTY_ADMIN)

    def count(user, organization):
        client = Client()
        client.force_login(user)
        page(client, organization=organization.pk, year=2025)
        with CaptureQueriesContext(connection) as captured:
            assert page(client, organization=organization.pk, year=2025).status_code == 200
        return len(captured)

    assert small.year == 2025
    assert count(world.users["county_admin"], world.county) == count(admin, built.county)


@pytest.mark.django_db
def test_generating_a_file_shows_progress_then_a_download_link(world, django_capture_on_commit_callbacks):
    world_report(world)
    client = browser(world, "staff_a")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("assessments:report-job-start"),
            {"organization": world.township_a.pk, "year": 2025, "format": "xlsx"},
            HTTP_HX_REQUEST="true",
        )
    assert response.status_code == 200
    job = ReportJob.objects.get()
    assert 'hx-trigger="load delay:1s"' in response.content.decode()
    partial = client.get(reverse("assessments:report-job-progress", args=[job.pk])).content.decode()
    assert job.pk and RunState.SUCCEEDED in partial
    assert reverse("report-job-download", args=[job.pk]) in partial
    assert "hx-trigger" not in partial


@pytest.mark.django_db
def test_without_htmx_the_button_redirects_to_the_page(world, django_capture_on_commit_callbacks):
    world_report(world)
    response = browser(world, "county_admin").post(
        reverse("assessments:report-job-start"),
        {"organization": world.county.pk, "year": 2025, "format": "pdf"},
    )
    assert response.status_code == 302
    assert f"job-{ReportJob.objects.get().pk}" in response["Location"]


@pytest.mark.django_db
def test_a_viewer_sees_no_buttons_and_cannot_start_a_job(world):
    world_report(world)
    client = browser(world, "viewer_a")
    html = page(client, organization=world.township_a.pk, year=2025).content.decode()
    assert 'id="generate-xlsx"' not in html
    response = client.post(
        reverse("assessments:report-job-start"),
        {"organization": world.township_a.pk, "year": 2025, "format": "xlsx"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 400
    assert not ReportJob.objects.exists()


@pytest.mark.django_db
def test_my_report_files_lists_only_my_jobs(world):
    world_report(world)
    for who in ("staff_a", "county_admin"):
        report_job(world.township_a, world.users[who])
    response = page(browser(world, "staff_a"), organization=world.township_a.pk, year=2025)
    assert [item["job"].requested_by.username for item in response.context["my_jobs"]] == ["staff_a"]


@pytest.mark.django_db
def test_the_progress_partial_of_a_foreign_job_is_404(world):
    job = report_job(world.township_b, world.users["staff_b"])
    response = browser(world, "staff_a").get(reverse("assessments:report-job-progress", args=[job.pk]))
    assert response.status_code == 404


def test_before_any_evaluation_cycle_the_page_opens_on_an_empty_form_without_errors(world):
    from assessments.models import EvaluationCycle

    EvaluationCycle.objects.all().delete()
    response = world.page_client("county_admin").get(reverse("assessments:report-joint-evaluation"))
    assert response.status_code == 200
    form = response.context["form"]
    assert not form.is_bound and form.initial["organization"] == world.county.pk
    html = response.content.decode()
    shown_alerts = [tag for tag in re.findall(r"<[^>]*alert-danger[^>]*>", html) if " hidden" not in tag]
    assert 'class="invalid-feedback' not in html and not shown_alerts


def test_a_branch_secretary_has_no_county_report(world):
    assert (
        world.page_client("secretary_a1").get(reverse("assessments:report-joint-evaluation")).status_code
        == 403
    )
