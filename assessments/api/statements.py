"""Statements (述) through the API: a secretary submits, edits before the deadline, and the county lists
and exports them."""

from django.http import FileResponse
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.parsers import FormParser
from rest_framework.parsers import JSONParser
from rest_framework.parsers import MultiPartParser

from branches.api.serializers import OrganizationRecordSerializer
from branches.scope.viewsets import ScopedModelViewSet
from branches.scope.viewsets import VersionedSerializerMixin
from branches.tabular.api import ImportExportViewSetMixin
from branches.tabular.exports import XLSX_CONTENT_TYPE
from partybuild.serializer_fields import ChoiceLabelField

from ..filters.evaluation import StatementFilter
from ..models import Statement
from ..resources.evaluation import StatementResource
from ..selectors import evaluation as selectors
from ..services import statements
from .evaluation_fields import CYCLE_ORGANIZATION_FIELDS
from .evaluation_fields import VisibleCycleField
from .evaluation_fields import display_name

# The media type of an attachment by its kind (assessments/services/statements.py accepts these three), named
# here rather than guessed from the machine's mime.types; anything older is sent as bytes.
ATTACHMENT_MEDIA = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": XLSX_CONTENT_TYPE,
}
BYTES = "application/octet-stream"


class StatementSerializer(VersionedSerializerMixin, OrganizationRecordSerializer):
    cycle = VisibleCycleField()
    year = serializers.IntegerField(source="cycle.year", read_only=True)
    level_display = ChoiceLabelField("level")
    attachment = serializers.FileField(
        required=False,
        allow_null=True,
        write_only=True,
        help_text=_("PDF, .docx or .xlsx, at most 10 MB; send null to remove it"),
    )
    has_attachment = serializers.SerializerMethodField()
    submitted_by_name = serializers.SerializerMethodField()

    class Meta:
        model = Statement
        fields = [
            "id",
            *CYCLE_ORGANIZATION_FIELDS,
            "secretary_name",
            "text",
            "attachment",
            "has_attachment",
            "attachment_name",
            "submitted_at",
            "submitted_by",
            "submitted_by_name",
            "late",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "level",
            "secretary_name",
            "attachment_name",
            "submitted_at",
            "submitted_by",
            "late",
            "created_at",
            "updated_at",
        ]
        extra_kwargs = {"text": {"required": False, "allow_blank": True}}
        validators = []

    def get_has_attachment(self, statement) -> bool:
        return bool(statement.attachment)

    def get_submitted_by_name(self, statement) -> str | None:
        return display_name(statement.submitted_by)


def _statement_submit(*, actor, cycle, organization, text="", attachment=None):
    return statements.statement_submit(
        actor=actor, cycle=cycle, organization=organization, text=text, attachment=attachment
    )


class StatementViewSet(ImportExportViewSetMixin, ScopedModelViewSet):
    """A secretary's written report for a cycle (述): by the secretary of the organization or staff entering
    records over it, within the cycle's window; ``late`` when submitted after the due date. Send JSON, or
    multipart with ``attachment`` (PDF, .docx or .xlsx of at most 10 MB, checked by content)."""

    queryset = Statement.objects.all()
    serializer_class = StatementSerializer
    filterset_class = StatementFilter
    resource_class = StatementResource
    import_file = None  # export only: statements are submitted one by one, within the window
    import_template = None
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    ordering_fields = ["organization__path", "submitted_at", "late"]
    ordering = ["organization__path"]
    search_fields = ["organization__name", "secretary_name"]
    create_service = staticmethod(_statement_submit)
    update_service = staticmethod(statements.statement_update)

    def get_queryset(self):
        return selectors.statement_list(user=self.request.user)

    @extend_schema(
        responses={
            (200, content_type): OpenApiTypes.BINARY for content_type in [*ATTACHMENT_MEDIA.values(), BYTES]
        }
    )
    @action(detail=True, methods=["get"], url_path="attachment")
    def download(self, request, pk=None):
        """The attachment, to whoever may read the statement."""
        statement = self.get_object()
        if not statement.attachment:
            raise Http404
        filename = statement.attachment_name or statement.attachment.name.rsplit("/", 1)[-1]
        kind = statement.attachment.name.rsplit(".", 1)[-1].lower()
        return FileResponse(
            statement.attachment.open("rb"),
            as_attachment=True,
            filename=filename,
            content_type=ATTACHMENT_MEDIA.get(kind, BYTES),
        )
