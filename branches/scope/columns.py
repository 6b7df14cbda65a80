"""The columns of a list page: what a cell shows, how a value prints, and an export resource made from
the columns for lists that have no import-export resource of their own."""

import datetime as dt
import inspect
from dataclasses import dataclass
from decimal import Decimal
from functools import partial
from types import SimpleNamespace

from django import forms
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ..personal import mask
from ..personal import personal_kind

EMPTY = "—"
EXPORT_CHUNK = 2000


@dataclass(frozen=True)
class Column:
    """One column of the table.

    ``value`` is an attribute path (``"branch.name"``, ``"get_status_display"``; methods are called) or a
    callable ``(obj, view) -> value``; by default the column's ``name``. ``sort`` is the whitelisted ORM
    ordering (a string or a tuple of them) the header link sorts by, or None when the column does not sort.
    ``classes`` go on the cells (e.g. ``"d-none d-md-table-cell"`` to hide a column on phones); ``link``
    makes the cell the link to the record's edit page when there is one.
    """

    name: str
    label: object
    value: object = None
    sort: object = None
    classes: str = ""
    link: bool = False

    def get(self, obj, view):
        # A cell that shows a registered personal field is masked on the page and in the page's export,
        # for everyone (branches/personal); full values only through an unmask action.
        source = self.value if isinstance(self.value, str) else self.name
        kind = personal_kind(type(obj), source) or personal_kind(type(obj), self.name)
        value = self._get(obj, view)
        return mask(kind, value) if kind and isinstance(value, str) else value

    def _get(self, obj, view):
        source = self.value or self.name
        if callable(source):
            return source(obj, view)
        value = obj
        for part in source.split("."):
            value = getattr(value, part, None)
            if value is None:
                return None
            if inspect.ismethod(value) or isinstance(value, partial):  # get_FOO_display is a partial
                value = value()
        return value

    @property
    def orderings(self) -> tuple:
        if self.sort is None:
            return ()
        return (self.sort,) if isinstance(self.sort, str) else tuple(self.sort)


def display(value):
    """A cell's text: dates as ISO dates, booleans as yes/no, empties as a dash."""
    if value is None or value == "":
        return EMPTY
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        text = format(value, "f")
        return text.rstrip("0").rstrip(".") if "." in text else text
    return value


def descending(expression: str) -> str:
    return expression[1:] if expression.startswith("-") else f"-{expression}"


class AnyYesNoSelect(forms.NullBooleanSelect):
    """A yes/no filter whose empty choice reads "all" (Django's reads "unknown", and sends ``unknown``)."""

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.choices = [("", _("All")), ("true", _("Yes")), ("false", _("No"))]

    def format_value(self, value):
        chosen = super().format_value(value)
        return "" if chosen == "unknown" else chosen


def bootstrap_form(form) -> None:
    """Bootstrap classes on django-filter's form widgets (the form's fields are its own copies); a yes/no
    filter offers all, yes and no."""
    for field in form.fields.values():
        if isinstance(field.widget, forms.NullBooleanSelect):
            field.widget = AnyYesNoSelect(field.widget.attrs)
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput):
            css = "form-check-input"
        elif isinstance(widget, forms.Select | forms.SelectMultiple):
            css = "form-select form-select-sm"
        else:
            css = "form-control form-control-sm"
        if isinstance(widget, forms.DateInput):
            widget.input_type = "date"
            widget.format = "%Y-%m-%d"
        widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()


class ColumnsResource:
    """What ``export_xlsx`` (branches/tabular/exports.py) asks of a django-import-export resource, answered
    from a list page's columns, so that a list without a resource exports through the same path (escaping,
    logging)."""

    def __init__(self, view):
        self.view = view
        self._meta = SimpleNamespace(model=view.model)

    def get_export_headers(self) -> list[str]:
        return [str(column.label) for column in self.view.columns]

    def prepare_export_queryset(self, queryset):
        return queryset

    def iter_queryset(self, queryset):
        return queryset.iterator(chunk_size=EXPORT_CHUNK)

    def export_resource(self, obj, force_native_type=True) -> list:
        return [self._native(column.get(obj, self.view)) for column in self.view.columns]

    def export_audit_detail(self) -> dict:
        return {}

    @staticmethod
    def _native(value):
        if value is None:
            return ""
        if isinstance(value, bool):
            return gettext("yes") if value else gettext("no")
        if isinstance(value, dt.datetime) and timezone.is_aware(value):
            return timezone.localtime(value).replace(tzinfo=None)
        if isinstance(value, str | int | float | Decimal | dt.date):
            return value
        return str(value)
