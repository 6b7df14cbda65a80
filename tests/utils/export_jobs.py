"""Many visit rows in one statement, and an export run through the API, for the export-job tests and their
benchmark (tests/perf/test_export_jobs.py)."""

import datetime as dt
import time
from io import BytesIO

from django.urls import reverse
from openpyxl import load_workbook

from members.models import VisitLog

from .factories_cadres import CadreFactory


def bulk_visits(organization, count: int, *, batch: int = 5000) -> None:
    cadre = CadreFactory(organization=organization)
    start = dt.date(2024, 1, 1)
    rows = (
        VisitLog(
            cadre=cadre,
            organization=organization,
            household_name=f"户主{n}",
            village_group="一组",
            household_key=VisitLog.key_for("一组", f"户主{n}"),
            visited_on=start + dt.timedelta(days=n % 300),
        )
        for n in range(count)
    )
    chunk = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == batch:
            VisitLog.objects.bulk_create(chunk)
            chunk = []
    VisitLog.objects.bulk_create(chunk)


def xlsx_data_rows(content: bytes) -> list[tuple]:
    sheet = load_workbook(BytesIO(content), read_only=True).worksheets[0]
    return [row for row in sheet.iter_rows(min_row=2, values_only=True) if any(v is not None for v in row)]


def export_through_a_job(client, capture, params=None) -> dict:
    """GET the visit export (202 expected), run the job as a worker would, download the file."""
    started = time.perf_counter()
    with capture(execute=True):
        response = client.get(reverse("visitlog-export"), params or {})
    assert response.status_code == 202, response.content
    job = client.get(response.json()["status_url"]).json()
    download = client.get(job["download_url"])
    assert download.status_code == 200
    content = b"".join(download.streaming_content)
    return {"job": job, "content": content, "seconds": time.perf_counter() - started}
