"""Joint evaluation report benchmark: a 300-village county (15 townships x 20 villages) built in bulk with
scores, statements, star ratings, published quota results, alerts and rectifications, then timed as JSON, as
xlsx and as PDF, with the number of queries of the JSON build::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/partybuild_report \\
        .venv/bin/pytest tests/perf/test_joint_report.py -m benchmark -s

(pytest-django builds ``test_partybuild_report`` beside that DB.) Targets (docs/scale.md): JSON ≤ 3 s, xlsx
and PDF ≤ 10 s each, a constant number of queries. "render" is the file alone from the built data; "job" is
the whole background job as the Celery task runs it (data, render, save, progress updates). Each figure is
wall-clock seconds and, beside it (``_cpu``), the CPU seconds of this process: on the shared 2-core machine
the wall clock mostly measures the other processes' load (printed too).

The tiny tier (1 township x 3 villages) runs inside the normal test command so this cannot rot; it asserts
the query count is the same as at a second, larger size. Figures are printed, not asserted.
"""

import json
import os
import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from assessments.models import ReportFormat
from assessments.models import RunState
from assessments.reports.pdf import render_pdf
from assessments.reports.xlsx import render_xlsx
from assessments.selectors.joint_report import joint_evaluation_report
from assessments.services.reports import report_job_run
from branches.scope.querysets import forget_scope
from branches.scope.roles import Role
from tests.utils.factories import StaffRoleFactory
from tests.utils.factories import UserFactory
from tests.utils.factories_reports import published_report_county
from tests.utils.factories_reports import report_job


def benchmark(*, townships: int, villages_per_township: int, code: str, files: bool = True) -> dict:
    started = time.perf_counter()
    built, cycle = published_report_county(
        townships=townships, villages_per_township=villages_per_township, code=code
    )
    build_seconds = time.perf_counter() - started
    admin = UserFactory(username=f"admin-{code}")
    StaffRoleFactory(user=admin, organization=built.county, role=Role.COUNTY_ADMIN)
    figures = {"villages": len(built.villages), "townships": townships, "build_data_s": build_seconds}
    with translation.override("zh-hans"):
        forget_scope(admin)
        with CaptureQueriesContext(connection) as queries:
            started, cpu = time.perf_counter(), time.process_time()
            report = joint_evaluation_report(user=admin, organization=built.county, year=cycle.year)
            body = json.dumps(report.as_dict(), ensure_ascii=False)
            figures["json_s"] = time.perf_counter() - started
            figures["json_cpu_s"] = time.process_time() - cpu
        figures["json_queries"] = len(queries)
        figures["json_bytes"] = len(body.encode())
        if files:
            for fmt, render in ((ReportFormat.XLSX, render_xlsx), (ReportFormat.PDF, render_pdf)):
                started, cpu = time.perf_counter(), time.process_time()
                content = render(report)
                figures[f"{fmt}_render_s"] = time.perf_counter() - started
                figures[f"{fmt}_render_cpu_s"] = time.process_time() - cpu
                figures[f"{fmt}_bytes"] = len(content)
                job = report_job(built.county, admin, fmt=fmt, year=cycle.year)
                started, cpu = time.perf_counter(), time.process_time()
                job = report_job_run(job.pk)
                figures[f"{fmt}_job_s"] = time.perf_counter() - started
                figures[f"{fmt}_job_cpu_s"] = time.process_time() - cpu
                assert job.state == RunState.SUCCEEDED, job.error
    return figures


def show(figures: dict) -> None:
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    lines = [f"joint evaluation report on {connection.vendor} (load average {load}):"]
    lines += [
        f"  {key:20} {value:.3f}" if isinstance(value, float) else f"  {key:20} {value}"
        for key, value in figures.items()
    ]
    print("\n" + "\n".join(lines))


@pytest.mark.django_db
def test_joint_report_tiny_tier():
    tiny = benchmark(townships=1, villages_per_township=3, code="TINY")
    show(tiny)
    larger = benchmark(townships=3, villages_per_township=10, code="MORE", files=False)
    assert tiny["json_queries"] == larger["json_queries"]
    assert tiny["xlsx_bytes"] > 0 and tiny["pdf_bytes"] > 0


@pytest.mark.benchmark
@pytest.mark.django_db
def test_joint_report_county_tier(require_postgres):
    figures = benchmark(townships=15, villages_per_township=20, code="BENCH")
    show(figures)
    small = benchmark(townships=1, villages_per_township=3, code="SMALL", files=False)
    print(f"  queries at 3 villages: {small['json_queries']}, at 300: {figures['json_queries']}")
    assert small["json_queries"] == figures["json_queries"]
