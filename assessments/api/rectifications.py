from django.http import FileResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.plumbing import build_array_type
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from branches.api.actions import StepAction
from branches.api.actions import WorkflowActionMixin
from branches.api.serializers import OrganizationRecordSerializer
from branches.models import COMMITTEE_OR_COUNTY_KINDS
from branches.models import Organization
from branches.scope.viewsets import ScopedModelViewSet
from branches.scope.viewsets import ScopedRelatedField
from branches.scope.viewsets import VersionedSerializerMixin
from branches.tabular.exports import XLSX_CONTENT_TYPE
from branches.tabular.exports import export_xlsx
from members.models import Cadre
from partybuild.http import client_ip
from partybuild.serializer_fields import ChoiceLabelField
from partybuild.years import YearField

from ..filters.rectifications import RectificationFilter
from ..models import Rectification
from ..models import RectificationNote
from ..resources.appraisals import RectificationResource
from ..selectors import rectifications as selectors
from ..selectors.rectifications import REASON_CODES
from ..selectors.rectifications import rectification_candidates
from ..services import rectifications as services

LISTING_KINDS = COMMITTEE_OR_COUNTY_KINDS


def _name(user) -> str | None:
    return (user.get_full_name() or user.get_username()) if user else None


class ReasonSerializer(serializers.Serializer):
    code = serializers.CharField(help_text=_("one of the reason codes"))
    message = serializers.CharField()


class ReasonsField(serializers.ListField):
    """Written as reason codes, read as each reason's code and message."""

    def to_representation(self, data):
        return ReasonSerializer(data, many=True).data


class ReasonsFieldSchema(OpenApiSerializerFieldExtension):
    """Tells the schema the two shapes: codes in requests, code and message objects in responses."""

    target_class = ReasonsField

    def map_serializer_field(self, auto_schema, direction):
        if direction == "response":
            return build_array_type(auto_schema.resolve_serializer(ReasonSerializer, direction).ref)
        return build_array_type(auto_schema._map_serializer_field(self.target.child, direction))


class RectificationSerializer(VersionedSerializerMixin, OrganizationRecordSerializer):
    year = YearField()
    reasons = ReasonsField(
        child=serializers.ChoiceField(choices=REASON_CODES),
        required=False,
        help_text=_(
            "Write: reason codes (none: every reason the branch is listed for). Read: each reason's code and "
            "message."
        ),
    )
    instructor = ScopedRelatedField(queryset=Cadre.objects.all(), allow_null=True)
    instructor_name = serializers.CharField(
        source="instructor.name", read_only=True, default=None, allow_null=True
    )
    status_display = ChoiceLabelField("status")
    opened_by = serializers.SerializerMethodField()
    verified_by = serializers.SerializerMethodField()
    note_count = serializers.IntegerField(read_only=True, default=0)

    class Meta:
        model = Rectification
        fields = [
            "id",
            "organization",
            "organization_name",
            "year",
            "reasons",
            "plan",
            "responsible_leader",
            "instructor",
            "instructor_name",
            "deadline",
            "status",
            "status_display",
            "opened_by",
            "close_summary",
            "verified_by",
            "verified_on",
            "note_count",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["status", "close_summary", "verified_on", "created_at", "updated_at"]
        # "One per branch and year" is said in words by the service.
        validators = []

    def get_opened_by(self, rectification) -> str | None:
        return _name(rectification.opened_by)

    def get_verified_by(self, rectification) -> str | None:
        return _name(rectification.verified_by)


class NoteSerializer(serializers.ModelSerializer):
    author = serializers.SerializerMethodField()

    class Meta:
        model = RectificationNote
        fields = ["id", "written_on", "text", "author", "created_at"]
        read_only_fields = ["created_at"]

    def get_author(self, note) -> str | None:
        return _name(note.author)


class RequestCloseSerializer(serializers.Serializer):
    summary = serializers.CharField(help_text=_("what the rectification achieved"))
    version = serializers.IntegerField(required=False, min_value=1)


class VerifySerializer(serializers.Serializer):
    verified_on = serializers.DateField()
    version = serializers.IntegerField(required=False, min_value=1)


class ReopenSerializer(serializers.Serializer):
    reason = serializers.CharField()
    version = serializers.IntegerField(required=False, min_value=1)


class CandidateQuerySerializer(serializers.Serializer):
    organization = ScopedRelatedField(
        queryset=Organization.objects.all(), help_text=_("a county, township or street committee")
    )
    year = YearField()

    def validate_organization(self, organization):
        if organization.kind not in LISTING_KINDS:
            raise serializers.ValidationError(
                _("Candidates are listed for a county, township or street party committee.")
            )
        return organization


class CandidateSerializer(serializers.Serializer):
    organization = serializers.IntegerField(source="organization.pk")
    organization_name = serializers.CharField(source="organization.name")
    parent_name = serializers.CharField(source="organization.parent.name", default=None, allow_null=True)
    rating_total = serializers.DecimalField(max_digits=4, decimal_places=1, allow_null=True)
    stars = serializers.IntegerField(allow_null=True)
    reasons = ReasonSerializer(many=True)
    rectification = serializers.IntegerField(source="rectification_id", allow_null=True)
    rectification_status = serializers.CharField(allow_null=True)


class RectificationViewSet(WorkflowActionMixin, ScopedModelViewSet):
    """Rectification of weak branches (软弱涣散党组织整顿): the township opens it with a plan, responsible
    leader, instructor and deadline, progress is noted, the township asks for the close and only the county
    verifies it (or reopens it with a reason). ``candidates`` lists the year's weak branches with reasons."""

    queryset = Rectification.objects.all()
    list_selector = staticmethod(selectors.rectification_list)
    serializer_class = RectificationSerializer
    action_serializers = {"notes": NoteSerializer, "candidates": CandidateQuerySerializer}
    step_record = "rectification"
    filterset_class = RectificationFilter
    search_fields = ["organization__name", "responsible_leader"]
    ordering_fields = ["organization__path", "year", "deadline", "status", "created_at"]
    ordering = ["organization__path", "-year", "pk"]
    create_service = staticmethod(services.rectification_open)
    update_service = staticmethod(services.rectification_update)

    def answer(self, record):
        """Read again through the list's queryset, for the annotated columns."""
        return super().answer(self.get_queryset().get(pk=record.pk))

    @extend_schema(methods=["get"], request=None, responses=NoteSerializer(many=True))
    @extend_schema(methods=["post"], request=NoteSerializer, responses={201: NoteSerializer})
    @action(detail=True, methods=["get", "post"])
    def notes(self, request, pk=None):
        """Progress notes, oldest first; POST adds one (the branch's secretary may report progress)."""
        rectification = self.get_object()
        if request.method == "GET":
            notes = rectification.notes.select_related("author").order_by("written_on", "pk")
            return self.paginated(notes, NoteSerializer)
        body = self.validated(NoteSerializer, request.data)
        note = services.rectification_note(actor=request.user, rectification=rectification, **body)
        return Response(NoteSerializer(note).data, status=status.HTTP_201_CREATED)

    request_close = StepAction(
        services.rectification_request_close,
        RequestCloseSerializer,
        "The township reports the results and asks the county to verify the close.",
        url_path="request-close",
    )

    verify = StepAction(
        services.rectification_verify,
        VerifySerializer,
        "The county verifies the close (county administrators only).",
    )

    reopen = StepAction(
        services.rectification_reopen,
        ReopenSerializer,
        "The county sends a close request back, or reopens a verified rectification, with the reason.",
    )

    @extend_schema(parameters=[CandidateQuerySerializer], responses=CandidateSerializer(many=True))
    @action(detail=False, methods=["get"])
    def candidates(self, request):
        """The year's weak-branch candidates of a county or township, each with every reason that applies."""
        rows = rectification_candidates(**self.validated(CandidateQuerySerializer, request.query_params))
        return self.paginated(rows, CandidateSerializer)

    @extend_schema(responses={(200, XLSX_CONTENT_TYPE): OpenApiTypes.BINARY})
    @action(detail=False, methods=["get"])
    def export(self, request):
        """The filtered list as xlsx (recorded as a security event)."""
        filters = {key: request.query_params.getlist(key) for key in request.query_params}
        output, _rows = export_xlsx(
            actor=request.user,
            resource=RectificationResource(actor=request.user),
            queryset=self.filter_queryset(self.get_queryset()),
            title=str(Rectification._meta.verbose_name_plural),
            filters=filters,
            ip_address=client_ip(request),
        )
        filename = f"{Rectification._meta.verbose_name_plural}-{timezone.localdate():%Y%m%d}.xlsx"
        return FileResponse(output, as_attachment=True, filename=filename, content_type=XLSX_CONTENT_TYPE)


def register(router):
    router.register("rectifications", RectificationViewSet)
