from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from branches.api.actions import StepAction
from branches.api.actions import WorkflowActionMixin
from branches.api.serializers import OrganizationRecordSerializer
from branches.scope.viewsets import ScopedModelViewSet
from branches.scope.viewsets import ScopedRelatedField
from branches.scope.viewsets import UnmaskActionMixin
from branches.scope.viewsets import VersionedSerializerMixin
from branches.tabular.api import ImportExportViewSetMixin
from partybuild.serializer_fields import ChoiceLabelField

from ..filters.cadres import CadreFilter
from ..filters.cadres import ReserveCadreFilter
from ..models import Cadre
from ..models import CadrePost
from ..models import Member
from ..models import ReserveCadre
from ..models.cadres import CADRE_TERM_FIELDS
from ..models.cadres import RESERVE_ROSTER_FIELDS
from ..resources import CadreResource
from ..resources import ReserveCadreResource
from ..selectors import cadres as selectors
from ..selectors.cadres import ConcurrentPosts
from ..selectors.cadres import is_young
from ..services import cadres as services


class ConcurrentPostSerializer(serializers.ModelSerializer):
    post_display = serializers.CharField(source="get_post_display")

    class Meta:
        model = Cadre
        fields = ["id", "post", "post_display", "started_on", "ended_on"]


class CadreSerializer(VersionedSerializerMixin, OrganizationRecordSerializer):
    member = ScopedRelatedField(queryset=Member.objects.all(), allow_null=True, required=False)
    post_display = ChoiceLabelField("post")
    is_serving = serializers.SerializerMethodField(help_text=_("serving today"))
    concurrent_posts = serializers.SerializerMethodField(
        help_text=_(
            "the posts on the other side (branch or village committee) the same person holds in the same "
            "village on the reference day (?on=, default today): cross-appointment"
        )
    )
    is_one_shoulder = serializers.SerializerMethodField(
        help_text=_("branch secretary and village committee director at once (一肩挑) on the reference day")
    )

    class Meta:
        model = Cadre
        fields = [
            "id",
            "organization",
            "organization_name",
            "post",
            "post_display",
            *CADRE_TERM_FIELDS,
            "is_serving",
            "concurrent_posts",
            "is_one_shoulder",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]
        # Filled from the member record when one is given; the service says what is missing otherwise.
        extra_kwargs = {"name": {"required": False}}

    def _concurrent_for(self, cadre) -> ConcurrentPosts:
        """The list view builds one index for its page; a single row gets its own (one query)."""
        shared = self.context.get("concurrent_posts")
        if shared is not None:
            return shared
        own = self.__dict__.setdefault("_concurrent_by_pk", {})
        if cadre.pk not in own:
            own[cadre.pk] = ConcurrentPosts([cadre], on=timezone.localdate())
        return own[cadre.pk]

    def get_is_serving(self, cadre) -> bool:
        today = timezone.localdate()
        return cadre.started_on <= today and (cadre.ended_on is None or cadre.ended_on >= today)

    @extend_schema_field(ConcurrentPostSerializer(many=True))
    def get_concurrent_posts(self, cadre):
        return ConcurrentPostSerializer(self._concurrent_for(cadre).of(cadre), many=True).data

    def get_is_one_shoulder(self, cadre) -> bool:
        return self._concurrent_for(cadre).is_one_shoulder(cadre)


class EndTermSerializer(serializers.Serializer):
    on = serializers.DateField(help_text=_("the last day of the term"))
    reason = serializers.CharField(max_length=200)
    version = serializers.IntegerField(required=False, min_value=1)


class ReserveCadreSerializer(VersionedSerializerMixin, OrganizationRecordSerializer):
    member = ScopedRelatedField(queryset=Member.objects.all(), allow_null=True, required=False)
    status_display = ChoiceLabelField("status")
    is_young = serializers.SerializerMethodField(help_text=_("aged 35 or less today"))
    # Declared so the schema says what the list answers: blank until the reserve is promoted.
    promoted_post = serializers.ChoiceField(choices=CadrePost.choices, allow_blank=True, read_only=True)

    class Meta:
        model = ReserveCadre
        fields = [
            "id",
            "organization",
            "organization_name",
            "member",
            "name",
            "gender",
            "birth_date",
            "is_young",
            "education",
            "phone",
            *RESERVE_ROSTER_FIELDS,
            "status",
            "status_display",
            "promoted_post",
            "promoted_on",
            "removed_on",
            "removed_reason",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "status",
            "promoted_post",
            "promoted_on",
            "removed_on",
            "removed_reason",
            "created_at",
            "updated_at",
        ]
        # Filled from the member record when one is given; the service says what is missing otherwise.
        extra_kwargs = {
            field: {"required": False}
            for field in ("name", "gender", "birth_date", "education", "political_status")
        }

    def get_is_young(self, reserve) -> bool:
        return is_young(reserve.birth_date, timezone.localdate())


class PromoteSerializer(serializers.Serializer):
    post = serializers.ChoiceField(choices=CadrePost.choices)
    on = serializers.DateField(help_text=_("the first day in the post"))
    version = serializers.IntegerField(required=False, min_value=1)


class RemoveSerializer(serializers.Serializer):
    on = serializers.DateField()
    reason = serializers.CharField(max_length=200)
    version = serializers.IntegerField(required=False, min_value=1)


class CadreViewSet(WorkflowActionMixin, UnmaskActionMixin, ImportExportViewSetMixin, ScopedModelViewSet):
    """Post holdings of the two committees, first secretaries, instructors and other village cadres.
    Cross-appointment (交叉任职, 一肩挑) is derived from the rows, never entered."""

    queryset = Cadre.objects.all()
    list_selector = staticmethod(selectors.cadre_list)
    resource_class = CadreResource
    serializer_class = CadreSerializer
    step_record = "cadre"
    filterset_class = CadreFilter
    search_fields = ["name"]
    ordering_fields = ["organization__path", "post", "name", "started_on", "ended_on", "birth_date"]
    ordering = ["organization__path", "post", "started_on", "pk"]
    create_service = staticmethod(services.cadre_appoint)
    update_service = staticmethod(services.cadre_update)

    def reference_date(self):
        try:
            return parse_date(self.request.query_params.get("on", "")) or timezone.localdate()
        except ValueError:
            return timezone.localdate()

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        rows = page if page is not None else queryset
        self.concurrent_posts = ConcurrentPosts(rows, on=self.reference_date())
        return page

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if getattr(self, "concurrent_posts", None) is not None:
            context["concurrent_posts"] = self.concurrent_posts
        return context

    end_term = StepAction(
        services.cadre_end_term,
        EndTermSerializer,
        "End the term on a day, with the reason (re-election, resignation, dismissal…).",
        url_path="end-term",
    )


class ReserveCadreViewSet(
    WorkflowActionMixin, UnmaskActionMixin, ImportExportViewSetMixin, ScopedModelViewSet
):
    """Each village's reserve cadre roster (后备干部): entry, promotion to a post, removal with a reason."""

    queryset = ReserveCadre.objects.all()
    list_selector = staticmethod(selectors.reserve_cadre_list)
    resource_class = ReserveCadreResource
    serializer_class = ReserveCadreSerializer
    step_record = "reserve"
    filterset_class = ReserveCadreFilter
    search_fields = ["name"]
    ordering_fields = [
        "organization__path",
        "name",
        "birth_date",
        "entered_on",
        "status",
        "trainings_attended",
    ]
    ordering = ["organization__path", "entered_on", "pk"]
    create_service = staticmethod(services.reserve_enter)
    update_service = staticmethod(services.reserve_update)

    promote = StepAction(
        services.reserve_promote,
        PromoteSerializer,
        "Promote to a post from a day on; the post is appointed with it, or nothing changes.",
    )

    remove = StepAction(
        services.reserve_remove, RemoveSerializer, "Take off the roster on a day, with the reason."
    )


def register(router):
    router.register("cadres", CadreViewSet)
    router.register("reserve-cadres", ReserveCadreViewSet)
