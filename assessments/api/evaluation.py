"""/api/v1/joint-evaluations/ — the joint evaluation (三级联述联评联考, docs/ratings-and-evaluation.md):

- ``joint-evaluations/``: the county's cycles (window, weights, thresholds) with ``close``, ``compute`` and
  ``publish``;
- ``joint-evaluations/statements/``: the secretaries' reports (述), JSON or multipart with an attachment;
- ``joint-evaluations/raters/``: who grades which subtree in which group (county only), with ``subjects``;
- ``joint-evaluations/grades/``: a rater's grades (评); POST creates or replaces;
- ``joint-evaluations/scores/``: the computed scores (考), read-only.

Who sees what is decided in ``assessments.selectors.evaluation``."""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from drf_spectacular.utils import extend_schema_field
from drf_spectacular.utils import inline_serializer
from rest_framework import exceptions
from rest_framework import mixins
from rest_framework import serializers
from rest_framework import status
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from branches.api.actions import StepAction
from branches.api.serializers import OrganizationRecordSerializer
from branches.models import Organization
from branches.scope.querysets import scope_paths
from branches.scope.roles import Capability
from branches.scope.viewsets import ScopedModelViewSet
from branches.scope.viewsets import ScopedQuerysetMixin
from branches.scope.viewsets import ScopedReadOnlyModelViewSet
from branches.scope.viewsets import ScopedRelatedField
from branches.scope.viewsets import VersionedSerializerMixin
from branches.tabular.api import ImportExportViewSetMixin
from partybuild.serializer_fields import ChoiceLabelField
from partybuild.years import YearField

from ..filters.evaluation import EvaluationCycleFilter
from ..filters.evaluation import EvaluationRaterFilter
from ..filters.evaluation import EvaluationScoreFilter
from ..filters.evaluation import SecretaryGradeFilter
from ..models import EvaluationCycle
from ..models import EvaluationGrade
from ..models import EvaluationRater
from ..models import EvaluationScore
from ..models import SecretaryGrade
from ..models.evaluation import SCORE_RESULT_FIELDS
from ..resources.evaluation import EvaluationScoreResource
from ..selectors import evaluation as selectors
from ..services import evaluation as services
from ..services import evaluation_scores
from .evaluation_fields import CYCLE_ORGANIZATION_FIELDS
from .evaluation_fields import VisibleCycleField
from .evaluation_fields import display_name
from .statements import StatementViewSet


class EvaluationCycleSerializer(VersionedSerializerMixin, serializers.ModelSerializer):
    county = ScopedRelatedField(queryset=Organization.objects.all())
    county_name = serializers.CharField(source="county.name", read_only=True)
    state_display = ChoiceLabelField("state")
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
        return display_name(cycle.published_by)


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
    lookup_value_regex = r"\d+"
    create_service = staticmethod(services.evaluation_cycle_create)
    update_service = staticmethod(services.evaluation_cycle_update)

    def get_queryset(self):
        return selectors.cycle_list(user=self.request.user)

    def step(self, service, serializer_class):
        """A change of the cycle's state (StepAction), answered with the cycle as the list shows it."""
        version = self.validated(serializer_class, self.request.data).get("version")
        with transaction.atomic():
            cycle = service(actor=self.request.user, cycle=self.get_object(), expected_version=version)
        cycle = self.get_queryset().get(pk=cycle.pk)
        return Response(EvaluationCycleSerializer(cycle, context=self.get_serializer_context()).data)

    close = StepAction(
        services.evaluation_cycle_close, CycleActionSerializer, "Stop statements and grades (the county)."
    )

    publish = StepAction(
        services.evaluation_cycle_publish,
        CycleActionSerializer,
        """Make the computed results visible to everyone in scope, the rated included (the county, once the
        cycle is closed and computed; a security event).""",
    )

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


class EvaluationRaterSerializer(OrganizationRecordSerializer):
    cycle = VisibleCycleField()
    user = serializers.PrimaryKeyRelatedField(queryset=get_user_model().objects.all())
    user_name = serializers.SerializerMethodField()
    group_display = ChoiceLabelField("group")
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
        return display_name(rater.user)


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


class SecretaryGradeSerializer(serializers.ModelSerializer):
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    grade_display = ChoiceLabelField("grade")
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
    action_serializers = {"create": GradeInputSerializer}
    filterset_class = SecretaryGradeFilter
    ordering_fields = ["organization__path", "updated_at"]
    ordering = ["organization__path", "rater"]

    def get_queryset(self):
        return selectors.grade_list(user=self.request.user)

    @extend_schema(
        request=GradeInputSerializer, responses={200: SecretaryGradeSerializer, 201: SecretaryGradeSerializer}
    )
    def create(self, request, *args, **kwargs):
        data = self.validated(GradeInputSerializer, request.data)
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


class EvaluationScoreSerializer(serializers.ModelSerializer):
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    township_name = serializers.CharField(
        source="township.name", read_only=True, default=None, allow_null=True
    )
    year = serializers.IntegerField(source="cycle.year", read_only=True)
    level_display = ChoiceLabelField("level")
    grade_display = ChoiceLabelField("grade")

    class Meta:
        model = EvaluationScore
        fields = [
            "id",
            *CYCLE_ORGANIZATION_FIELDS,
            "township",
            "township_name",
            *SCORE_RESULT_FIELDS,
            "grade_display",
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
