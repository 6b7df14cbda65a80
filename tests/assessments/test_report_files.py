"""The report's files: the xlsx workbook (sheets, headers, values, formats, escaping) and the PDF (Chinese
text that extracts, the embedded font, A4 landscape, nothing fetched from the network)."""

import io

import openpyxl
import pypdf
import pytest
from django.utils import translation
from django.utils.translation import gettext

from assessments.models import EvaluationGrade
from assessments.reports import pdf as pdf_module
from assessments.reports.pdf import RefusedURL
from assessments.reports.pdf import render_html
from assessments.reports.pdf import render_pdf
from assessments.reports.pdf import url_fetcher
from assessments.reports.xlsx import render_xlsx
from assessments.selectors.joint_report import joint_evaluation_report
from branches.models import Organization
from branches.scope.roles import Role
from tests.utils.factories import StaffRoleFactory
from tests.utils.factories import UserFactory
from tests.utils.factories_reports import published_report_county


@pytest.fixture
def county_report(db):
    built, _cycle = published_report_county(townships=2, villages_per_township=4)
    admin = UserFactory(username="admin")
    StaffRoleFactory(user=admin, organization=built.county, role=Role.COUNTY_ADMIN)

    def build(organization=None):
        return joint_evaluation_report(user=admin, organization=organization or built.county, year=2025)

    build.built = built
    return build


def _workbook(report):
    with translation.override("zh-hans"):
        content = render_xlsx(report)
    return openpyxl.load_workbook(io.BytesIO(content))


def test_the_workbook_has_a_summary_and_a_sheet_per_township(county_report):
    workbook = _workbook(county_report())
    with translation.override("zh-hans"):
        summary_title = gettext("Summary")
    assert workbook.sheetnames == [summary_title, "第1镇党委", "第2镇党委"]


def test_a_township_sheet_has_translated_headers_frozen_and_sized(county_report):
    sheet = _workbook(county_report())["第1镇党委"]
    with translation.override("zh-hans"):
        expected = [gettext("Organization"), gettext("Level"), gettext("Secretary"), gettext("Statement")]
    assert [cell.value for cell in sheet[2]][:4] == expected
    assert sheet.freeze_panes == "B3"
    assert sheet.column_dimensions["A"].width == 28


def test_a_township_sheet_holds_the_secretary_then_the_villages_with_formats(county_report):
    sheet = _workbook(county_report())["第1镇党委"]
    names = [sheet.cell(row=r, column=1).value for r in range(3, 8)]
    assert names == ["第1镇党委", "第1镇1村党支部", "第1镇2村党支部", "第1镇3村党支部", "第1镇4村党支部"]
    second = list(sheet[5])  # village index 1: fairly good, late, 1 star
    assert second[4].value == 85.0 and second[4].number_format == "0.00"
    assert second[5].value == 0.75 and second[5].number_format == "0.0%"
    assert second[6].value == pytest.approx(0.6667) and second[6].number_format == "0.0%"
    assert second[7].value == 1
    with translation.override("zh-hans"):
        assert second[9].value == str(EvaluationGrade.FAIRLY_GOOD.label)
        assert second[3].value == gettext("Late")
    assert second[10].value == 2


def test_the_summary_sheet_counts_grades_and_shares(county_report):
    sheet = _workbook(county_report()).worksheets[0]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    with translation.override("zh-hans"):
        village = gettext("Village")
        three_stars = gettext("Branches at three stars or more")
    village_row = next(row for row in rows if row[0] == village)
    assert village_row[1:6] == [2, 2, 2, 2, 0]
    star_row = next(row for row in rows if row[0] == three_stars)
    # stars i % 6 for i = 0..7: 3, 4, 5 -> 3 of 8
    assert star_row[1:5] == [3, 8, 0.375, 0.85]
    assert sheet.freeze_panes == "A2"


def test_text_that_a_spreadsheet_would_run_is_escaped(county_report):
    village = county_report.built.villages[0]
    Organization.objects.filter(pk=village.pk).update(name='=HYPERLINK("http://x")')
    sheet = _workbook(county_report())["第1镇党委"]
    assert sheet.cell(row=4, column=1).value == '\'=HYPERLINK("http://x")'


def test_sheet_names_stay_unique_and_legal(county_report):
    first, second = county_report.built.townships
    Organization.objects.filter(pk__in=[first.pk, second.pk]).update(name="很长的镇党委名字/" + "甲" * 40)
    workbook = _workbook(county_report())
    assert len(set(workbook.sheetnames)) == 3
    assert all(len(name) <= 31 and "/" not in name for name in workbook.sheetnames)


@pytest.fixture
def pdf_text(county_report):
    with translation.override("zh-hans"):
        content = render_pdf(county_report())
    reader = pypdf.PdfReader(io.BytesIO(content))
    return reader, "\n".join(page.extract_text() for page in reader.pages)


def test_the_pdf_text_holds_the_township_names_and_the_grade_words(pdf_text):
    _reader, text = pdf_text
    assert "第1镇党委" in text and "第2镇党委" in text
    assert "第2镇4村党支部" in text
    for word in ("好", "较好", "一般", "差"):
        assert word in text
    with translation.override("zh-hans"):
        for grade in EvaluationGrade:
            assert str(grade.label) in text


def test_the_pdf_is_a4_landscape_with_a_page_per_township_and_the_font_embedded(pdf_text):
    reader, _text = pdf_text
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (842, 595)
    assert len(reader.pages) >= 3
    fonts = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            fonts.add(str(font.get_object()["/BaseFont"]))
    assert fonts and all("NotoSansSC" in name.replace("-", "") for name in fonts), fonts


def test_the_pdf_repeats_the_table_header_on_every_page_of_a_long_township(db):
    built, _cycle = published_report_county(townships=1, villages_per_township=60, code="LONG")
    admin = UserFactory(username="admin")
    StaffRoleFactory(user=admin, organization=built.county, role=Role.COUNTY_ADMIN)
    report = joint_evaluation_report(user=admin, organization=built.townships[0], year=2025)
    with translation.override("en"):
        reader = pypdf.PdfReader(io.BytesIO(render_pdf(report)))
    texts = [page.extract_text() for page in reader.pages]
    first = next(index for index, text in enumerate(texts) if "第1镇1村党支部 书记" in text)
    township_pages = texts[first:]
    assert len(township_pages) >= 2
    assert all("Stars" in text and "Secretary" in text for text in township_pages)


def test_the_pdf_fetches_only_local_font_files():
    for url in ("https://fonts.example.com/a.woff", "http://127.0.0.1/x.css", "data:text/css,body{}"):
        with pytest.raises(RefusedURL):
            url_fetcher().fetch(url)
    with pytest.raises(RefusedURL):
        url_fetcher().fetch("file:///etc/passwd")
    inside = (pdf_module.font_dir() / "400.css").resolve().as_uri()
    with pytest.raises(RefusedURL):
        url_fetcher().fetch(inside.replace("/400.css", "/../../../etc/passwd"))
    response = url_fetcher().fetch(inside)
    assert b"@font-face" in response.read()
    response.close()


def test_the_pdf_template_names_font_files_only_from_the_package(county_report):
    html = render_html(county_report())
    assert "@font-face" in html
    assert "http" not in html.split("</style>")[0]
    assert pdf_module.font_dir().resolve().as_uri() in html
    assert html.count("@font-face") == 2


def test_the_summary_sheet_of_a_county_holds_the_county_secretarys_row(county_report):
    rows = [[cell.value for cell in row] for row in _workbook(county_report()).worksheets[0].iter_rows()]
    county = next(row for row in rows if row[0] == "报告县委")
    assert county[2] == "书记0" and county[4] == 93.5
    township = county_report(county_report.built.townships[0])
    rows = [[cell.value for cell in row] for row in _workbook(township).worksheets[0].iter_rows()]
    assert not any(row[0] == "报告县委" for row in rows)


def test_every_sheet_prints_one_a4_page_wide_and_a_township_keeps_names_with_their_figures(county_report):
    summary, *townships = _workbook(county_report()).worksheets
    for sheet in (summary, *townships):
        setup = sheet.page_setup
        assert (setup.paperSize, setup.fitToWidth, setup.fitToHeight) == (9, 1, 0)
        assert sheet.sheet_properties.pageSetUpPr.fitToPage is True
        assert setup.orientation == "landscape"
        assert sheet.print_title_cols == "$A:$A"
    assert summary.print_title_rows == "$1:$1"
    for sheet in townships:
        assert sheet.print_title_rows == "$1:$2"  # the township's name and the header
