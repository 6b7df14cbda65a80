"""A large file on a list page's import (branches/scope/list_imports.py): the upload lands on the import
job's progress page, polled by htmx, then on the same preview with confirm and cancel; confirming imports
through a job too. Small files keep the preview at once."""

import datetime as dt

import pytest
from django.urls import reverse

from branches.models import ImportJob
from members.models import VisitLog
from tests.utils.factories_cadres import CadreFactory
from tests.utils.import_jobs import visit_csv

pytestmark = pytest.mark.django_db
IMPORT = reverse("members:visit-import")
LIST = reverse("members:visit-list")
THRESHOLD = 10


@pytest.fixture
def staff(client, world, settings, tmp_path):
    settings.UI_IMPORT_DIR = str(tmp_path / "uploads")
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.IMPORT_JOB_THRESHOLD = THRESHOLD
    settings.IMPORT_JOB_THRESHOLD_CELLS = 10**6
    CadreFactory(organization=world.branch_a1, name="赵委员", started_on=dt.date(2021, 1, 15))
    client.force_login(world.users["staff_a"])
    return client


def _run(callbacks):
    for callback in callbacks:
        callback()


def test_a_small_file_is_previewed_at_once(staff):
    response = staff.post(IMPORT, {"file": visit_csv(THRESHOLD)})
    assert response.status_code == 200 and response.context["confirm_url"]
    assert not ImportJob.objects.exists()


def test_a_large_file_shows_the_progress_page_then_the_preview(staff, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        response = staff.post(IMPORT, {"file": visit_csv(THRESHOLD + 2)})
    job = ImportJob.objects.get()
    page_url = reverse("members:visit-import-job", kwargs={"job": job.pk})
    progress_url = reverse("members:visit-import-job-progress", kwargs={"job": job.pk})
    assert response.status_code == 302 and response["Location"] == page_url
    page = staff.get(page_url)
    assert page.status_code == 200 and progress_url in page.content.decode()
    assert staff.get(progress_url).status_code == 200
    _run(callbacks)
    done = staff.get(progress_url)
    assert done["HX-Redirect"] == page_url
    preview = staff.get(page_url)
    assert preview.status_code == 200
    assert preview.context["report"]["total_rows"] == THRESHOLD + 2 and preview.context["confirm_url"]
    assert not VisitLog.objects.exists()


def test_confirming_a_large_file_imports_it_through_a_job(staff, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        staff.post(IMPORT, {"file": visit_csv(THRESHOLD + 2)})
    dry_run = ImportJob.objects.get()
    confirm_url = staff.get(reverse("members:visit-import-job", kwargs={"job": dry_run.pk})).context[
        "confirm_url"
    ]
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(confirm_url)
    real = ImportJob.objects.exclude(pk=dry_run.pk).get()
    assert not real.dry_run
    assert response["Location"] == reverse("members:visit-import-job", kwargs={"job": real.pk})
    assert staff.get(response["Location"])["Location"] == LIST
    assert VisitLog.objects.count() == THRESHOLD + 2


def test_a_large_file_with_a_bad_row_shows_its_errors_and_no_confirm(
    staff, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        staff.post(IMPORT, {"file": visit_csv(THRESHOLD + 2, bad=(5,))})
    preview = staff.get(reverse("members:visit-import-job", kwargs={"job": ImportJob.objects.get().pk}))
    assert [error["row"] for error in preview.context["row_errors"]] == [7]
    assert "import-confirm-form" not in preview.content.decode()


def test_another_user_gets_404_for_the_job_page(staff, client, world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        staff.post(IMPORT, {"file": visit_csv(THRESHOLD + 2)})
    job = ImportJob.objects.get()
    client.force_login(world.users["county_admin"])
    for name in ("members:visit-import-job", "members:visit-import-job-progress"):
        assert client.get(reverse(name, kwargs={"job": job.pk})).status_code == 404
