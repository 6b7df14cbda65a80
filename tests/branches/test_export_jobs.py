"""Large exports run as background jobs (docs/security.md, "Limits"): 202 with a job above the threshold,
the same rows as the synchronous export, a security event with the row count, the file for the requester
only, until it expires."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from branches.models import ExportJob
from branches.models import ExportState
from branches.models import SecurityEvent
from branches.models import SecurityEventKind
from tests.utils.export_jobs import bulk_visits
from tests.utils.export_jobs import export_through_a_job
from tests.utils.export_jobs import xlsx_data_rows
from tests.utils.scope_jobs import RequesterJobScopeSuite
from tests.utils.scope_jobs import staff_a_job

pytestmark = pytest.mark.django_db


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def threshold(settings, media):
    settings.EXPORT_JOB_THRESHOLD = 5
    return 5


VISIT_EXPORT = {"source": reverse("visitlog-export"), "title": "走访日志"}


class TestExportJobScope(RequesterJobScopeSuite):
    basename = "export-job"
    job_model = ExportJob
    job_fields = VISIT_EXPORT


def test_a_small_export_is_still_written_at_once(world, media):
    bulk_visits(world.branch_a1, 3)
    response = world.client("staff_a").get(reverse("visitlog-export"))
    assert response.status_code == 200
    assert len(xlsx_data_rows(b"".join(response.streaming_content))) == 3
    assert not ExportJob.objects.exists()


def test_above_the_threshold_the_export_is_a_job_with_the_same_rows(
    world, threshold, settings, django_capture_on_commit_callbacks
):
    bulk_visits(world.branch_a1, 12)
    bulk_visits(world.branch_b1, 4)  # outside township A: in neither file
    client = world.client("staff_a")
    params = {"organization": world.branch_a1.pk}
    result = export_through_a_job(client, django_capture_on_commit_callbacks, params)
    assert result["job"]["state"] == "succeeded" and result["job"]["rows"] == 12
    assert result["job"]["progress"] == 100
    settings.EXPORT_JOB_THRESHOLD = 10**6
    direct = client.get(reverse("visitlog-export"), params)
    assert xlsx_data_rows(result["content"]) == xlsx_data_rows(b"".join(direct.streaming_content))


def test_the_job_records_the_export_as_a_security_event_with_its_rows(
    world, threshold, django_capture_on_commit_callbacks
):
    bulk_visits(world.branch_a1, 8)
    export_through_a_job(world.client("staff_a"), django_capture_on_commit_callbacks)
    event = SecurityEvent.objects.get(kind=SecurityEventKind.EXPORT)
    assert event.detail["rows"] == 8 and event.username == "staff_a"


def test_only_the_requester_finds_the_job(world, threshold, django_capture_on_commit_callbacks):
    bulk_visits(world.branch_a1, 8)
    result = export_through_a_job(world.client("county_admin"), django_capture_on_commit_callbacks)
    job = result["job"]
    for who in ("staff_a", "viewer_a", "nobody"):
        client = world.client(who)
        assert client.get(job["status_url"]).status_code == 404
        assert client.get(job["download_url"]).status_code == 404
    assert world.client(None).get(job["status_url"]).status_code in {401, 403}


def test_a_job_not_finished_answers_409_and_an_expired_one_410(world, media):
    job = staff_a_job(world, ExportJob, **VISIT_EXPORT)
    client = world.client("staff_a")
    url = reverse("export-job-download", args=[job.pk])
    assert client.get(url).status_code == 409
    ExportJob.objects.filter(pk=job.pk).update(
        state=ExportState.SUCCEEDED,
        file="exports/x.xlsx",
        expires_at=timezone.now() - dt.timedelta(minutes=1),
    )
    response = client.get(url)
    assert response.status_code == 410
    assert "expired" in response.json()["detail"] or "过期" in response.json()["detail"]


def test_a_failed_export_is_reported_on_the_job(world, threshold, django_capture_on_commit_callbacks):
    bulk_visits(world.branch_a1, 8)
    job = staff_a_job(world, ExportJob, **VISIT_EXPORT)
    ExportJob.objects.filter(pk=job.pk).update(source="/no/such/export/")
    from branches.tabular.jobs import export_job_run

    assert export_job_run(job.pk).state == ExportState.FAILED


def test_the_list_page_export_goes_to_a_progress_page_then_the_download(
    world, threshold, client, django_capture_on_commit_callbacks
):
    bulk_visits(world.branch_a1, 9)
    client.force_login(world.users["staff_a"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(reverse("members:visit-export"))
    assert response.status_code == 302
    job = ExportJob.objects.get()
    assert response["Location"] == reverse("branches:export-job", args=[job.pk])
    page = client.get(response["Location"]).content.decode()
    download = reverse("branches:export-job-download", args=[job.pk])
    assert download in page
    content = b"".join(client.get(download).streaming_content)
    assert len(xlsx_data_rows(content)) == 9
    client.force_login(world.users["staff_b"])
    assert client.get(response["Location"]).status_code == 404
    assert client.get(download).status_code == 404


def test_expired_files_are_deleted_when_the_next_job_starts(
    world, threshold, django_capture_on_commit_callbacks
):
    old = staff_a_job(world, ExportJob, **VISIT_EXPORT)
    ExportJob.objects.filter(pk=old.pk).update(expires_at=timezone.now() - dt.timedelta(hours=1))
    bulk_visits(world.branch_a1, 8)
    export_through_a_job(world.client("staff_a"), django_capture_on_commit_callbacks)
    assert not ExportJob.objects.filter(pk=old.pk).exists()


def test_a_browser_following_the_audit_pages_export_link_lands_on_the_progress_page(
    world, threshold, client, django_capture_on_commit_callbacks
):
    from branches.services import security_event_record

    for _n in range(8):
        security_event_record(kind=SecurityEventKind.LOGIN, user=world.users["staff_a"])
    client.force_login(world.users["county_admin"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(
            reverse("security-events-export"), HTTP_ACCEPT="text/html,application/xhtml+xml"
        )
    job = ExportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("branches:export-job", args=[job.pk])
    assert ExportJob.objects.get().state == ExportState.SUCCEEDED
    download = client.get(reverse("branches:export-job-download", args=[job.pk]))
    assert len(xlsx_data_rows(b"".join(download.streaming_content))) >= 8


def test_a_worker_reports_the_rows_written_as_the_jobs_progress(world, settings):
    from branches.tabular.jobs import progress_of

    settings.CELERY_TASK_ALWAYS_EAGER = False
    job = staff_a_job(world, ExportJob, rows=200, state=ExportState.RUNNING)
    progress_of(job)(100)
    job.refresh_from_db()
    assert job.progress == 47  # 95 % of the way is the rows, 100 of 200 written


def test_a_job_run_in_the_request_that_started_it_writes_no_progress_in_the_middle_of_its_read(settings):
    from branches.tabular.jobs import progress_of

    settings.CELERY_TASK_ALWAYS_EAGER = True
    assert progress_of(ExportJob(rows=200)) is None
