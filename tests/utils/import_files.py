"""Build the bytes of xlsx and csv files for import tests, and member rows that pass validation."""

import csv
import datetime as dt
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from branches.tabular.importing import import_table
from members import idnumbers

MEMBER_HEADERS = [
    "姓名",
    "性别",
    "民族",
    "身份证号",
    "出生日期",
    "学历",
    "党员类别",
    "所在支部编码",
    "入党日期",
    "转正日期",
    "职业",
    "联系电话",
    "住址",
]


def xlsx_bytes(rows, *, write_only=False) -> bytes:
    """Each value is written as given: a str is a text cell, an int or float a number cell, a date a date."""
    workbook = Workbook(write_only=write_only)
    sheet = workbook.create_sheet("名册") if write_only else workbook.active
    for row in rows:
        sheet.append(list(row))
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def csv_text(rows) -> str:
    text = io.StringIO()
    csv.writer(text, lineterminator="\r\n").writerows(rows)
    return text.getvalue()


def csv_bytes(rows, *, encoding="utf-8", bom=False) -> bytes:
    data = csv_text(rows).encode(encoding)
    return (b"\xef\xbb\xbf" + data) if bom else data


def upload(content: bytes, name: str = "members.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def import_file(resource_class, actor, content: bytes, name: str, *, dry_run: bool = False):
    """What ``actor`` importing ``content`` (a file named ``name``) in ``resource_class``'s format reports."""
    return import_table(
        actor=actor, resource=resource_class(actor=actor), upload=upload(content, name), dry_run=dry_run
    )


def errors_by_row(report) -> dict[int, list[tuple]]:
    """Each refused row's number with the (column, code) of its errors."""
    return {r.row: [(e["column"], e["code"]) for e in r.errors] for r in report.rows_with_errors}


def member_id(sequence: int, born: dt.date = dt.date(1985, 3, 7), region: str = "130123") -> str:
    return idnumbers.build(region, born, sequence % 1000)


def member_values(branch_code: str, sequence: int = 1, **overrides) -> dict:
    """One valid roster row, by header; ``sequence`` varies the ID number (and the birth date past 999)."""
    born = dt.date(1960, 1, 1) + dt.timedelta(days=sequence // 1000)
    id_number = member_id(sequence, born)
    values = {
        "姓名": f"导入党员{sequence}",
        "性别": "女" if idnumbers.is_female(id_number) else "男",
        "民族": "汉族",
        "身份证号": id_number,
        "出生日期": born.isoformat(),
        "学历": "高中/中专",
        "党员类别": "正式党员",
        "所在支部编码": branch_code,
        "入党日期": "2001-07-01",
        "转正日期": "2002-07-01",
        "职业": "农牧民",
        "联系电话": "13812345678",
        "住址": "甲县东镇东一村3组12号",
    }
    values.update(overrides)
    return values


def member_rows(values_list, headers=MEMBER_HEADERS) -> list[list]:
    return [list(headers)] + [[values.get(header, "") for header in headers] for values in values_list]


def assert_refused_alike(report, answer, ok: bool, *, field: str, column: str, mentions=()) -> None:
    """An import ``report`` and the API's ``answer`` for the same record agree: both accept it when ``ok``;
    otherwise the import's one error, in ``column``, is the API's message for ``field``, which names each of
    ``mentions``."""
    assert report.committed is ok and (answer.status_code == 201) is ok
    if not ok:
        (refusal,) = answer.json()[field]
        ((error,),) = [entry["errors"] for entry in report.as_dict()["errors"]]
        assert error["message"] == refusal and all(text in refusal for text in mentions)
        assert error["column"] == column
