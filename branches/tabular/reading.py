"""Reading an uploaded xlsx or csv file: upload guards (size, type by content, zip limits), then its rows
streamed one at a time, numbered as a user sees them."""

import codecs
import csv
import os
import zipfile

import openpyxl
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .widgets import UploadRejected, is_blank

MAX_BYTES = getattr(settings, "IMPORT_MAX_BYTES", 10 * 1024 * 1024)
MAX_ROWS = getattr(settings, "IMPORT_MAX_ROWS", 20_000)
MAX_UNCOMPRESSED_BYTES = getattr(settings, "IMPORT_MAX_UNCOMPRESSED_BYTES", 100 * 1024 * 1024)
MAX_ZIP_ENTRIES = getattr(settings, "IMPORT_MAX_ZIP_ENTRIES", 500)
XLSX_REQUIRED_ENTRIES = ("[Content_Types].xml", "xl/workbook.xml")
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


# --- reading the file -------------------------------------------------------------------------------------


class Table:
    """A worksheet's or csv file's rows as lists of cell values, streamed, numbered as a user sees them."""

    def __init__(self, rows, closer=None):
        self._numbered = enumerate(rows, start=1)
        self._closer = closer
        self.header: list = []

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
        max_rows = max_rows or MAX_ROWS
        count = 0
        for number, cells in self._numbered:
            if all(is_blank(cell) for cell in cells):
                continue
            count += 1
            if count > max_rows:
                raise UploadRejected(
                    _("The file has more than %(max)s rows; split it into several files.")
                    % {"max": max_rows},
                    "too_many_rows",
                )
            yield number, list(cells)


def open_table(upload, max_bytes: int | None = None) -> Table:
    """Check an uploaded file by its content and open it as a Table (raises UploadRejected)."""
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
        return _xlsx_table(upload)
    if is_zip:
        raise UploadRejected(_("This file is a workbook or an archive, not a .csv text file."), "file_type")
    return _csv_table(upload)


def _size(upload) -> int:
    size = getattr(upload, "size", None)
    if size is None:
        upload.seek(0, os.SEEK_END)
        size = upload.tell()
    return size


def _xlsx_table(upload) -> Table:

    _check_zip(upload)
    upload.seek(0)
    try:
        workbook = openpyxl.load_workbook(upload, read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
    except Exception as error:  # noqa: BLE001 - any failure to open means a damaged workbook
        raise UploadRejected(_("The workbook is damaged and cannot be read."), "damaged") from error
    return Table(_guarded(sheet.iter_rows(values_only=True), "damaged"), workbook.close)


def _check_zip(upload) -> None:
    try:
        with zipfile.ZipFile(upload) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise UploadRejected(_("The workbook is damaged and cannot be read."), "damaged") from error
    names = {entry.filename for entry in entries}
    if len(entries) > MAX_ZIP_ENTRIES or sum(entry.file_size for entry in entries) > MAX_UNCOMPRESSED_BYTES:
        raise UploadRejected(_("The workbook unpacks to too much data to be imported."), "zip_bomb")
    if not all(name in names for name in XLSX_REQUIRED_ENTRIES):
        raise UploadRejected(_("This file is not a real .xlsx workbook."), "file_type")


def _csv_table(upload) -> Table:
    sample = upload.read(64 * 1024)
    upload.seek(0)
    encoding = detect_encoding(sample)
    lines = _guarded(_text_lines(upload, encoding), "encoding")
    first = next(lines, "")
    delimiter = max(",\t;", key=first.count) if first.strip() else ","

    def rows():
        yield from csv.reader(_chain(first, lines), delimiter=delimiter)

    return Table(_guarded(rows(), "damaged"))


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
    decoder = codecs.getincrementaldecoder(encoding)()
    pending = ""
    while block := binary.read(64 * 1024):
        pending += decoder.decode(block)
        *lines, pending = pending.split("\n")
        for line in lines:
            yield line + "\n"
    pending += decoder.decode(b"", final=True)
    if pending:
        yield pending


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
    except Exception as error:  # noqa: BLE001 - a broken file must never become a 500
        raise UploadRejected(messages[code], code) from error
