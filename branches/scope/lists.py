"""Declarative list pages for the browser UI: filters, search, sorting, pagination, export to Excel and the
import with its dry-run preview.

A list is a subclass of ``ScopedListView`` that names its model, the app's django-filter FilterSet (the one
the API uses), its columns and, when the API has one, its import-export resource. ``urls(prefix)`` gives its
URL patterns, named ``<basename>-list``, ``-export``, ``-import``, ``-import-template``, ``-import-confirm``,
``-import-cancel``, ``-import-job`` and ``-import-job-progress`` inside the app's namespace.

Every queryset starts from ``get_base_queryset()``: the app's selector named as ``list_selector`` (the one
the matching API viewset reads), or else the model's ``restrict(user, "view")``, so neither the page nor its
export ever shows a row outside the user's scope. The page costs a fixed number of queries whatever the number
of rows.
"""

import operator
from functools import reduce

from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import Q
from django.http import FileResponse
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect
from django.shortcuts import render
from django.urls import NoReverseMatch
from django.urls import path
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views import View

from branches.tabular.exports import XLSX_CONTENT_TYPE
from branches.tabular.exports import export_xlsx
from branches.tabular.jobs import export_or_queue
from partybuild.http import client_ip
from partybuild.pagination import BoundedCountPaginator

from .columns import ColumnsResource
from .columns import bootstrap_form
from .columns import descending
from .columns import display
from .filtering import filter_errors
from .list_imports import ListImportMixin
from .navigation import RequirementMixin

MAX_SEARCH_TERMS = 10
PAGING_PARAMS = frozenset({"page"})
LIST_PARAMS = frozenset({"page", "search", "ordering"})


# The import steps of a list page: (route under <prefix>/import/, view mode; the URL name is the mode's).
IMPORT_ROUTES = (
    ("", "import"),
    ("template/", "import_template"),
    ("<slug:token>/confirm/", "import_confirm"),
    ("<slug:token>/cancel/", "import_cancel"),
    ("jobs/<uuid:job>/", "import_job"),
    ("jobs/<uuid:job>/progress/", "import_job_progress"),
)


def labelled_errors(form) -> list[tuple[str, str]]:
    """A filter form's errors as (the field's label, or "" for the query as a whole, message)."""
    return [
        (str(form.fields[name].label or name) if name in form.fields else "", message)
        for name, messages in form.errors.items()
        for message in messages
    ]


class ScopedListView(ListImportMixin, LoginRequiredMixin, RequirementMixin, View):
    model = None
    list_selector = None  # ``<entity>_list(*, user)`` from the app's selectors, shared with the API
    basename = None  # URL names <basename>-list, -export…; by default the model's name (``studyrecord``)
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
    detail_action = None  # or rows link, for every reader, to <basename>-<detail_action> (a record's page)
    filter_method = "get"  # "post" for a list whose search must not travel in a URL (posted_search.py)
    mode = "list"
    template_name = "ui/list.html"
    import_template_name = "ui/import.html"
    preview_template_name = "ui/import_preview.html"
    import_job_template_name = "ui/import_job.html"
    import_job_progress_template_name = "ui/_import_job_progress.html"

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if cls.basename is None and cls.model is not None:
            cls.basename = cls.model._meta.model_name

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
                path(
                    f"{prefix}/import/{route}",
                    cls.as_view(mode=mode),
                    name=f"{name}-{mode.replace('_', '-')}",
                )
                for route, mode in IMPORT_ROUTES
            ]
        return patterns

    def get_title(self):
        return self.title or self.model._meta.verbose_name_plural

    def get_base_queryset(self):
        """The rows this user may read, as the API reads them (``list_selector``)."""
        if type(self).list_selector is not None:
            return type(self).list_selector(user=self.request.user)
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
            "import_job": lambda: self.import_job_page(kwargs["job"]),
            "import_job_progress": lambda: self.import_job_progress(kwargs["job"]),
        }
        return self._run_mode(handlers, other_method="POST")

    def post(self, request, *args, **kwargs):
        handlers = {
            "import": self.import_upload,
            "import_confirm": lambda: self.import_confirm(kwargs["token"]),
            "import_cancel": lambda: self.import_cancel(kwargs["token"]),
        }
        return self._run_mode(handlers, other_method="GET")

    def _run_mode(self, handlers, *, other_method: str):
        """The page of this URL's mode; a mode answered only by the other method is 405."""
        if self.mode not in handlers:
            return HttpResponseNotAllowed([other_method])
        return handlers[self.mode]()

    # --- the list ----------------------------------------------------------------------------------------

    def get_filterset(self, queryset):
        filterset = self.filterset_class(self.request.GET, queryset=queryset, request=self.request)
        bootstrap_form(filterset.form)
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
                expressions = tuple(descending(expression) for expression in expressions)
            ordering = [*expressions, *ordering]
        if "pk" not in ordering and "-pk" not in ordering:
            ordering.append("pk")
        return raw, ordering

    def filtered(self):
        """(filterset, the filtered, searched and ordered queryset, the ordering parameter in effect)."""
        filterset = self.get_filterset(self.get_base_queryset())
        valid = filterset.is_valid()
        errors = filter_errors(self.request.GET, self.request.META.get("QUERY_STRING", ""))
        for name, messages in errors.items():
            filterset.form.add_error(name if name in filterset.form.fields else None, messages)
        queryset = filterset.qs if valid and not errors else filterset.queryset.none()
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
            link = self.url(self.detail_action, obj.pk) if self.detail_action else edit
            cells = [
                {
                    "column": column,
                    "text": display(column.get(obj, self)),
                    "href": link if column.link else None,
                }
                for column in self.columns
            ]
            rows.append({"object": obj, "cells": cells, "edit_url": edit})
        return rows

    def list_context(self, filterset, queryset, ordering) -> dict:
        page = BoundedCountPaginator(queryset, self.page_size).get_page(self.request.GET.get("page"))
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
            "filter_error_lines": labelled_errors(filterset.form) if filterset.form.is_bound else [],
            "filtering": filtering,
            # The FilterSet's own ``search`` when it has one (the API's too), else the page's search_fields.
            "search_enabled": bool(self.search_fields) or "search" in filterset.form.fields,
            "filter_method": self.filter_method,
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
        output, job = export_or_queue(
            actor=request.user, view=self, source=request.path, filters=filters, ip_address=client_ip(request)
        )
        if job is not None:
            return redirect("branches:export-job", pk=job.pk)
        filename = f"{self.export_title()}-{timezone.localdate():%Y%m%d}.xlsx"
        return FileResponse(output, as_attachment=True, filename=filename, content_type=XLSX_CONTENT_TYPE)

    def export_count(self) -> int:
        return self.filtered()[1].count()

    def export_title(self) -> str:
        return str(self.model._meta.verbose_name_plural)

    def export_write(self, *, filters, ip_address, progress=None):
        """Write the filtered, searched, ordered list and record the export (now, or in the export job)."""
        return export_xlsx(
            actor=self.request.user,
            resource=self.export_resource(),
            queryset=self.filtered()[1],
            title=self.export_title(),
            filters=filters,
            ip_address=ip_address,
            progress=progress,
        )

    @classmethod
    def export_view(cls, request, match):
        """The page as it answered ``request`` (rebuilt by an export job's worker)."""
        view = cls(**match.func.view_initkwargs)
        view.setup(request, *match.args, **match.kwargs)
        return view

    def export_resource(self):
        """The app's import-export resource, or for a list without one an adapter writing the page's own
        columns (raw values: dates stay dates; masked columns stay masked)."""
        if self.resource_class is not None:
            return self.resource_class(actor=self.request.user)
        return ColumnsResource(self)
