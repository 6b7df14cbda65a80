"""A county's year of household visits imported through an import job: a 100,000-row workbook (shared
strings, as Excel saves it) posted to ``POST …/visit-logs/import/`` with ``dry_run=false``, timed to the 202
answer (the pre-scan and storing the file: all the web worker does) and to the end of the job; beside it a
file of exactly ``IMPORT_JOB_THRESHOLD`` rows, still answered at once.

    .venv/bin/pytest tests/perf/test_import_jobs.py -m benchmark -s

The tiny tier (30 rows, threshold lowered) runs in the normal test command through the same code.
"""

import time
import tracemalloc

import pytest
from django.conf import settings
from django.utils import timezone
from rest_framework.test import APIClient

from members.models import VisitLog
from tests.perf.test_visit_import import County
from tests.perf.test_visit_import import visit_file
from tests.utils.import_files import upload
from tests.utils.import_jobs import import_through_a_job
from tests.utils.import_jobs import post_import

pytestmark = pytest.mark.django_db


def import_county(capture, *, villages: int, rows: int) -> dict:
    county = County(villages)
    client = APIClient()
    client.force_authenticate(county.actor)
    year = timezone.localdate().year - 1
    threshold = settings.IMPORT_JOB_THRESHOLD
    content, name = visit_file(county, "xlsx", threshold, year - 1)
    started = time.perf_counter()
    direct = post_import(client, upload(content, name), dry_run=True)
    at_threshold = time.perf_counter() - started
    assert direct.status_code == 200 and direct.json()["total_rows"] == threshold
    content, name = visit_file(county, "xlsx", rows, year)
    result = import_through_a_job(client, capture, upload(content, name), dry_run=False)
    job = result["job"]
    assert job["state"] == "succeeded" and job["status_code"] == 201, job["result"] or job["error"]
    assert job["result"]["created"] == rows == VisitLog.objects.count()
    # The request's memory, in a separate dry run under tracemalloc (which slows it: not timed).
    tracemalloc.start()
    try:
        with capture():
            assert post_import(client, upload(content, name), dry_run=True).status_code == 202
        request_peak = tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()
    return {
        "threshold": threshold,
        "at_threshold": at_threshold,
        "to_202": result["seconds_to_202"],
        "total": result["seconds_total"],
        "file_mib": len(content) / 2**20,
        "request_mib": request_peak,
    }


def report(rows: int, figures: dict) -> str:
    return (
        f"\n{figures['threshold']:,} rows (IMPORT_JOB_THRESHOLD), dry run answered at once in "
        f"{figures['at_threshold']:.2f} s\n{rows:,} visit rows ({figures['file_mib']:.1f} MiB xlsx): 202 in "
        f"{figures['to_202']:.2f} s, the job done (all rows written) {figures['total']:.1f} s after the "
        f"request; the request's peak Python memory (tracemalloc) {figures['request_mib']:.1f} MiB"
    )


def test_tiny_visit_import_goes_through_a_job(settings, tmp_path, django_capture_on_commit_callbacks):
    settings.MEDIA_ROOT = str(tmp_path)
    settings.IMPORT_JOB_THRESHOLD = 20
    report(30, import_county(django_capture_on_commit_callbacks, villages=2, rows=30))


@pytest.mark.benchmark
def test_import_of_100_000_visits_goes_through_a_job(settings, tmp_path, django_capture_on_commit_callbacks):
    settings.MEDIA_ROOT = str(tmp_path)
    rows = 100_000
    print(report(rows, import_county(django_capture_on_commit_callbacks, villages=300, rows=rows)))
