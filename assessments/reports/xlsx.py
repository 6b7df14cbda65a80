"""The joint evaluation report as an Excel workbook: a summary sheet and one sheet per township.

Headers are translated in the active language (the job renders in the site's default, zh-hans); text cells go
through the exports' formula escaping; scores carry "0.00", rates "0.0%" (stored as fractions). Every sheet
prints on A4 as wide as the page (branches/tabular/printing.py).
"""

import io
import re
from collections.abc import Callable

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment
from openpyxl.styles import Font
from openpyxl.styles import PatternFill
from openpyxl.utils import get_column_letter

from branches.tabular.exports import escape_cell
from branches.tabular.printing import print_setup

from ..selectors.joint_report import GRADES
from ..selectors.joint_report import LEVELS
from ..selectors.joint_report import JointReport
from ..selectors.joint_report import ReportRow
from ..selectors.joint_report import grade_label
from ..selectors.joint_report import level_label

SCORE = "0.00"
RATE = "0.0%"
BOLD = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="F2DCDB")
TITLE = Font(bold=True, size=14)


def _rate(value):
    return None if value is None else round(value / 100, 4)


def _sheet_title(title: str, taken: set[str]) -> str:
    base = re.sub(r"[\[\]:*?/\\]", "", title)[:31] or "Sheet"
    candidate, n = base, 2
    while candidate.lower() in taken:
        suffix = f" ({n})"
        candidate, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(candidate.lower())
    return candidate


def township_columns():
    """(header, width, number format, value of a row) for each column of a township sheet."""
    return [
        (_("Organization"), 28, None, lambda r: r.name),
        (_("Level"), 8, None, lambda r: level_label(r.level)),
        (_("Secretary"), 12, None, lambda r: r.secretary),
        (_("Statement"), 10, None, lambda r: r.statement_display),
        (_("Evaluation score"), 12, SCORE, lambda r: r.evaluation_score),
        (_("Good rate"), 10, RATE, lambda r: _rate(r.good_rate)),
        (_("Quota achievement"), 12, RATE, lambda r: _rate(r.quota_achievement)),
        (_("Stars"), 8, None, lambda r: r.stars),
        (_("Final score"), 10, SCORE, lambda r: r.final_score),
        (_("Final grade"), 10, None, lambda r: r.grade_display),
        (_("Rank in the township"), 10, None, lambda r: r.rank_in_township),
        (_("Rank in the county"), 10, None, lambda r: r.rank_in_county),
    ]


def _write_row(sheet, row_index: int, values, formats=None):
    for column, value in enumerate(values, start=1):
        cell = sheet.cell(row=row_index, column=column, value=escape_cell(value))
        if formats and formats[column - 1] and value is not None:
            cell.number_format = formats[column - 1]


def _header(sheet, row_index: int, headers):
    for column, header in enumerate(headers, start=1):
        cell = sheet.cell(row=row_index, column=column, value=escape_cell(str(header)))
        cell.font = BOLD
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")


def _summary_sheet(sheet, report: JointReport, columns):
    summary = report.summary
    sheet.title = _sheet_title(_("Summary"), set())
    sheet["A1"] = escape_cell(
        _("%(organization)s: joint evaluation %(year)s")
        % {"organization": report.organization_name, "year": report.year}
    )
    sheet["A1"].font = TITLE
    row = 3
    _header(sheet, row, [_("Grade distribution"), *[grade_label(g) for g in GRADES], _("No grade")])
    for level in LEVELS:
        row += 1
        counts = summary["grade_distribution"][level]
        _write_row(sheet, row, [level_label(level), *[counts[g] for g in GRADES], counts["none"]])
    row += 2
    _header(sheet, row, [_("Indicator"), _("Count"), _("Of"), _("Share"), _("Target")])
    indicators = [
        (
            _("Branches at three stars or more"),
            summary["three_star_branches"],
            summary["branches"],
            summary["three_star_share"],
            summary["three_star_target"],
        ),
        (
            _("Branches meeting the admissions quota"),
            summary["development_met"],
            summary["development_branches"],
            summary["development_share"],
            None,
        ),
        (
            _("Branches whose cadres all met the household visits quota"),
            summary["visit_branches_met"],
            summary["visit_branches"],
            summary["visit_branch_share"],
            None,
        ),
        (
            _("Village cadres meeting the household visits quota"),
            summary["visit_cadres_met"],
            summary["visit_cadres"],
            summary["visit_cadre_share"],
            None,
        ),
    ]
    for label, count, whole, share, target in indicators:
        row += 1
        _write_row(
            sheet, row, [label, count, whole, _rate(share), _rate(target)], [None, None, None, RATE, RATE]
        )
    row += 2
    _header(sheet, row, [_("Statements"), _("Count")])
    for label, key in ((_("On time"), "on_time"), (_("Late"), "late"), (_("Missing"), "missing")):
        row += 1
        _write_row(sheet, row, [label, summary["statements"][key]])
    row += 2
    _header(sheet, row, [_("Alerts"), _("Count")])
    for alert in summary["alerts"]:
        row += 1
        _write_row(sheet, row, [alert["label"], alert["count"]])
    row += 1
    _write_row(sheet, row, [_("Total"), summary["alerts_total"]])
    sheet.cell(row=row, column=1).font = BOLD
    row += 2
    _header(sheet, row, [_("Weak branches"), _("Township"), _("Why")])
    for weak in summary["weak_branches"]:
        row += 1
        _write_row(sheet, row, [weak["name"], weak["township"], "、".join(weak["reasons_display"])])
    if report.county_row is not None:
        row += 2
        _header(sheet, row, [header for header, *_rest in columns])
        row += 1
        formats = [fmt for _h, _w, fmt, _v in columns]
        _write_row(sheet, row, [value(report.county_row) for *_rest, value in columns], formats)
    widths = (44, 14, 12, 12, 12, 12)
    for letter, width in zip("ABCDEF", widths, strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"
    used = len(columns) if report.county_row is not None else len(widths)
    print_setup(sheet, widths=[*widths, *[None] * (used - len(widths))])


def _township_sheet(sheet, section, columns):
    sheet["A1"] = escape_cell(section.name)
    sheet["A1"].font = TITLE
    _header(sheet, 2, [header for header, *_rest in columns])
    formats = [fmt for _h, _w, fmt, _v in columns]
    rows: list[ReportRow] = [section.secretary_row, *section.villages]
    for index, row in enumerate(rows, start=3):
        _write_row(sheet, index, [value(row) for *_rest, value in columns], formats)
    for column, (_h, width, _f, _v) in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.freeze_panes = "B3"
    # The township's name and the header on every page; the names repeat if the sheet spans pages across.
    print_setup(sheet, widths=[width for _h, width, _f, _v in columns], header_rows=(1, 2))


def render_xlsx(report: JointReport, progress: Callable[[float], None] | None = None) -> bytes:
    """The workbook's bytes; ``progress`` is told the share done (0–1) after each sheet."""
    workbook = Workbook()
    columns = township_columns()
    _summary_sheet(workbook.active, report, columns)
    taken = {workbook.active.title.lower()}
    total = max(len(report.townships), 1)
    for done, section in enumerate(report.townships, start=1):
        _township_sheet(workbook.create_sheet(_sheet_title(section.name, taken)), section, columns)
        if progress is not None:
            progress(done / total)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()
