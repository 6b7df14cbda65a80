"""The reader's resource limits (docs/security.md, "Limits"): rows counted blank ones included, cells, and
the bytes a workbook unpacks to, each refused with a clear message before anything is written."""

import time

import pytest
from django.urls import reverse

from branches.tabular import reading
from branches.tabular.reading import open_table
from branches.tabular.widgets import UploadRejected
from tests.utils.import_files import csv_bytes
from tests.utils.import_files import upload
from tests.utils.import_files import xlsx_bytes
from tests.utils.sparse_files import blank_lines_csv
from tests.utils.sparse_files import blank_rows_xlsx

pytestmark = pytest.mark.django_db


def refusal(content, name="m.xlsx"):
    with pytest.raises(UploadRejected) as refused, open_table(upload(content, name)) as table:
        list(table.data_rows())
    return refused.value.error_dict["file"][0]


def read_all(content, name="m.xlsx"):
    with open_table(upload(content, name)) as table:
        return table.header, list(table.data_rows())


def test_a_workbook_of_exactly_the_row_limit_of_blank_rows_is_read():
    assert read_all(blank_rows_xlsx(reading.MAX_ROWS)) == (["姓名"], [])


def test_one_blank_row_over_the_limit_is_refused_with_the_limit_in_the_message():
    error = refusal(blank_rows_xlsx(reading.MAX_ROWS + 1))
    assert error.code == "too_many_rows"
    assert str(reading.MAX_ROWS) in str(error.message)


def test_blank_rows_written_with_empty_cells_count_too(monkeypatch):
    monkeypatch.setattr(reading, "MAX_ROWS", 10)
    empty = b'<row><c t="inlineStr"><is><t> </t></is></c></row>'
    assert read_all(blank_rows_xlsx(10, empty_row=empty))[1] == []
    assert refusal(blank_rows_xlsx(11, empty_row=empty)).code == "too_many_rows"


def test_a_sheet_of_millions_of_empty_rows_is_refused_fast():
    content = blank_rows_xlsx(3_000_000)
    started = time.perf_counter()
    assert refusal(content).code == "too_many_rows"
    assert time.perf_counter() - started < 1


def test_rows_skipped_by_their_number_are_counted_while_streaming(monkeypatch):
    monkeypatch.setattr(reading, "MAX_ROWS", 10)
    far = b'<row r="50000"><c r="A50000" t="inlineStr"><is><t>x</t></is></c></row>'
    assert refusal(blank_rows_xlsx(1, empty_row=far)).code == "too_many_rows"


def far_cell(reference: str, cell_tag: bytes = b"<c ", row_number=True) -> bytes:
    """A row holding one cell at ``reference``; ``cell_tag`` how its start tag is written."""
    row = reference.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    start = f'<row r="{row}">'.encode() if row_number else b"<row>"
    cell = cell_tag + f'r="{reference}" t="inlineStr"><is><t>x</t></is></c>'.encode()
    return start + cell + b"</row>"


def test_the_rectangle_from_the_first_cell_to_the_farthest_counts_against_the_cell_limit(monkeypatch):
    monkeypatch.setattr(reading, "MAX_CELLS", 100)
    header, rows = read_all(blank_rows_xlsx(1, empty_row=far_cell("J10")))
    assert header[0] == "姓名"
    assert rows == [(10, [""] * 9 + ["x"])]
    assert refusal(blank_rows_xlsx(1, empty_row=far_cell("J11"))).code == "too_many_cells"
    assert refusal(blank_rows_xlsx(1, empty_row=far_cell("K10"))).code == "too_many_cells"


def test_two_cells_far_apart_are_refused_before_the_workbook_is_parsed(monkeypatch):
    """The parser would hold 20,000 × 16,384 cells (about 10 GB) for this file of two cells."""
    monkeypatch.setattr(reading, "CalamineWorkbook", None)
    assert refusal(blank_rows_xlsx(1, empty_row=far_cell("XFD20000"))).code == "too_many_cells"


@pytest.mark.parametrize(
    "cell_tag",
    [b"<x:c ", b"<c s='1' ", b"<c\n  "],
    ids=["prefixed tag", "another attribute first", "line break"],
)
def test_a_far_cell_written_in_any_form_xml_allows_is_refused(monkeypatch, cell_tag):
    monkeypatch.setattr(reading, "CalamineWorkbook", None)
    assert refusal(blank_rows_xlsx(1, empty_row=far_cell("XFD100", cell_tag))).code == "too_many_cells"
    quoted = far_cell("XFD100").replace(b'r="XFD100"', b"r = 'XFD100'")
    assert refusal(blank_rows_xlsx(1, empty_row=quoted)).code == "too_many_cells"


def test_cells_placed_by_position_count_as_wide_as_their_row(monkeypatch):
    monkeypatch.setattr(reading, "MAX_CELLS", 100)
    monkeypatch.setattr(reading, "CalamineWorkbook", None)
    wide_row = b'<row r="9">' + b'<c t="inlineStr"><is><t>x</t></is></c>' * 12 + b"</row>"
    assert refusal(blank_rows_xlsx(1, empty_row=wide_row)).code == "too_many_cells"


def test_a_row_number_past_the_row_limit_is_refused_before_the_workbook_is_parsed(monkeypatch):
    monkeypatch.setattr(reading, "MAX_ROWS", 10)
    monkeypatch.setattr(reading, "CalamineWorkbook", None)
    assert refusal(blank_rows_xlsx(1, empty_row=far_cell("A12"))).code == "too_many_rows"


def test_cells_over_the_limit_are_refused(monkeypatch):
    monkeypatch.setattr(reading, "MAX_CELLS", 50)
    rows = [["a", "b", "c", "d", "e"]] + [[str(n)] * 5 for n in range(9)]
    assert len(read_all(xlsx_bytes(rows))[1]) == 9
    assert refusal(xlsx_bytes(rows + [["x"] * 5])).code == "too_many_cells"
    assert refusal(csv_bytes(rows + [["x"] * 5]), "m.csv").code == "too_many_cells"


def test_shared_strings_over_the_cell_limit_are_refused_before_parsing(monkeypatch):
    monkeypatch.setattr(reading, "MAX_CELLS", 20)
    rows = [["a"]] + [[f"text {n}"] for n in range(30)]
    assert refusal(xlsx_bytes(rows)).code == "too_many_cells"


def test_unpacked_bytes_over_the_limit_are_refused(monkeypatch):
    monkeypatch.setattr(reading, "MAX_UNCOMPRESSED_BYTES", 200_000)
    assert refusal(blank_rows_xlsx(40_000, empty_row=b"<row/>")).code in {"zip_bomb", "too_many_rows"}
    monkeypatch.setattr(reading, "MAX_ROWS", 10**9)
    assert refusal(blank_rows_xlsx(40_000, empty_row=b"<row/>")).code == "zip_bomb"


def test_a_sheet_that_declares_a_smaller_size_than_it_unpacks_to_is_refused(monkeypatch):
    monkeypatch.setattr(reading, "MAX_ROWS", 10**9)
    monkeypatch.setattr(reading, "MAX_UNCOMPRESSED_BYTES", 200_000)
    content = blank_rows_xlsx(100_000, declared_size=1000)
    assert refusal(content).code in {"zip_bomb", "damaged"}


def test_a_csv_of_blank_lines_is_refused_at_the_row_limit_fast():
    assert read_all(blank_lines_csv(reading.MAX_ROWS), "m.csv") == (["姓名"], [])
    started = time.perf_counter()
    assert refusal(blank_lines_csv(4_000_000), "m.csv").code == "too_many_rows"
    assert time.perf_counter() - started < 1


def test_the_member_import_answers_400_with_the_message_and_writes_nothing(world):
    from members.models import Member

    before = Member.objects.count()
    file = upload(blank_rows_xlsx(reading.MAX_ROWS + 1), "members.xlsx")
    response = world.client("county_admin").post(
        reverse("member-import"), {"file": file, "dry_run": "false"}, format="multipart"
    )
    assert response.status_code == 400
    assert str(reading.MAX_ROWS) in str(response.json())
    assert Member.objects.count() == before


def test_the_browser_preview_shows_the_limit_as_a_form_error(world, client, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.UI_IMPORT_DIR = str(tmp_path / "uploads")
    client.force_login(world.users["staff_a"])
    content = blank_rows_xlsx(3_000_000, header=("所在组织编码", "干部姓名"))
    started = time.perf_counter()
    response = client.post(reverse("members:visit-import"), {"file": SimpleUploadedFile("v.xlsx", content)})
    assert time.perf_counter() - started < 5
    assert response.status_code == 200
    assert "too_many_rows" not in response.content.decode()
    assert "150000" in response.content.decode().replace(",", "")
    assert not any((tmp_path / "uploads").iterdir()) if (tmp_path / "uploads").exists() else True


class PanicException(BaseException):
    """What a panic in the Rust workbook parser reaches Python as (PyO3's, not an Exception)."""


class PanickingWorkbook:
    def __init__(self, where):
        self.where = where

    def from_filelike(self, upload):
        if self.where == "opening":
            raise PanicException("index out of bounds")
        return self

    def get_sheet_by_index(self, index):
        return self

    def iter_rows(self):
        yield ["姓名"]
        raise PanicException("index out of bounds")

    def close(self):
        pass


@pytest.mark.parametrize("where", ["opening", "reading"])
def test_a_panic_in_the_workbook_parser_is_a_damaged_file_not_a_server_error(monkeypatch, where):
    monkeypatch.setattr(reading, "CalamineWorkbook", PanickingWorkbook(where))
    assert refusal(xlsx_bytes([["姓名"], ["张三"]])).code == "damaged"


def test_a_cell_tag_longer_than_a_megabyte_is_a_damaged_file(monkeypatch):
    monkeypatch.setattr(reading, "CalamineWorkbook", None)
    padded = (
        b"<row><c"
        + b" " * (reading.MAX_TAG_BYTES + reading.SCAN_CHUNK)
        + b'r="XFD100" t="inlineStr"><is><t>x</t></is></c></row>'
    )
    assert refusal(blank_rows_xlsx(1, empty_row=padded)).code == "damaged"


def test_megabytes_of_text_without_a_tag_are_read():
    long_text = b'<row r="2"><c r="A2" t="inlineStr"><is><t>' + b"x" * 1_500_000 + b"</t></is></c></row>"
    header, rows = read_all(blank_rows_xlsx(1, empty_row=long_text))
    assert rows[0][0] == 2 and len(rows[0][1][0]) == 1_500_000
