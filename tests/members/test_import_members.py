"""Importing the member roster: every row's errors in a dry run, then all rows or none."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils import translation

from branches.tabular.widgets import UploadRejected
from members.models import Member
from members.resources import MemberResource
from tests.utils.factories import MemberFactory
from tests.utils.import_files import MEMBER_HEADERS
from tests.utils.import_files import csv_bytes
from tests.utils.import_files import errors_by_row
from tests.utils.import_files import import_file
from tests.utils.import_files import member_rows
from tests.utils.import_files import member_values
from tests.utils.import_files import upload
from tests.utils.import_files import xlsx_bytes

pytestmark = pytest.mark.django_db


def run_import(world, rows, *, who="staff_a", dry_run=False, name="members.xlsx", content=None):
    content = content if content is not None else xlsx_bytes(rows)
    return import_file(MemberResource, world.users[who], content, name, dry_run=dry_run)


# --- a clean file -----------------------------------------------------------------------------------------


def test_clean_file_is_written_with_a_history_row_per_member_by_the_importer(world):
    rows = member_rows([member_values("C1-TA-1", n) for n in range(1, 4)])
    report = run_import(world, rows)
    assert report.ok and report.committed and report.created == 3
    members = Member.objects.filter(name__startswith="导入党员")
    assert members.count() == 3
    for member in members:
        record = member.history.get()
        assert record.history_type == "+" and record.history_user == world.users["staff_a"]
    first = members.get(name="导入党员1")
    assert first.branch == world.branch_a1 and first.education == "senior_high" and first.category == "full"
    assert first.occupation == "farmer" and first.birth_date == dt.date(1960, 1, 1)


def test_dry_run_reports_and_writes_nothing(world):
    report = run_import(world, member_rows([member_values("C1-TA-1", 1)]), dry_run=True)
    assert report.ok and not report.committed and report.total_rows == 1
    assert not Member.objects.exists()
    assert report.preview[0]["姓名"] == "导入党员1"


def test_preview_masks_the_id_number_for_an_importer_who_may_not_unmask(world):
    report = run_import(world, member_rows([member_values("C1-TA-1", 1)]), who="secretary_a1", dry_run=True)
    assert "********" in report.preview[0]["身份证号"]
    assert report.preview[0]["联系电话"] == "138****5678"


def test_csv_in_utf8_with_bom_imports(world):
    rows = member_rows([member_values("C1-TA-1", 1)])
    report = run_import(world, rows, name="m.csv", content=csv_bytes(rows, bom=True))
    assert report.committed and Member.objects.get().name == "导入党员1"


def test_csv_in_utf8_without_bom_imports(world):
    rows = member_rows([member_values("C1-TA-1", 1)])
    report = run_import(world, rows, name="m.csv", content=csv_bytes(rows))
    assert report.committed and Member.objects.get().address == "甲县东镇东一村3组12号"


def test_csv_in_gb18030_imports(world):
    rows = member_rows([member_values("C1-TA-1", 1)])
    report = run_import(world, rows, name="m.csv", content=csv_bytes(rows, encoding="gb18030"))
    assert report.committed
    member = Member.objects.get()
    assert member.name == "导入党员1" and member.address == "甲县东镇东一村3组12号"


def test_tab_separated_csv_imports(world):
    rows = member_rows([member_values("C1-TA-1", 1)])
    content = "\n".join("\t".join(row) for row in rows).encode()
    assert run_import(world, rows, name="m.csv", content=content).committed


def test_choice_columns_accept_chinese_labels_synonyms_and_codes(world):
    rows = member_rows(
        [
            member_values("C1-TA-1", 1, 学历="本科", 党员类别="预备", 转正日期="", 职业="外出务工"),
            member_values("C1-TA-1", 2, 学历="中专", 党员类别="正式", 职业="离退休人员"),
            member_values("C1-TA-1", 3, 学历="postgraduate", 党员类别="full", 职业="other"),
        ]
    )
    assert run_import(world, rows).committed
    got = {m.name: (m.education, m.category, m.occupation) for m in Member.objects.all()}
    assert got == {
        "导入党员1": ("bachelor", "probationary", "migrant_worker"),
        "导入党员2": ("senior_high", "full", "retired"),
        "导入党员3": ("postgraduate", "full", "other"),
    }


def test_blank_gender_and_birth_date_follow_from_the_id_number(world):
    values = member_values("C1-TA-1", 2, 性别="", 出生日期="")
    assert run_import(world, member_rows([values])).committed
    member = Member.objects.get()
    assert member.gender == "female" and member.birth_date == dt.date(1960, 1, 1)


def test_date_cells_and_chinese_date_text_are_read(world):
    rows = member_rows(
        [member_values("C1-TA-1", 1, 入党日期=dt.datetime(2001, 7, 1), 转正日期="2002年7月1日")]
    )
    assert run_import(world, rows).committed
    member = Member.objects.get()
    assert (member.joined_on, member.confirmed_on) == (dt.date(2001, 7, 1), dt.date(2002, 7, 1))


def test_headers_tolerate_spaces_required_marks_and_known_aliases(world):
    headers = [f" {h}* " for h in MEMBER_HEADERS]
    headers[MEMBER_HEADERS.index("身份证号")] = "公民身份号码"
    values = member_values("C1-TA-1", 1)
    rows = [headers, [values[h] for h in MEMBER_HEADERS]]
    assert run_import(world, rows).committed


# --- every kind of row error, in Chinese ----------------------------------------------------------------


def test_wrong_check_character_is_reported_in_chinese(world):
    good = member_values("C1-TA-1", 1)["身份证号"]
    bad = good[:17] + ("0" if good[17] != "0" else "1")
    report = run_import(world, member_rows([member_values("C1-TA-1", 1, 身份证号=bad)]), dry_run=True)
    assert errors_by_row(report) == {2: [("身份证号", "invalid")]}
    assert report.rows_with_errors[0].errors[0]["message"] == "身份证号校验位不正确，请逐位核对。"


def test_numeric_id_cell_in_xlsx_is_refused_with_a_hint_to_use_text(world):
    values = member_values("C1-TA-1", 1)
    values["身份证号"] = int(values["身份证号"][:17] + "0")
    report = run_import(world, member_rows([values]), dry_run=True)
    assert errors_by_row(report) == {2: [("身份证号", "numeric_cell")]}


@pytest.mark.parametrize("written", ["1.30123E+17", "130123196001010011.0", "1.3012319600101E17"])
def test_numeric_forms_of_an_id_in_csv_are_refused(world, written):
    rows = member_rows([member_values("C1-TA-1", 1, 身份证号=written)])
    report = run_import(world, rows, name="m.csv", content=csv_bytes(rows), dry_run=True)
    assert errors_by_row(report) == {2: [("身份证号", "numeric_cell")]}


def test_float_id_cell_in_xlsx_is_refused(world):
    report = run_import(
        world, member_rows([member_values("C1-TA-1", 1, 身份证号=1.30123196001e17)]), dry_run=True
    )
    assert errors_by_row(report) == {2: [("身份证号", "numeric_cell")]}


def test_unknown_branch_code_and_a_branch_out_of_scope_get_the_same_message(world):
    rows = member_rows([member_values("NO-SUCH", 1), member_values("C1-TB-1", 2)])
    report = run_import(world, rows, dry_run=True)
    assert errors_by_row(report) == {
        2: [("所在支部编码", "unknown_or_not_yours")],
        3: [("所在支部编码", "unknown_or_not_yours")],
    }
    first, second = (r.errors[0]["message"] for r in report.rows_with_errors)
    assert first == second


def test_a_committee_code_is_refused_because_members_belong_to_branches(world):
    report = run_import(world, member_rows([member_values("C1-TA", 1)]), dry_run=True)
    assert errors_by_row(report) == {2: [("所在支部编码", "invalid")]}


def test_secretary_may_only_import_into_own_branch(world):
    rows = member_rows([member_values("C1-TA-1", 1), member_values("C1-TA-2", 2)])
    report = run_import(world, rows, who="secretary_a1", dry_run=True)
    assert errors_by_row(report) == {3: [("所在支部编码", "unknown_or_not_yours")]}


def test_duplicate_id_inside_the_file_names_the_first_row(world):
    same = member_values("C1-TA-1", 1)
    rows = member_rows([same, member_values("C1-TA-1", 2), {**same, "姓名": "重复者"}])
    report = run_import(world, rows, dry_run=True)
    assert errors_by_row(report) == {4: [("身份证号", "duplicate_in_file")]}
    with translation.override("en"):
        report = run_import(world, rows, dry_run=True)
    assert "row 2" in report.rows_with_errors[0].errors[0]["message"]


def test_duplicate_id_against_the_database_is_refused_even_outside_scope(world):
    id_number = member_values("C1-TA-1", 1)["身份证号"]
    existing = MemberFactory(branch=world.branch_b1, id_number=id_number, birth_date=dt.date(1960, 1, 1))
    report = run_import(world, member_rows([member_values("C1-TA-1", 1)]), dry_run=True)
    # Refused like an invalid number: an out-of-scope holder is never confirmed (docs/security.md).
    assert errors_by_row(report) == {2: [("身份证号", "invalid")]}
    assert existing.name not in str(report.as_dict())


@pytest.mark.parametrize("written", ["2001-02-30", "2001-13-01", "0000-01-01", "2001年2月29日"])
def test_impossible_dates_are_refused(world, written):
    report = run_import(world, member_rows([member_values("C1-TA-1", 1, 入党日期=written)]), dry_run=True)
    assert errors_by_row(report) == {2: [("入党日期", "impossible_date")]}


def test_leap_day_is_a_real_date(world):
    assert run_import(world, member_rows([member_values("C1-TA-1", 1, 入党日期="2000-02-29")])).committed


def test_text_that_is_no_date_is_refused(world):
    report = run_import(world, member_rows([member_values("C1-TA-1", 1, 入党日期="七月一日")]), dry_run=True)
    assert errors_by_row(report) == {2: [("入党日期", "date_format")]}


def test_birth_date_other_than_the_ids_is_refused(world):
    report = run_import(
        world, member_rows([member_values("C1-TA-1", 1, 出生日期="1960-01-02")]), dry_run=True
    )
    assert errors_by_row(report) == {2: [("出生日期", "invalid")]}


def test_joining_in_the_future_is_refused(world):
    tomorrow = (timezone.localdate() + dt.timedelta(days=2)).isoformat()
    values = member_values("C1-TA-1", 1, 入党日期=tomorrow, 转正日期="")
    values["党员类别"] = "预备党员"
    report = run_import(world, member_rows([values]), dry_run=True)
    assert errors_by_row(report) == {2: [("入党日期", "invalid")]}


def test_unknown_choice_lists_the_allowed_labels(world):
    report = run_import(world, member_rows([member_values("C1-TA-1", 1, 学历="幼儿园")]), dry_run=True)
    assert errors_by_row(report) == {2: [("学历", "choice")]}
    assert "高中/中专" in report.rows_with_errors[0].errors[0]["message"]


def test_blank_required_cell_is_reported_once(world):
    report = run_import(world, member_rows([member_values("C1-TA-1", 1, 姓名="")]), dry_run=True)
    assert errors_by_row(report) == {2: [("姓名", "required")]}


def test_every_row_lists_all_its_errors(world):
    values = member_values("NO-SUCH", 1, 学历="幼儿园", 入党日期="2001-02-30")
    report = run_import(world, member_rows([member_values("C1-TA-1", 2), values]), dry_run=True)
    assert sorted(errors_by_row(report)[3]) == [
        ("入党日期", "impossible_date"),
        ("学历", "choice"),
        ("所在支部编码", "unknown_or_not_yours"),
    ]


def test_full_member_without_confirmation_date_is_refused(world):
    report = run_import(world, member_rows([member_values("C1-TA-1", 1, 转正日期="")]), dry_run=True)
    assert errors_by_row(report) == {2: [("转正日期", "invalid")]}


# --- all rows or none ------------------------------------------------------------------------------------


def test_one_bad_row_means_nothing_is_written(world):
    rows = member_rows([member_values("C1-TA-1", n) for n in range(1, 6)] + [member_values("NO-SUCH", 9)])
    report = run_import(world, rows)
    assert not report.ok and not report.committed and report.created == 0
    assert not Member.objects.exists()
    assert not Member.history.exists()


def test_a_bad_row_in_a_later_chunk_rolls_back_the_chunks_already_written(world, monkeypatch):
    monkeypatch.setattr(MemberResource, "import_chunk_size", 2)
    rows = member_rows([member_values("C1-TA-1", n) for n in range(1, 6)] + [member_values("C1-TA-1", 3)])
    report = run_import(world, rows)
    assert errors_by_row(report) == {7: [("身份证号", "duplicate_in_file")]}
    assert not Member.objects.exists() and not Member.history.exists()


def test_missing_required_columns_refuse_the_whole_file(world):
    rows = [["姓名", "性别"], ["张三", "男"]]
    with pytest.raises(UploadRejected) as refused:
        run_import(world, rows, dry_run=True)
    message = refused.value.message_dict["file"][0]
    assert "身份证号" in message and "所在支部编码" in message


def test_unknown_columns_are_ignored_and_named(world):
    headers = [*MEMBER_HEADERS, "备注"]
    values = member_values("C1-TA-1", 1)
    report = run_import(world, [headers, [*(values[h] for h in MEMBER_HEADERS), "x"]], dry_run=True)
    assert report.ok and report.ignored_columns == ["备注"]


def test_blank_rows_are_skipped_and_row_numbers_stay_those_of_the_sheet(world):
    rows = member_rows([member_values("C1-TA-1", 1)])
    rows += [[""] * len(MEMBER_HEADERS), [member_values("NO", 2)[h] for h in MEMBER_HEADERS]]
    report = run_import(world, rows, dry_run=True)
    assert report.total_rows == 2 and list(errors_by_row(report)) == [4]


# --- through the API --------------------------------------------------------------------------------------


def post_file(world, who, content, name="members.xlsx", **data):
    return world.client(who).post(
        reverse("member-import"), {"file": upload(content, name), **data}, format="multipart"
    )


def test_api_import_is_a_dry_run_unless_asked(world):
    content = xlsx_bytes(member_rows([member_values("C1-TA-1", 1)]))
    response = post_file(world, "staff_a", content)
    assert response.status_code == 200 and response.json()["dry_run"] is True
    assert not Member.objects.exists()
    response = post_file(world, "staff_a", content, dry_run="false")
    assert response.status_code == 201, response.content
    assert response.json()["created"] == 1 and Member.objects.count() == 1


def test_api_commit_with_errors_answers_400_and_writes_nothing(world):
    content = xlsx_bytes(member_rows([member_values("C1-TA-1", 1), member_values("C1-TB-1", 2)]))
    response = post_file(world, "staff_a", content, dry_run="false")
    assert response.status_code == 400
    body = response.json()
    assert body["committed"] is False and body["error_rows"] == 1 and body["errors"][0]["row"] == 3
    assert not Member.objects.exists()


def test_api_import_without_a_file_is_a_clear_400(world):
    response = world.client("staff_a").post(reverse("member-import"), {}, format="multipart")
    assert response.status_code == 400 and "file" in response.json()


def test_api_rejected_file_is_a_400_naming_the_problem(world):
    response = post_file(world, "staff_a", b"just text", name="members.xlsx")
    assert response.status_code == 400
    assert response.json()["file"]


@pytest.mark.parametrize("who", ["viewer_a", "nobody"])
def test_users_who_may_not_enter_records_cannot_import(world, who):
    content = xlsx_bytes(member_rows([member_values("C1-TA-1", 1)]))
    assert post_file(world, who, content, dry_run="false").status_code == 403
    assert not Member.objects.exists()


@pytest.mark.parametrize(("file_format", "magic"), [("xlsx", b"PK\x03\x04"), ("csv", b"\xef\xbb\xbf")])
def test_template_download_has_the_chinese_headers(world, file_format, magic):
    response = world.client("secretary_a1").get(
        reverse("member-import-template"), {"file_format": file_format}
    )
    assert response.status_code == 200
    content = b"".join(response.streaming_content)
    assert content.startswith(magic)
    if file_format == "csv":
        assert content.decode("utf-8-sig").strip().split(",") == [
            *MEMBER_HEADERS,
            "是否流动党员",
            "外出地点",
            "流动党员联系人",
            "最近联系日期",
            "设岗定责",
        ]


def test_template_round_trips_through_the_import(world):
    from io import BytesIO

    from openpyxl import load_workbook

    response = world.client("staff_a").get(reverse("member-import-template"))
    workbook = load_workbook(BytesIO(b"".join(response.streaming_content)))
    sheet = workbook.worksheets[0]
    headers = [cell.value for cell in sheet[1]]
    values = member_values("C1-TA-1", 1)
    sheet.append([values.get(header, "") for header in headers])
    output = BytesIO()
    workbook.save(output)
    assert post_file(world, "staff_a", output.getvalue(), dry_run="false").status_code == 201
    assert sheet.column_dimensions["D"].number_format == "@"


def test_unknown_template_format_is_a_400(world):
    response = world.client("staff_a").get(reverse("member-import-template"), {"file_format": "pdf"})
    assert response.status_code == 400


def test_file_with_a_header_and_no_rows_is_refused(world):
    with pytest.raises(UploadRejected) as refused:
        run_import(world, [MEMBER_HEADERS], dry_run=True)
    assert refused.value.error_dict["file"][0].code == "no_rows"
