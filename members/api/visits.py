"""``/api/v1/visits/``: household visit logs (走访日志), the phone's quick entry, resolving a concern, import
and export, and ``household-counts/``: distinct households per cadre (or per person) in a year against the
target of 50."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter
from drf_spectacular.utils import extend_schema
from drf_spectacular.utils import inline_serializer
from rest_framework import exceptions
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from branches.api.actions import StepAction
from branches.api.actions import WorkflowActionMixin
from branches.scope.viewsets import ScopedModelViewSet
from branches.scope.viewsets import ScopedRelatedField
from branches.scope.viewsets import VersionedSerializerMixin
from branches.tabular.api import ImportExportViewSetMixin
from partybuild.serializer_fields import ChoiceLabelField
from partybuild.years import FIRST_DATE_YEAR
from partybuild.years import LAST_YEAR

from ..filters.visits import VisitLogFilter
from ..models import Cadre
from ..models import VisitLog
from ..models.activities import VISIT_LOG_VALUES
from ..resources import VisitLogResource
from ..selectors import visits as selectors
from ..services import visits as services
from ._params import asked_organization


class VisitLogSerializer(VersionedSerializerMixin, serializers.ModelSerializer):
    cadre = ScopedRelatedField(
        queryset=Cadre.objects.all(),
        required=False,
        allow_null=True,
        help_text=_("the cadre post the visit is logged under; a branch secretary may leave it out"),
    )
    cadre_name = serializers.CharField(source="cadre.name", read_only=True)
    cadre_post = serializers.CharField(source="cadre.post", read_only=True)
    cadre_post_display = ChoiceLabelField("cadre.post")
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    is_open = serializers.SerializerMethodField(help_text=_("a concern was raised and is not resolved yet"))
    recorded_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)

    class Meta:
        model = VisitLog
        fields = [
            "id",
            "cadre",
            "cadre_name",
            "cadre_post",
            "cadre_post_display",
            "organization",
            "organization_name",
            *VISIT_LOG_VALUES,
            "is_open",
            "recorded_by",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["organization", "household_key", "created_at", "updated_at"]
        extra_kwargs = {"visited_on": {"required": False, "help_text": _("default: today")}}

    def get_is_open(self, visit) -> bool:
        return bool(visit.concerns.strip()) and visit.resolved_on is None


class ResolveSerializer(serializers.Serializer):
    resolved_on = serializers.DateField(default=timezone.localdate, help_text=_("default: today"))
    follow_up = serializers.CharField(help_text=_("how the concern was handled"))
    version = serializers.IntegerField(required=False, min_value=1)


class HouseholdCountSerializer(serializers.Serializer):
    cadre = serializers.IntegerField(source="pk")
    name = serializers.CharField()
    post = serializers.CharField()
    post_display = serializers.CharField(source="get_post_display")
    organization = serializers.IntegerField(source="organization_id")
    organization_name = serializers.CharField(source="organization.name")
    started_on = serializers.DateField()
    ended_on = serializers.DateField(allow_null=True, help_text=_("empty while the term runs"))
    households = serializers.IntegerField()
    person_households = serializers.IntegerField(
        help_text=_("distinct households of the same person under all their posts in the village")
    )
    visit_count = serializers.IntegerField()
    open_concerns = serializers.IntegerField()
    target = serializers.SerializerMethodField()
    met = serializers.SerializerMethodField()

    def get_target(self, cadre) -> int | None:
        return selectors.target_for(cadre)

    def get_met(self, cadre) -> bool | None:
        target = selectors.target_for(cadre)
        return None if target is None else cadre.households >= target


class PersonPostSerializer(serializers.Serializer):
    cadre = serializers.IntegerField(source="pk")
    post = serializers.CharField()
    post_display = serializers.CharField(source="get_post_display")


class PersonCountSerializer(serializers.Serializer):
    name = serializers.CharField()
    organization = serializers.IntegerField(source="organization.pk")
    organization_name = serializers.CharField(source="organization.name")
    posts = PersonPostSerializer(many=True)
    households = serializers.IntegerField()
    visit_count = serializers.IntegerField()
    open_concerns = serializers.IntegerField()
    target = serializers.IntegerField(allow_null=True)
    met = serializers.BooleanField(allow_null=True)


class VisitLogViewSet(WorkflowActionMixin, ImportExportViewSetMixin, ScopedModelViewSet):
    """Household visits of village cadres (走访日志). Creating one is a single request: the date defaults to
    today and, for the secretary of one branch, the cadre to that branch's serving secretary."""

    queryset = VisitLog.objects.all()
    list_selector = staticmethod(selectors.visit_list)
    resource_class = VisitLogResource
    serializer_class = VisitLogSerializer
    step_record = "visit"
    filterset_class = VisitLogFilter
    search_fields = ["household_name"]
    ordering_fields = ["visited_on", "household_name", "village_group", "resolved_on", "organization__path"]
    ordering = ["-visited_on", "-pk"]
    create_service = staticmethod(services.visit_record)
    update_service = staticmethod(services.visit_update)
    delete_service = staticmethod(services.visit_delete)

    resolve = StepAction(
        services.visit_resolve,
        ResolveSerializer,
        "Close the concern the visit raised: the day (default today) and how it was handled.",
    )

    @extend_schema(
        parameters=[
            OpenApiParameter("organization", int, required=True, description="village, township or county"),
            OpenApiParameter("year", int, description="calendar year (default: this year)"),
            OpenApiParameter("per", str, enum=["cadre", "person"], description="default: cadre"),
        ],
        responses=inline_serializer(
            "VisitHouseholdCounts",
            {
                "organization": serializers.IntegerField(),
                "year": serializers.IntegerField(),
                "per": serializers.CharField(),
                "target": serializers.IntegerField(),
                "results": HouseholdCountSerializer(many=True),
            },
        ),
    )
    @action(detail=False, methods=["get"], url_path="household-counts", url_name="household-counts")
    def household_counts(self, request):
        """Distinct households visited in a calendar year by each cadre post of the villages in an
        organization's subtree (``per=person``: a person's posts in a village merged, what the quota
        reads), with the visits, the open concerns and the target of 50."""
        organization = asked_organization(request)
        year = self._year(request)
        per = request.query_params.get("per") or "cadre"
        if per not in {"cadre", "person"}:
            raise exceptions.ValidationError({"per": [_("Choose cadre or person.")]})
        villages = selectors.village_branches(organization)
        if per == "person":
            rows = selectors.distinct_households_by_person(organizations=villages, year=year)
            results = PersonCountSerializer(rows, many=True).data
        else:
            rows = selectors.distinct_households_by_cadre(organizations=villages, year=year)
            results = HouseholdCountSerializer(rows, many=True).data
        return Response(
            {
                "organization": organization.pk,
                "year": year,
                "per": per,
                "target": selectors.HOUSEHOLDS_TARGET,
                "results": results,
            }
        )

    @staticmethod
    def _year(request) -> int:
        value = request.query_params.get("year")
        if not value:
            return timezone.localdate().year
        if not value.isdigit() or not FIRST_DATE_YEAR <= int(value) <= LAST_YEAR:
            raise exceptions.ValidationError({"year": [_("Enter a year such as 2024.")]})
        return int(value)


def register(router):
    router.register("visits", VisitLogViewSet)
