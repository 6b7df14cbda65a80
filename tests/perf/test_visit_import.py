"""Visit log import benchmark: a county's year of household visits (走访日志) validated, written and given
history in one file, timed, with peak memory.

Run on demand (docs/scale.md; target: 100,000 visit logs in ≤ 10 s and ≤ 200 MB on PostgreSQL on the
2-core machine)::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/partybuild_visits \\
        .venv/bin/pytest tests/perf/test_visit_import.py -m benchmark -s

The tiny tier runs inside the normal test command so this cannot rot. Figures are printed, not asserted.
The county: 300 village branches with 7 cadre posts each (2,100 cadres, names repeating across villages as
real names do); each row names its cadre by organization code and name, half of them with the post too.
Three kinds of file: ``xlsx`` with a shared string table as Excel and WPS save it, ``xlsx-inline`` with each
string in its cell as openpyxl writes it (slower to read), and ``csv``. Each run prints the wall-clock time
and this process's CPU time among it; the difference is the database (and, on a busy machine, waiting for a
CPU).
Memory is measured three ways: the benchmark process's resident size before each timed run and at its peak
during it (everything the process holds, the Rust workbook reader's allocations included); the peak of a
process of its own that starts Django and imports the largest file, which is what a web or worker process
needs for it (PostgreSQL only: it must reach the test database); and Python's allocations in separate runs
under tracemalloc (which slows Python down, so they are not timed) at two file sizes: the file is
streamed, and what grows with it is the set of row keys kept to find repeated rows (about 0.2 KB a row).
"""

import datetime as dt
import io
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from branches.models import Organization
from branches.models import OrganizationKind
from branches.scope.roles import Role
from members.models import Cadre
from members.models import CadrePost
from members.models import VisitLog
from members.resources import VisitLogResource
from members.resources.cadres import CADRE_POST
from members.selectors.visits import distinct_households_by_cadre
from members.selectors.visits import distinct_households_by_person
from tests.perf.imports import peak_mib
from tests.perf.imports import resident_peak
from tests.perf.imports import run_import
from tests.utils.factories import OrganizationFactory
from tests.utils.factories import StaffRoleFactory
from tests.utils.factories import UserFactory
from tests.utils.import_columns import VISIT_HEADERS
from tests.utils.import_files import csv_bytes
from tests.utils.import_files import xlsx_bytes

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = ["伟", "芳", "娜", "敏", "静", "强", "磊", "军", "洋", "勇"]
GIVEN += ["艳", "杰", "涛", "明", "超", "秀英", "桂英", "建华", "建国", "志强"]
NAMES = [surname + given for surname in SURNAMES for given in GIVEN]
POSTS = [
    CadrePost.SECRETARY,
    CadrePost.VILLAGE_DIRECTOR,
    CadrePost.DEPUTY_SECRETARY,
    CadrePost.BRANCH_COMMITTEE,
    CadrePost.VILLAGE_DEPUTY_DIRECTOR,
    CadrePost.VILLAGE_COMMITTEE,
    CadrePost.SUPERVISION_CHAIR,
]
GROUPS = ["一组", "二组", "三组", "四组", "五组", "六组", "七组", "八组"]
CONCERNS = [
    "村道路灯损坏，夜间出行不便",
    "灌溉水渠渗漏，请求维修",
    "申请低保，家中老人常年患病",
    "宅基地边界纠纷",
]
FOLLOW_UPS = ["已报镇政府，路灯已更换", "村委会组织人员修缮", "已协助提交申请材料", "已调解，双方签字确认"]
VISITS_PER_CADRE = 48


class County:
    """Villages with their cadre posts, written directly (the setup is not what is measured)."""

    def __init__(self, villages: int):
        county = OrganizationFactory(
            name="走访基准县委", code="VB", kind=OrganizationKind.COUNTY_COMMITTEE, field=""
        )
        township = OrganizationFactory(
            name="走访基准镇党委",
            code="VB-T",
            kind=OrganizationKind.TOWNSHIP_COMMITTEE,
            field="",
            parent=county,
        )
        self.actor = UserFactory(username="visit_bench_admin")
        StaffRoleFactory(user=self.actor, organization=county, role=Role.COUNTY_ADMIN)
        self.codes = [
            OrganizationFactory(parent=township, code=f"VB-T-{n:03d}").code for n in range(villages)
        ]
        cadres = []
        for village, code in enumerate(self.codes):
            organization_id = _organization_id(code)
            for slot, post in enumerate(POSTS):
                cadres.append(
                    Cadre(
                        organization_id=organization_id,
                        post=post,
                        name=NAMES[(village * 13 + slot * 57) % len(NAMES)],
                        birth_date=dt.date(1960, 1, 1) + dt.timedelta(days=village * 7 + slot),
                        started_on=dt.date(2015, 1, 1),
                    )
                )
        Cadre.objects.bulk_create(cadres)
        self.cadres = [(self.codes[n // len(POSTS)], cadre) for n, cadre in enumerate(cadres)]

    def rows(self, count: int, year: int, *, date_cells: bool) -> list[list]:
        """``count`` valid visits in ``year``; each cadre visits ~48 households on distinct days."""
        first = dt.date(year, 1, 1)
        rows = [VISIT_HEADERS]
        for n in range(count):
            code, cadre = self.cadres[(n // VISITS_PER_CADRE) % len(self.cadres)]
            visited = first + dt.timedelta(days=(n * 233) % 365)
            household = NAMES[(n * 7) % len(NAMES)] + ("" if n % 3 else "家")
            concern = n % 10 < 3
            resolved = concern and n % 2 == 0
            resolved_on = min(visited + dt.timedelta(days=10), dt.date(year, 12, 31)) if resolved else None
            rows.append(
                [
                    code,
                    cadre.name,
                    CADRE_POST[cadre.post] if n % 2 else "",
                    household,
                    GROUPS[n % len(GROUPS)],
                    _date(visited, date_cells),
                    CONCERNS[n % 4] if concern else "",
                    FOLLOW_UPS[n % 4] if resolved else "",
                    _date(resolved_on, date_cells),
                ]
            )
        return rows


def _organization_id(code: str) -> int:
    return Organization.objects.values_list("pk", flat=True).get(code=code)


def _date(day, as_cell: bool):
    if day is None:
        return ""
    return day if as_cell else day.isoformat()


def visit_file(county: County, file_format: str, count: int, year: int) -> tuple[bytes, str]:
    """``xlsx``: strings in a shared table, as Excel and WPS save them; ``xlsx-inline``: each string in its
    cell, as openpyxl writes them (slower to read); ``csv``: UTF-8 with a BOM."""
    rows = county.rows(count, year, date_cells=file_format.startswith("xlsx"))
    if file_format == "xlsx":
        return shared_strings(xlsx_bytes(rows, write_only=True)), "visits.xlsx"
    if file_format == "xlsx-inline":
        return xlsx_bytes(rows, write_only=True), "visits.xlsx"
    return csv_bytes(rows, bom=True), "visits.csv"


INLINE_STRING = re.compile(
    rb'<c r="([A-Z]+[0-9]+)" t="inlineStr"><is><t(?: xml:space="preserve")?>(.*?)</t></is></c>'
)
SHARED_STRINGS_TYPE = b"application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
SHARED_STRINGS_REL = b"http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"


def shared_strings(content: bytes) -> bytes:
    """Rewrite an openpyxl workbook's inline strings into a shared string table, as Excel stores text."""
    source = zipfile.ZipFile(io.BytesIO(content))
    table: dict[bytes, int] = {}

    def shared(match):
        return b'<c r="%s" t="s"><v>%d</v></c>' % (match[1], table.setdefault(match[2], len(table)))

    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = INLINE_STRING.sub(shared, data)
            elif item.filename == "[Content_Types].xml":
                override = (
                    b'<Override PartName="/xl/sharedStrings.xml" ContentType="%s"/>' % SHARED_STRINGS_TYPE
                )
                data = data.replace(b"</Types>", override + b"</Types>")
            elif item.filename == "xl/_rels/workbook.xml.rels":
                relation = (
                    b'<Relationship Id="rIdStrings" Type="%s" Target="sharedStrings.xml"/>'
                    % SHARED_STRINGS_REL
                )
                data = data.replace(b"</Relationships>", relation + b"</Relationships>")
            target.writestr(item, data)
        strings = b"".join(b"<si><t>%s</t></si>" % text for text in table)
        target.writestr(
            "xl/sharedStrings.xml",
            b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/'
            b'spreadsheetml/2006/main" count="%d" uniqueCount="%d">%s</sst>'
            % (len(table), len(table), strings),
        )
    return output.getvalue()


def timed(actor, content, name) -> tuple[float, float, str]:
    """Wall-clock seconds, the seconds of this process's CPU among them (the rest is the database, or other
    processes on a busy machine), and the process's resident memory before and at its peak during the run."""
    with resident_peak() as memory:
        started, cpu = time.perf_counter(), time.process_time()
        run_import(VisitLogResource, actor, content, name)
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    return seconds, cpu, resident_text(memory)


def in_own_process(actor, content: bytes, name: str) -> tuple[int, str]:
    """The rows one import committed in a process of its own (tests/perf/import_process.py), and that
    process's resident memory; (0, why not) where another process cannot reach the test database (SQLite
    in memory)."""
    url = database_url(connection.settings_dict)
    if url is None:
        return 0, "own process: not measurable with the database in memory"
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder, name)
        path.write_bytes(content)
        resource_path = f"{VisitLogResource.__module__}.{VisitLogResource.__qualname__}"
        done = subprocess.run(  # noqa: S603 - our own interpreter and module, arguments built here
            [sys.executable, "-m", "tests.perf.import_process", resource_path, str(actor.pk), str(path)],
            env={**os.environ, "DATABASE_URL": url},
            capture_output=True,
            text=True,
            check=True,
            timeout=300,
        )
    found = json.loads(done.stdout.strip().splitlines()[-1])
    return found["rows"], (
        f"own process: {found['ready_mib']:.0f} MiB with Django ready, peak {found['peak_mib']:.0f} MiB "
        "through the import"
    )


def database_url(settings: dict) -> str | None:
    if settings["ENGINE"] == "django.db.backends.postgresql":
        credentials = settings["USER"] + (f":{settings['PASSWORD']}" if settings["PASSWORD"] else "")
        return f"postgres://{credentials}@{settings['HOST']}:{settings['PORT']}/{settings['NAME']}"
    return None


def resident_text(memory: dict) -> str:
    if not memory:
        return "process resident memory: not measurable here"
    return (
        f"process resident memory {memory['before']:.0f} MiB before, peak {memory['peak']:.0f} MiB during "
        f"(+{memory['peak'] - memory['before']:.0f} MiB)"
    )


def benchmark(*, villages: int, file_formats, sizes, memory_sizes, memory_formats=("xlsx", "csv")):
    county = County(villages)
    # One calendar year per run, so that no run repeats another's visits (the import refuses duplicates).
    year = first_year = timezone.localdate().year - 1
    written = 0
    lines = []
    for file_format in file_formats:
        for rows in sizes:
            content, name = visit_file(county, file_format, rows, year)
            year -= 1
            seconds, cpu, memory = timed(county.actor, content, name)
            written += rows
            lines.append(
                f"visit import [{connection.vendor}] {file_format}: rows={rows} seconds={seconds:.2f} "
                f"(python cpu {cpu:.2f}) rows/s={rows / seconds:,.0f} file={len(content) / 2**20:.2f} MiB; "
                f"{memory}"
            )
        content, name = visit_file(county, file_format, sizes[-1], year)
        year -= 1
        rows, memory = in_own_process(county.actor, content, name)
        written += rows
        lines.append(f"visit import [{connection.vendor}] {file_format}: rows={sizes[-1]} {memory}")
        if file_format not in memory_formats:
            continue
        peaks = []
        for rows in memory_sizes:
            content, name = visit_file(county, file_format, rows, year)
            year -= 1
            peaks.append(f"{rows} rows: {peak_mib(VisitLogResource, county.actor, content, name):.1f} MiB")
            written += rows
        lines.append(
            f"visit import [{connection.vendor}] {file_format}: peak Python memory (tracemalloc) "
            + ", ".join(peaks)
        )
    assert VisitLog.objects.count() == written
    assert VisitLog.history.count() == written
    lines.append(counting_line(county, first_year, sizes[0]))
    print("\n" + "\n".join(lines))
    return lines


def counting_line(county: County, year: int, rows: int) -> str:
    """What the quota run will read: distinct households per cadre and per person, for the villages."""
    villages = Organization.objects.filter(code__in=county.codes)
    started = time.perf_counter()
    per_cadre = list(distinct_households_by_cadre(organizations=villages, year=year))
    cadre_seconds = time.perf_counter() - started
    started = time.perf_counter()
    people = distinct_households_by_person(organizations=villages, year=year)
    person_seconds = time.perf_counter() - started
    assert sum(row.visit_count for row in per_cadre) == rows
    return (
        f"household counts [{connection.vendor}] over {rows} visits of {year}: "
        f"per cadre {len(per_cadre)} rows in {cadre_seconds:.2f} s, "
        f"per person {len(people)} rows in {person_seconds:.2f} s (one query each)"
    )


@pytest.mark.django_db(transaction=True)
def test_visit_import_tiny_tier():
    benchmark(villages=3, file_formats=["xlsx", "xlsx-inline", "csv"], sizes=[100], memory_sizes=[30, 60])


@pytest.mark.benchmark
@pytest.mark.django_db(transaction=True)
def test_visit_import_county_tier():
    benchmark(
        villages=300,
        file_formats=["xlsx", "xlsx-inline", "csv"],
        sizes=[100_000],
        memory_sizes=[10_000, 100_000],
    )
