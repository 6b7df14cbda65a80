"""Visit files of any length and an import run through the API as an import job, for the import-job tests
and their benchmark (tests/perf/test_import_jobs.py)."""

import time

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from .import_files import csv_bytes

VISIT_HEADERS = ["所在组织编码", "干部姓名", "户主姓名", "村民小组", "走访日期", "反映问题"]


def visit_rows(count: int, *, code: str = "C1-TA-1", cadre: str = "赵委员", bad: tuple = ()) -> list[list]:
    """``count`` distinct visits of one cadre; the 0-based rows in ``bad`` carry an impossible date."""
    return [
        [code, cadre, f"户主{n}", "一组", "2024-02-30" if n in bad else "2024-03-01", ""]
        for n in range(count)
    ]


def visit_csv(count: int, **kwargs) -> SimpleUploadedFile:
    body = csv_bytes([VISIT_HEADERS, *visit_rows(count, **kwargs)], bom=True)
    return SimpleUploadedFile("visits.csv", body, content_type="text/csv")


def post_import(client, upload, *, dry_run: bool):
    data = {"file": upload, "dry_run": "true" if dry_run else "false"}
    return client.post(reverse("visitlog-import"), data, format="multipart")


def import_through_a_job(client, capture, upload, *, dry_run: bool) -> dict:
    """POST the visit import (202 expected), run the job as a worker would, read the finished job; with the
    seconds to the 202 and to the end."""
    started = time.perf_counter()
    with capture(execute=True):
        response = post_import(client, upload, dry_run=dry_run)
        accepted = time.perf_counter() - started
    assert response.status_code == 202, response.content
    job = client.get(response.json()["status_url"]).json()
    return {
        "accepted": response.json(),
        "job": job,
        "seconds_to_202": accepted,
        "seconds_total": time.perf_counter() - started,
    }
