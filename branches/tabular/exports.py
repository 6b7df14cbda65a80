"""xlsx exports of any scoped list and the import templates that go with each import.

Exports stream through openpyxl's write-only workbook into a spooled temporary file, so memory stays flat
however long the list. Text that a spreadsheet would run as a formula (starting with = + - @, a tab or a
carriage return) is written with a leading apostrophe. Every export is a security event with its row count.
Every sheet prints on A4 with its header row on each page (printing.py).
"""

import csv
import io
import re
import tempfile

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

from ..models import SecurityEventKind
from ..services import security_event_record
from .printing import header_widths
from .printing import print_setup
from .widgets import ChoiceWidget
from .widgets import LookupWidget
from .widgets import TextWidget

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
FORMULA_START = re.compile(r"^[=+\-@\t\r]")
SPOOL_BYTES = 8 * 1024 * 1024
DATE_FORMAT = "yyyy-mm-dd"
PROGRESS_EVERY = 1000


def escape_cell(value):
    """Neutralize text a spreadsheet would evaluate (CSV/formula injection) and drop illegal characters."""
    if not isinstance(value, str):
        return value
    value = ILLEGAL_CHARACTERS_RE.sub("", value)
    return f"'{value}" if FORMULA_START.match(value) else value


def _sheet_title(title) -> str:
    return re.sub(r"[\[\]:*?/\\]", "", str(title))[:31] or "Sheet1"


def write_xlsx(resource, queryset, *, title, progress=None) -> tuple[tempfile.SpooledTemporaryFile, int]:
    """The xlsx of ``queryset``; ``progress(rows written)`` is called every ``PROGRESS_EVERY`` rows."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_sheet_title(title))
    headers = resource.get_export_headers()
    print_setup(sheet, widths=header_widths(sheet, headers))
    sheet.append([_bold(sheet, header) for header in headers])
    instances = resource.iter_queryset(resource.prepare_export_queryset(queryset))
    rows = (resource.export_resource(instance, force_native_type=True) for instance in instances)
    return finish_xlsx(workbook, sheet, ([_cell(sheet, value) for value in row] for row in rows), progress)


def finish_xlsx(workbook, sheet, rows, progress=None) -> tuple[tempfile.SpooledTemporaryFile, int]:
    """Append the data ``rows`` to ``sheet``, calling ``progress(rows written)`` every ``PROGRESS_EVERY``
    rows, and save ``workbook`` to a spooled file; returns (file, data rows)."""
    count = 0
    for row in rows:
        sheet.append(row)
        count += 1
        if progress is not None and count % PROGRESS_EVERY == 0:
            progress(count)
    output = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 - the response closes it
    workbook.save(output)
    output.seek(0)
    return output, count


def _bold(sheet, value):
    cell = WriteOnlyCell(sheet, value=escape_cell(value))
    cell.font = Font(bold=True)
    return cell


def _cell(sheet, value):
    if hasattr(value, "isoformat") and not isinstance(value, str):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = DATE_FORMAT
        return cell
    return escape_cell(value)


def export_xlsx(*, actor, resource, queryset, title, filters=None, ip_address=None, progress=None):
    """Write ``queryset`` (already scoped and filtered by the caller) and record the export."""
    output, rows = write_xlsx(resource, queryset, title=title, progress=progress)
    security_event_record(
        kind=SecurityEventKind.EXPORT,
        user=actor,
        ip_address=ip_address,
        detail={
            "model": resource._meta.model._meta.label_lower,
            "rows": rows,
            "filters": filters or {},
            **resource.export_audit_detail(),
        },
    )
    return output, rows


# --- import templates -------------------------------------------------------------------------------------


def template_xlsx(resource) -> io.BytesIO:
    """A workbook with the header row (text columns pre-formatted as text) and a sheet of instructions."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _sheet_title(resource.template_title)
    instructions = workbook.create_sheet(_sheet_title(_("Instructions")))
    instructions.append([_("Column"), _("Required"), _("How to fill it in")])
    widths = []
    for index, column in enumerate(resource.import_columns(), start=1):
        cell = sheet.cell(row=1, column=index, value=column.header)
        cell.font = Font(bold=True)
        letter = cell.column_letter
        widths.append(max(12, len(column.header) * 2 + 4))
        sheet.column_dimensions[letter].width = widths[-1]
        if isinstance(column.widget, TextWidget | ChoiceWidget | LookupWidget):
            sheet.column_dimensions[letter].number_format = "@"
        hint = column.widget.hint() if hasattr(column.widget, "hint") else ""
        instructions.append([column.header, _("yes") if column.required else _("no"), str(hint)])
    instructions.column_dimensions["C"].width = 80
    print_setup(sheet, widths=widths)
    print_setup(instructions, widths=[None, None, 80])
    output = io.BytesIO()
    workbook.save(output)
    output.seek(0)
    return output


def template_csv(resource) -> io.BytesIO:
    """The header row in UTF-8 with a BOM, so that Excel opens the Chinese headers correctly."""
    text = io.StringIO()
    csv.writer(text).writerow([column.header for column in resource.import_columns()])
    return io.BytesIO(text.getvalue().encode("utf-8-sig"))
