"""Tabular imports (xlsx, csv) for any scoped model: upload guards, streaming reads, row errors in the user's
language, then all rows or none.

A django-import-export ``ModelResource`` built on ``ImportableResource`` declares the columns (fixed Chinese
headers and the widgets below). ``import_table`` reads the file row by row, validates it in chunks with
set-based queries (codes of related records, duplicates against the database) and writes each chunk with
``bulk_create_with_history`` while every row so far is clean; one error anywhere rolls the whole import
back. django-import-export's own ``import_data`` is not used for the write path: it loads, validates and
saves row by row (a query or more per row and per foreign key), too slow for 10,000 rows in 15 seconds.
"""

import codecs
import csv
import os
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from itertools import islice

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _
from import_export import resources, widgets
from simple_history.utils import bulk_create_with_history

from .models import Organization
from .scoping import NOT_ALLOWED, OutOfScope, capability_for, scope_paths

MAX_BYTES = getattr(settings, "IMPORT_MAX_BYTES", 10 * 1024 * 1024)
MAX_ROWS = getattr(settings, "IMPORT_MAX_ROWS", 20_000)
MAX_UNCOMPRESSED_BYTES = getattr(settings, "IMPORT_MAX_UNCOMPRESSED_BYTES", 100 * 1024 * 1024)
MAX_ZIP_ENTRIES = getattr(settings, "IMPORT_MAX_ZIP_ENTRIES", 500)
CHUNK_SIZE = 1000
PREVIEW_ROWS = 20

XLSX_REQUIRED_ENTRIES = ("[Content_Types].xml", "xl/workbook.xml")
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
NUMERIC_FORM = re.compile(r"[+-]?\d+(\.\d*)?[eE][+-]?\d+|[+-]?\d+\.\d*")
DATE_FORM = re.compile(
    r"(?:(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?|(\d{4})(\d{2})(\d{2}))"
    r"(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?"
)
FORMULA_ESCAPE = re.compile(r"'(?=[=+\-@\t\r])")

UNKNOWN_OR_NOT_YOURS = _("Unknown code, or not one of the organizations you are responsible for.")
CONFLICT = _("Someone registered some of these records while the file was being imported; import it again.")
NUMERIC_CELL = _(
    "This cell is a number, which loses digits: format the column as text and enter the value again."
)


class UploadRejected(ValidationError):
    """The file as a whole cannot be imported (too big, wrong type, damaged, missing columns)."""

    def __init__(self, message, code):
        super().__init__({"file": [ValidationError(message, code=code)]})


class CellError(ValueError):
    def __init__(self, code: str, message):
        super().__init__(code)
        self.code = code
        self.message = message


def is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


# --- widgets: one per kind of cell, usable for export by django-import-export as well --------------------


class TextWidget(widgets.CharWidget):
    """Text. An ``identifier`` (an ID number, a code) is refused when a spreadsheet made it a number, which
    loses digits, and is normalized: full-width characters to ASCII, letters to upper case."""

    def __init__(self, *, identifier=False):
        super().__init__(coerce_to_string=True, allow_blank=True)
        self.identifier = identifier

    def clean(self, value, row=None, **kwargs):
        if value is None:
            return ""
        if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
            if self.identifier:
                raise CellError("numeric_cell", NUMERIC_CELL)
            value = _number_text(value)
        text = FORMULA_ESCAPE.sub("", str(value).strip(), count=1)
        if not self.identifier:
            return text
        text = unicodedata.normalize("NFKC", text).strip().upper()
        if NUMERIC_FORM.fullmatch(text):
            raise CellError("numeric_cell", NUMERIC_CELL)
        return text

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)

    def hint(self):
        return _("Text; format the column as text.") if self.identifier else _("Text.")


def _number_text(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


class ChoiceWidget(widgets.Widget):
    """A choice written as its Chinese label; the stored value and a few common synonyms are accepted too."""

    def __init__(self, labels: dict[str, str], aliases: dict[str, str] | None = None):
        super().__init__(coerce_to_string=True)
        self.labels = labels
        self.lookup = {_fold(value): value for value in labels}
        self.lookup |= {_fold(label): value for value, label in labels.items()}
        self.lookup |= {_fold(alias): value for alias, value in (aliases or {}).items()}

    def clean(self, value, row=None, **kwargs):
        if is_blank(value):
            return ""
        text = str(value).strip()
        try:
            return self.lookup[_fold(text)]
        except KeyError:
            allowed = "、".join(self.labels.values())
            raise CellError(
                "choice", _("“%(value)s” is not one of: %(allowed)s.") % {"value": text, "allowed": allowed}
            ) from None

    def render(self, value, obj=None, **kwargs):
        return self.labels.get(value, value or "")

    def hint(self):
        return _("One of: %(allowed)s.") % {"allowed": "、".join(self.labels.values())}


def _fold(text: str) -> str:
    return re.sub(r"\s+", "", text).casefold()


class DateWidget(widgets.Widget):
    """A date cell, or text such as 1990-01-31, 1990/1/31, 1990.01.31, 1990年1月31日 or 19900131."""

    def clean(self, value, row=None, **kwargs):
        if is_blank(value):
            return None
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        if isinstance(value, (int, float, Decimal)):
            raise CellError(
                "date_format", _("Enter the date as text like 1990-01-31, or format the cell as a date.")
            )
        text = str(value).strip()
        match = DATE_FORM.fullmatch(text)
        if not match:
            raise CellError(
                "date_format", _("“%(value)s” is not a date; write it like 1990-01-31.") % {"value": text}
            )
        year, month, day = (int(part) for part in (match.groups()[:3] if match[1] else match.groups()[3:]))
        try:
            if not 1900 <= year <= 2100:
                raise ValueError(year)
            return date(year, month, day)
        except ValueError:
            raise CellError("impossible_date", _("%(value)s is not a real date.") % {"value": text}) from None

    def render(self, value, obj=None, **kwargs):
        if not value:
            return None if kwargs.get("force_native_type") else ""
        return value if kwargs.get("force_native_type") else value.isoformat()

    def hint(self):
        return _("Date, like 1990-01-31.")


class BooleanWidget(widgets.Widget):
    TRUE = frozenset({"是", "y", "yes", "true", "1", "√"})
    FALSE = frozenset({"否", "n", "no", "false", "0", "×"})

    def clean(self, value, row=None, **kwargs):
        if is_blank(value):
            return False
        if isinstance(value, bool):
            return value
        text = _fold(_number_text(value) if isinstance(value, (int, float)) else str(value))
        if text in self.TRUE:
            return True
        if text in self.FALSE:
            return False
        raise CellError("boolean", _("Write 是 or 否."))

    def render(self, value, obj=None, **kwargs):
        return "是" if value else "否"

    def hint(self):
        return _("是 or 否.")


class IntegerWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        if is_blank(value):
            return None
        try:
            number = Decimal(str(value).strip())
        except ArithmeticError:
            number = None
        if number is None or not number.is_finite() or number != number.to_integral_value() or number < 0:
            raise CellError("integer", _("Enter a whole number."))
        return int(number)

    def render(self, value, obj=None, **kwargs):
        return value if kwargs.get("force_native_type") else ("" if value is None else str(value))

    def hint(self):
        return _("A whole number.")


class LookupWidget(widgets.ForeignKeyWidget):
    """A related record named by a unique key (an organization's code, a member's ID number).

    Resolved by ``import_table`` for a whole chunk at once, within the importer's scope for ``action``;
    a key that is unknown and one outside the scope get the same message.
    """

    def __init__(self, model, field, *, action="records", key_widget=None, unknown_message=None):
        super().__init__(model, field)
        self.action = action
        self.key_widget = key_widget or TextWidget()
        self.unknown_message = unknown_message or UNKNOWN_OR_NOT_YOURS

    def key(self, value) -> str:
        return self.key_widget.clean(value)

    def resolve(self, keys, actor) -> dict:
        queryset = self.model._default_manager.restrict(actor, self.action)
        return {getattr(obj, self.field): obj for obj in queryset.filter(**{f"{self.field}__in": keys})}

    def check(self, obj):
        """Raise CellError when a found record cannot be used."""

    def clean(self, value, row=None, **kwargs):
        raise ImproperlyConfigured("Lookup columns are resolved in chunks by branches.imports.import_table.")

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else getattr(value, self.field)

    def hint(self):
        return self.key_widget.hint()


class OrganizationCodeWidget(LookupWidget):
    def __init__(self, *, action="records"):
        super().__init__(Organization, "code", action=action)

    def check(self, obj):
        if obj.dissolved_on:
            raise CellError("dissolved", _("This organization has been dissolved."))

    def hint(self):
        return _("The organization's code, as shown in the organization list.")


# --- the resource base ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    header: str
    attribute: str
    widget: widgets.Widget
    required: bool

    @property
    def is_lookup(self) -> bool:
        return isinstance(self.widget, LookupWidget)


class ImportableResource(resources.ModelResource):
    """Base for resources imported with ``import_table``. Subclasses may set ``header_aliases``,
    ``optional_columns`` (required by the model but filled in by ``prepare_instance``), ``key_column`` and
    override the hooks."""

    header_aliases: dict[str, str] = {}
    optional_columns: frozenset[str] = frozenset()
    key_column: str | None = None
    template_title = _("Import template")
    # Rows validated (set-based) and written together; 1 for resources whose rules query earlier rows.
    import_chunk_size = CHUNK_SIZE
    # Upload limits of this kind of file; None: the project's IMPORT_MAX_ROWS / IMPORT_MAX_BYTES.
    max_rows: int | None = None
    max_bytes: int | None = None

    def __init__(self, *, actor=None, **kwargs):
        super().__init__(**kwargs)
        self.actor = actor

    def import_columns(self) -> list[Column]:
        model_fields = {f.name: f for f in self._meta.model._meta.get_fields() if hasattr(f, "blank")}
        columns = []
        for resource_field in self.get_import_fields():
            if resource_field.readonly or not resource_field.attribute:
                continue
            model_field = model_fields.get(resource_field.attribute)
            required = bool(
                model_field
                and not model_field.blank
                and not model_field.has_default()
                and resource_field.attribute not in self.optional_columns
            )
            columns.append(
                Column(
                    str(resource_field.column_name), resource_field.attribute, resource_field.widget, required
                )
            )
        return columns

    # --- hooks ---
    def build_instance(self, values: dict):
        return self._meta.model(**values)

    def prepare_instance(self, instance) -> None:
        """Fill derived values before validation."""

    def validate_instance(self, instance, exclude) -> None:
        instance.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)

    def import_key(self, instance):
        """The value that must be unique in the file and in the database; None when there is none."""
        return

    def existing_keys(self, keys) -> set:
        return set()

    def write(self, instances, actor) -> None:
        bulk_create_with_history(instances, self._meta.model, batch_size=CHUNK_SIZE, default_user=actor)

    def prepare_export_queryset(self, queryset):
        """Add the select_related/prefetch_related the export columns need."""
        return queryset

    def export_audit_detail(self) -> dict:
        """Extra facts recorded with an export's security event (e.g. how many rows were unmasked)."""
        return {}


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
    import openpyxl

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


# --- the import itself ------------------------------------------------------------------------------------


@dataclass
class RowErrors:
    row: int
    errors: list = field(default_factory=list)

    def add(self, column: str | None, code: str, message) -> None:
        self.errors.append({"column": column, "code": code, "message": str(message)})


@dataclass
class ImportReport:
    dry_run: bool
    total_rows: int = 0
    created: int = 0
    rows_with_errors: list[RowErrors] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    preview: list[dict] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.rows_with_errors

    @property
    def committed(self) -> bool:
        return self.ok and not self.dry_run

    def as_dict(self) -> dict:
        return {
            "dry_run": self.dry_run,
            "committed": self.committed,
            "total_rows": self.total_rows,
            "valid_rows": self.total_rows - len(self.rows_with_errors),
            "error_rows": len(self.rows_with_errors),
            "created": self.created,
            "errors": [{"row": r.row, "errors": r.errors} for r in self.rows_with_errors],
            "ignored_columns": self.ignored_columns,
            "preview": self.preview,
        }


def import_table(*, actor, resource: ImportableResource, upload, dry_run: bool = True) -> ImportReport:
    """Validate every row of ``upload``; unless ``dry_run``, write all rows or, if any row is wrong, none.

    Valid rows are written as they are read, in a dry run too, so that rules reading the database see the
    earlier rows of the file; the transaction is rolled back at the end of a dry run or when any row failed.
    A dry run therefore predicts the commit exactly.
    """
    if scope_paths(actor, capability_for(resource._meta.model, "add")) == []:
        raise OutOfScope(NOT_ALLOWED)
    report = ImportReport(dry_run=dry_run)
    with open_table(upload, resource.max_bytes) as table:
        columns = match_columns(resource, table.header, report)
        importer = _ChunkImporter(actor, resource, columns, report)
        try:
            with transaction.atomic():
                rows = table.data_rows(resource.max_rows)
                while chunk := list(islice(rows, resource.import_chunk_size)):
                    importer.process(chunk)
                if dry_run or not report.ok:
                    transaction.set_rollback(True)
        except IntegrityError as error:
            raise UploadRejected(CONFLICT, "conflict") from error
    if report.total_rows == 0:
        raise UploadRejected(_("The file has no rows to import under its header row."), "no_rows")
    report.created = importer.written if report.committed else 0
    return report


def normalize_header(text) -> str:
    text = re.sub(r"\s+", "", "" if text is None else str(text))
    text = re.sub(r"[（(][^）)]*[）)]$", "", text)
    return text.rstrip("*＊")


def match_columns(resource, header, report) -> list[tuple[int, Column]]:
    by_header = {normalize_header(column.header): column for column in resource.import_columns()}
    aliases = {normalize_header(alias): name for alias, name in resource.header_aliases.items()}
    matched: dict[str, tuple[int, Column]] = {}
    for index, raw in enumerate(header):
        name = normalize_header(raw)
        column = by_header.get(name) or by_header.get(normalize_header(aliases.get(name, "")))
        if column is None:
            if name:
                report.ignored_columns.append(str(raw).strip())
            continue
        if column.attribute in matched:
            raise UploadRejected(
                _("The column “%(column)s” appears twice.") % {"column": column.header}, "duplicate_column"
            )
        matched[column.attribute] = (index, column)
    missing = [c.header for c in by_header.values() if c.required and c.attribute not in matched]
    if not header or missing:
        raise UploadRejected(
            _("Columns missing: %(columns)s. Download the template to see the expected columns.")
            % {"columns": "、".join(missing or [c.header for c in by_header.values()])},
            "missing_columns",
        )
    return list(matched.values())


class _ChunkImporter:
    def __init__(self, actor, resource, columns, report):
        self.actor = actor
        self.resource = resource
        self.columns = columns
        self.report = report
        self.lookup_cache: dict[str, dict] = {
            column.attribute: {} for _, column in columns if column.is_lookup
        }
        self.seen_keys: dict = {}
        self.written = 0
        self.headers = {column.attribute: column.header for _, column in columns}
        self.key_header = resource.key_column

    def process(self, chunk) -> None:
        parsed = [self._parse(number, cells) for number, cells in chunk]
        self._resolve_lookups(parsed)
        built = [(row, errors, self._build(row, errors)) for row, errors in parsed]
        self._check_duplicates(built)
        valid = [instance for _, errors, instance in built if not errors.errors]
        self.report.total_rows += len(built)
        self.report.rows_with_errors += [errors for _, errors, _ in built if errors.errors]
        self._preview(valid)
        if valid:
            self.resource.write(valid, self.actor)
            self.written += len(valid)

    def _parse(self, number, cells):
        values, keys, errors = {}, {}, RowErrors(number)
        for index, column in self.columns:
            raw = cells[index] if index < len(cells) else None
            if is_blank(raw):
                if column.required:
                    errors.add(column.header, "required", _("This column must be filled in."))
                continue
            try:
                if column.is_lookup:
                    keys[column.attribute] = column.widget.key(raw)
                else:
                    values[column.attribute] = column.widget.clean(raw)
            except CellError as error:
                errors.add(column.header, error.code, error.message)
        return (values, keys), errors

    def _resolve_lookups(self, parsed) -> None:
        for _index, column in self.columns:
            if not column.is_lookup:
                continue
            cache = self.lookup_cache[column.attribute]
            wanted = {keys[column.attribute] for (_v, keys), _e in parsed if column.attribute in keys}
            unseen = wanted - cache.keys()
            if unseen:
                found = column.widget.resolve(unseen, self.actor)
                cache.update({key: found.get(key) for key in unseen})
            for (values, keys), errors in parsed:
                if column.attribute in keys:
                    self._assign(column, cache.get(keys[column.attribute]), values, errors)

    @staticmethod
    def _assign(column, obj, values, errors) -> None:
        if obj is None:
            errors.add(column.header, "unknown_or_not_yours", column.widget.unknown_message)
            return
        try:
            column.widget.check(obj)
        except CellError as error:
            errors.add(column.header, error.code, error.message)
            return
        values[column.attribute] = obj

    def _build(self, parsed_row, errors):
        values, _keys = parsed_row
        instance = self.resource.build_instance(values)
        self.resource.prepare_instance(instance)
        with_errors = _columns_of(errors)
        failed = {column.attribute for _, column in self.columns if column.header in with_errors}
        exclude = failed | {column.attribute for _, column in self.columns if column.is_lookup}
        try:
            self.resource.validate_instance(instance, exclude=sorted(exclude))
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                if name in failed:
                    continue
                for message in messages:
                    errors.add(self.headers.get(name), "invalid", message)
        return instance

    def _check_duplicates(self, built) -> None:
        fresh = {}
        for _row, errors, instance in built:
            key = self.resource.import_key(instance)
            if key is None or self.key_header in _columns_of(errors):
                continue
            if key in self.seen_keys:
                message = _("The same as row %(row)s of this file.") % {"row": self.seen_keys[key]}
                errors.add(self.key_header, "duplicate_in_file", message)
                continue
            self.seen_keys[key] = errors.row
            fresh[key] = errors
        for key in self.resource.existing_keys(list(fresh)) if fresh else ():
            fresh[key].add(self.key_header, "duplicate_in_database", _("This record is already registered."))

    def _preview(self, valid) -> None:
        room = PREVIEW_ROWS - len(self.report.preview)
        if room <= 0:
            return
        headers = self.resource.get_export_headers()
        for instance in valid[:room]:
            self.report.preview.append(
                dict(zip(headers, self.resource.export_resource(instance), strict=True))
            )


def _columns_of(errors: RowErrors) -> set:
    return {error["column"] for error in errors.errors}
