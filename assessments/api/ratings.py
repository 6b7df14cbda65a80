"""/api/v1/star-ratings/ (the five-good workflow) and /api/v1/rating-policies/ (the county's bands)."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter
from drf_spectacular.utils import extend_schema
from rest_framework import mixins
from rest_framework import serializers
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from branches.api.actions import StepAction
from branches.models import Organization
from branches.scope.viewsets import ScopedQuerysetMixin
from branches.scope.viewsets import ScopedRelatedField
from branches.tabular.api import ImportExportViewSetMixin
from partybuild.serializer_fields import ChoiceLabelField
from partybuild.years import YearField

from ..filters.ratings import RatingPolicyFilter
from ..filters.ratings import StarRatingFilter
from ..models import DIMENSIONS
from ..models import RatingPolicy
from ..models import RatingStep
from ..models import StarRating
from ..resources.ratings import StarRatingResource
from ..selectors import ratings as selectors
from ..selectors.ratings import dimension_table
from ..selectors.ratings import rating_rollup
from ..selectors.ratings import rating_steps
from ..services import ratings as services
from .policies import CountyPolicySerializer
from .policies import CountyPolicyViewSet


class StarRatingSerializer(serializers.ModelSerializer):
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    stage_display = ChoiceLabelField("stage")
    classification_display = ChoiceLabelField("classification")
    proposal = serializers.JSONField(
        read_only=True,
        help_text=_(
            "what the system proposed (scores, total, stars, classification) and, per dimension, the "
            "indicators behind the score: code and met"
        ),
    )

    class Meta:
        model = StarRating
        fields = [
            "id",
            "organization",
            "organization_name",
            "year",
            "stage",
            "stage_display",
            *DIMENSIONS,
            "total",
            "stars",
            "classification",
            "classification_display",
            "proposal",
            "proposed_at",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


def _score_field():
    return serializers.DecimalField(max_digits=5, decimal_places=1, required=False)


class RatingStepInputSerializer(serializers.Serializer):
    """The scores this step sets (a score left out keeps the previous step's) and why."""

    leadership = _score_field()
    members = _score_field()
    mechanism = _score_field()
    performance = _score_field()
    feedback = _score_field()
    reason = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text=_("required when a score differs from the previous step's"),
    )
    version = serializers.IntegerField(required=False, min_value=1)


class RatingStepSerializer(serializers.ModelSerializer):
    stage_display = ChoiceLabelField("stage")
    actor_name = serializers.SerializerMethodField()

    class Meta:
        model = RatingStep
        fields = ["id", "stage", "stage_display", "actor", "actor_name", "at", *DIMENSIONS, "total", "reason"]

    def get_actor_name(self, step) -> str | None:
        if step.actor is None:
            return None
        return step.actor.get_full_name() or step.actor.get_username()


class ProposeSerializer(serializers.Serializer):
    organization = ScopedRelatedField(
        queryset=Organization.objects.all(), help_text=_("every branch of this organization's subtree")
    )
    year = YearField()


class RollupQuerySerializer(serializers.Serializer):
    organization = ScopedRelatedField(queryset=Organization.objects.all())
    year = YearField()


class ProposalSummarySerializer(serializers.Serializer):
    year = serializers.IntegerField()
    branches = serializers.IntegerField(help_text=_("branches of the subtree taking part"))
    with_results = serializers.IntegerField(help_text=_("of them, with published quota results"))
    written = serializers.IntegerField(help_text=_("ratings created or refreshed; confirmed ones stay"))


class RollupRowSerializer(serializers.Serializer):
    organization = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.CharField()
    branches = serializers.IntegerField(help_text=_("branches taking part"))
    rated = serializers.IntegerField()
    three_stars_latest = serializers.IntegerField(help_text=_("at three stars or more, at any stage"))
    confirmed = serializers.IntegerField()
    three_stars_confirmed = serializers.IntegerField(help_text=_("confirmed at three stars or more"))
    share = serializers.DecimalField(max_digits=4, decimal_places=1, allow_null=True)
    share_latest = serializers.DecimalField(max_digits=4, decimal_places=1, allow_null=True)
    target = serializers.IntegerField()
    meets_target = serializers.BooleanField()


class IndicatorSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()


class DimensionSerializer(serializers.Serializer):
    dimension = serializers.CharField()
    label = serializers.CharField()
    points = serializers.IntegerField()
    indicators = IndicatorSerializer(many=True)


class StarRatingViewSet(
    ImportExportViewSetMixin,
    ScopedQuerysetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Five-good star ratings (五好): the system proposes them from the year's quota results, the branch
    self-assesses, the township reviews, the county confirms. Ratings are created by ``propose`` only."""

    queryset = StarRating.objects.all()
    list_selector = staticmethod(selectors.star_rating_list)
    serializer_class = StarRatingSerializer
    action_serializers = {
        "propose": ProposeSerializer,
        "steps": RatingStepSerializer,
        "rollup": RollupQuerySerializer,
    }
    filterset_class = StarRatingFilter
    resource_class = StarRatingResource
    ordering_fields = ["organization__path", "year", "total", "stars", "stage"]
    ordering = ["organization__path", "-year"]
    # Export only: ratings come from the proposal and the workflow, never from a file.
    import_file = None
    import_template = None

    @extend_schema(request=ProposeSerializer, responses=ProposalSummarySerializer)
    @action(detail=False, methods=["post"])
    def propose(self, request):
        """Propose the ratings of every branch of a subtree for a year from its published quota results
        (needs the review capability there). Ratings past the proposal keep their people's scores."""
        asked = self.validated(ProposeSerializer, request.data)
        summary = services.rating_propose(actor=request.user, **asked)
        return Response(vars(summary))

    def step(self, service, serializer_class):
        """A step of the rating (StepAction): the five scores, the reason and the version read."""
        data = dict(self.validated(serializer_class, self.request.data))
        version = data.pop("version", None)
        reason = data.pop("reason", "")
        rating = service(
            actor=self.request.user,
            rating=self.get_object(),
            scores=data,
            reason=reason,
            expected_version=version,
        )
        return Response(StarRatingSerializer(rating, context=self.get_serializer_context()).data)

    self_assess = StepAction(
        services.rating_self_assess,
        RatingStepInputSerializer,
        "The branch's self-assessment (the secretary, or township or county staff on its behalf).",
        url_path="self-assess",
    )

    review = StepAction(
        services.rating_review, RatingStepInputSerializer, "The township's review of the self-assessment."
    )

    confirm = StepAction(
        services.rating_confirm, RatingStepInputSerializer, "The county's confirmation: final."
    )

    @extend_schema(responses=RatingStepSerializer(many=True))
    @action(detail=True, methods=["get"])
    def steps(self, request, pk=None):
        """Every step of the rating: who, when, the five scores and why."""
        steps = rating_steps(rating=self.get_object())
        return self.paginated(steps, RatingStepSerializer)

    @extend_schema(
        parameters=[
            OpenApiParameter("organization", int, required=True),
            OpenApiParameter("year", int, required=True),
        ],
        responses=RollupRowSerializer(many=True),
    )
    @action(detail=False, methods=["get"])
    def rollup(self, request):
        """Share of branches at three stars or more per county and township committee against the county's
        target: ``share`` counts confirmed ratings (official), ``share_latest`` every rating at its latest
        stage (provisional); both counts are given."""
        rows = rating_rollup(**self.validated(RollupQuerySerializer, request.query_params))
        return Response(RollupRowSerializer(rows, many=True).data)

    @extend_schema(responses=DimensionSerializer(many=True))
    @action(detail=False, methods=["get"], pagination_class=None, filter_backends=[])
    def dimensions(self, request):
        """The five dimensions and the quota indicators each proposal is computed from."""
        return Response(dimension_table())


class RatingPolicySerializer(CountyPolicySerializer):
    class Meta(CountyPolicySerializer.Meta):
        model = RatingPolicy


class RatingPolicyViewSet(CountyPolicyViewSet):
    """The county's star bands, targets and rectification settings for a year; every change is a security
    event. The bands must rise: three stars < four stars < five stars."""

    queryset = RatingPolicy.objects.all()
    list_selector = staticmethod(selectors.rating_policy_list)
    serializer_class = RatingPolicySerializer
    filterset_class = RatingPolicyFilter
    create_service = staticmethod(services.rating_policy_create)
    update_service = staticmethod(services.rating_policy_update)


def register(router):
    router.register("star-ratings", StarRatingViewSet)
    router.register("rating-policies", RatingPolicyViewSet)
