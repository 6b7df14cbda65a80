from drf_spectacular.utils import extend_schema
from drf_spectacular.utils import extend_schema_field
from rest_framework import mixins
from rest_framework import serializers
from rest_framework import status
from rest_framework import viewsets
from rest_framework.response import Response

from branches.api.serializers import OrganizationRecordSerializer
from branches.scope.viewsets import ScopedQuerysetMixin
from branches.scope.viewsets import ScopedReadOnlyModelViewSet
from partybuild.serializer_fields import ChoiceLabelField
from partybuild.years import YearField

from ..filters.quotas import AlertFilter
from ..filters.quotas import QuotaPolicyFilter
from ..filters.quotas import QuotaResultFilter
from ..filters.quotas import QuotaRunFilter
from ..models import Alert
from ..models import QuotaPolicy
from ..models import QuotaResult
from ..models import QuotaRun
from ..selectors import quotas as selectors
from ..selectors.dashboard_counts import as_number
from ..services import quotas as services
from .policies import CountyPolicySerializer
from .policies import CountyPolicyViewSet


class QuotaPolicySerializer(CountyPolicySerializer):
    class Meta(CountyPolicySerializer.Meta):
        model = QuotaPolicy


class QuotaPolicyViewSet(CountyPolicyViewSet):
    """The county's targets for a year (docs/quotas.md); every change is a security event."""

    queryset = QuotaPolicy.objects.all()
    list_selector = staticmethod(selectors.quota_policy_list)
    serializer_class = QuotaPolicySerializer
    filterset_class = QuotaPolicyFilter
    create_service = staticmethod(services.quota_policy_create)
    update_service = staticmethod(services.quota_policy_update)


class QuotaRunSerializer(OrganizationRecordSerializer):
    duration_seconds = serializers.FloatField(read_only=True, allow_null=True)
    joined = serializers.BooleanField(
        read_only=True, help_text="true when the request joined a run already queued or running"
    )
    year = YearField()

    class Meta:
        model = QuotaRun
        fields = [
            "id",
            "organization",
            "organization_name",
            "year",
            "state",
            "progress",
            "stage",
            "trigger",
            "created_at",
            "started_at",
            "finished_at",
            "duration_seconds",
            "counts",
            "error",
            "joined",
        ]
        read_only_fields = [
            "state",
            "progress",
            "stage",
            "trigger",
            "created_at",
            "started_at",
            "finished_at",
            "counts",
            "error",
        ]


class QuotaRunViewSet(
    ScopedQuerysetMixin,
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Start a computation of every quota for a subtree and year; poll it for state and progress."""

    queryset = QuotaRun.objects.all()
    list_selector = staticmethod(selectors.quota_run_list)
    serializer_class = QuotaRunSerializer
    filterset_class = QuotaRunFilter
    ordering_fields = ["created_at", "year"]
    ordering = ["-created_at", "-pk"]

    @extend_schema(responses={202: QuotaRunSerializer})
    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        run = services.quota_run_start(actor=request.user, trigger="api", **serializer.validated_data)
        joined = run.joined
        run.refresh_from_db()
        run.joined = joined
        return Response(self.get_serializer(run).data, status=status.HTTP_202_ACCEPTED)


@extend_schema_field({"type": "number", "nullable": True})
class FigureField(serializers.ReadOnlyField):
    """A quota figure (a target, an actual) as a JSON number: an integer when whole (docs/quotas.md)."""

    def to_representation(self, value):
        return as_number(value)


class AlertDetailSerializer(serializers.Serializer):
    """The figures behind an alert, by its kind; every figure is a whole number (docs/quotas.md)."""

    target = serializers.IntegerField(required=False, help_text="dev.two_years_none, reserve.young, …")
    expected = serializers.IntegerField(required=False, help_text="train.per_level: the target due by now")
    actual = serializers.IntegerField(required=False)
    remaining = serializers.IntegerField(required=False, help_text="train.per_level: expected - actual")
    kinds = serializers.ListField(
        child=serializers.CharField(), required=False, help_text="meet.overdue: the meeting codes behind"
    )
    households = serializers.IntegerField(required=False, help_text="visit.pace: households visited so far")
    days_left = serializers.IntegerField(required=False, help_text="days left in the year")


@extend_schema_field(AlertDetailSerializer)
class AlertDetailField(serializers.JSONField):
    """An alert's ``detail`` as stored, documented by AlertDetailSerializer."""


class QuotaResultSerializer(serializers.ModelSerializer):
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    target = FigureField()
    actual = FigureField()

    class Meta:
        model = QuotaResult
        fields = [
            "id",
            "organization",
            "organization_name",
            "year",
            "code",
            "target",
            "actual",
            "met",
            "detail",
            "run",
        ]


class QuotaResultViewSet(ScopedReadOnlyModelViewSet):
    """The published result of every indicator for each organization and year."""

    queryset = QuotaResult.objects.all()
    list_selector = staticmethod(selectors.quota_result_list)
    serializer_class = QuotaResultSerializer
    filterset_class = QuotaResultFilter
    ordering_fields = ["code", "year", "actual"]
    ordering = ["organization__path", "code"]


class AlertSerializer(serializers.ModelSerializer):
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    kind_display = ChoiceLabelField("kind")
    cadre_name = serializers.CharField(source="cadre.name", read_only=True, default=None, allow_null=True)
    detail = AlertDetailField(read_only=True)

    class Meta:
        model = Alert
        fields = [
            "id",
            "organization",
            "organization_name",
            "year",
            "kind",
            "kind_display",
            "cadre",
            "cadre_name",
            "detail",
            "run",
        ]


class AlertViewSet(ScopedReadOnlyModelViewSet):
    """Alerts of the published runs: what needs doing, where."""

    queryset = Alert.objects.all()
    list_selector = staticmethod(selectors.alert_list)
    serializer_class = AlertSerializer
    filterset_class = AlertFilter
    ordering_fields = ["kind", "year"]
    ordering = ["organization__path", "kind"]


def register(router):
    router.register("quota-policies", QuotaPolicyViewSet)
    router.register("quota-runs", QuotaRunViewSet)
    router.register("quota-results", QuotaResultViewSet, basename="quotaresult")
    router.register("alerts", AlertViewSet, basename="alert")
