"""Cells of an imported table: the widgets that turn a cell into a value (and back for exports), each
refusal a message in the user's language."""

import re
import unicodedata
from datetime import date
from datetime import datetime
from decimal import Decimal

from django.core.exceptions import ImproperlyConfigured
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from import_export import widgets

from partybuild.years import FIRST_DATE_YEAR
from partybuild.years import LAST_YEAR

from ..models import Organization

NUMERIC_FORM = re.compile(r"[+-]?\d+(\.\d*)?[eE][+-]?\d+|[+-]?\d+\.\d*")
DATE_FORM = re.compile(
    r"(?:(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?|(\d{4})(\d{2})(\d{2}))"
    r"(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?"
)
FORMULA_ESCAPE = re.compile(r"'(?=[=+\-@\t\r])")
UNKNOWN_OR_NOT_YOURS = _("Unknown code, or not one of the organizations you are responsible for.")
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
        text = str(value).strip()
        if "'" in text:  # the escape an export put before a formula (exports.py); most cells have none
            text = FORMULA_ESCAPE.sub("", text, count=1)
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
        if len(text) == 10 and text[4] == text[7] == "-":  # 1990-01-31, as most files write it
            try:
                day = date.fromisoformat(text)
            except ValueError:
                day = None
            if day is not None and FIRST_DATE_YEAR <= day.year <= LAST_YEAR:
                return day
        match = DATE_FORM.fullmatch(text)
        if not match:
            raise CellError(
                "date_format", _("“%(value)s” is not a date; write it like 1990-01-31.") % {"value": text}
            )
        year, month, day = (int(part) for part in (match.groups()[:3] if match[1] else match.groups()[3:]))
        try:
            if not FIRST_DATE_YEAR <= year <= LAST_YEAR:
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


MONTH_FORM = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?|(\d{4})(\d{2})")


class MonthWidget(DateWidget):
    """A month, stored as its first day: a date cell (any day of the month names it), or text such as
    2026-03, 2026/3, 2026年3月, 202603 or a full date."""

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, str) and (match := MONTH_FORM.fullmatch(value.strip())):
            year, month = (int(part) for part in (match.groups()[:2] if match[1] else match.groups()[2:]))
            if FIRST_DATE_YEAR <= year <= LAST_YEAR and 1 <= month <= 12:
                return date(year, month, 1)
            raise CellError("impossible_date", _("%(value)s is not a real month.") % {"value": value.strip()})
        try:
            day = super().clean(value, row, **kwargs)
        except CellError as error:
            if error.code != "date_format":
                raise
            raise CellError(
                "month_format", _("“%(value)s” is not a month; write it like 2026-03.") % {"value": value}
            ) from None
        return day.replace(day=1) if day else None

    def render(self, value, obj=None, **kwargs):
        if not value or kwargs.get("force_native_type"):
            return super().render(value, obj, **kwargs)
        return f"{value:%Y-%m}"

    def hint(self):
        return _("Month, like 2026-03.")


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


class NumberWidget(widgets.Widget):
    """A number cell, or text that reads as one; ``allows`` says which numbers the column takes, refused
    with ``code`` and ``message``."""

    code = "number"
    message = _("Enter a number, like 1234.50.")
    hint_text = _("A number, like 1234.50.")

    def text(self, value) -> str:
        return str(value).strip()

    def allows(self, number: Decimal) -> bool:
        return True

    def convert(self, number: Decimal):
        return number

    def clean(self, value, row=None, **kwargs):
        if is_blank(value):
            return None
        try:
            number = Decimal(self.text(value))
        except (ArithmeticError, ValueError):
            number = None
        if number is None or not number.is_finite() or not self._allows(number):
            raise CellError(self.code, self.message)
        return self.convert(number)

    def _allows(self, number: Decimal) -> bool:
        try:
            return self.allows(number)
        except ArithmeticError:  # a number too large to round or compare (1E+30 rounded to tenths)
            return False

    def render(self, value, obj=None, **kwargs):
        return value if kwargs.get("force_native_type") else ("" if value is None else str(value))

    def hint(self):
        return self.hint_text


class DecimalWidget(NumberWidget):
    """A number cell, or text like 1234.5 or 1,234.50."""

    def text(self, value) -> str:
        return str(value).strip().replace(",", "").replace("，", "")


class IntegerWidget(NumberWidget):
    code = "integer"
    message = _("Enter a whole number.")
    hint_text = _("A whole number.")

    def allows(self, number: Decimal) -> bool:
        return number >= 0 and number == number.to_integral_value()

    def convert(self, number: Decimal) -> int:
        return int(number)


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
        raise ImproperlyConfigured(
            "Lookup columns are resolved in chunks by branches.tabular.importing.import_table."
        )

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
        return _("The organization's code, as shown on the organization tree page (menu: Organizations).")


def loaded_relation(record, relation):
    """A related record already loaded or assigned (select_related, import), without a query."""
    return record._state.fields_cache.get(relation)
