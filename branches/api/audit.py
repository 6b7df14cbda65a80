"""Read-only audit endpoints for county administrators: ``security-events`` and ``change-history``.

Both filter by ``?kind=`` (events) or ``?model=`` (history), ``?user=`` (username), ``?since=`` and
``?until=`` (dates, inclusive) and export the filtered list to xlsx at ``…/export/`` (itself a security
event). Scoping is described in branches/selectors/audit.py. Nothing here writes: security events are
append-only, and history rows are written only by the records' own saves.
"""

from django.http import Http404
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from drf_spectacular.utils import extend_schema
from openpyxl import Workbook
from rest_framework import serializers
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from branches.scope.viewsets import ScopedQuerysetMixin
from partybuild.serializer_fields import ChoiceLabelField

from .. import selectors
from ..models import SecurityEvent
from ..models import SecurityEventKind
from ..selectors.audit import change_history_table
from ..selectors.audit import security_event_table
from ..services import security_event_record
from ..tabular.api import ExportableViewSetMixin
from ..tabular.api import ExportJobSerializer
from ..tabular.api import export_response
from ..tabular.exports import XLSX_CONTENT_TYPE
from ..tabular.exports import escape_cell
from ..tabular.exports import finish_xlsx
from ..tabular.printing import header_widths
from ..tabular.printing import print_setup

# --- filters -------------------------------------------------------------------------------------


class AuditFilterSerializer(serializers.Serializer):
    user = serializers.CharField(required=False, max_length=150, help_text="username")
    since = serializers.DateField(required=False)
    until = serializers.DateField(required=False)

    def validate(self, attrs):
        if attrs.get("since") and attrs.get("until") and attrs["until"] < attrs["since"]:
            raise serializers.ValidationError({"until": _("The end date cannot be before the start date.")})
        return attrs


class SecurityEventFilterSerializer(AuditFilterSerializer):
    kind = serializers.ChoiceField(choices=SecurityEventKind.choices, required=False)


class ChangeHistoryFilterSerializer(AuditFilterSerializer):
    model = serializers.ChoiceField(choices=[], required=False, help_text="app_label.model_name")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["model"].choices = [(t.label, t.label) for t in selectors.tracked_models()]


def audit_filters(serializer_class, params) -> dict:
    serializer = serializer_class(data={k: v for k, v in params.items() if v not in ("", None)})
    serializer.is_valid(raise_exception=True)
    data = dict(serializer.validated_data)
    if "user" in data:
        data["username"] = data.pop("user")
    return data


# --- xlsx ----------------------------------------------------------------------------------------


def table_xlsx(rows, *, title: str, progress=None):
    """Write a header and rows (a generator) to a spooled xlsx; returns (file, data rows)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title[:31])
    rows = iter(rows)
    header = next(rows, [])
    print_setup(sheet, widths=header_widths(sheet, header))
    sheet.append(_escaped(header))
    return finish_xlsx(workbook, sheet, (_escaped(row) for row in rows), progress)


def _escaped(row) -> list:
    return [escape_cell(str(v)) if isinstance(v, str | Promise) else v for v in row]


class AuditExportMixin(ExportableViewSetMixin):
    """``export/`` of an audit list: written at once, or as an export job when long (docs/security.md)."""

    export_name = ""
    filter_serializer = None

    def _audit_filters(self) -> dict:
        return audit_filters(self.filter_serializer, self.request.query_params)

    def export_count(self) -> int:
        return self.get_queryset().count()

    def export_title(self) -> str:
        return self.export_name

    def export_write(self, *, filters, ip_address, progress=None):
        valid = self._audit_filters()
        output, rows = table_xlsx(
            self.export_table(self.get_queryset()), title=self.export_name, progress=progress
        )
        security_event_record(
            kind=SecurityEventKind.EXPORT,
            user=self.request.user,
            ip_address=ip_address,
            detail={
                "model": f"audit.{self.export_name}",
                "rows": rows,
                "filters": {k: str(v) for k, v in valid.items()},
            },
        )
        return output, rows

    @extend_schema(responses={(200, XLSX_CONTENT_TYPE): OpenApiTypes.BINARY, 202: ExportJobSerializer})
    @action(detail=False, methods=["get"], url_path="export", url_name="export")
    def export(self, request, *args, **kwargs):
        self._audit_filters()  # a bad filter is a 400 before anything is counted
        return export_response(self, request)


# --- security events -----------------------------------------------------------------------------


class SecurityEventSerializer(serializers.ModelSerializer):
    kind_display = ChoiceLabelField("kind")
    organization_name = serializers.CharField(source="organization.name", read_only=True, default="")

    class Meta:
        model = SecurityEvent
        fields = [
            "id",
            "occurred_at",
            "kind",
            "kind_display",
            "username",
            "ip_address",
            "organization",
            "organization_name",
            "detail",
        ]
        read_only_fields = fields


@extend_schema(parameters=[SecurityEventFilterSerializer])
class SecurityEventViewSet(AuditExportMixin, ScopedQuerysetMixin, viewsets.ReadOnlyModelViewSet):
    """Logins, failures, lockouts, unmasking, exports, role and policy changes in the user's county
    (county administrators; events without an organization: superusers only). Append-only: read-only here."""

    queryset = SecurityEvent.objects.all()
    serializer_class = SecurityEventSerializer
    filter_backends = []

    def get_queryset(self):
        filters = audit_filters(SecurityEventFilterSerializer, self.request.query_params)
        return selectors.security_event_list(user=self.request.user, **filters)

    export_name = "security-events"
    filter_serializer = SecurityEventFilterSerializer
    export_table = staticmethod(security_event_table)


# --- change history ------------------------------------------------------------------------------


class ChangeSerializer(serializers.Serializer):
    field = serializers.CharField()
    old = serializers.CharField()
    new = serializers.CharField()


class ChangeHistorySerializer(serializers.Serializer):
    id = serializers.CharField(help_text="app_label-model_name-history_id")
    model = serializers.CharField()
    model_name = serializers.CharField()
    object_id = serializers.IntegerField()
    object_repr = serializers.CharField()
    history_id = serializers.IntegerField()
    when = serializers.DateTimeField()
    action = serializers.ChoiceField(choices=["created", "changed", "deleted"])
    user = serializers.CharField()
    reason = serializers.CharField()
    changes = ChangeSerializer(many=True)


@extend_schema(parameters=[ChangeHistoryFilterSerializer])
class ChangeHistoryViewSet(AuditExportMixin, ScopedQuerysetMixin, viewsets.GenericViewSet):
    """Who changed what, when, across every tracked record of the user's county (county administrators).
    Personal data (ID numbers, phones) shows only that it changed."""

    serializer_class = ChangeHistorySerializer
    filter_backends = []
    # Keys are "app-model-historyid"; any path segment reaches retrieve(), which answers 404 in JSON.
    lookup_value_regex = "[^/]+"

    def get_queryset(self):
        filters = audit_filters(ChangeHistoryFilterSerializer, self.request.query_params)
        return selectors.change_history_list(user=self.request.user, **filters)

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        rows = selectors.change_history_rows(page)
        return self.get_paginated_response(self.get_serializer(rows, many=True).data)

    @extend_schema(parameters=[OpenApiParameter("id", OpenApiTypes.STR, OpenApiParameter.PATH)])
    def retrieve(self, request, pk=None, *args, **kwargs):
        row = selectors.change_history_get(user=request.user, key=str(pk))
        if row is None:
            raise Http404
        return Response(self.get_serializer(row).data)

    export_name = "change-history"
    filter_serializer = ChangeHistoryFilterSerializer
    export_table = staticmethod(change_history_table)


def register(router):
    router.register("security-events", SecurityEventViewSet, basename="security-events")
    router.register("change-history", ChangeHistoryViewSet, basename="change-history")
