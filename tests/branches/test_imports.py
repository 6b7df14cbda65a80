"""The generic file guards and readers every import goes through."""

import datetime as dt
import io
import zipfile
from decimal import Decimal

import pytest

from branches.tabular import reading
from branches.tabular.importing import import_table
from branches.tabular.importing import normalize_header
from branches.tabular.reading import detect_encoding
from branches.tabular.reading import open_table
from branches.tabular.widgets import BooleanWidget
from branches.tabular.widgets import CellError
from branches.tabular.widgets import DateWidget
from branches.tabular.widgets import IntegerWidget
from branches.tabular.widgets import TextWidget
from branches.tabular.widgets import UploadRejected
from members.resources import MemberResource
from tests.utils.import_files import csv_bytes
from tests.utils.import_files import member_rows
from tests.utils.import_files import member_values
from tests.utils.import_files import upload
from tests.utils.import_files import xlsx_bytes

pytestmark = pytest.mark.django_db


def refusal(content, name):
    with pytest.raises(UploadRejected) as refused, open_table(upload(content, name)):
        pass
    return refused.value.error_dict["file"][0].code


def read_all(content, name):
    with open_table(upload(content, name)) as table:
        return table.header, list(table.data_rows())


# --- what a file must be ----------------------------------------------------------------------------------


def test_file_over_the_size_limit_is_refused(monkeypatch):
    monkeypatch.setattr(reading, "MAX_BYTES", 1000)
    assert refusal(b"a" * 1001, "m.csv") == "too_large"
    assert read_all(b"a,b\n" * 250, "m.csv")[0] == ["a", "b"]


def test_empty_file_is_refused():
    assert refusal(b"", "m.csv") == "empty"


@pytest.mark.parametrize("name", ["m.txt", "m.xls", "m", "m.pdf"])
def test_only_xlsx_and_csv_names_are_accepted(name):
    assert refusal(b"a,b\n1,2\n", name) == "file_type"


def test_text_renamed_to_xlsx_is_refused_by_its_content():
    assert refusal(b"name,id\n", "m.xlsx") == "file_type"


def test_old_xls_is_refused_with_a_hint():
    assert refusal(reading.OLE_SIGNATURE + b"\x00" * 600, "m.xlsx") == "xls"


def test_workbook_renamed_to_csv_is_refused():
    assert refusal(xlsx_bytes([["a"]]), "m.csv") == "file_type"


def test_zip_that_is_not_a_workbook_is_refused():
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("readme.txt", "hello")
    assert refusal(archive.getvalue(), "m.xlsx") == "file_type"


def test_a_nul_character_past_the_first_block_refuses_the_csv_like_one_in_it():
    rows = b"".join(b"%d,\xe5\xbc\xa0\xe4\xb8\x89\n" % number for number in range(12_000))
    assert len(rows) > 64 * 1024
    assert refusal(b"a,b\n1,x\x00y\n", "m.csv") == "file_type"
    with pytest.raises(UploadRejected) as refused:
        read_all(b"a,b\n" + rows + b"1,x\x00y\n", "m.csv")
    assert refused.value.error_dict["file"][0].code == "file_type"
    assert len(read_all(b"a,b\n" + rows, "m.csv")[1]) == 12_000


def test_damaged_zip_is_refused():
    assert refusal(b"PK\x03\x04" + b"\x00" * 100, "m.xlsx") == "damaged"


def test_zip_bomb_is_refused_by_its_uncompressed_size(monkeypatch):
    monkeypatch.setattr(reading, "MAX_UNCOMPRESSED_BYTES", 1024 * 1024)
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
        zipped.writestr("[Content_Types].xml", "<Types/>")
        zipped.writestr("xl/workbook.xml", "<workbook/>")
        zipped.writestr("xl/worksheets/sheet1.xml", b"\x00" * (2 * 1024 * 1024))
    assert len(archive.getvalue()) < 20_000
    assert refusal(archive.getvalue(), "m.xlsx") == "zip_bomb"


def test_zip_with_too_many_entries_is_refused(monkeypatch):
    monkeypatch.setattr(reading, "MAX_ZIP_ENTRIES", 5)
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("[Content_Types].xml", "<Types/>")
        zipped.writestr("xl/workbook.xml", "<workbook/>")
        for n in range(5):
            zipped.writestr(f"xl/extra{n}.xml", "<x/>")
    assert refusal(archive.getvalue(), "m.xlsx") == "zip_bomb"


def test_csv_row_limit(monkeypatch):
    monkeypatch.setattr(reading, "MAX_ROWS", 3)
    assert len(read_all(csv_bytes([["a"], ["1"], ["2"], ["3"]]), "m.csv")[1]) == 3
    with pytest.raises(UploadRejected) as refused:
        read_all(csv_bytes([["a"], ["1"], ["2"], ["3"], ["4"]]), "m.csv")
    assert refused.value.error_dict["file"][0].code == "too_many_rows"


def test_xlsx_row_limit(monkeypatch):
    monkeypatch.setattr(reading, "MAX_ROWS", 2)
    with pytest.raises(UploadRejected):
        read_all(xlsx_bytes([["a"], ["1"], ["2"], ["3"]]), "m.xlsx")


def test_row_limit_rolls_back_rows_already_written(world, monkeypatch):
    monkeypatch.setattr(reading, "MAX_ROWS", 2)
    monkeypatch.setattr(MemberResource, "import_chunk_size", 1)
    rows = member_rows([member_values("C1-TA-1", n) for n in range(1, 4)])
    actor = world.users["staff_a"]
    with pytest.raises(UploadRejected):
        import_table(
            actor=actor, resource=MemberResource(actor=actor), upload=upload(xlsx_bytes(rows)), dry_run=False
        )
    from members.models import Member

    assert not Member.objects.exists()


# --- encodings --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "encoding"),
    [
        ("姓名,身份证号".encode("utf-8-sig"), "utf-8-sig"),
        ("姓名,身份证号".encode(), "utf-8"),
        ("姓名,身份证号".encode("gb18030"), "gb18030"),
        ("姓名,身份证号".encode("utf-16"), "utf-16"),
        (b"name,id", "utf-8"),
    ],
)
def test_encoding_is_detected(content, encoding):
    assert detect_encoding(content) == encoding


def test_utf8_cut_in_the_middle_of_a_character_is_still_utf8():
    sample = "甲乙丙".encode()[:-1]
    assert detect_encoding(sample) == "utf-8"


def test_binary_content_named_csv_is_refused():
    assert refusal(b"\x01\x02\x00\x03" * 10, "m.csv") == "file_type"


def test_gb18030_file_reads_the_same_as_utf8():
    rows = [["姓名", "住址"], ["张三", "东一村"], ["李四", "多行\n地址"]]
    assert read_all(csv_bytes(rows, encoding="gb18030"), "m.csv") == read_all(
        csv_bytes(rows, bom=True), "m.csv"
    )


def test_csv_decoding_error_after_the_sample_is_a_clear_refusal(monkeypatch):
    content = ("a,b\n" * 20_000).encode() + "乙".encode("gb18030") + b"\n"
    with pytest.raises(UploadRejected) as refused:
        read_all(content, "m.csv")
    assert refused.value.error_dict["file"][0].code == "encoding"


def test_row_numbers_skip_leading_blank_rows():
    header, rows = read_all(csv_bytes([[""], ["a", "b"], ["1", "2"], ["", ""], ["3", "4"]]), "m.csv")
    assert header == ["a", "b"] and [number for number, _ in rows] == [3, 5]


# --- headers and cells ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw", [" 身份证号 ", "身份证号*", "身份证号（必填）", "身份 证号", "身份证号(18位)"]
)
def test_header_normalization(raw):
    assert normalize_header(raw) == "身份证号"


def test_identifier_cells_refuse_numbers_and_normalize_full_width():
    widget = TextWidget(identifier=True)
    assert widget.clean("１３０１２３ｘ") == "130123X"
    for bad in (130123196001010011, 1.3e17, "1.30123E+17", "130123.0"):
        with pytest.raises(CellError):
            widget.clean(bad)


def test_text_cells_turn_numbers_into_text_and_drop_a_formula_escape():
    widget = TextWidget()
    assert widget.clean(13812345678) == "13812345678"
    assert widget.clean(13812345678.0) == "13812345678"
    assert widget.clean("'=1+1") == "=1+1"
    assert widget.clean("O'Brien") == "O'Brien"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1990-01-31", dt.date(1990, 1, 31)),
        ("1990/1/31", dt.date(1990, 1, 31)),
        ("1990.01.31", dt.date(1990, 1, 31)),
        ("1990年1月31日", dt.date(1990, 1, 31)),
        ("19900131", dt.date(1990, 1, 31)),
        ("1990-01-31 00:00:00", dt.date(1990, 1, 31)),
        (dt.datetime(1990, 1, 31, 0, 0), dt.date(1990, 1, 31)),
        (None, None),
    ],
)
def test_dates_are_read_in_the_usual_forms(raw, expected):
    assert DateWidget().clean(raw) == expected


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("1990-02-29", "impossible_date"),
        ("1899-12-31", "impossible_date"),
        ("1990-13-01", "impossible_date"),
        ("1990-0a-31", "date_format"),
        (33000, "date_format"),
        ("31/01/1990", "date_format"),
    ],
)
def test_bad_dates_are_refused(raw, code):
    with pytest.raises(CellError) as refused:
        DateWidget().clean(raw)
    assert refused.value.code == code


def test_booleans_and_integers():
    assert [BooleanWidget().clean(v) for v in ("是", "否", "Y", "", 1, True)] == [
        True,
        False,
        True,
        False,
        True,
        True,
    ]
    assert IntegerWidget().clean("3") == 3 and IntegerWidget().clean(2.0) == 2
    for bad in ("2.5", "-1", "x", "Infinity"):
        with pytest.raises(CellError):
            IntegerWidget().clean(bad)


@pytest.mark.parametrize("huge", ["1e30", "9" * 60, "1E+999999"])
def test_a_number_too_large_to_round_to_tenths_is_a_cell_error_not_a_crash(huge):
    from members.resources.meetings import TenthsWidget

    with pytest.raises(CellError):
        TenthsWidget().clean(huge)
    assert TenthsWidget().clean("2.5") == Decimal("2.5")
