"""Every workbook the system writes prints on A4, one page wide, its header rows on every page; a sheet
wider than a portrait page is landscape and repeats its name column (branches/tabular/printing.py). Read
back with openpyxl, as Excel would open them."""

import io

import pytest
from django.urls import reverse
from openpyxl import Workbook
from openpyxl import load_workbook

from branches.models import SecurityEventKind
from branches.services import security_event_record
from branches.tabular.exports import template_xlsx
from branches.tabular.printing import PORTRAIT_CHARACTERS
from branches.tabular.printing import print_setup
from branches.tabular.printing import text_width
from members.resources.roster import MemberResource
from tests.utils.factories import MemberFactory

A4 = 9


def assert_one_page_wide_on_a4(sheet, title_rows="$1:$1"):
    setup = sheet.page_setup
    assert (setup.paperSize, setup.fitToWidth, setup.fitToHeight) == (A4, 1, 0)
    assert sheet.sheet_properties.pageSetUpPr.fitToPage is True
    assert sheet.print_title_rows == title_rows


def assert_wide(sheet):
    assert sheet.page_setup.orientation == "landscape"
    assert sheet.print_title_cols == "$A:$A"


def assert_narrow(sheet):
    assert sheet.page_setup.orientation == "portrait"
    assert sheet.print_title_cols is None


def _read_back(workbook) -> Workbook:
    output = io.BytesIO()
    workbook.save(output)
    return load_workbook(io.BytesIO(output.getvalue()))


@pytest.mark.parametrize(
    ("widths", "wide"),
    [([45, 45], False), ([45, 45.5], True), ([None] * 10, False), ([None] * 11, True)],
)
def test_a_sheet_turns_landscape_only_past_a_portrait_pages_width(widths, wide):
    assert (sum(w or 8.43 for w in widths) > PORTRAIT_CHARACTERS) is wide
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("s")
    print_setup(sheet, widths=widths, header_rows=(1, 2))
    sheet.append(["name", "figure"])
    back = _read_back(workbook)["s"]
    assert_one_page_wide_on_a4(back, "$1:$2")
    (assert_wide if wide else assert_narrow)(back)


def test_a_chinese_character_takes_two_columns():
    assert text_width("党员Ab") == 6


@pytest.mark.django_db
def test_the_member_export_is_wide_landscape_with_names_and_header_on_every_page(world):
    MemberFactory(branch=world.branch_a1, name="张三")
    response = world.client("staff_a").get(reverse("member-export"))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert sheet["A1"].value == "姓名" and sheet["A2"].value == "张三"
    assert_one_page_wide_on_a4(sheet)
    assert_wide(sheet)
    assert sheet.column_dimensions["A"].width >= 8.43


@pytest.mark.django_db
def test_the_security_event_export_is_narrow_portrait_with_its_header_on_every_page(world):
    security_event_record(kind=SecurityEventKind.LOGIN, user=world.users["staff_a"])
    response = world.client("county_admin").get(reverse("security-events-export"))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert_one_page_wide_on_a4(sheet)
    assert_narrow(sheet)
    assert len(list(sheet.values)) == 2


def test_the_import_template_and_its_instructions_print_on_a4():
    workbook = load_workbook(template_xlsx(MemberResource()))
    template, instructions = workbook.worksheets
    assert_one_page_wide_on_a4(template)
    assert_wide(template)
    assert_one_page_wide_on_a4(instructions)
