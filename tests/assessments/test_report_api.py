"""The report endpoints: JSON report, report jobs (queue, progress, download) and their scope suites."""

import io
import uuid

import openpyxl
import pytest
from django.urls import reverse
from django.utils import translation

from assessments.models import CycleState
from assessments.models import EvaluationCycle
from assessments.models import ReportFormat
from assessments.models import ReportJob
from assessments.models import RunState
from assessments.services import reports as services
from branches.models import SecurityEvent
from branches.models import SecurityEventKind
from tests.utils.factories_reports import report_job
from tests.utils.factories_reports import world_report
from tests.utils.scope import ScopeSuite
from tests.utils.scope_reports import OrganizationParamScopeSuite

REPORT = "report-joint-evaluation"


class TestJointEvaluationReportScope(OrganizationParamScopeSuite):
    url_name = REPORT
    reader = "staff_a"
    extra_params = {"format": "json"}

    def prepare(self, world):
        world_report(world, year=self.year(world))


def _cycle(world, year=2025):
    cycle = EvaluationCycle.objects.filter(county=world.county, year=year).first()
    return cycle or world_report(world, year=year)


class TestReportJobScope(ScopeSuite):
    basename = "report-job"
    created_status = 202

    def make_object(self, world, organization):
        return report_job(organization, world.users[self.writer], fmt=ReportFormat.XLSX)

    def listed_ids(self, world, who):
        # uuid primary keys: the API lists them as text, the suite compares model pks
        listed = super().listed_ids(world, who)
        return listed | {uuid.UUID(value) for value in listed}

    def create_payload(self, world, organization):
        _cycle(world)
        # reports are made for committees: a branch stands for the township it belongs to
        return {"format": "xlsx", "organization": organization.parent_id, "year": 2025}


def report(client, **params):
    return client.get(reverse(REPORT), params)


@pytest.mark.django_db
def test_the_county_admin_gets_the_whole_county(world):
    world_report(world)
    response = report(world.client("county_admin"), organization=world.county.pk, year=2025)
    assert response.status_code == 200, response.content
    body = response.json()
    assert [section["name"] for section in body["townships"]] == ["东镇党委", "西镇党委"]
    assert body["county_row"]["name"] == "甲县委"
    assert body["summary"]["branches"] == 3
    village = body["townships"][0]["villages"][0]
    assert set(village) >= {
        "secretary",
        "statement",
        "evaluation_score",
        "good_rate",
        "quota_achievement",
        "stars",
        "grade",
        "rank_in_township",
    }


@pytest.mark.django_db
def test_township_staff_cannot_pull_the_county_or_another_township(world):
    world_report(world)
    client = world.client("staff_a")
    assert report(client, organization=world.county.pk, year=2025).status_code == 404
    assert report(client, organization=world.township_b.pk, year=2025).status_code == 404
    assert report(client, organization=world.township_a.pk, year=2025).status_code == 200


@pytest.mark.django_db
def test_before_publishing_township_staff_get_a_clear_403(world):
    world_report(world, state=CycleState.CLOSED)
    response = report(world.client("staff_a"), organization=world.township_a.pk, year=2025)
    assert response.status_code == 403
    assert "2025" in response.json()["detail"]
    admin = report(world.client("county_admin"), organization=world.township_a.pk, year=2025)
    assert admin.status_code == 200
    assert admin.json()["published"] is False


@pytest.mark.django_db
def test_a_year_without_a_cycle_answers_404_with_a_message(world):
    world_report(world)
    response = report(world.client("county_admin"), organization=world.county.pk, year=2024)
    assert response.status_code == 404
    assert "2024" in response.json()["detail"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "params",
    [{"format": "docx"}, {"year": "1999"}, {"year": ""}, {"organization": "-3"}, {"organization": ""}],
)
def test_bad_parameters_answer_400_with_a_message(world, params):
    world_report(world)
    query = {"organization": world.county.pk, "year": 2025, "format": "json", **params}
    response = report(world.client("county_admin"), **query)
    assert response.status_code == 400
    assert response.json()


@pytest.mark.django_db
def test_a_bad_parameter_message_is_translated(world):
    with translation.override("zh-hans"):
        from django.utils.translation import gettext

        expected = gettext("Choose json, xlsx or pdf.")
    response = world.client("county_admin").get(
        reverse(REPORT),
        {"organization": world.county.pk, "year": 2025, "format": "docx"},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert response.json()["format"] == [expected]


@pytest.mark.django_db
def test_the_json_report_takes_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    world_report(world)
    client = world.client("county_admin")
    report(client, organization=world.county.pk, year=2025)
    with django_assert_max_num_queries(16):
        assert report(client, organization=world.county.pk, year=2025).status_code == 200


def _start(client, world, organization, fmt, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = report(client, organization=organization.pk, year=2025, format=fmt)
    assert response.status_code == 202, response.content
    return response.json()


@pytest.mark.django_db
def test_xlsx_format_queues_a_job_that_finishes_and_downloads(world, django_capture_on_commit_callbacks):
    world_report(world)
    client = world.client("staff_a")
    body = _start(client, world, world.township_a, "xlsx", django_capture_on_commit_callbacks)
    assert body["status_url"] == reverse("report-job-detail", args=[body["id"]])
    status = client.get(body["status_url"]).json()
    assert (status["state"], status["progress"]) == (RunState.SUCCEEDED, 100)
    response = client.get(status["download_url"])
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert response["Content-Disposition"].startswith("attachment;")
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert workbook.sheetnames[1:] == ["东镇党委"]
    event = SecurityEvent.objects.get(kind=SecurityEventKind.EXPORT)
    assert event.detail["job"] == body["id"]


@pytest.mark.django_db
def test_a_job_reports_its_progress_in_stages(world, django_capture_on_commit_callbacks, monkeypatch):
    world_report(world)
    seen = []
    original = services._progress

    def spy(job_id, value):
        seen.append(value)
        original(job_id, value)

    monkeypatch.setattr(services, "_progress", spy)
    _start(world.client("county_admin"), world, world.county, "xlsx", django_capture_on_commit_callbacks)
    assert seen == sorted(seen)
    assert seen[0] < 30 and 30 in seen and 90 in seen
    assert any(30 < value < 90 for value in seen)


@pytest.mark.django_db
def test_a_failing_render_marks_the_job_failed_and_never_500s(
    world, django_capture_on_commit_callbacks, monkeypatch
):
    world_report(world)

    def broken(job, report):
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "_render", broken)
    client = world.client("county_admin")
    body = _start(client, world, world.county, "pdf", django_capture_on_commit_callbacks)
    job = ReportJob.objects.get(pk=body["id"])
    assert job.state == RunState.FAILED
    assert "disk full" in job.error
    download = client.get(reverse("report-job-download", args=[job.pk]))
    assert download.status_code == 409
    assert "disk full" in download.json()["detail"]


@pytest.mark.django_db
def test_a_job_whose_requester_lost_sight_of_the_report_fails_with_a_message(world):
    world_report(world, state=CycleState.CLOSED)
    job = report_job(world.township_a, world.users["staff_a"], fmt=ReportFormat.XLSX)
    services.report_job_run(job.pk)
    job.refresh_from_db()
    assert job.state == RunState.FAILED
    assert "2025" in job.error


@pytest.mark.django_db
def test_download_while_queued_answers_409_with_a_message(world):
    job = report_job(world.township_a, world.users["staff_a"])
    response = world.client("staff_a").get(reverse("report-job-download", args=[job.pk]))
    assert response.status_code == 409
    assert response.json()["state"] == RunState.QUEUED
    assert response.json()["detail"]


@pytest.mark.django_db
def test_only_the_requester_and_county_admins_download(world, django_capture_on_commit_callbacks):
    world_report(world)
    body = _start(
        world.client("staff_a"), world, world.township_a, "xlsx", django_capture_on_commit_callbacks
    )
    url = reverse("report-job-download", args=[body["id"]])
    assert world.client("staff_a").get(url).status_code == 200
    assert world.client("county_admin").get(url).status_code == 200
    refused = world.client("viewer_a").get(url)
    assert refused.status_code == 403
    assert refused.json()["detail"]
    assert world.client("staff_b").get(url).status_code == 404


@pytest.mark.django_db
def test_viewers_may_read_the_json_but_not_queue_files(world):
    world_report(world)
    client = world.client("viewer_a")
    assert report(client, organization=world.township_a.pk, year=2025).status_code == 200
    response = report(client, organization=world.township_a.pk, year=2025, format="xlsx")
    assert response.status_code == 403
    assert not ReportJob.objects.exists()


def post_pdf_job(world, who, organization, year):
    payload = {"format": "pdf", "organization": organization.pk, "year": year}
    return world.client(who).post(reverse("report-job-list"), payload, format="json")


@pytest.mark.django_db
def test_posting_a_job_for_a_year_without_a_cycle_is_a_400(world):
    world_report(world)
    response = post_pdf_job(world, "county_admin", world.county, 2023)
    assert response.status_code == 400
    assert "2023" in str(response.json()["year"])
    assert not ReportJob.objects.exists()


@pytest.mark.django_db
def test_posting_a_job_for_a_branch_is_a_400(world):
    world_report(world)
    response = post_pdf_job(world, "staff_a", world.branch_a1, 2025)
    assert response.status_code == 400
    assert response.json()["organization"]


@pytest.mark.django_db
def test_mine_lists_only_the_callers_jobs(world):
    for who in ("staff_a", "county_admin"):
        report_job(world.township_a, world.users[who])
    client = world.client("county_admin")
    everyone = client.get(reverse("report-job-list")).json()["results"]
    mine = client.get(reverse("report-job-list"), {"mine": "1"}).json()["results"]
    assert len(everyone) == 2
    assert [row["requested_by_name"] for row in mine] == ["county_admin"]
