"""Importing and exporting activity rooms, reports and reviews, financial disclosures: the services' rules on
every row, duplicates in the file and in the database, all rows or none, history naming the importer."""

import datetime as dt
from decimal import Decimal
from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from branches.models import ActivityRoom
from branches.models import FinancialDisclosure
from branches.models import ReviewRecord
from branches.resources import ActivityRoomResource
from branches.resources import FinancialDisclosureResource
from branches.resources import ReviewRecordResource
from branches.tabular.exports import export_xlsx
from branches.tabular.exports import template_xlsx
from tests.utils.factories_records import ActivityRoomFactory
from tests.utils.factories_records import FinancialDisclosureFactory
from tests.utils.factories_records import RoomInvestmentFactory
from tests.utils.import_files import csv_bytes
from tests.utils.import_files import errors_by_row
from tests.utils.import_files import import_file
from tests.utils.import_files import xlsx_bytes

pytestmark = pytest.mark.django_db

ROOM_HEADERS = [
    "所在组织编码",
    "活动室名称",
    "面积(平方米)",
    "是否规范化",
    "规范化认定日期",
    "音视频设备",
    "桌椅",
]
REVIEW_HEADERS = ["所在支部编码", "类型", "日期", "主题", "参加人数", "满意及以上票数"]
DISCLOSURE_HEADERS = ["所在支部编码", "年度", "期间", "公开日期", "收入(元)", "支出(元)"]


def run(world, resource_class, headers, rows, *, who="staff_a", dry_run=False, file_format="xlsx"):
    content = xlsx_bytes([headers, *rows]) if file_format == "xlsx" else csv_bytes([headers, *rows])
    return import_file(resource_class, world.users[who], content, f"r.{file_format}", dry_run=dry_run)


def room_row(code="C1-TA-1", name="党员活动室", **extra):
    values = {
        "所在组织编码": code,
        "活动室名称": name,
        "面积(平方米)": "120.5",
        "是否规范化": "否",
        "规范化认定日期": "",
        "音视频设备": "是",
        "桌椅": "是",
    } | extra
    return [values[h] for h in ROOM_HEADERS]


def review_row(code="C1-TA-1", kind="党员评议村委会干部", day="2024-12-20", **extra):
    values = {
        "所在支部编码": code,
        "类型": kind,
        "日期": day,
        "主题": "年度民主评议",
        "参加人数": 30,
        "满意及以上票数": 28,
    } | extra
    return [values[h] for h in REVIEW_HEADERS]


def disclosure_row(code="C1-TA-1", year=2024, period="下半年", day="2024-12-28", **extra):
    values = {
        "所在支部编码": code,
        "年度": year,
        "期间": period,
        "公开日期": day,
        "收入(元)": "85,000.50",
        "支出(元)": 62000,
    } | extra
    return [values[h] for h in DISCLOSURE_HEADERS]


# --- rooms ----------------------------------------------------------------------------------------------


def test_rooms_import_with_their_facilities_and_history(world):
    rows = [
        room_row(),
        room_row(code="C1-TA-2", 是否规范化="是", 规范化认定日期="2023年11月20日", 音视频设备="否"),
    ]
    report = run(world, ActivityRoomResource, ROOM_HEADERS, rows)
    assert report.committed and report.created == 2, report.as_dict()
    standardized = ActivityRoom.objects.get(organization=world.branch_a2)
    assert standardized.standardized_on == dt.date(2023, 11, 20) and standardized.facilities_count == 1
    assert ActivityRoom.objects.get(organization=world.branch_a1).area_m2 == Decimal("120.5")
    assert standardized.history.get().history_user == world.users["staff_a"]


def test_a_standardized_room_without_its_date_is_refused_on_that_column(world):
    report = run(world, ActivityRoomResource, ROOM_HEADERS, [room_row(是否规范化="是")], dry_run=True)
    assert errors_by_row(report) == {2: [("规范化认定日期", "invalid")]}


def test_the_same_room_twice_in_a_file_or_already_registered_is_refused(world):
    report = run(world, ActivityRoomResource, ROOM_HEADERS, [room_row(), room_row()], dry_run=True)
    assert errors_by_row(report) == {3: [(None, "duplicate_in_file")]}
    ActivityRoomFactory(organization=world.branch_a1, name="党员活动室")
    report = run(world, ActivityRoomResource, ROOM_HEADERS, [room_row()], dry_run=True)
    assert errors_by_row(report) == {2: [(None, "duplicate_in_database")]}


def test_a_bad_area_is_a_cell_error_and_nothing_is_written(world):
    rows = [room_row(name="甲"), room_row(name="乙", **{"面积(平方米)": "一百"})]
    report = run(world, ActivityRoomResource, ROOM_HEADERS, rows)
    assert errors_by_row(report) == {3: [("面积(平方米)", "number")]}
    assert not report.committed and not ActivityRoom.objects.exists() and not ActivityRoom.history.exists()


def test_a_room_of_a_foreign_organization_is_unknown_or_not_yours(world):
    report = run(world, ActivityRoomResource, ROOM_HEADERS, [room_row(code="C1-TB-1")], dry_run=True)
    assert errors_by_row(report) == {2: [("所在组织编码", "unknown_or_not_yours")]}


def test_room_import_validates_in_chunks_not_row_by_row(world):
    def queries(count):
        rows = [room_row(name=f"活动室{index}") for index in range(count)]
        with CaptureQueriesContext(connection) as captured:
            assert run(world, ActivityRoomResource, ROOM_HEADERS, rows, dry_run=True).ok
        return len([q for q in captured.captured_queries if "INSERT" not in q["sql"]])

    queries(1)  # the importer's scope, cached on the user afterwards
    assert queries(3) == queries(30)


# --- reviews --------------------------------------------------------------------------------------------


def test_reviews_import_in_csv_with_kind_labels_and_aliases(world):
    rows = [review_row(), review_row(kind="村委会述职", day="2024-06-30", 满意及以上票数="")]
    report = run(world, ReviewRecordResource, REVIEW_HEADERS, rows, file_format="csv")
    assert report.committed, report.as_dict()
    kinds = set(ReviewRecord.objects.values_list("kind", "satisfied"))
    assert kinds == {("member_review", 28), ("committee_report", None)}


def test_satisfied_equal_to_participants_imports_one_more_is_refused(world):
    rows = [review_row(满意及以上票数=30), review_row(day="2024-12-21", 满意及以上票数=31)]
    report = run(world, ReviewRecordResource, REVIEW_HEADERS, rows, dry_run=True)
    assert errors_by_row(report) == {3: [("满意及以上票数", "invalid")]}


def test_a_review_in_the_future_is_refused(world):
    tomorrow = (timezone.localdate() + dt.timedelta(days=2)).isoformat()
    report = run(world, ReviewRecordResource, REVIEW_HEADERS, [review_row(day=tomorrow)], dry_run=True)
    assert errors_by_row(report) == {2: [("日期", "invalid")]}


def test_the_same_review_on_the_same_day_twice_is_refused(world):
    report = run(world, ReviewRecordResource, REVIEW_HEADERS, [review_row(), review_row()], dry_run=True)
    assert errors_by_row(report) == {3: [(None, "duplicate_in_file")]}


def test_a_review_of_a_township_is_refused(world):
    report = run(world, ReviewRecordResource, REVIEW_HEADERS, [review_row(code="C1-TA")], dry_run=True)
    assert errors_by_row(report) == {2: [("所在支部编码", "invalid")]}


# --- disclosures ----------------------------------------------------------------------------------------


def test_disclosures_import_with_period_labels_and_amounts(world):
    rows = [
        disclosure_row(),
        disclosure_row(period="上半年", day="2024-07-05"),
        disclosure_row(period=1, year=2023),
    ]
    report = run(world, FinancialDisclosureResource, DISCLOSURE_HEADERS, rows)
    assert report.committed, report.as_dict()
    second = FinancialDisclosure.objects.get(year=2024, period=2)
    assert (second.income_yuan, second.expenditure_yuan) == (Decimal("85000.50"), Decimal("62000"))
    assert FinancialDisclosure.objects.filter(year=2023, period=1).exists()


def test_second_half_disclosure_dated_30_june_is_refused_1_july_allowed(world):
    rows = [disclosure_row(day="2024-06-30"), disclosure_row(code="C1-TA-2", day="2024-07-01")]
    report = run(world, FinancialDisclosureResource, DISCLOSURE_HEADERS, rows, dry_run=True)
    assert errors_by_row(report) == {2: [("公开日期", "invalid")]}


def test_a_half_year_disclosed_twice_is_refused_in_the_file_and_against_the_database(world):
    report = run(
        world,
        FinancialDisclosureResource,
        DISCLOSURE_HEADERS,
        [disclosure_row(), disclosure_row()],
        dry_run=True,
    )
    assert errors_by_row(report) == {3: [(None, "duplicate_in_file")]}
    FinancialDisclosureFactory(
        organization=world.branch_a1, year=2024, period=2, disclosed_on=dt.date(2025, 1, 3)
    )
    report = run(world, FinancialDisclosureResource, DISCLOSURE_HEADERS, [disclosure_row()], dry_run=True)
    assert errors_by_row(report) == {2: [(None, "duplicate_in_database")]}


def test_an_unknown_period_label_is_a_choice_error(world):
    report = run(
        world, FinancialDisclosureResource, DISCLOSURE_HEADERS, [disclosure_row(period="全年")], dry_run=True
    )
    assert errors_by_row(report) == {2: [("期间", "choice")]}


# --- exports and templates ------------------------------------------------------------------------------


def exported(world, resource_class, model, who="staff_a"):
    actor = world.users[who]
    output, rows = export_xlsx(
        actor=actor, resource=resource_class(actor=actor), queryset=model.objects.restrict(actor), title="x"
    )
    sheet = load_workbook(BytesIO(output.read())).worksheets[0]
    header, *body = sheet.iter_rows(values_only=True)
    return [dict(zip(header, row, strict=True)) for row in body]


def test_room_export_round_trips_through_the_import(world):
    room = ActivityRoomFactory(
        organization=world.branch_a1, standardized_on=dt.date(2022, 9, 1), has_signage=True
    )
    RoomInvestmentFactory(room=room, amount_yuan=Decimal("2500"))
    (row,) = exported(world, ActivityRoomResource, ActivityRoom)
    assert (row["是否规范化"], row["标识标牌"], row["设施项数"]) == ("是", "是", 1)
    assert Decimal(str(row["累计投入(元)"])) == Decimal("2500")
    room.delete()
    headers = list(row)
    report = run(world, ActivityRoomResource, headers, [[row[h] for h in headers]])
    assert report.committed, report.as_dict()
    assert ActivityRoom.objects.get().standardized_on == dt.date(2022, 9, 1)


def test_disclosure_export_is_scoped(world):
    FinancialDisclosureFactory(organization=world.branch_a1)
    FinancialDisclosureFactory(organization=world.branch_b1)
    rows = exported(world, FinancialDisclosureResource, FinancialDisclosure, who="secretary_a1")
    assert [row["所在支部编码"] for row in rows] == ["C1-TA-1"]


def test_templates_list_the_columns_with_how_to_fill_them(world):
    resource = FinancialDisclosureResource()
    workbook = load_workbook(template_xlsx(resource))
    header = [cell.value for cell in workbook.worksheets[0][1]]
    assert header == ["所在支部编码", "年度", "期间", "公开日期", "收入(元)", "支出(元)", "公开内容"]
    instructions = {row[0]: row[2] for row in workbook.worksheets[1].iter_rows(min_row=2, values_only=True)}
    assert "上半年" in instructions["期间"]
    assert resource.template_title == "财务公开记录"
