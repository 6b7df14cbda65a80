"""How every workbook the system writes prints (docs/printing.md): on A4, as wide as one page and as
many pages down as it takes, the header rows repeated on every page. A sheet wider than a portrait page turns
landscape and repeats its first column, the one that names each row, so no figure prints apart from its name.
"""

import unicodedata
from collections.abc import Iterable

from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

DEFAULT_WIDTH = 8.43  # Excel's default column width, in characters
# Column width (in characters) across a portrait A4 page at 100 % within Excel's default margins.
PORTRAIT_CHARACTERS = 90
MAX_HEADER_WIDTH = 40


def text_width(text) -> int:
    """Columns of ``text`` in a spreadsheet: a Chinese character takes two."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in str(text))


def header_widths(sheet, headers: Iterable) -> list[float]:
    """Set each column wide enough for its header (before the first row of a streamed sheet); the widths."""
    widths = []
    for index, header in enumerate(headers, start=1):
        width = min(MAX_HEADER_WIDTH, max(DEFAULT_WIDTH, text_width(header) + 2))
        sheet.column_dimensions[get_column_letter(index)].width = width
        widths.append(width)
    return widths


def print_setup(sheet, *, widths: Iterable[float | None], header_rows: tuple[int, int] = (1, 1)) -> None:
    """Give ``sheet`` its print setup; ``widths`` are its columns' widths (None: the default). A streamed
    (write-only) sheet writes these properties with its first row, so it is called before that row."""
    wide = sum(width or DEFAULT_WIDTH for width in widths) > PORTRAIT_CHARACTERS
    setup = sheet.page_setup
    setup.paperSize = Worksheet.PAPERSIZE_A4
    setup.orientation = Worksheet.ORIENTATION_LANDSCAPE if wide else Worksheet.ORIENTATION_PORTRAIT
    setup.fitToPage = True
    setup.fitToWidth = 1
    setup.fitToHeight = 0  # as many pages down as the rows need
    sheet.print_options.gridLines = True
    first, last = header_rows
    sheet.print_title_rows = f"{first}:{last}"
    if wide:
        sheet.print_title_cols = "A:A"
