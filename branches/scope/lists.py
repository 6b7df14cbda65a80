"""Declarative list pages for the browser UI: filters, search, sorting, pagination, export to Excel and the
import with its dry-run preview.

A list is a subclass of ``ScopedListView`` that names its model, the app's django-filter FilterSet (the one
the API uses), its columns and, when the API has one, its import-export resource. ``urls(prefix)`` gives its
URL patterns, named ``<basename>-list``, ``-export``, ``-import``, ``-import-template``, ``-import-confirm``
and ``-import-cancel`` inside the app's namespace.

Every queryset starts from ``get_base_queryset()``: the model's ``restrict(user, "view")`` plus what the
matching API viewset selects, so neither the page nor its export ever shows a row outside the user's scope.
The page costs a fixed number of queries whatever the number of rows.
"""

import datetime as dt
import inspect
import operator
from dataclasses import dataclass
from decimal import Decimal
from functools import partial, reduce
from types import SimpleNamespace

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, Http404, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views import View

from branches.scope.querysets import OutOfScope, capability_for, scope_paths
from branches.tabular.exports import (
    CSV_CONTENT_TYPE,
    XLSX_CONTENT_TYPE,
    export_xlsx,
    template_csv,
    template_xlsx,
)
from branches.tabular.importing import import_table
from branches.tabular.reading import MAX_BYTES
from partybuild.http import client_ip

from . import uploads

EMPTY = "—"
MAX_SEARCH_TERMS = 10
EXPORT_CHUNK = 2000
PAGING_PARAMS = frozenset({"page"})
LIST_PARAMS = frozenset({"page", "search", "ordering"})


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


def _descending(expression: str) -> str:
    return expression[1:] if expression.startswith("-") else f"-{expression}"


def _bootstrap(form) -> None:
    """Bootstrap classes on django-filter's form widgets (the form's fields are its own copies)."""
    for field in form.fields.values():
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


class ScopedListView(LoginRequiredMixin, View):
    model = None
    basename = None
    title = None
    filterset_class = None
    filter_fields: tuple = ()
    search_fields: tuple = ()
    search_label = _("Search by name")
    columns: tuple = ()
    default_ordering: tuple = ("pk",)
    page_size = 25
    resource_class = None
    importable = None  # default: when there is a resource
    exportable = True  # with the resource's columns, or else the page's own
    edit_action = "edit"  # rows link to <basename>-<edit_action> when that URL name exists
    mode = "list"
    template_name = "ui/list.html"
    import_template_name = "ui/import.html"
    preview_template_name = "ui/import_preview.html"

    # --- configuration helpers ---------------------------------------------------------------------------

    @classmethod
    def can_import(cls) -> bool:
        return cls.resource_class is not None if cls.importable is None else bool(cls.importable)

    @classmethod
    def urls(cls, prefix: str) -> list:
        """The URL patterns of this list under ``<prefix>/``."""
        name = cls.basename
        patterns = [path(f"{prefix}/", cls.as_view(), name=f"{name}-list")]
        if cls.exportable:
            patterns.append(path(f"{prefix}/export/", cls.as_view(mode="export"), name=f"{name}-export"))
        if cls.can_import():
            patterns += [
                path(f"{prefix}/import/", cls.as_view(mode="import"), name=f"{name}-import"),
                path(
                    f"{prefix}/import/template/",
                    cls.as_view(mode="import_template"),
                    name=f"{name}-import-template",
                ),
                path(
                    f"{prefix}/import/<slug:token>/confirm/",
                    cls.as_view(mode="import_confirm"),
                    name=f"{name}-import-confirm",
                ),
                path(
                    f"{prefix}/import/<slug:token>/cancel/",
                    cls.as_view(mode="import_cancel"),
                    name=f"{name}-import-cancel",
                ),
            ]
        return patterns

    def get_title(self):
        return self.title or self.model._meta.verbose_name_plural

    def get_base_queryset(self):
        """The rows this user may read; subclasses add the select_related/annotations the API uses."""
        return self.model.objects.restrict(self.request.user, "view")

    def url(self, action: str, *args, **kwargs) -> str:
        namespace = self.request.resolver_match.namespace
        prefix = f"{namespace}:" if namespace else ""
        return reverse(f"{prefix}{self.basename}-{action}", args=args or None, kwargs=kwargs or None)

    def optional_url(self, action: str, *args) -> str | None:
        try:
            return self.url(action, *args)
        except NoReverseMatch:
            return None

    def edit_url(self, obj) -> str | None:
        """The record's edit page (``<basename>-<edit_action>`` with the pk), when the app has one and the
        user may enter records at all (reading is checked by the list's queryset, writing by the page)."""
        resolver = getattr(self, "_edit_resolver", "unset")
        if resolver == "unset":
            resolver = None
            action = self.edit_action
            attempts = (lambda pk: self.url(action, pk=pk), lambda pk: self.url(action, pk))
            for attempt in attempts if self.user_may_write() else ():
                try:
                    attempt(obj.pk)
                except NoReverseMatch:
                    continue
                resolver = attempt
                break
            self._edit_resolver = resolver
        return resolver(obj.pk) if resolver else None

    # --- dispatch ----------------------------------------------------------------------------------------

    def get(self, request, *args, **kwargs):
        handlers = {
            "list": self.list_page,
            "export": self.export,
            "import": self.import_form,
            "import_template": self.import_template,
        }
        if self.mode not in handlers:
            return HttpResponseNotAllowed(["POST"])
        return handlers[self.mode]()

    def post(self, request, *args, **kwargs):
        handlers = {
            "import": self.import_upload,
            "import_confirm": lambda: self.import_confirm(kwargs["token"]),
            "import_cancel": lambda: self.import_cancel(kwargs["token"]),
        }
        if self.mode not in handlers:
            return HttpResponseNotAllowed(["GET"])
        return handlers[self.mode]()

    # --- the list ----------------------------------------------------------------------------------------

    def get_filterset(self, queryset):
        filterset = self.filterset_class(self.request.GET, queryset=queryset, request=self.request)
        _bootstrap(filterset.form)
        return filterset

    def search(self, queryset):
        terms = self.request.GET.get("search", "").split()[:MAX_SEARCH_TERMS]
        for term in terms:
            queryset = queryset.filter(
                reduce(operator.or_, (Q(**{f"{field}__icontains": term}) for field in self.search_fields))
            )
        return queryset

    def sortable(self) -> dict:
        return {column.name: column for column in self.columns if column.sort is not None}

    def chosen_ordering(self) -> tuple[str, list[str]]:
        """The ``ordering`` parameter if it names a sortable column (else "" and the default order), and
        the ORM ordering, ending with the primary key so that pages never overlap."""
        raw = self.request.GET.get("ordering", "").strip()
        column = self.sortable().get(raw.removeprefix("-"))
        ordering = list(self.default_ordering)
        if column is None:
            raw = ""
        else:
            expressions = column.orderings
            if raw.startswith("-"):
                expressions = tuple(_descending(expression) for expression in expressions)
            ordering = [*expressions, *ordering]
        if "pk" not in ordering and "-pk" not in ordering:
            ordering.append("pk")
        return raw, ordering

    def filtered(self):
        """(filterset, the filtered, searched and ordered queryset, the ordering parameter in effect)."""
        filterset = self.get_filterset(self.get_base_queryset())
        queryset = filterset.qs if filterset.is_valid() else filterset.queryset.none()
        if self.search_fields:
            queryset = self.search(queryset)
        raw, ordering = self.chosen_ordering()
        return filterset, queryset.order_by(*ordering), raw

    def query_without(self, *names, **values) -> str:
        params = self.request.GET.copy()
        for name in names:
            params.pop(name, None)
        for name, value in values.items():
            params[name] = value
        encoded = params.urlencode()
        return f"?{encoded}" if encoded else "?"

    def headers(self, ordering: str) -> list[dict]:
        headers = []
        for column in self.columns:
            header = {"column": column, "label": column.label, "href": None, "direction": None}
            if column.sort is not None:
                ascending = ordering == column.name
                descending = ordering == f"-{column.name}"
                header["direction"] = "ascending" if ascending else "descending" if descending else None
                target = f"-{column.name}" if ascending else column.name
                header["href"] = self.query_without("page", ordering=target)
            headers.append(header)
        return headers

    def rows(self, objects) -> list[dict]:
        rows = []
        for obj in objects:
            edit = self.edit_url(obj)
            cells = [
                {
                    "column": column,
                    "text": display(column.get(obj, self)),
                    "href": edit if column.link else None,
                }
                for column in self.columns
            ]
            rows.append({"object": obj, "cells": cells, "edit_url": edit})
        return rows

    def list_context(self, filterset, queryset, ordering) -> dict:
        page = Paginator(queryset, self.page_size).get_page(self.request.GET.get("page"))
        visible = [filterset.form[name] for name in self.filter_fields if name in filterset.form.fields]
        filtering = any(
            self.request.GET.get(name) not in (None, "")
            for name in self.request.GET
            if name not in LIST_PARAMS
        )
        return {
            "view": self,
            "title": self.get_title(),
            "filterset": filterset,
            "filter_form": filterset.form,
            "filter_fields": visible,
            "filter_errors": filterset.form.errors if filterset.form.is_bound else {},
            "filtering": filtering,
            "search_enabled": bool(self.search_fields),
            "search_label": self.search_label,
            "search": self.request.GET.get("search", ""),
            "ordering": ordering,
            "sort_ignored": bool(self.request.GET.get("ordering", "").strip()) and not ordering,
            "headers": self.headers(ordering),
            "page": page,
            "rows": self.rows(page.object_list),
            "page_query": self.query_without("page"),
            "list_url": self.url("list"),
            "export_url": self.url("export") + self.query_without("page") if self.exportable else None,
            "import_url": self.url("import") if self.can_import() and self.user_may_import() else None,
            "create_url": self.optional_url("create") if self.user_may_write() else None,
        }

    def list_page(self):
        filterset, queryset, ordering = self.filtered()
        return render(self.request, self.template_name, self.list_context(filterset, queryset, ordering))

    # --- export ------------------------------------------------------------------------------------------

    def export(self):

        filterset, queryset, ordering = self.filtered()
        if filterset.form.errors:
            return render(self.request, self.template_name, self.list_context(filterset, queryset, ordering))
        request = self.request
        filters = {key: request.GET.getlist(key) for key in request.GET if key not in PAGING_PARAMS}
        title = str(self.model._meta.verbose_name_plural)
        output, _rows = export_xlsx(
            actor=request.user,
            resource=self.export_resource(),
            queryset=queryset,
            title=title,
            filters=filters,
            ip_address=client_ip(request),
        )
        filename = f"{title}-{timezone.localdate():%Y%m%d}.xlsx"
        return FileResponse(output, as_attachment=True, filename=filename, content_type=XLSX_CONTENT_TYPE)

    def export_resource(self):
        """The app's import-export resource, or for a list without one an adapter writing the page's own
        columns (raw values: dates stay dates; masked columns stay masked)."""
        if self.resource_class is not None:
            return self.resource_class(actor=self.request.user)
        return ColumnsResource(self)

    # --- import ------------------------------------------------------------------------------------------

    def user_may_write(self) -> bool:
        """Whether the user may add records of this model anywhere (one query per request, cached)."""

        return scope_paths(self.request.user, capability_for(self.model, "add")) != []

    def user_may_import(self) -> bool:
        return self.user_may_write()

    def check_import(self) -> None:
        if not self.can_import() or not self.user_may_import():
            raise Http404

    @property
    def upload_kind(self) -> str:
        return f"{self.model._meta.label_lower}:{self.basename}"

    def import_context(self, **extra) -> dict:
        return {
            "view": self,
            "title": self.get_title(),
            "list_url": self.url("list"),
            "import_url": self.url("import"),
            "template_xlsx_url": self.url("import-template") + "?file_format=xlsx",
            "template_csv_url": self.url("import-template") + "?file_format=csv",
            "max_mb": self.max_bytes() // (1024 * 1024),
            "errors": [],
            **extra,
        }

    def max_bytes(self) -> int:

        return getattr(self.resource_class, "max_bytes", None) or MAX_BYTES

    def import_form(self):
        self.check_import()
        return render(self.request, self.import_template_name, self.import_context())

    def import_template(self):

        self.check_import()
        file_format = self.request.GET.get("file_format", "xlsx")
        resource = self.resource_class(actor=self.request.user)
        if file_format == "csv":
            content, content_type = template_csv(resource), CSV_CONTENT_TYPE
        else:
            file_format = "xlsx"
            content, content_type = template_xlsx(resource), XLSX_CONTENT_TYPE
        filename = f"{resource.template_title}.{file_format}"
        return FileResponse(content, as_attachment=True, filename=filename, content_type=content_type)

    def run_import(self, pending, *, dry_run: bool):

        upload = pending.open()
        try:
            return import_table(
                actor=self.request.user,
                resource=self.resource_class(actor=self.request.user),
                upload=upload,
                dry_run=dry_run,
            )
        except OutOfScope as error:
            raise Http404 from error
        finally:
            upload.close()

    def import_upload(self):
        self.check_import()
        upload = self.request.FILES.get("file")
        if upload is None:
            return self._import_refused([gettext("Choose an .xlsx or .csv file to import.")])
        if upload.size > self.max_bytes():
            message = gettext("The file is larger than %(max)s MB.") % {
                "max": self.max_bytes() // (1024 * 1024)
            }
            return self._import_refused([message])
        pending = uploads.store(self.request, upload, kind=self.upload_kind)
        try:
            report = self.run_import(pending, dry_run=True)
        except ValidationError as error:
            uploads.discard(self.request, pending.token)
            return self._import_refused(error.messages)
        except BaseException:
            uploads.discard(self.request, pending.token)
            raise
        return self._preview(report, pending=pending)

    def import_confirm(self, token: str):
        self.check_import()
        pending = uploads.fetch(self.request, token, kind=self.upload_kind, claim=True)
        try:
            report = self.run_import(pending, dry_run=False)
        except ValidationError as error:
            return self._import_refused(error.messages)
        finally:
            uploads.discard(self.request, token)
        if not report.committed:
            return self._preview(report, pending=None, refused=True)
        messages.success(
            self.request,
            gettext("Imported %(count)s rows from %(name)s.")
            % {"count": report.created, "name": pending.name},
        )
        return redirect(self.url("list"))

    def import_cancel(self, token: str):
        self.check_import()
        uploads.fetch(self.request, token, kind=self.upload_kind)
        uploads.discard(self.request, token)
        messages.info(self.request, gettext("Import cancelled: nothing was written."))
        return redirect(self.url("list"))

    def _import_refused(self, errors):
        return render(self.request, self.import_template_name, self.import_context(errors=errors))

    def _preview(self, report, *, pending, refused=False):
        data = report.as_dict()
        headers = list(data["preview"][0].keys()) if data["preview"] else []
        preview_rows = [[display(row.get(header)) for header in headers] for row in data["preview"]]
        errors = [
            {"row": entry["row"], "column": error["column"] or "", "message": error["message"]}
            for entry in data["errors"]
            for error in entry["errors"]
        ]
        context = self.import_context(
            report=data,
            file_name=pending.name if pending else "",
            token=pending.token if pending else None,
            confirm_url=self.url("import-confirm", token=pending.token) if pending else None,
            cancel_url=self.url("import-cancel", token=pending.token) if pending else None,
            preview_headers=headers,
            preview_rows=preview_rows,
            row_errors=errors,
            refused=refused,
        )
        return render(self.request, self.preview_template_name, context)
