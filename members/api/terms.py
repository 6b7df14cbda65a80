from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from branches.api.actions import StepAction
from branches.api.actions import WorkflowActionMixin
from branches.api.serializers import OrganizationRecordSerializer
from branches.scope.viewsets import ScopedModelViewSet
from branches.scope.viewsets import ScopedRelatedField
from branches.scope.viewsets import VersionedSerializerMixin
from partybuild.serializer_fields import ChoiceLabelField

from ..filters.terms import ElectionFilter
from ..filters.terms import TermFilter
from ..models import Candidate
from ..models import Election
from ..models import Member
from ..models import Term
from ..selectors import terms as selectors
from ..services import terms as services


class TermSerializer(VersionedSerializerMixin, OrganizationRecordSerializer):
    kind_display = ChoiceLabelField("kind")
    length_years = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=5,
        help_text=_("default: 5 for village and community branches and township committees, else 3"),
    )
    stage = serializers.SerializerMethodField(
        help_text=_("today: running, ends_6m, ends_3m (last day included), overdue, or closed (a later term)")
    )

    class Meta:
        model = Term
        fields = [
            "id",
            "organization",
            "organization_name",
            "kind",
            "kind_display",
            "starts_on",
            "length_years",
            "ends_on",
            "extended_to",
            "extension_reason",
            "extended_on",
            "stage",
            "election",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "ends_on",
            "extended_to",
            "extension_reason",
            "extended_on",
            "election",
            "created_at",
            "updated_at",
        ]

    def get_stage(self, term) -> str:
        return selectors.stage_of(term)


class ExtendSerializer(serializers.Serializer):
    extended_to = serializers.DateField(help_text=_("the new last day, at most a year after the regular one"))
    reason = serializers.CharField(max_length=200)
    on = serializers.DateField(help_text=_("the day the extension was decided"))
    version = serializers.IntegerField(required=False, min_value=1)


class TermViewSet(WorkflowActionMixin, ScopedModelViewSet):
    """Committee (or secretary) terms: their start, length, one extension and the stage they are in."""

    queryset = Term.objects.all()
    list_selector = staticmethod(selectors.term_list)
    serializer_class = TermSerializer
    step_record = "term"
    filterset_class = TermFilter
    ordering_fields = ["organization__path", "starts_on", "ends_on"]
    ordering = ["organization__path", "-starts_on", "pk"]
    create_service = staticmethod(services.term_start)

    extend = StepAction(
        services.term_extend, ExtendSerializer, "Extend the term once, by at most a year, with the reason."
    )


class ElectionCandidateSerializer(serializers.ModelSerializer):
    member = ScopedRelatedField(queryset=Member.objects.all())
    name = serializers.CharField(source="member.name", read_only=True)

    class Meta:
        model = Candidate
        fields = ["member", "name", "yes_votes", "elected_post"]
        extra_kwargs = {"elected_post": {"required": False}}


class ElectionSerializer(VersionedSerializerMixin, OrganizationRecordSerializer):
    candidates = ElectionCandidateSerializer(many=True)
    status_display = ChoiceLabelField("status")
    approved_by_name = serializers.CharField(source="approved_by.username", read_only=True, default="")

    class Meta:
        model = Election
        fields = [
            "id",
            "organization",
            "organization_name",
            "held_on",
            "entitled_voters",
            "present_voters",
            "candidates",
            "status",
            "status_display",
            "approved_on",
            "approved_by_name",
            "note",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["status", "approved_on", "created_at", "updated_at"]


class ApproveSerializer(serializers.Serializer):
    on = serializers.DateField(help_text=_("the approval date: the elected hold their posts from it"))
    version = serializers.IntegerField(required=False, min_value=1)


class ElectionViewSet(WorkflowActionMixin, ScopedModelViewSet):
    """Elections (换届选举): the vote with its candidates, and the township's approval, which appoints the
    elected, ends the previous posts and starts the new term."""

    queryset = Election.objects.all()
    list_selector = staticmethod(selectors.election_list)
    serializer_class = ElectionSerializer
    step_record = "election"
    filterset_class = ElectionFilter
    ordering_fields = ["organization__path", "held_on"]
    ordering = ["organization__path", "-held_on", "pk"]
    create_service = staticmethod(services.election_record)

    approve = StepAction(
        services.election_approve,
        ApproveSerializer,
        "The township's approval (review capability), from a day on.",
    )


def register(router):
    router.register("terms", TermViewSet)
    router.register("elections", ElectionViewSet)
