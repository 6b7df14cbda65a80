"""Exporting the roster to xlsx: scoped, filtered, masked by role, formula cells escaped, logged."""

import datetime as dt
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from branches.models import SecurityEvent
from branches.models import SecurityEventKind
from branches.tabular.exports import escape_cell
from tests.utils.factories import MemberFactory

pytestmark = pytest.mark.django_db


def export(world, who, **query):
    response = world.client(who).get(reverse("member-export"), query)
    assert response.status_code == 200, getattr(response, "content", b"")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(BytesIO(b"".join(response.streaming_content))).worksheets[0]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    headers = rows[0]
    return [dict(zip(headers, row, strict=True)) for row in rows[1:]]


def test_export_holds_only_rows_in_scope(world):
    own = MemberFactory(branch=world.branch_a1, name="本镇党员")
    MemberFactory(branch=world.branch_b1, name="外镇党员")
    MemberFactory(branch=world.branch_z1, name="外县党员")
    rows = export(world, "staff_a")
    assert [row["姓名"] for row in rows] == [own.name]
    assert [row["姓名"] for row in export(world, "secretary_a1")] == [own.name]
    assert export(world, "nobody") == []


def test_export_follows_the_list_filters(world):
    MemberFactory(branch=world.branch_a1, name="正式的")
    MemberFactory(branch=world.branch_a1, name="预备的", category="probationary", confirmed_on=None)
    rows = export(world, "staff_a", category="probationary")
    assert [row["姓名"] for row in rows] == ["预备的"]
    assert rows[0]["党员类别"] == "预备党员"


def test_export_uses_chinese_labels_codes_and_date_cells(world):
    MemberFactory(
        branch=world.branch_a1, education="senior_high", occupation="migrant_worker", is_mobile=True
    )
    row = export(world, "staff_a")[0]
    assert row["学历"] == "高中/中专" and row["职业"] == "外出务工" and row["是否流动党员"] == "是"
    assert row["所在支部编码"] == "C1-TA-1" and row["所在支部"] == "东一村党支部"
    assert row["入党日期"] == dt.datetime(2000, 7, 1)
    assert row["党员状态"] == "正常"


@pytest.mark.parametrize(
    ("who", "masked"),
    [("staff_a", False), ("county_admin", False), ("secretary_a1", True), ("viewer_a", True)],
)
def test_export_masks_unless_the_user_may_unmask_on_the_branch(world, who, masked):
    member = MemberFactory(branch=world.branch_a1, phone="13812345678")
    row = export(world, who)[0]
    if masked:
        assert row["身份证号"] == member.masked_id_number and row["联系电话"] == "138****5678"
    else:
        assert row["身份证号"] == member.id_number and row["联系电话"] == "13812345678"


def test_every_export_is_a_security_event_with_its_row_count(world):
    for _ in range(3):
        MemberFactory(branch=world.branch_a1)
    MemberFactory(branch=world.branch_b1)
    export(world, "staff_a", category="full")
    event = SecurityEvent.objects.get(kind=SecurityEventKind.EXPORT)
    assert event.user == world.users["staff_a"]
    assert event.detail["rows"] == 3 and event.detail["model"] == "members.member"
    assert event.detail["filters"] == {"category": ["full"]} and event.detail["unmasked_rows"] == 3


def test_masked_export_records_no_unmasked_rows(world):
    MemberFactory(branch=world.branch_a1)
    export(world, "secretary_a1")
    assert SecurityEvent.objects.get(kind=SecurityEventKind.EXPORT).detail["unmasked_rows"] == 0


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t"])
def test_cells_that_would_run_as_formulas_are_escaped(world, start):
    MemberFactory(
        branch=world.branch_a1, name="张三", address=f'{start}HYPERLINK("http://x")', post_duty=f"{start}1+1"
    )
    row = export(world, "staff_a")[0]
    assert row["住址"] == f'\'{start}HYPERLINK("http://x")'
    assert row["设岗定责"] == f"'{start}1+1"


def test_escape_leaves_ordinary_values_alone():
    assert escape_cell("东一村") == "东一村"
    assert escape_cell(dt.date(2020, 1, 1)) == dt.date(2020, 1, 1)
    assert escape_cell("a=b") == "a=b"
    assert escape_cell("\rcmd") == "'\rcmd"


def test_export_queries_do_not_grow_with_rows(world, django_assert_max_num_queries):
    for _ in range(3):
        MemberFactory(branch=world.branch_a1)
    client = world.client("staff_a")
    client.get(reverse("member-export"))
    for _ in range(30):
        MemberFactory(branch=world.branch_a1)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("member-export"))
        b"".join(response.streaming_content)


def test_anonymous_cannot_export(world):
    assert world.client(None).get(reverse("member-export")).status_code in {401, 403}
