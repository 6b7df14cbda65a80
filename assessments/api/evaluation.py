"""/api/v1/joint-evaluations/ — the joint evaluation (三级联述联评联考, docs/ratings-and-evaluation.md):

- ``joint-evaluations/``: the county's cycles (window, weights, thresholds) with ``close``, ``compute`` and
  ``publish``;
- ``joint-evaluations/statements/``: the secretaries' reports (述), JSON or multipart with an attachment;
- ``joint-evaluations/raters/``: who grades which subtree in which group (county only), with ``subjects``;
- ``joint-evaluations/grades/``: a rater's grades (评); POST creates or replaces;
- ``joint-evaluations/scores/``: the computed scores (考), read-only.

Who sees what is decided in ``assessments.selectors.evaluation``.
"""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.http import FileResponse, Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field, inline_serializer
from import_export import widgets
from import_export.fields import Field
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from branches.models import Organization
from branches.resources import DecimalWidget
from branches.scope.querysets import scope_paths
from branches.scope.roles import Capability
from branches.scope.viewsets import (
    ScopedModelViewSet,
    ScopedQuerysetMixin,
    ScopedReadOnlyModelViewSet,
    ScopedRelatedField,
    VersionedSerializerMixin,
)
from branches.tabular.api import ImportExportViewSetMixin
from branches.tabular.importing import ImportableResource
from branches.tabular.widgets import ChoiceWidget, IntegerWidget, OrganizationCodeWidget
from partybuild.years import YearField

from ..filters.evaluation import (
    EvaluationCycleFilter,
    EvaluationRaterFilter,
    EvaluationScoreFilter,
    SecretaryGradeFilter,
    StatementFilter,
)
from ..models import (
    EvaluationCycle,
    EvaluationGrade,
    EvaluationRater,
    EvaluationScore,
    SecretaryGrade,
    Statement,
)
from ..selectors import evaluation as selectors
from ..services import evaluation as services
from ..services import evaluation_scores, statements


@extend_schema_field(OpenApiTypes.INT)
class VisibleCycleField(serializers.PrimaryKeyRelatedField):
    """A cycle the requesting user can see; any other reads as "does not exist"."""

    def get_queryset(self):
        request = self.context.get("request")
        return selectors.visible_cycles(request.user if request else None).select_related("county")


def _display_name(user) -> str | None:
    if user is None:
        return None
    return user.get_full_name() or user.get_username()


# --- export files (headers and labels in fixed Chinese, as in the app's other export files) ---

LEVELS = {"county": "县级", "township": "乡镇级", "village": "村级"}
GRADES = {"good": "好", "fairly_good": "较好", "average": "一般", "poor": "差"}


class YesNoWidget(widgets.Widget):
    def render(self, value, obj=None, **kwargs):
        return "是" if value else "否"


class EvaluationScoreResource(ImportableResource):
    organization = Field("organization", "组织编码", OrganizationCodeWidget(), readonly=True)
    organization_name = Field("organization__name", "组织名称", readonly=True)
    year = Field("cycle__year", "年度", IntegerWidget(), readonly=True)
    level = Field("level", "层级", ChoiceWidget(LEVELS), readonly=True)
    township_name = Field("township__name", "所属乡镇", readonly=True)
    secretary_name = Field("secretary_name", "书记", readonly=True)
    grades_count = Field("grades_count", "评议票数", IntegerWidget(), readonly=True)
    evaluation_score = Field("evaluation_score", "评议得分", DecimalWidget(), readonly=True)
    good_rate = Field("good_rate", "好评率(%)", DecimalWidget(), readonly=True)
    quota_achievement = Field("quota_achievement", "指标完成率(%)", DecimalWidget(), readonly=True)
    star_score = Field("star_score", "星级评定得分", DecimalWidget(), readonly=True)
    stars = Field("stars", "星级", IntegerWidget(), readonly=True)
    examination_score = Field("examination_score", "考核得分", DecimalWidget(), readonly=True)
    final_score = Field("final_score", "综合得分", DecimalWidget(), readonly=True)
    grade = Field("grade", "综合等次", ChoiceWidget(GRADES), readonly=True)
    rank_in_township = Field("rank_in_township", "乡镇内排名", IntegerWidget(), readonly=True)
    rank_in_county = Field("rank_in_county", "全县同级排名", IntegerWidget(), readonly=True)

    template_title = "联述联评联考得分"

    class Meta:
        model = EvaluationScore
        fields = [
            "organization",
            "organization_name",
            "year",
            "level",
            "township_name",
            "secretary_name",
            "grades_count",
            "evaluation_score",
            "good_rate",
            "quota_achievement",
            "star_score",
            "stars",
            "examination_score",
            "final_score",
            "grade",
            "rank_in_township",
            "rank_in_county",
        ]
        export_order = fields

    def prepare_export_queryset(self, queryset):
        return queryset.select_related("organization", "cycle", "township")


class StatementResource(ImportableResource):
    organization = Field("organization", "组织编码", OrganizationCodeWidget(), readonly=True)
    organization_name = Field("organization__name", "组织名称", readonly=True)
    year = Field("cycle__year", "年度", IntegerWidget(), readonly=True)
    level = Field("level", "层级", ChoiceWidget(LEVELS), readonly=True)
    secretary_name = Field("secretary_name", "书记", readonly=True)
    submitted_at = Field("submitted_at", "提交时间", readonly=True)
    late = Field("late", "逾期", YesNoWidget(), readonly=True)
    attachment_name = Field("attachment_name", "附件", readonly=True)
    text = Field("text", "述职报告", readonly=True)

    template_title = "述职报告"

    class Meta:
        model = Statement
        fields = [
            "organization",
            "organization_name",
            "year",
            "level",
            "secretary_name",
            "submitted_at",
            "late",
            "attachment_name",
            "text",
        ]
        export_order = fields

    def prepare_export_queryset(self, queryset):
        return queryset.select_related("organization", "cycle")


# --- cycles -------------------------------------------------------------------------------------------------


class EvaluationCycleSerializer(VersionedSerializerMixin, serializers.ModelSerializer):
    county = ScopedRelatedField(queryset=Organization.objects.all())
    county_name = serializers.CharField(source="county.name", read_only=True)
    state_display = serializers.CharField(source="get_state_display", read_only=True)
    published_by_name = serializers.SerializerMethodField()
    year = YearField()

    class Meta:
        model = EvaluationCycle
        exclude = ["created_at", "updated_at"]
        read_only_fields = ["state", "published_at", "published_by"]
        extra_kwargs = {
            "opens_on": {"required": False, "help_text": _("default: 1 November of the year")},
            "statements_due_on": {"required": False, "help_text": _("default: 15 December of the year")},
            "closes_on": {"required": False, "help_text": _("default: 31 December of the year")},
        }
        validators = []  # the service says "one per county and year" in the user's language

    def get_published_by_name(self, cycle) -> str | None:
        return _display_name(cycle.published_by)


class CycleActionSerializer(serializers.Serializer):
    version = serializers.IntegerField(required=False, min_value=1)


class EvaluationCycleViewSet(ScopedModelViewSet):
    """The county's joint evaluation of a year: window (statements due date), weights of the evaluation and
    the examination, of quotas and stars within the examination and of the three rater groups, and the grade
    thresholds. Seen by everyone with a role in the county and by the raters; set by the county."""

    queryset = EvaluationCycle.objects.all()
    serializer_class = EvaluationCycleSerializer
    filterset_class = EvaluationCycleFilter
    ordering_fields = ["year", "state"]
    ordering = ["county__path", "-year"]
    http_method_names = ["get", "post", "put", "patch", "head", "options"]
    lookup_value_regex = r"\d+"
    create_service = staticmethod(services.evaluation_cycle_create)
    update_service = staticmethod(services.evaluation_cycle_update)

    def get_queryset(self):
        return selectors.cycle_list(user=self.request.user)

    def _transition(self, request, service):
        serializer = CycleActionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with transaction.atomic():
            cycle = service(
                actor=request.user,
                cycle=self.get_object(),
                expected_version=serializer.validated_data.get("version"),
            )
        cycle = self.get_queryset().get(pk=cycle.pk)
        return Response(EvaluationCycleSerializer(cycle, context=self.get_serializer_context()).data)

    @extend_schema(request=CycleActionSerializer, responses=EvaluationCycleSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        """Stop statements and grades (the county)."""
        return self._transition(request, services.evaluation_cycle_close)

    @extend_schema(request=CycleActionSerializer, responses=EvaluationCycleSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        """Make the computed results visible to everyone in scope, the rated included (the county, once the
        cycle is closed and computed; a security event)."""
        return self._transition(request, services.evaluation_cycle_publish)

    @extend_schema(
        request=None,
        responses=inline_serializer(
            "JointEvaluationComputed",
            {"cycle": serializers.IntegerField(), "scores": serializers.IntegerField()},
        ),
    )
    @action(detail=True, methods=["post"])
    def compute(self, request, pk=None):
        """(Re)compute every secretary's score from the grades, the published quota results and the star
        ratings; the previous set is replaced at once. The county only, until published."""
        cycle = self.get_object()
        rows = evaluation_scores.evaluation_scores_compute(actor=request.user, cycle=cycle)
        return Response({"cycle": cycle.pk, "scores": len(rows)})


# --- statements ---------------------------------------------------------------------------------------------


class StatementSerializer(VersionedSerializerMixin, serializers.ModelSerializer):
    cycle = VisibleCycleField()
    organization = ScopedRelatedField(queryset=Organization.objects.all())
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    year = serializers.IntegerField(source="cycle.year", read_only=True)
    level_display = serializers.CharField(source="get_level_display", read_only=True)
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
            "cycle",
            "year",
            "organization",
            "organization_name",
            "level",
            "level_display",
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
        return _display_name(statement.submitted_by)


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
    http_method_names = ["get", "post", "put", "patch", "head", "options"]
    create_service = staticmethod(_statement_submit)
    update_service = staticmethod(statements.statement_update)

    def get_queryset(self):
        return selectors.statement_list(user=self.request.user)

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"], url_path="attachment")
    def download(self, request, pk=None):
        """The attachment, to whoever may read the statement."""
        statement = self.get_object()
        if not statement.attachment:
            raise Http404
        return FileResponse(
            statement.attachment.open("rb"),
            as_attachment=True,
            filename=statement.attachment_name or statement.attachment.name.rsplit("/", 1)[-1],
        )


# --- raters -------------------------------------------------------------------------------------------------


class EvaluationRaterSerializer(serializers.ModelSerializer):
    cycle = VisibleCycleField()
    user = serializers.PrimaryKeyRelatedField(queryset=get_user_model().objects.all())
    user_name = serializers.SerializerMethodField()
    organization = ScopedRelatedField(queryset=Organization.objects.all())
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    group_display = serializers.CharField(source="get_group_display", read_only=True)
    year = serializers.IntegerField(source="cycle.year", read_only=True)

    class Meta:
        model = EvaluationRater
        fields = [
            "id",
            "cycle",
            "year",
            "user",
            "user_name",
            "group",
            "group_display",
            "organization",
            "organization_name",
            "created_at",
        ]
        read_only_fields = ["created_at"]
        validators = []

    def get_user_name(self, rater) -> str:
        return _display_name(rater.user)


class RaterSubjectSerializer(serializers.Serializer):
    organization = serializers.IntegerField()
    organization_name = serializers.CharField()
    level = serializers.CharField()
    township = serializers.IntegerField(allow_null=True)
    statement = serializers.IntegerField(allow_null=True, help_text=_("the statement's id, if submitted"))
    secretary_name = serializers.CharField()
    late = serializers.BooleanField(allow_null=True)
    grade = serializers.CharField(help_text=_("your grade so far; empty when not graded yet"))


class EvaluationRaterViewSet(ScopedModelViewSet):
    """Who grades the secretaries of which subtree, in which rater group (township officials, member
    representatives, mass representatives). Appointed and removed by the county; a rater sees their own
    appointments and, with ``subjects``, the secretaries they must grade."""

    queryset = EvaluationRater.objects.all()
    serializer_class = EvaluationRaterSerializer
    filterset_class = EvaluationRaterFilter
    ordering_fields = ["organization__path", "group", "created_at"]
    ordering = ["cycle", "organization__path", "group"]
    http_method_names = ["get", "post", "delete", "head", "options"]
    create_service = staticmethod(services.rater_appoint)
    delete_service = staticmethod(services.rater_remove)

    def get_queryset(self):
        return selectors.rater_list(user=self.request.user)

    def create(self, request, *args, **kwargs):
        if scope_paths(request.user, Capability.POLICY) == []:
            raise exceptions.PermissionDenied(_("Only the county appoints raters."))
        return super().create(request, *args, **kwargs)

    @extend_schema(responses=RaterSubjectSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None)
    def subjects(self, request, pk=None):
        """The secretaries this appointment grades: their statement (if any) and the grade given so far."""
        rater = self.get_object()
        return Response(RaterSubjectSerializer(selectors.rater_subjects(rater), many=True).data)


# --- grades -------------------------------------------------------------------------------------------------


class SecretaryGradeSerializer(serializers.ModelSerializer):
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    grade_display = serializers.CharField(source="get_grade_display", read_only=True)
    cycle = serializers.IntegerField(source="rater.cycle_id", read_only=True)
    group = serializers.CharField(source="rater.group", read_only=True)

    class Meta:
        model = SecretaryGrade
        fields = [
            "id",
            "cycle",
            "rater",
            "group",
            "organization",
            "organization_name",
            "grade",
            "grade_display",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


@extend_schema_field(OpenApiTypes.INT)
class OwnAppointmentField(serializers.PrimaryKeyRelatedField):
    def get_queryset(self):
        request = self.context.get("request")
        user = request.user if request else None
        if user is None or not user.is_authenticated:
            return EvaluationRater.objects.none()
        return EvaluationRater.objects.filter(user=user)


class GradeInputSerializer(serializers.Serializer):
    rater = OwnAppointmentField(help_text=_("your appointment (from joint-evaluations/raters/)"))
    organization = serializers.IntegerField(
        min_value=1, max_value=2**31 - 1, help_text=_("the organization whose secretary you grade")
    )
    grade = serializers.ChoiceField(choices=EvaluationGrade.choices)


class SecretaryGradeViewSet(
    ScopedQuerysetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Grades (评) of secretaries: a rater sees and gives their own, the county sees all of its county's;
    they stay hidden from everyone else. POST grades a secretary of the rater's subtree while the cycle is
    open: 201 for a first grade, 200 when it replaces the rater's earlier one (history keeps both)."""

    queryset = SecretaryGrade.objects.all()
    serializer_class = SecretaryGradeSerializer
    filterset_class = SecretaryGradeFilter
    ordering_fields = ["organization__path", "updated_at"]
    ordering = ["organization__path", "rater"]

    def get_queryset(self):
        return selectors.grade_list(user=self.request.user)

    def get_serializer_class(self):
        return GradeInputSerializer if self.action == "create" else SecretaryGradeSerializer

    @extend_schema(
        request=GradeInputSerializer, responses={200: SecretaryGradeSerializer, 201: SecretaryGradeSerializer}
    )
    def create(self, request, *args, **kwargs):
        serializer = GradeInputSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        with transaction.atomic():
            grade, created = services.grade_submit(
                actor=request.user,
                rater=data["rater"],
                organization_id=data["organization"],
                grade=data["grade"],
            )
        grade = SecretaryGrade.objects.select_related("rater", "organization").get(pk=grade.pk)
        return Response(
            SecretaryGradeSerializer(grade, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


# --- scores -------------------------------------------------------------------------------------------------


class EvaluationScoreSerializer(serializers.ModelSerializer):
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    township_name = serializers.CharField(
        source="township.name", read_only=True, default=None, allow_null=True
    )
    year = serializers.IntegerField(source="cycle.year", read_only=True)
    level_display = serializers.CharField(source="get_level_display", read_only=True)
    grade_display = serializers.CharField(source="get_grade_display", read_only=True)

    class Meta:
        model = EvaluationScore
        fields = [
            "id",
            "cycle",
            "year",
            "organization",
            "organization_name",
            "level",
            "level_display",
            "township",
            "township_name",
            "secretary_name",
            "grades_count",
            "evaluation_score",
            "good_rate",
            "quota_achievement",
            "star_score",
            "stars",
            "examination_score",
            "final_score",
            "grade",
            "grade_display",
            "rank_in_township",
            "rank_in_county",
            "computed_at",
        ]


class EvaluationScoreViewSet(ImportExportViewSetMixin, ScopedReadOnlyModelViewSet):
    """The computed scores (考): evaluation score and good rate, quota achievement, star score, examination
    and final score, final grade and ranks. The county sees them at once; everyone else in scope (the rated
    included) once the county has published."""

    queryset = EvaluationScore.objects.all()
    serializer_class = EvaluationScoreSerializer
    filterset_class = EvaluationScoreFilter
    resource_class = EvaluationScoreResource
    import_file = None  # export only: scores are computed
    import_template = None
    ordering_fields = ["organization__path", "final_score", "rank_in_county", "rank_in_township"]
    ordering = ["organization__path"]
    search_fields = ["organization__name", "secretary_name"]

    def get_queryset(self):
        return selectors.score_list(user=self.request.user)


def register(router):
    # The sub-resources first: "joint-evaluations/<id>/" only takes digits anyway.
    router.register("joint-evaluations/statements", StatementViewSet, basename="joint-evaluation-statement")
    router.register("joint-evaluations/raters", EvaluationRaterViewSet, basename="joint-evaluation-rater")
    router.register("joint-evaluations/grades", SecretaryGradeViewSet, basename="joint-evaluation-grade")
    router.register("joint-evaluations/scores", EvaluationScoreViewSet, basename="joint-evaluation-score")
    router.register("joint-evaluations", EvaluationCycleViewSet, basename="joint-evaluation")
