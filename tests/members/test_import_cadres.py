"""Importing cadre posts and reserve cadres: the same file guards and all-or-none as the roster, plus the
cadre services' own rules (one secretary at a time, member-only posts, already on the roster)."""

import datetime as dt
from io import BytesIO

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from branches.tabular.exports import export_xlsx
from members.models import Cadre
from members.models import ReserveCadre
from members.resources import CadreResource
from members.resources import ReserveCadreResource
from tests.utils.factories import MemberFactory
from tests.utils.import_files import errors_by_row
from tests.utils.import_files import import_file
from tests.utils.import_files import xlsx_bytes

pytestmark = pytest.mark.django_db

CADRE_HEADERS = [
    "所在组织编码",
    "职务",
    "姓名",
    "党员身份证号",
    "性别",
    "出生日期",
    "联系电话",
    "任职日期",
    "派出单位",
]
RESERVE_HEADERS = [
    "所在村党支部编码",
    "姓名",
    "性别",
    "出生日期",
    "学历",
    "政治面貌",
    "来源",
    "入库日期",
    "状态",
]


def run(world, resource_class, headers, rows, *, who="staff_a", dry_run=False):
    content = xlsx_bytes([headers, *rows])
    return import_file(resource_class, world.users[who], content, "c.xlsx", dry_run=dry_run)


def cadre_row(code="C1-TA-1", post="村委委员", name="赵六", id_number="", **extra):
    values = {
        "所在组织编码": code,
        "职务": post,
        "姓名": name,
        "党员身份证号": id_number,
        "性别": "男",
        "出生日期": "1975-04-03",
        "联系电话": "13700001234",
        "任职日期": "2021-01-15",
        "派出单位": "",
    } | extra
    return [values[h] for h in CADRE_HEADERS]


def test_cadres_import_with_member_identity_taken_from_the_roster(world):
    secretary = MemberFactory(branch=world.branch_a1, name="钱书记")
    rows = [cadre_row(), cadre_row(post="书记", name="", id_number=secretary.id_number.lower())]
    report = run(world, CadreResource, CADRE_HEADERS, rows)
    assert report.committed and report.created == 2, report.as_dict()
    held = Cadre.objects.get(post="secretary")
    assert held.member == secretary and held.name == "钱书记" and held.birth_date == secretary.birth_date
    assert held.history.get().history_user == world.users["staff_a"]


def test_a_branch_post_needs_a_member(world):
    report = run(world, CadreResource, CADRE_HEADERS, [cadre_row(post="书记")], dry_run=True)
    assert errors_by_row(report) == {2: [("党员身份证号", "invalid")]}


def test_two_secretaries_at_once_in_one_file_are_refused(world):
    first = MemberFactory(branch=world.branch_a1)
    second = MemberFactory(branch=world.branch_a1)
    rows = [
        cadre_row(post="书记", id_number=first.id_number),
        cadre_row(post="书记", id_number=second.id_number, 任职日期="2022-01-01"),
    ]
    report = run(world, CadreResource, CADRE_HEADERS, rows, dry_run=True)
    assert errors_by_row(report) == {3: [("任职日期", "invalid")]}
    assert not Cadre.objects.exists()


def test_first_secretary_needs_the_sending_unit(world):
    member = MemberFactory(branch=world.branch_b1)
    rows = [cadre_row(post="第一书记", id_number=member.id_number)]
    report = run(world, CadreResource, CADRE_HEADERS, rows, who="county_admin", dry_run=True)
    assert errors_by_row(report) == {2: [("派出单位", "invalid")]}
    rows = [cadre_row(post="第一书记", id_number=member.id_number, 派出单位="县农业农村局")]
    assert run(world, CadreResource, CADRE_HEADERS, rows, who="county_admin").committed


def test_member_outside_the_importers_view_is_unknown(world):
    foreign = MemberFactory(branch=world.branch_b1)
    rows = [cadre_row(post="书记", id_number=foreign.id_number)]
    report = run(world, CadreResource, CADRE_HEADERS, rows, dry_run=True)
    assert errors_by_row(report) == {2: [("党员身份证号", "unknown_or_not_yours")]}


def test_numeric_member_id_cell_is_refused(world):
    member = MemberFactory(branch=world.branch_a1)
    rows = [cadre_row(post="书记", id_number=int(member.id_number[:17] + "1"))]
    report = run(world, CadreResource, CADRE_HEADERS, rows, dry_run=True)
    assert errors_by_row(report) == {2: [("党员身份证号", "numeric_cell")]}


def test_organization_out_of_scope_is_unknown_or_not_yours(world):
    report = run(world, CadreResource, CADRE_HEADERS, [cadre_row(code="C1-TB-1")], dry_run=True)
    assert errors_by_row(report) == {2: [("所在组织编码", "unknown_or_not_yours")]}


def test_the_same_post_holding_twice_in_a_file_is_refused(world):
    report = run(world, CadreResource, CADRE_HEADERS, [cadre_row(), cadre_row()], dry_run=True)
    assert errors_by_row(report) == {3: [(None, "duplicate_in_file")]}


def test_a_post_holding_already_registered_is_refused(world):
    assert run(world, CadreResource, CADRE_HEADERS, [cadre_row()]).committed
    report = run(world, CadreResource, CADRE_HEADERS, [cadre_row()], dry_run=True)
    assert errors_by_row(report) == {2: [(None, "duplicate_in_database")]}


def test_one_bad_cadre_row_writes_nothing(world):
    rows = [cadre_row(name="甲"), cadre_row(name="乙"), cadre_row(code="NOPE")]
    report = run(world, CadreResource, CADRE_HEADERS, rows)
    assert not report.committed and not Cadre.objects.exists() and not Cadre.history.exists()


# --- reserve cadres ---------------------------------------------------------------------------------------


def reserve_row(code="C1-TA-1", name="孙七", **extra):
    values = {
        "所在村党支部编码": code,
        "姓名": name,
        "性别": "女",
        "出生日期": "1996-08-09",
        "学历": "大专",
        "政治面貌": "共青团员",
        "来源": "返乡青年",
        "入库日期": "2024-03-01",
        "状态": "已使用",
    } | extra
    return [values[h] for h in RESERVE_HEADERS]


def test_reserve_cadres_import_and_lifecycle_columns_are_ignored(world):
    report = run(world, ReserveCadreResource, RESERVE_HEADERS, [reserve_row(), reserve_row(name="周八")])
    assert report.committed, report.as_dict()
    assert report.ignored_columns == ["状态"]
    reserve = ReserveCadre.objects.get(name="孙七")
    assert (reserve.source, reserve.political_status, reserve.status) == (
        "returning_youth",
        "league",
        "in_roster",
    )
    assert reserve.history.get().history_user == world.users["staff_a"]


def test_the_same_person_twice_on_a_roster_is_refused(world):
    report = run(world, ReserveCadreResource, RESERVE_HEADERS, [reserve_row(), reserve_row()], dry_run=True)
    assert errors_by_row(report) == {3: [("姓名", "invalid")]}
    assert not ReserveCadre.objects.exists()


def test_reserve_roster_belongs_to_a_village_branch(world):
    report = run(world, ReserveCadreResource, RESERVE_HEADERS, [reserve_row(code="C1-TA")], dry_run=True)
    assert errors_by_row(report) == {2: [("所在村党支部编码", "invalid")]}


def test_reserve_entered_in_the_future_is_refused(world):
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    report = run(world, ReserveCadreResource, RESERVE_HEADERS, [reserve_row(入库日期=tomorrow)], dry_run=True)
    assert errors_by_row(report) == {2: [("入库日期", "invalid")]}


def test_unknown_source_label_is_refused(world):
    report = run(world, ReserveCadreResource, RESERVE_HEADERS, [reserve_row(来源="网上报名")], dry_run=True)
    assert errors_by_row(report) == {2: [("来源", "choice")]}


# --- exports ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("who", "masked"), [("staff_a", False), ("secretary_a1", True)])
def test_cadre_export_masks_member_ids_and_phones_by_role(world, who, masked):
    member = MemberFactory(branch=world.branch_a1, phone="13612345678")
    assert run(
        world, CadreResource, CADRE_HEADERS, [cadre_row(post="书记", id_number=member.id_number)]
    ).committed
    actor = world.users[who]
    output, rows = export_xlsx(
        actor=actor, resource=CadreResource(actor=actor), queryset=Cadre.objects.restrict(actor), title="干部"
    )
    sheet = load_workbook(BytesIO(output.read())).worksheets[0]
    header, row = ([cell.value for cell in r] for r in sheet.iter_rows())
    shown = dict(zip(header, row, strict=True))
    assert rows == 1 and shown["职务"] == "书记" and shown["所在组织编码"] == "C1-TA-1"
    assert (shown["党员身份证号"] == member.masked_id_number) is masked
    assert shown["联系电话"] == ("137****1234" if masked else "13700001234")
