"""Importing household visit logs: a cadre named by organization code, name and (when needed) post; the date
rules row by row, in Chinese; all rows or none; duplicates; export."""

import datetime as dt
from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils import translation
from openpyxl import load_workbook

from branches.models import OrganizationField
from branches.tabular import reading
from branches.tabular.exports import export_xlsx
from branches.tabular.widgets import UploadRejected
from members.models import CadrePost
from members.models import VisitLog
from members.resources import VisitLogResource
from members.resources.visits import MESSAGES
from members.services.visits import visit_record
from tests.utils.factories import MemberFactory
from tests.utils.factories import OrganizationFactory
from tests.utils.factories_cadres import CadreFactory
from tests.utils.factories_visits import VisitLogFactory
from tests.utils.import_columns import VISIT_HEADERS
from tests.utils.import_files import csv_bytes
from tests.utils.import_files import errors_by_row
from tests.utils.import_files import import_file
from tests.utils.import_files import xlsx_bytes

pytestmark = pytest.mark.django_db

D = dt.date
P = CadrePost


def row(code="C1-TA-1", cadre="赵委员", household="张三", visited="2024-03-01", **extra):
    values = {
        "所在组织编码": code,
        "干部姓名": cadre,
        "职务": "",
        "户主姓名": household,
        "村民小组": "一组",
        "走访日期": visited,
        "反映问题": "",
        "办理情况": "",
        "办结日期": "",
    } | extra
    return [values[header] for header in VISIT_HEADERS]


def run(world, rows, *, who="staff_a", dry_run=False, file_format="xlsx", headers=VISIT_HEADERS):
    if file_format == "xlsx":
        content, name = xlsx_bytes([headers, *rows]), "v.xlsx"
    else:
        content, name = csv_bytes([headers, *rows], encoding="gb18030"), "v.csv"
    with translation.override("zh-hans"):
        return import_file(VisitLogResource, world.users[who], content, name, dry_run=dry_run)


def messages_of(report, row_number):
    (found,) = [r for r in report.rows_with_errors if r.row == row_number]
    return " ".join(error["message"] for error in found.errors)


@pytest.fixture
def cadre(world):
    return CadreFactory(organization=world.branch_a1, name="赵委员", started_on=D(2021, 1, 15))


# --- a good file --------------------------------------------------------------------------------------


def test_visits_import_with_the_branch_key_recorder_and_history(world, cadre):
    rows = [
        row(),
        row(household=" 张 三 ", visited="2024-09-01", 反映问题="路灯坏了"),
        row(household="李四", visited=D(2024, 3, 2), 反映问题="水渠", 办理情况="已修", 办结日期="2024-03-09"),
    ]
    report = run(world, rows)
    assert report.committed and report.created == 3, report.as_dict()
    visits = VisitLog.objects.order_by("pk")
    assert {visit.cadre for visit in visits} == {cadre}
    assert {visit.organization for visit in visits} == {world.branch_a1}
    assert visits[1].household_name == "张 三" and visits[1].household_key == visits[0].household_key
    assert visits[2].resolved_on == D(2024, 3, 9)
    assert {visit.recorded_by for visit in visits} == {world.users["staff_a"]}
    assert VisitLog.history.filter(history_user=world.users["staff_a"]).count() == 3


def test_a_gb18030_csv_reads_the_same(world, cadre):
    report = run(world, [row(), row(household="李四")], file_format="csv")
    assert report.committed and report.created == 2, report.as_dict()


def test_a_dry_run_previews_and_writes_nothing(world, cadre):
    report = run(world, [row()], dry_run=True)
    assert report.ok and not report.committed and not VisitLog.objects.exists()
    assert report.preview[0]["干部姓名"] == "赵委员" and report.preview[0]["所在组织"] == world.branch_a1.name


def test_the_post_column_is_optional(world, cadre):
    headers = [header for header in VISIT_HEADERS if header != "职务"]
    rows = [[value for header, value in zip(VISIT_HEADERS, row(), strict=True) if header != "职务"]]
    assert run(world, rows, headers=headers).committed


# --- which cadre ------------------------------------------------------------------------------------------


def test_a_secretary_director_without_a_post_column_logs_under_the_branch_post(world):
    member = MemberFactory(branch=world.branch_a1, name="钱书记")
    director = CadreFactory(organization=world.branch_a1, post=P.VILLAGE_DIRECTOR, member=member)
    secretary = CadreFactory(organization=world.branch_a1, post=P.SECRETARY, member=member)
    report = run(world, [row(cadre="钱书记"), row(cadre="钱书记", household="李四", 职务="村委会主任")])
    assert report.committed, report.as_dict()
    assert [visit.cadre for visit in VisitLog.objects.order_by("pk")] == [secretary, director]


def test_two_people_of_one_name_in_one_village_need_the_post(world):
    CadreFactory(organization=world.branch_a1, name="王伟", post=P.VILLAGE_COMMITTEE)
    director = CadreFactory(organization=world.branch_a1, name="王伟", post=P.VILLAGE_DIRECTOR)
    report = run(world, [row(cadre="王伟")], dry_run=True)
    assert errors_by_row(report) == {2: [("干部姓名", "invalid")]}
    assert messages_of(report, 2) == str(
        MESSAGES["ambiguous"] % {"name": "王伟", "organization": world.branch_a1}
    )
    assert run(world, [row(cadre="王伟", 职务="村主任")]).committed
    assert VisitLog.objects.get().cadre == director


def test_the_same_name_in_another_village_is_told_apart_by_the_code(world):
    CadreFactory(organization=world.branch_a2, name="王伟")
    here = CadreFactory(organization=world.branch_a1, name="王伟")
    assert run(world, [row(cadre="王伟")]).committed
    assert VisitLog.objects.get().cadre == here


def test_a_cadre_of_a_former_term_logs_visits_of_that_term(world):
    old = CadreFactory(
        organization=world.branch_a1, name="王伟", started_on=D(2015, 1, 1), ended_on=D(2020, 12, 31)
    )
    new = CadreFactory(
        organization=world.branch_a1, name="王伟", birth_date=old.birth_date, started_on=D(2021, 1, 1)
    )
    assert run(
        world, [row(cadre="王伟", visited="2020-12-31"), row(cadre="王伟", visited="2021-01-01")]
    ).committed
    assert [visit.cadre for visit in VisitLog.objects.order_by("visited_on")] == [old, new]


# --- errors, in Chinese ---------------------------------------------------------------------------------


def test_an_unknown_cadre_is_refused(world, cadre):
    report = run(world, [row(cadre="查无此人")], dry_run=True)
    assert errors_by_row(report) == {2: [("干部姓名", "unknown_or_not_yours")]}
    with translation.override("zh-hans"):
        assert messages_of(report, 2) == str(MESSAGES["unknown_cadre"])


def test_a_cadre_outside_the_importers_scope_reads_as_unknown(world):
    CadreFactory(organization=world.branch_b1, name="西村委员")
    report = run(world, [row(code="C1-TA-1", cadre="西村委员")], dry_run=True)
    assert errors_by_row(report) == {2: [("干部姓名", "unknown_or_not_yours")]}


def test_a_cadre_named_under_another_village_code_is_refused_naming_the_village(world, cadre):
    report = run(world, [row(code="C1-TA-2")], dry_run=True)
    assert errors_by_row(report) == {2: [("干部姓名", "invalid")]}
    assert "赵委员" in messages_of(report, 2) and world.branch_a2.name in messages_of(report, 2)


def test_an_unknown_organization_code_is_refused_in_chinese(world, cadre):
    report = run(world, [row(code="C1-TB-1")], dry_run=True)
    assert errors_by_row(report) == {2: [("所在组织编码", "unknown_or_not_yours")]}
    assert messages_of(report, 2) == "编码不存在，或不属于您负责的组织。"


def test_a_date_before_the_term_is_refused_naming_the_term(world, cadre):
    report = run(
        world, [row(visited="2021-01-14"), row(household="李四", visited="2021-01-15")], dry_run=True
    )
    assert errors_by_row(report) == {2: [("走访日期", "invalid")]}
    assert "赵委员" in messages_of(report, 2) and "2021-01-15" in messages_of(report, 2)


def test_a_date_after_the_term_is_refused(world):
    CadreFactory(
        organization=world.branch_a1, name="钱主任", started_on=D(2018, 1, 1), ended_on=D(2020, 12, 31)
    )
    report = run(world, [row(cadre="钱主任", visited="2021-01-01")], dry_run=True)
    assert errors_by_row(report) == {2: [("走访日期", "invalid")]}
    assert "2020-12-31" in messages_of(report, 2)


def test_a_future_date_is_refused_in_chinese(world, cadre):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    report = run(world, [row(visited=tomorrow.isoformat())], dry_run=True)
    assert errors_by_row(report) == {2: [("走访日期", "invalid")]}
    assert messages_of(report, 2) == "日期不能晚于今天。"


def test_a_resolution_before_the_visit_is_refused(world, cadre):
    report = run(world, [row(反映问题="路灯", 办结日期="2024-02-01")], dry_run=True)
    assert errors_by_row(report) == {2: [("办结日期", "invalid")]}


def test_required_cells_and_bad_dates(world, cadre):
    report = run(world, [row(household=""), row(visited="2024-02-30"), row(cadre="")], dry_run=True)
    assert errors_by_row(report) == {
        2: [("户主姓名", "required")],
        3: [("走访日期", "impossible_date")],
        4: [("干部姓名", "required")],
    }


def test_a_household_name_too_long_is_refused(world, cadre):
    report = run(world, [row(household="张" * 51)], dry_run=True)
    assert errors_by_row(report) == {2: [("户主姓名", "invalid")]}


def test_cadres_of_an_institution_branch_log_no_visits(world):
    institution = OrganizationFactory(
        parent=world.township_a, code="C1-TA-9", field=OrganizationField.INSTITUTION
    )
    CadreFactory(organization=institution, name="机关委员")
    report = run(world, [row(code="C1-TA-9", cadre="机关委员")], dry_run=True)
    assert errors_by_row(report) == {2: [("干部姓名", "invalid")]}


# --- all or nothing, duplicates -----------------------------------------------------------------------


def test_one_bad_row_writes_nothing(world, cadre):
    rows = [row(household=f"户{n}") for n in range(5)] + [row(visited="2021-01-14")]
    report = run(world, rows)
    assert not report.committed and report.created == 0
    assert errors_by_row(report) == {7: [("走访日期", "invalid")]}
    assert not VisitLog.objects.exists() and not VisitLog.history.exists()


def test_the_same_visit_twice_in_a_file_is_refused(world, cadre):
    report = run(world, [row(), row(household="张三 ")], dry_run=True)
    assert errors_by_row(report) == {3: [("户主姓名", "duplicate_in_file")]}


def test_a_visit_already_logged_is_refused(world, cadre):
    VisitLogFactory(cadre=cadre, household_name="张三", village_group="一组", visited_on=D(2024, 3, 1))
    report = run(world, [row(), row(visited="2024-03-02")], dry_run=True)
    assert errors_by_row(report) == {2: [("户主姓名", "duplicate_in_database")]}


# --- limits ---------------------------------------------------------------------------------------------


def test_a_visit_file_may_hold_a_countys_year(world, cadre, monkeypatch):
    monkeypatch.setattr(reading, "MAX_ROWS", 1)
    assert VisitLogResource.max_rows >= 150_000
    assert run(world, [row(), row(household="李四")]).committed


def test_the_visit_row_limit_is_its_own(world, cadre, monkeypatch):
    monkeypatch.setattr(VisitLogResource, "max_rows", 2)
    with pytest.raises(UploadRejected) as refused:
        run(world, [row(household=f"户{n}") for n in range(3)])
    assert refused.value.error_dict["file"][0].code == "too_many_rows"
    assert not VisitLog.objects.exists()


def test_the_visit_size_limit_is_its_own(world, cadre, monkeypatch):
    monkeypatch.setattr(reading, "MAX_BYTES", 100)
    assert run(world, [row()]).committed
    monkeypatch.setattr(VisitLogResource, "max_bytes", 100)
    with pytest.raises(UploadRejected) as refused:
        run(world, [row(household="李四")])
    assert refused.value.error_dict["file"][0].code == "too_large"


# --- export ---------------------------------------------------------------------------------------------


def test_export_names_the_cadre_as_an_import_would(world, cadre):
    VisitLogFactory(cadre=cadre, household_name="张三", visited_on=D(2024, 3, 1), concerns="=1+1")
    VisitLogFactory(cadre=CadreFactory(organization=world.branch_b1), household_name="西村户")
    actor = world.users["staff_a"]
    output, rows = export_xlsx(
        actor=actor,
        resource=VisitLogResource(actor=actor),
        queryset=VisitLog.objects.restrict(actor, "view"),
        title="走访日志",
    )
    assert rows == 1
    sheet = load_workbook(BytesIO(output.read())).active
    header, values = [cell.value for cell in sheet[1]], [cell.value for cell in sheet[2]]
    exported = dict(zip(header, values, strict=True))
    assert exported["干部姓名"] == "赵委员" and exported["职务"] == "村委委员"
    assert exported["所在组织编码"] == "C1-TA-1" and exported["户主姓名"] == "张三"
    assert exported["反映问题"] == "'=1+1"


def test_two_people_of_one_name_in_the_same_post_cannot_be_told_apart_by_a_file(world):
    CadreFactory(organization=world.branch_a1, name="王伟", post=P.VILLAGE_COMMITTEE)
    CadreFactory(organization=world.branch_a1, name="王伟", post=P.VILLAGE_COMMITTEE)
    report = run(world, [row(cadre="王伟", 职务="村委委员")], dry_run=True)
    assert errors_by_row(report) == {2: [("干部姓名", "invalid")]}
    params = {"name": "王伟", "post": "村委委员", "organization": world.branch_a1}
    assert messages_of(report, 2) == str(MESSAGES["ambiguous_post"] % params)


def test_the_import_queries_do_not_grow_with_rows(world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for n in range(4):
        CadreFactory(organization=world.branch_a1, name=f"委员{n}")

    def queries(count, year):
        rows = [row(cadre=f"委员{n % 4}", household=f"户{n}", visited=f"{year}-03-01") for n in range(count)]
        with CaptureQueriesContext(connection) as captured:
            assert run(world, rows).committed
        return len(captured)

    queries(1, 2022)  # warms the importer's cached scope
    assert queries(4, 2023) == queries(40, 2024)


# --- the same rules as the API ------------------------------------------------------------------------------

HEADER_OF = {
    "visited_on": "走访日期",
    "resolved_on": "办结日期",
    "household_name": "户主姓名",
    "cadre": "干部姓名",
}


@pytest.mark.parametrize(
    ("facts", "cells"),
    [
        ({"visited_on": "tomorrow"}, {"走访日期": "tomorrow"}),
        ({"visited_on": D(2021, 1, 14)}, {"走访日期": "2021-01-14"}),
        (
            {"visited_on": D(2024, 3, 1), "concerns": "路灯", "resolved_on": D(2024, 2, 1)},
            {"反映问题": "路灯", "办结日期": "2024-02-01"},
        ),
        ({"household_name": "张" * 51}, {"户主姓名": "张" * 51}),
        ({"institution": True}, {"所在组织编码": "C1-TA-9", "干部姓名": "机关委员"}),
    ],
    ids=["future", "before_term", "resolved_before_visit", "too_long", "not_a_village"],
)
def test_a_row_is_refused_with_the_field_and_message_the_service_gives(world, cadre, facts, cells):
    """The import checks a row's values with the rule functions the service runs (docs/records.md)."""
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    facts = {"visited_on": D(2024, 3, 1), "household_name": "张三"} | facts
    if facts.pop("institution", False):
        place = OrganizationFactory(
            parent=world.township_a, code="C1-TA-9", field=OrganizationField.INSTITUTION
        )
        facts["cadre"] = CadreFactory(organization=place, name="机关委员")
    if facts["visited_on"] == "tomorrow":
        facts["visited_on"] = tomorrow
        cells = {"走访日期": tomorrow.isoformat()}
    actor = world.users["staff_a"]
    with translation.override("zh-hans"), pytest.raises(ValidationError) as refused:
        visit_record(actor=actor, **({"cadre": cadre} | facts))
    with translation.override("zh-hans"):
        expected = {
            HEADER_OF[name]: [str(m) for m in messages]
            for name, messages in refused.value.message_dict.items()
        }
    report = run(world, [row(household=facts["household_name"], **cells)], dry_run=True)
    (refusal,) = report.rows_with_errors
    found: dict[str, list] = {}
    for error in refusal.errors:
        found.setdefault(error["column"], []).append(error["message"])
    assert found == expected
