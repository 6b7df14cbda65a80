"""Reading an uploaded xlsx or csv file: upload guards (size, type by content, zip limits), then its rows
streamed one at a time, numbered as a user sees them.

Every limit is counted while the file streams, and the first one passed stops the reading (docs/security.md,
"Limits"): rows (blank ones included), cells, and for a workbook the bytes its parts unpack to. A workbook's
parts are scanned once before the sheet is parsed, so a sheet of millions of empty rows is refused at the
speed of decompression and never held in memory. The parser (calamine, in Rust) holds the rectangle from
the first cell to the farthest, blank cells included, and gives every row its width: the scan bounds that
rectangle by the cell limit too, so two cells far apart cannot make it allocate gigabytes.
"""

import codecs
import csv
import os
import re
import zipfile

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from python_calamine import CalamineWorkbook

from .widgets import UploadRejected
from .widgets import is_blank

MAX_BYTES = getattr(settings, "IMPORT_MAX_BYTES", 10 * 1024 * 1024)
MAX_ROWS = getattr(settings, "IMPORT_MAX_ROWS", 20_000)
MAX_UNCOMPRESSED_BYTES = getattr(settings, "IMPORT_MAX_UNCOMPRESSED_BYTES", 100 * 1024 * 1024)
MAX_ZIP_ENTRIES = getattr(settings, "IMPORT_MAX_ZIP_ENTRIES", 500)
MAX_CELLS = getattr(settings, "IMPORT_MAX_CELLS", 600_000)
SCAN_CHUNK = 1024 * 1024
# Start tags counted in a workbook's XML parts before parsing (the prefix-free forms every writer uses;
# rows and cells are counted again, exactly, as the sheet's rows are read).
ROW_TAGS = (b"<row ", b"<row>", b"<row/>")
CELL_TAGS = (b"<c ", b"<c>", b"<c/>")
STRING_TAGS = (b"<si>", b"<si ", b"<si/>")
# What places a cell in the rectangle the parser holds, in any form XML allows (a prefix, either quote,
# spaces around "="): a row or cell start tag, and a row number or cell reference. Text that merely looks like
# a reference only makes the bound larger, never smaller. (XML puts white space before every attribute.)
ANY_ROW_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row[\s/>]")
ANY_CELL_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c[\s/>]")
COLUMN_REFERENCE = re.compile(rb"""\sr\s*=\s*["']\$?([A-Za-z]+)\$?[0-9]""")
ROW_NUMBER = re.compile(rb"""\sr\s*=\s*["']\$?[A-Za-z]*\$?([0-9]+)""")
# A row or cell start tag that has not ended after this many bytes is not one any writer makes.
MAX_TAG_BYTES = 1024 * 1024
XLSX_REQUIRED_ENTRIES = ("[Content_Types].xml", "xl/workbook.xml")
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


# --- reading the file -------------------------------------------------------------------------------------


class Table:
    """A worksheet's or csv file's rows as lists of cell values, streamed, numbered as a user sees them."""

    def __init__(self, rows, closer=None, *, max_rows=None, max_cells=None):
        self._closer = closer
        self.header: list = []
        self.max_rows = max_rows or MAX_ROWS
        self.max_cells = max_cells or MAX_CELLS
        self._numbered = self._counted(rows)

    def _counted(self, rows):
        """Every row numbered and counted, blank ones included: the header and at most ``max_rows`` rows."""
        cells = 0
        for number, row in enumerate(rows, start=1):
            if number > self.max_rows + 1:
                raise too_many_rows(self.max_rows)
            cells += len(row)
            if cells > self.max_cells:
                raise too_many_cells(self.max_cells)
            yield number, row

    def __enter__(self):
        for _number, cells in self._numbered:
            if not all(is_blank(cell) for cell in cells):
                self.header = list(cells)
                break
        return self

    def __exit__(self, *exc):
        if self._closer:
            self._closer()

    def data_rows(self, max_rows: int | None = None):
        """The rows under the header that hold something; the limits count blank rows too."""
        if max_rows:
            self.max_rows = max_rows
        for number, cells in self._numbered:
            if all(is_blank(cell) for cell in cells):
                continue
            yield number, list(cells)


def too_many_rows(max_rows):
    return UploadRejected(
        _("The file has more than %(max)s rows (blank rows count too); split it into several files.")
        % {"max": max_rows},
        "too_many_rows",
    )


def too_many_cells(max_cells):
    return UploadRejected(
        _("The file has more than %(max)s cells; remove unused columns or split it into several files.")
        % {"max": max_cells},
        "too_many_cells",
    )


def open_table(
    upload, max_bytes: int | None = None, *, max_rows: int | None = None, max_cells: int | None = None
) -> Table:
    """Check an uploaded file by its content and open it as a Table (raises UploadRejected)."""
    limits = {"max_rows": max_rows or MAX_ROWS, "max_cells": max_cells or MAX_CELLS}
    if _checked_type(upload, max_bytes) == "xlsx":
        return _xlsx_table(upload, **limits)
    return _csv_table(upload, **limits)


def measure_table(
    upload, max_bytes: int | None = None, *, max_rows: int | None = None, max_cells: int | None = None
) -> tuple[int, int]:
    """The rows below the header and the cells of an uploaded file, counted without parsing it: a
    workbook's row and cell tags by the pre-scan (which checks its limits), a csv's lines times the
    columns of its first line."""
    limits = {"max_rows": max_rows or MAX_ROWS, "max_cells": max_cells or MAX_CELLS}
    if _checked_type(upload, max_bytes) == "xlsx":
        rows, cells = _check_zip(upload, **limits)
    else:
        rows, cells = _csv_size(upload)
    upload.seek(0)
    return max(rows - 1, 0), cells


def _checked_type(upload, max_bytes) -> str:
    """``xlsx`` or ``csv`` by extension and content, within the size limit (raises UploadRejected)."""
    max_bytes = max_bytes or MAX_BYTES
    size = _size(upload)
    if size > max_bytes:
        raise UploadRejected(
            _("The file is larger than %(max)s MB.") % {"max": max_bytes // (1024 * 1024)}, "too_large"
        )
    if size == 0:
        raise UploadRejected(_("The file is empty."), "empty")
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    extension = os.path.splitext(getattr(upload, "name", "") or "")[1].lower()
    if extension not in {".xlsx", ".csv"}:
        raise UploadRejected(_("Upload an .xlsx workbook or a .csv file."), "file_type")
    if head.startswith(OLE_SIGNATURE):
        raise UploadRejected(_("Old .xls workbooks are not supported: save the file as .xlsx."), "xls")
    is_zip = head.startswith(b"PK\x03\x04")
    if extension == ".xlsx":
        if not is_zip:
            raise UploadRejected(_("This file is not a real .xlsx workbook."), "file_type")
        return "xlsx"
    if is_zip:
        raise UploadRejected(_("This file is a workbook or an archive, not a .csv text file."), "file_type")
    return "csv"


def _csv_size(upload) -> tuple[int, int]:
    """Lines (a quoted cell's line breaks count too: an estimate at most too high) and lines × columns."""
    upload.seek(0)
    first = upload.readline(64 * 1024)
    columns = max(first.count(separator) for separator in (b",", b"\t", b";")) + 1
    lines, last = first.count(b"\n"), first
    while block := upload.read(SCAN_CHUNK):
        lines += block.count(b"\n")
        last = block
    if not last.endswith(b"\n"):
        lines += 1
    return lines, lines * columns


def _size(upload) -> int:
    size = getattr(upload, "size", None)
    if size is None:
        upload.seek(0, os.SEEK_END)
        size = upload.tell()
    return size


def _xlsx_table(upload, *, max_rows, max_cells) -> Table:
    _check_zip(upload, max_rows=max_rows, max_cells=max_cells)
    upload.seek(0)
    try:
        workbook = CalamineWorkbook.from_filelike(upload)
        sheet = workbook.get_sheet_by_index(0)
    except BaseException as error:
        if not parser_failed(error):
            raise
        raise _damaged() from error
    # Every row from the first, numbered as the user sees it, blank cells as "".
    rows = _guarded(sheet.iter_rows(), "damaged")
    return Table(rows, workbook.close, max_rows=max_rows, max_cells=max_cells)


def _damaged():
    return UploadRejected(_("The workbook is damaged and cannot be read."), "damaged")


def _zip_bomb():
    return UploadRejected(_("The workbook unpacks to too much data to be imported."), "zip_bomb")


def _check_zip(upload, *, max_rows, max_cells) -> tuple[int, int]:
    """The declared sizes first, then every part unpacked as a stream and counted (declared sizes can lie);
    the rows and cells of the fullest part."""
    try:
        with zipfile.ZipFile(upload) as archive:
            entries = archive.infolist()
            names = {entry.filename for entry in entries}
            if len(entries) > MAX_ZIP_ENTRIES or sum(e.file_size for e in entries) > MAX_UNCOMPRESSED_BYTES:
                raise _zip_bomb()
            if not all(name in names for name in XLSX_REQUIRED_ENTRIES):
                raise UploadRejected(_("This file is not a real .xlsx workbook."), "file_type")
            expanded = most_rows = most_cells = 0
            for entry in entries:
                scan = PartScan(expanded, max_rows=max_rows, max_cells=max_cells)
                with archive.open(entry) as part:
                    scan.read(part, xml=entry.filename.endswith((".xml", ".rels")))
                expanded = scan.expanded
                most_rows, most_cells = max(most_rows, scan.rows), max(most_cells, scan.cells)
    except UploadRejected:
        raise
    except Exception as error:  # noqa: BLE001 - zipfile and zlib fail in many ways on a damaged archive
        raise _damaged() from error
    return most_rows, most_cells


class PartScan:
    """One part unpacked in chunks: its bytes (added to those of the parts before it), its row, cell and
    string start tags, and the rectangle its rows and cells spread over."""

    def __init__(self, expanded: int, *, max_rows: int, max_cells: int):
        self.expanded = expanded
        self.max_rows, self.max_cells = max_rows, max_cells
        self.rows = self.cells = self.strings = 0
        self.last_row = self.last_column = 0
        self.unnumbered_rows = self.widest_row = self.open_row_cells = 0

    def read(self, part, *, xml: bool):
        carry = b""
        while chunk := part.read(SCAN_CHUNK):
            self.expanded += len(chunk)
            if self.expanded > MAX_UNCOMPRESSED_BYTES:
                raise _zip_bomb()
            if not xml:
                continue
            buffer = carry + chunk
            # Each chunk is scanned up to its last "<": the tag that starts there is scanned whole next time.
            cut = buffer.rfind(b"<")
            cut = len(buffer) if cut < 0 else cut
            counted, carry = buffer[:cut], buffer[cut:]
            if len(carry) > MAX_TAG_BYTES:
                if ANY_ROW_TAG.match(carry) or ANY_CELL_TAG.match(carry):
                    raise _damaged()
                counted, carry = buffer, b""  # long text, as a custom XML part may hold
            self.count(counted)
        self.count(carry)

    def count(self, xml: bytes):
        rows = sum(xml.count(tag) for tag in ROW_TAGS)
        cells = sum(xml.count(tag) for tag in CELL_TAGS)
        self.rows, self.cells = self.rows + rows, self.cells + cells
        self.strings += sum(xml.count(tag) for tag in STRING_TAGS)
        if self.rows > self.max_rows + 1:
            raise too_many_rows(self.max_rows)
        if self.cells > self.max_cells or self.strings > self.max_cells:
            raise too_many_cells(self.max_cells)
        if b":row" in xml or b":c" in xml:  # start tags with a prefix, which the counts above pass over
            rows, cells = len(ANY_ROW_TAG.findall(xml)), len(ANY_CELL_TAG.findall(xml))
        if rows or cells:  # other parts use an attribute ``r`` too (a theme's gradients)
            self.measure(xml, rows, cells)

    def measure(self, xml: bytes, rows: int, cells: int):
        """The farthest row number and column named; rows placed by position (without a number) reach past
        them, and so do cells placed by position, by at most as many as one row holds."""
        columns = COLUMN_REFERENCE.findall(xml)
        numbers = ROW_NUMBER.findall(xml)
        self.last_row = max(self.last_row, max(map(int, numbers), default=0))
        self.last_column = max(self.last_column, max(map(column_number, set(columns)), default=0))
        self.unnumbered_rows += max(rows - (len(numbers) - len(columns)), 0)
        if cells > len(columns):
            self.measure_rows(xml)
        height = self.last_row + self.unnumbered_rows
        if height > self.max_rows + 1:
            raise too_many_rows(self.max_rows)
        if height * (self.last_column + self.widest_row) > self.max_cells:
            raise too_many_cells(self.max_cells)

    def measure_rows(self, xml: bytes):
        """The most cells one row holds, for cells placed by position (after the last one named)."""
        first, *rows = ANY_ROW_TAG.split(xml)
        self.open_row_cells += len(ANY_CELL_TAG.findall(first))
        for row in rows:
            self.widest_row = max(self.widest_row, self.open_row_cells)
            self.open_row_cells = len(ANY_CELL_TAG.findall(row))
        self.widest_row = max(self.widest_row, self.open_row_cells)


def column_number(letters: bytes) -> int:
    """A column's number from its letters (A is 1, XFD 16,384); more than three letters is past any sheet."""
    number = 0
    for letter in letters[:4].upper():
        number = number * 26 + letter - 64
    return number


def _csv_table(upload, *, max_rows, max_cells) -> Table:
    sample = upload.read(64 * 1024)
    upload.seek(0)
    encoding = detect_encoding(sample)
    lines = _guarded(_text_lines(upload, encoding), "encoding")
    first = next(lines, "")
    delimiter = max(",\t;", key=first.count) if first.strip() else ","

    def rows():
        yield from csv.reader(_chain(first, lines), delimiter=delimiter)

    return Table(_guarded(rows(), "damaged"), max_rows=max_rows, max_cells=max_cells)


def detect_encoding(sample: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM, else GB18030 (what Chinese Excel saves as "CSV")."""
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if b"\x00" in sample:
        raise UploadRejected(_("This file is not a text .csv file."), "file_type")
    for encoding in ("utf-8", "gb18030"):
        try:
            codecs.getincrementaldecoder(encoding)().decode(sample, final=False)
        except UnicodeDecodeError:
            continue
        return encoding
    raise UploadRejected(
        _("The file's text encoding is not UTF-8 or GB18030; save it again as CSV UTF-8."), "encoding"
    )


def _text_lines(binary, encoding):
    """The file's lines, decoded. A NUL character anywhere refuses the file as ``detect_encoding`` does in
    its first block: the database cannot store one in text, and a text csv has none."""
    decoder = codecs.getincrementaldecoder(encoding)()
    pending = ""
    while block := binary.read(64 * 1024):
        pending += _without_nul(decoder.decode(block))
        *lines, pending = pending.split("\n")
        for line in lines:
            yield line + "\n"
    pending += _without_nul(decoder.decode(b"", final=True))
    if pending:
        yield pending


def _without_nul(text: str) -> str:
    if "\x00" in text:
        raise UploadRejected(_("This file is not a text .csv file."), "file_type")
    return text


def _chain(first, rest):
    if first:
        yield first
    yield from rest


def _guarded(iterator, code):
    """Turn a decoding or parsing failure in the middle of the file into a clear file error."""
    messages = {
        "encoding": _("The file's text encoding is not UTF-8 or GB18030; save it again as CSV UTF-8."),
        "damaged": _("The file is damaged and cannot be read."),
    }
    try:
        yield from iterator
    except UploadRejected:
        raise
    except BaseException as error:
        if not parser_failed(error):
            raise
        raise UploadRejected(messages[code], code) from error


def parser_failed(error: BaseException) -> bool:
    """A failure to read the file: any Exception, or a panic inside the Rust parser, which reaches Python as
    PyO3's ``PanicException``, a BaseException (a broken file must never become a 500)."""
    return isinstance(error, Exception) or type(error).__name__ == "PanicException"
