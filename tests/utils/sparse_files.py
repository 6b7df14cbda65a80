"""Hostile upload files built directly as bytes: a workbook whose sheet holds many empty rows (small when
compressed, large when unpacked) and a csv of blank lines. Shared by the reader's tests and its benchmark."""

import io
import zipfile

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>"
)
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Target="xl/workbook.xml" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"/>'
    "</Relationships>"
)
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Target="worksheets/sheet1.xml" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"/>'
    "</Relationships>"
)
SHEET_HEAD = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
)
SHEET_TAIL = b"</sheetData></worksheet>"


def _inline(column: str, row: int, text: str) -> bytes:
    return f'<c r="{column}{row}" t="inlineStr"><is><t>{text}</t></is></c>'.encode()


def blank_rows_xlsx(blank_rows: int, *, header=("姓名",), empty_row=b"<row/>", declared_size=None) -> bytes:
    """A workbook whose first sheet has a header row, then ``blank_rows`` rows without a value.

    ``empty_row`` is how each blank row is written; ``declared_size``, if given, is the sheet's unpacked
    size written in the archive's directory (a lie when smaller than the truth).
    """
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    head_row = b'<row r="1">' + b"".join(_inline(letters[i], 1, h) for i, h in enumerate(header)) + b"</row>"
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
        zipped.writestr("[Content_Types].xml", CONTENT_TYPES)
        zipped.writestr("_rels/.rels", ROOT_RELS)
        zipped.writestr("xl/workbook.xml", WORKBOOK)
        zipped.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        with zipped.open("xl/worksheets/sheet1.xml", "w", force_zip64=False) as sheet:
            sheet.write(SHEET_HEAD + head_row)
            block = empty_row * 100_000 if blank_rows >= 100_000 else b""
            written = 0
            while written + 100_000 <= blank_rows:
                sheet.write(block)
                written += 100_000
            sheet.write(empty_row * (blank_rows - written) + SHEET_TAIL)
    data = archive.getvalue()
    return _declare_size(data, "xl/worksheets/sheet1.xml", declared_size) if declared_size else data


def _declare_size(data: bytes, name: str, size: int) -> bytes:
    """Rewrite the uncompressed size of ``name`` in the central directory and its local header."""
    patched = bytearray(data)
    encoded = name.encode()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        info = archive.getinfo(name)
    local = info.header_offset
    patched[local + 22 : local + 26] = size.to_bytes(4, "little")
    central = bytes(patched).rfind(b"PK\x01\x02" + bytes(patched[local + 4 : local + 6]))
    while central >= 0 and bytes(patched[central + 46 : central + 46 + len(encoded)]) != encoded:
        central = bytes(patched).rfind(b"PK\x01\x02", 0, central)
    patched[central + 24 : central + 28] = size.to_bytes(4, "little")
    return bytes(patched)


def blank_lines_csv(blank_lines: int, header: str = "姓名") -> bytes:
    return (header + "\r\n").encode() + b"\r\n" * blank_lines
