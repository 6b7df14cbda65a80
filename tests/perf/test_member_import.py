"""Member import benchmark: validate + write + history for a roster file, timed, with peak Python memory.

Run on demand (docs/scale.md; target: 10,000 members in at most 15 s on PostgreSQL on the 2-core machine)::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/partybuild \\
        .venv/bin/pytest tests/perf/test_member_import.py -m benchmark -s

The tiny tier runs inside the normal test command so this cannot rot. Figures are printed, not asserted.
Memory is measured in a second run under tracemalloc (which slows Python down, so it is not timed), at two
file sizes: the peak must not grow with the file beyond the xlsx shared-string table.
"""

import datetime as dt
import time

import pytest
from django.db import connection

from branches.models import OrganizationKind
from branches.scope.roles import Role
from members import idnumbers
from members.models import Member
from members.resources import MemberResource
from tests.perf.imports import peak_mib
from tests.perf.imports import run_import
from tests.utils.factories import OrganizationFactory
from tests.utils.factories import StaffRoleFactory
from tests.utils.factories import UserFactory
from tests.utils.import_files import MEMBER_HEADERS
from tests.utils.import_files import csv_bytes
from tests.utils.import_files import xlsx_bytes

BRANCHES = 40
EDUCATIONS = ["初中", "高中/中专", "大专", "本科", "小学"]
OCCUPATIONS = ["农牧民", "外出务工", "村干部", "企业", "离退休"]


def county_with_branches():
    county = OrganizationFactory(
        name="基准县委", code="BENCH", kind=OrganizationKind.COUNTY_COMMITTEE, field=""
    )
    township = OrganizationFactory(
        name="基准镇党委", code="BENCH-T", kind=OrganizationKind.TOWNSHIP_COMMITTEE, field="", parent=county
    )
    codes = [OrganizationFactory(parent=township, code=f"BENCH-T-{n:03d}").code for n in range(BRANCHES)]
    actor = UserFactory(username="bench_admin")
    StaffRoleFactory(user=actor, organization=county, role=Role.COUNTY_ADMIN)
    return actor, codes


def roster_rows(count: int, start: int, codes: list[str], *, date_cells: bool) -> list[list]:
    """``count`` valid members whose ID numbers no other call with a disjoint range repeats."""
    rows = [MEMBER_HEADERS]
    for n in range(start, start + count):
        born = dt.date(1950, 1, 1) + dt.timedelta(days=n // 999)
        id_number = idnumbers.build("130123", born, n % 999 + 1)
        joined = dt.date(born.year + 25, 7, 1)
        confirmed = dt.date(born.year + 26, 7, 1)
        rows.append(
            [
                f"党员{n}",
                "女" if idnumbers.is_female(id_number) else "男",
                "汉族",
                id_number,
                born if date_cells else born.isoformat(),
                EDUCATIONS[n % 5],
                "正式党员",
                codes[n % len(codes)],
                joined if date_cells else joined.isoformat(),
                confirmed if date_cells else confirmed.isoformat(),
                OCCUPATIONS[n % 5],
                f"139{n:08d}",
                f"基准县基准镇{n % 40}村{n % 7}组{n % 120}号",
            ]
        )
    return rows


def member_file(file_format: str, count: int, start: int, codes) -> tuple[bytes, str]:
    rows = roster_rows(count, start, codes, date_cells=file_format == "xlsx")
    if file_format == "xlsx":
        return xlsx_bytes(rows, write_only=True), "bench.xlsx"
    return csv_bytes(rows, bom=True), "bench.csv"


def timed(actor, content, name) -> float:
    started = time.perf_counter()
    run_import(MemberResource, actor, content, name)
    return time.perf_counter() - started


def report_line(file_format, rows, seconds, size) -> str:
    return (
        f"member import [{connection.vendor}] {file_format}: rows={rows} seconds={seconds:.2f} "
        f"rows/s={rows / seconds:,.0f} file={size / 2**20:.2f} MiB"
    )


def benchmark(file_formats, sizes, memory_sizes):
    actor, codes = county_with_branches()
    start = 0
    lines = []
    for file_format in file_formats:
        for rows in sizes:
            content, name = member_file(file_format, rows, start, codes)
            start += rows
            lines.append(report_line(file_format, rows, timed(actor, content, name), len(content)))
        peaks = []
        for rows in memory_sizes:
            content, name = member_file(file_format, rows, start, codes)
            start += rows
            peaks.append(f"{rows} rows: {peak_mib(MemberResource, actor, content, name):.1f} MiB")
        lines.append(
            f"member import [{connection.vendor}] {file_format}: peak Python memory " + ", ".join(peaks)
        )
    assert Member.objects.count() == start
    assert Member.history.count() == start
    print("\n" + "\n".join(lines))
    return lines


@pytest.mark.django_db
def test_member_import_tiny_tier():
    benchmark(["xlsx", "csv"], sizes=[30], memory_sizes=[10, 20])


@pytest.mark.benchmark
@pytest.mark.django_db(transaction=True)
def test_member_import_county_tier():
    benchmark(["xlsx", "csv"], sizes=[10_000], memory_sizes=[2_000, 10_000])
