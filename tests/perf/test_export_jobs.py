"""A whole-county export as a job: 100,000 visit rows bulk-created, exported through ``GET …/visits/export/``
(202), the job run as the worker would, the file downloaded and its rows counted.

    .venv/bin/pytest tests/perf/test_export_jobs.py -m benchmark -s

The tiny tier (50 rows, threshold lowered) runs in the normal test command through the same code.
"""

import time

import pytest

from tests.utils.export_jobs import bulk_visits
from tests.utils.export_jobs import export_through_a_job
from tests.utils.export_jobs import xlsx_data_rows

pytestmark = pytest.mark.django_db


def export_county(world, capture, rows: int) -> dict:
    started = time.perf_counter()
    bulk_visits(world.branch_a1, rows)
    created = time.perf_counter() - started
    result = export_through_a_job(world.client("county_admin"), capture)
    assert result["job"]["rows"] == rows
    assert len(xlsx_data_rows(result["content"])) == rows
    return {"created": created, "export": result["seconds"], "bytes": len(result["content"])}


def test_tiny_county_export_goes_through_a_job(world, settings, tmp_path, django_capture_on_commit_callbacks):
    settings.MEDIA_ROOT = str(tmp_path)
    settings.EXPORT_JOB_THRESHOLD = 10
    export_county(world, django_capture_on_commit_callbacks, 50)


@pytest.mark.benchmark
def test_export_of_100_000_visits_goes_through_a_job(
    world, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = str(tmp_path)
    figures = export_county(world, django_capture_on_commit_callbacks, 100_000)
    print(
        f"\n100,000 visits: rows created in {figures['created']:.1f} s; export job (request, run, download) "
        f"{figures['export']:.1f} s; file {figures['bytes'] / 2**20:.1f} MiB"
    )
