"""Large imports run as background jobs (docs/security.md, "Limits"): above the threshold the upload answers
202 with a job whose result is the answer the request would have given, all rows or none, for the
requester only; small files are read at once as before."""

import datetime as dt

import pytest

from branches.models import ImportJob
from branches.models import JobState
from branches.tabular.import_jobs import import_job_run
from members.models import VisitLog
from tests.utils.factories_cadres import CadreFactory
from tests.utils.import_files import csv_bytes
from tests.utils.import_files import upload as uploaded
from tests.utils.import_files import xlsx_bytes
from tests.utils.import_jobs import VISIT_HEADERS
from tests.utils.import_jobs import import_through_a_job
from tests.utils.import_jobs import post_import
from tests.utils.import_jobs import visit_csv
from tests.utils.import_jobs import visit_rows
from tests.utils.scope_jobs import RequesterJobScopeSuite
from tests.utils.scope_jobs import staff_a_job

pytestmark = pytest.mark.django_db
THRESHOLD = 10


@pytest.fixture
def threshold(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.IMPORT_JOB_THRESHOLD = THRESHOLD
    settings.IMPORT_JOB_THRESHOLD_CELLS = 10**6
    return THRESHOLD


@pytest.fixture
def cadre(world):
    return CadreFactory(organization=world.branch_a1, name="赵委员", started_on=dt.date(2021, 1, 15))


VISIT_IMPORT = {"resource": "members.resources.visits.VisitLogResource", "file_name": "visits.csv"}


class TestImportJobScope(RequesterJobScopeSuite):
    basename = "import-job"
    job_model = ImportJob
    job_fields = VISIT_IMPORT


def _visit_file(file_format: str, count: int):
    if file_format == "csv":
        return visit_csv(count)
    return uploaded(xlsx_bytes([VISIT_HEADERS, *visit_rows(count)]), "visits.xlsx")


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_a_file_of_threshold_rows_is_read_at_once(world, threshold, cadre, file_format):
    response = post_import(world.client("staff_a"), _visit_file(file_format, THRESHOLD), dry_run=True)
    assert response.status_code == 200
    assert response.json()["total_rows"] == THRESHOLD
    assert not ImportJob.objects.exists()


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_one_row_more_is_an_import_job(
    world, threshold, cadre, file_format, django_capture_on_commit_callbacks
):
    client = world.client("staff_a")
    with django_capture_on_commit_callbacks(execute=False):
        response = post_import(client, _visit_file(file_format, THRESHOLD + 1), dry_run=True)
    assert response.status_code == 202
    body = response.json()
    assert body["state"] == "queued" and body["rows"] == THRESHOLD + 1 and body["result"] is None
    assert response["Location"] == body["status_url"]


def test_a_workbook_above_the_cell_threshold_is_a_job(world, threshold, settings, cadre):
    settings.IMPORT_JOB_THRESHOLD_CELLS = 5 * len(VISIT_HEADERS)
    content = xlsx_bytes([VISIT_HEADERS, *visit_rows(5)])
    response = post_import(world.client("staff_a"), uploaded(content, "visits.xlsx"), dry_run=True)
    assert response.status_code == 202


def test_the_jobs_result_is_the_answer_the_request_would_have_given(
    world, threshold, settings, cadre, django_capture_on_commit_callbacks
):
    client = world.client("staff_a")
    file_options = {"count": 14, "bad": (3, 9)}
    result = import_through_a_job(
        client, django_capture_on_commit_callbacks, visit_csv(**file_options), dry_run=True
    )
    settings.IMPORT_JOB_THRESHOLD = 10**6
    direct = post_import(client, visit_csv(**file_options), dry_run=True)
    job = result["job"]
    assert job["state"] == "succeeded" and job["progress"] == 100
    assert job["status_code"] == direct.status_code == 200
    assert job["result"] == direct.json()
    assert job["result"]["error_rows"] == 2


def test_a_real_import_through_a_job_writes_every_row(
    world, threshold, cadre, django_capture_on_commit_callbacks
):
    result = import_through_a_job(
        world.client("staff_a"), django_capture_on_commit_callbacks, visit_csv(25), dry_run=False
    )
    assert result["job"]["status_code"] == 201 and result["job"]["result"]["created"] == 25
    assert VisitLog.objects.count() == 25


def test_one_bad_row_in_a_real_import_job_writes_none(
    world, threshold, cadre, django_capture_on_commit_callbacks
):
    result = import_through_a_job(
        world.client("staff_a"), django_capture_on_commit_callbacks, visit_csv(25, bad=(24,)), dry_run=False
    )
    assert result["job"]["status_code"] == 400 and not result["job"]["result"]["committed"]
    assert not VisitLog.objects.exists()


def test_the_uploaded_file_is_deleted_once_the_job_has_run(
    world, threshold, cadre, django_capture_on_commit_callbacks, tmp_path
):
    import_through_a_job(
        world.client("staff_a"), django_capture_on_commit_callbacks, visit_csv(12), dry_run=True
    )
    job = ImportJob.objects.get()
    assert not job.file
    assert list((tmp_path / "media" / "imports").iterdir()) == []


def test_a_file_refused_as_a_whole_is_the_jobs_400(
    world, threshold, cadre, django_capture_on_commit_callbacks
):
    rows = [["所在组织编码", "户主姓名"], *(["C1-TA-1", f"户{n}"] for n in range(12))]
    upload = uploaded(csv_bytes(rows), "visits.csv")
    result = import_through_a_job(
        world.client("staff_a"), django_capture_on_commit_callbacks, upload, dry_run=True
    )
    assert result["job"]["state"] == "succeeded" and result["job"]["status_code"] == 400
    assert "file" in result["job"]["result"]


def test_only_the_requester_finds_the_job(world, threshold, cadre, django_capture_on_commit_callbacks):
    result = import_through_a_job(
        world.client("staff_a"), django_capture_on_commit_callbacks, visit_csv(12), dry_run=True
    )
    url = result["accepted"]["status_url"]
    for who in ("county_admin", "staff_b", "viewer_a", "secretary_a1", "nobody"):
        assert world.client(who).get(url).status_code == 404
    assert world.client(None).get(url).status_code in {401, 403}


def test_a_job_that_crashes_is_failed_and_writes_nothing(world, threshold, cadre, monkeypatch):
    job = staff_a_job(world, ImportJob, **VISIT_IMPORT)
    job.file.save("visits.csv", visit_csv(12))
    monkeypatch.setattr("branches.tabular.import_jobs.import_table", _boom)
    assert import_job_run(job.pk).state == JobState.FAILED
    assert not VisitLog.objects.exists()


def _boom(**kwargs):
    raise RuntimeError("worker lost its disk")


def test_row_by_row_resources_go_to_a_job_above_their_own_row_threshold(threshold, settings):
    from branches.tabular.import_jobs import import_is_large
    from members.resources import CadreResource
    from members.resources import VisitLogResource

    settings.IMPORT_JOB_THRESHOLD = 2_000
    assert not import_is_large(CadreResource(), 200, 2_000)
    assert import_is_large(CadreResource(), 201, 2_010)
    assert not import_is_large(VisitLogResource(), 2_000, 12_000)
    assert import_is_large(VisitLogResource(), 2_001, 12_006)


def test_a_task_redelivered_after_its_worker_died_fails_the_job_and_deletes_the_file(world, threshold):
    job = staff_a_job(world, ImportJob, **VISIT_IMPORT)
    job.file.save("visits.csv", visit_csv(12))
    ImportJob.objects.filter(pk=job.pk).update(state=JobState.RUNNING)
    assert import_job_run(job.pk) is None
    job.refresh_from_db()
    assert job.state == JobState.FAILED and job.error and not job.file
