"""Bad-file corpus (docs/scale.md): each file is refused or imported correctly, always with a message, and a
refused file leaves every table of the database exactly as it was.

The files go through the real endpoint (``POST /api/v1/members/import/`` with ``dry_run=false``), so the
upload guards, the decoding, the row checks and the all-or-none commit are all on the path.
"""

import io
import zipfile

import pytest
from django.db import connection
from django.urls import reverse
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from members.models import Member
from tests.utils.import_files import MEMBER_HEADERS
from tests.utils.import_files import csv_bytes
from tests.utils.import_files import member_rows
from tests.utils.import_files import member_values
from tests.utils.import_files import xlsx_bytes

pytestmark = pytest.mark.django_db

BRANCH = "C1-TA-1"


def table_fingerprint() -> dict[str, int]:
    """Row count of every table the project has: any write anywhere shows up here."""
    with connection.cursor() as cursor:
        counts = {}
        for table in sorted(connection.introspection.table_names(cursor)):
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
            counts[table] = cursor.fetchone()[0]
    return counts


def post_import(world, name: str, content: bytes):
    client = world.client("staff_a")
    upload = io.BytesIO(content)
    upload.name = name
    return client.post(reverse("member-list") + "import/", {"file": upload, "dry_run": "false"})


def good_rows(count: int = 2):
    return member_rows([member_values(BRANCH, n) for n in range(1, count + 1)])


def truncated_workbook() -> bytes:
    whole = xlsx_bytes(good_rows())
    return whole[: len(whole) // 2]


def zip_bomb() -> bytes:
    """A small zip whose one entry inflates to 200 MiB of zeros: over the uncompressed-size guard."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as entry:
            chunk = b"\0" * (1024 * 1024)
            for _ in range(200):
                entry.write(chunk)
    return buffer.getvalue()


def ten_megabytes_of_one_column() -> bytes:
    line = ("9" * 99 + "\r\n").encode()
    return "姓名\r\n".encode() + line * (10 * 1024 * 1024 // len(line) + 1)


FORMULA = 'HYPERLINK("http://example.org","东一村3组")'


def workbook_with_formula_cell() -> bytes:
    """A roster whose address cell holds a formula with the value Excel last computed for it, as Excel
    saves it (openpyxl alone writes the formula without that cached value)."""
    rows = good_rows(1)
    rows[1] = list(rows[1])
    rows[1][MEMBER_HEADERS.index("住址")] = f"={FORMULA}"
    written = zipfile.ZipFile(io.BytesIO(xlsx_bytes(rows)))
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for item in written.infolist():
            data = written.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                formula = f"<f>{FORMULA}</f><v />".replace('"', "&quot;").encode()
                if formula not in data:
                    formula = f"<f>{FORMULA}</f><v />".encode()
                assert formula in data, data[-400:]
                data = data.replace(formula, formula.replace(b"<v />", "<v>东一村3组</v>".encode()))
                cell = f"{get_column_letter(MEMBER_HEADERS.index('住址') + 1)}2"
                data = data.replace(f'<c r="{cell}">'.encode(), f'<c r="{cell}" t="str">'.encode())
            archive.writestr(item, data)
    return output.getvalue()


def numeric_id_rows():
    values = member_values(BRANCH, 1)
    values["身份证号"] = int(values["身份证号"][:17] + "0")
    return member_rows([values])


def duplicate_id_rows():
    same = member_values(BRANCH, 1)
    return member_rows([same, {**same, "姓名": "重复者"}])


REFUSED = {
    "png renamed to xlsx": ("members.xlsx", b"\x89PNG\r\n\x1a\n" + b"\0" * 64),
    "text renamed to xlsx": ("members.xlsx", "姓名,身份证号\r\n张三,1\r\n".encode()),
    "truncated zip": ("members.xlsx", truncated_workbook()),
    "zip bomb": ("members.xlsx", zip_bomb()),
    "10 MB of one column": ("members.csv", ten_megabytes_of_one_column()),
    "empty file": ("members.csv", b""),
    "numeric ID cells": ("members.xlsx", xlsx_bytes(numeric_id_rows())),
    "duplicate IDs": ("members.xlsx", xlsx_bytes(duplicate_id_rows())),
}


def messages_of(body) -> list[str]:
    """Every message a refusal carries, whether the whole file or single rows were refused."""
    found = []

    def walk(value):
        if isinstance(value, str):
            found.append(value)
        elif isinstance(value, dict):
            for key, inner in value.items():
                if key in {"message", "detail", "file", "non_field_errors", "errors", "rows"}:
                    walk(inner)
        elif isinstance(value, list):
            for inner in value:
                walk(inner)

    walk(body)
    return [text for text in found if text.strip()]


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_bad_file_is_refused_with_a_message_and_changes_nothing(world, case):
    name, content = REFUSED[case]
    before = table_fingerprint()

    response = post_import(world, name, content)

    assert response.status_code == 400, (case, response.status_code, response.content[:300])
    assert messages_of(response.json()), (case, response.json())
    assert table_fingerprint() == before


@pytest.mark.parametrize(
    "name, content",
    [
        ("members.csv", csv_bytes(good_rows(), encoding="gb18030")),
        ("members.csv", csv_bytes(good_rows(), bom=True)),
        ("members.xlsx", xlsx_bytes(good_rows())),
    ],
    ids=["GB18030 csv", "UTF-8 with BOM csv", "xlsx"],
)
def test_good_file_in_every_accepted_encoding_is_imported(world, name, content):
    response = post_import(world, name, content)

    assert response.status_code == 201, response.content[:300]
    assert set(Member.objects.values_list("name", flat=True)) == {"导入党员1", "导入党员2"}


def test_formula_cell_is_imported_as_the_value_it_shows_never_as_a_formula(world):
    response = post_import(world, "members.xlsx", workbook_with_formula_cell())

    assert response.status_code == 201, response.content[:300]
    assert Member.objects.get().address == "东一村3组"


def test_text_that_looks_like_a_formula_is_kept_as_text_and_escaped_again_on_export(world):
    rows = good_rows(1)
    rows[1] = list(rows[1])
    rows[1][MEMBER_HEADERS.index("住址")] = "=1+2"
    assert post_import(world, "members.csv", csv_bytes(rows)).status_code == 201

    assert Member.objects.get().address == "=1+2"
    exported = world.client("staff_a").get(reverse("member-list") + "export/")
    sheet = load_workbook(io.BytesIO(b"".join(exported.streaming_content))).active
    cells = [cell for row in sheet.iter_rows(min_row=2, values_only=True) for cell in row]
    assert "'=1+2" in cells
    assert "=1+2" not in cells
