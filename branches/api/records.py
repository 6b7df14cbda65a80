"""/api/v1/activity-rooms/, /room-investments/, /room-targets/, /reviews/ and /financial-disclosures/: an
organization's own records, scoped like everything else, written through ``branches.services.records``."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from branches.scope.viewsets import ScopedModelViewSet
from branches.scope.viewsets import ScopedRelatedField
from branches.scope.viewsets import VersionedSerializerMixin
from branches.tabular.api import ImportExportViewSetMixin
from partybuild.serializer_fields import ChoiceLabelField
from partybuild.years import YearField

from ..filters.records import ActivityRoomFilter
from ..filters.records import FinancialDisclosureFilter
from ..filters.records import ReviewRecordFilter
from ..filters.records import RoomInvestmentFilter
from ..filters.records import RoomTargetFilter
from ..models import ActivityRoom
from ..models import FinancialDisclosure
from ..models import ReviewRecord
from ..models import RoomInvestment
from ..models import StandardizedRoomTarget
from ..models.records import ROOM_DETAIL_FIELDS
from ..resources import ActivityRoomResource
from ..resources import FinancialDisclosureResource
from ..resources import ReviewRecordResource
from ..selectors import records as selectors
from ..services import records as services
from .serializers import OrganizationRecordSerializer

# --- serializers ----------------------------------------------------------------------------------------


class ActivityRoomSerializer(VersionedSerializerMixin, OrganizationRecordSerializer):
    facilities_count = serializers.IntegerField(
        read_only=True, help_text=_("facilities ticked on the checklist (of six)")
    )
    investments_total = serializers.DecimalField(
        max_digits=14, decimal_places=2, read_only=True, help_text=_("yuan invested in the room so far")
    )

    class Meta:
        model = ActivityRoom
        fields = [
            "id",
            "organization",
            "organization_name",
            *ROOM_DETAIL_FIELDS,
            "facilities_count",
            "investments_total",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]


class RoomInvestmentSerializer(VersionedSerializerMixin, serializers.ModelSerializer):
    room = ScopedRelatedField(queryset=ActivityRoom.objects.all())
    room_name = serializers.CharField(source="room.name", read_only=True)
    organization = serializers.IntegerField(source="room.organization_id", read_only=True)
    organization_name = serializers.CharField(source="room.organization.name", read_only=True)
    # The service explains a zero or negative amount in its own words.
    amount_yuan = serializers.DecimalField(max_digits=12, decimal_places=2)
    source_display = ChoiceLabelField("source")

    class Meta:
        model = RoomInvestment
        fields = [
            "id",
            "room",
            "room_name",
            "organization",
            "organization_name",
            "amount_yuan",
            "source",
            "source_display",
            "invested_on",
            "purpose",
            "version",
        ]


class RoomTargetSerializer(VersionedSerializerMixin, OrganizationRecordSerializer):
    year = YearField()
    standardized_count = serializers.IntegerField(
        read_only=True,
        help_text=_(
            "standardized activity rooms in the township's subtree certified by 31 December of the year"
        ),
    )
    met = serializers.BooleanField(read_only=True)

    class Meta:
        model = StandardizedRoomTarget
        fields = [
            "id",
            "organization",
            "organization_name",
            "year",
            "target",
            "standardized_count",
            "met",
            "version",
        ]
        # One target a year: checked by the service, inside the scope check, with a clearer message.
        validators = []


class ReviewRecordSerializer(VersionedSerializerMixin, OrganizationRecordSerializer):
    kind_display = ChoiceLabelField("kind")

    class Meta:
        model = ReviewRecord
        fields = [
            "id",
            "organization",
            "organization_name",
            "kind",
            "kind_display",
            "held_on",
            "topic",
            "participants",
            "satisfied",
            "summary",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]


class FinancialDisclosureSerializer(VersionedSerializerMixin, OrganizationRecordSerializer):
    year = YearField()
    period_display = ChoiceLabelField("period")

    class Meta:
        model = FinancialDisclosure
        fields = [
            "id",
            "organization",
            "organization_name",
            "year",
            "period",
            "period_display",
            "disclosed_on",
            "income_yuan",
            "expenditure_yuan",
            "content",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]
        # One disclosure a half-year: checked by the service, inside the scope check, with a clearer message.
        validators = []


# --- service adapters -----------------------------------------------------------------------------------


# --- viewsets -------------------------------------------------------------------------------------------


class AnnotatedAnswerMixin:
    """After a write, answer with the row as the list shows it, its annotations included."""

    def _reload(self, serializer):
        serializer.instance = self.get_queryset().get(pk=serializer.instance.pk)

    def perform_create(self, serializer):
        super().perform_create(serializer)
        self._reload(serializer)

    def perform_update(self, serializer):
        super().perform_update(serializer)
        self._reload(serializer)


class ActivityRoomViewSet(AnnotatedAnswerMixin, ImportExportViewSetMixin, ScopedModelViewSet):
    """Party members' activity rooms (党员活动室): facilities checklist, standardization and the money
    invested (see /room-investments/). A room with investments cannot be deleted."""

    queryset = ActivityRoom.objects.all()
    list_selector = staticmethod(selectors.activity_room_list)
    serializer_class = ActivityRoomSerializer
    filterset_class = ActivityRoomFilter
    resource_class = ActivityRoomResource
    search_fields = ["name", "address", "organization__name"]
    ordering_fields = [
        "organization__path",
        "name",
        "area_m2",
        "standardized_on",
        "facilities_total",
        "investments_total",
    ]
    ordering = ["organization__path", "name", "pk"]
    create_service = staticmethod(services.activity_room_create)
    update_service = staticmethod(services.activity_room_update)
    delete_service = staticmethod(services.activity_room_delete)


class RoomInvestmentViewSet(ScopedModelViewSet):
    """Money invested in activity rooms: amount, source, date and purpose."""

    queryset = RoomInvestment.objects.all()
    list_selector = staticmethod(selectors.room_investment_list)
    serializer_class = RoomInvestmentSerializer
    filterset_class = RoomInvestmentFilter
    search_fields = ["purpose", "room__name"]
    ordering_fields = ["invested_on", "amount_yuan", "room__organization__path"]
    ordering = ["room__organization__path", "room__name", "invested_on", "pk"]
    create_service = staticmethod(services.room_investment_add)
    update_service = staticmethod(services.room_investment_update)
    delete_service = staticmethod(services.room_investment_delete)


class RoomTargetViewSet(AnnotatedAnswerMixin, ScopedModelViewSet):
    """Standardized activity rooms each township or street is to have by the end of a year, set by the
    county, with the rooms certified so far and whether the target is met."""

    queryset = StandardizedRoomTarget.objects.all()
    list_selector = staticmethod(selectors.room_target_list)
    serializer_class = RoomTargetSerializer
    filterset_class = RoomTargetFilter
    ordering_fields = ["organization__path", "year", "target", "standardized_count"]
    ordering = ["organization__path", "-year", "pk"]
    create_service = staticmethod(services.room_target_set)
    update_service = staticmethod(services.room_target_update)
    delete_service = staticmethod(services.room_target_delete)


class ReviewRecordViewSet(ImportExportViewSetMixin, ScopedModelViewSet):
    """ "Two reports, two comments" (两述两评): the village committee's reports to the branch, the branch's
    reports to its members, and the democratic reviews of the village committee cadres."""

    queryset = ReviewRecord.objects.all()
    list_selector = staticmethod(selectors.review_record_list)
    serializer_class = ReviewRecordSerializer
    filterset_class = ReviewRecordFilter
    resource_class = ReviewRecordResource
    search_fields = ["topic", "organization__name"]
    ordering_fields = ["organization__path", "held_on", "kind", "participants"]
    ordering = ["organization__path", "-held_on", "pk"]
    create_service = staticmethod(services.review_record_create)
    update_service = staticmethod(services.review_record_update)
    delete_service = staticmethod(services.review_record_delete)


class FinancialDisclosureViewSet(ImportExportViewSetMixin, ScopedModelViewSet):
    """Village finances made public (财务公开), one disclosure per half-year."""

    queryset = FinancialDisclosure.objects.all()
    list_selector = staticmethod(selectors.disclosure_list)
    serializer_class = FinancialDisclosureSerializer
    filterset_class = FinancialDisclosureFilter
    resource_class = FinancialDisclosureResource
    search_fields = ["content", "organization__name"]
    ordering_fields = ["organization__path", "year", "period", "disclosed_on"]
    ordering = ["organization__path", "-year", "-period", "pk"]
    create_service = staticmethod(services.disclosure_create)
    update_service = staticmethod(services.disclosure_update)
    delete_service = staticmethod(services.disclosure_delete)


def register(router):
    router.register("activity-rooms", ActivityRoomViewSet)
    router.register("room-investments", RoomInvestmentViewSet)
    router.register("room-targets", RoomTargetViewSet)
    router.register("reviews", ReviewRecordViewSet)
    router.register("financial-disclosures", FinancialDisclosureViewSet)
