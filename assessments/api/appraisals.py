from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from branches.models import Organization
from branches.scope.viewsets import ScopedModelViewSet
from branches.scope.viewsets import ScopedRelatedField
from branches.scope.viewsets import VersionedSerializerMixin
from branches.tabular.api import ImportExportViewSetMixin
from members.models import Member
from partybuild.serializer_fields import ChoiceLabelField
from partybuild.years import YearField

from ..filters.appraisals import MemberAppraisalFilter
from ..models import AppraisalGrade
from ..models import MemberAppraisal
from ..resources.appraisals import MemberAppraisalResource
from ..selectors import appraisals as selectors
from ..selectors.appraisals import member_star_rollup
from ..services import appraisals as services
from ..services.appraisal_batches import appraisal_record_many


class MemberAppraisalSerializer(VersionedSerializerMixin, serializers.ModelSerializer):
    member = ScopedRelatedField(queryset=Member.objects.all())
    member_name = serializers.CharField(source="member.name", read_only=True)
    member_category = serializers.CharField(source="member.category", read_only=True)
    branch_name = serializers.CharField(source="branch.name", read_only=True)
    grade = serializers.ChoiceField(choices=AppraisalGrade.choices, allow_blank=True, required=False)
    grade_display = ChoiceLabelField("grade")
    year = YearField()

    class Meta:
        model = MemberAppraisal
        fields = [
            "id",
            "member",
            "member_name",
            "member_category",
            "branch",
            "branch_name",
            "year",
            "participated",
            "grade",
            "grade_display",
            "stars",
            "appraised_on",
            "note",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["branch", "stars", "created_at", "updated_at"]
        # The service says "already appraised" in words; the unique constraint would only say it in general.
        validators = []


class EntrySerializer(serializers.Serializer):
    member = serializers.IntegerField(help_text=_("the member's id"))
    grade = serializers.ChoiceField(choices=AppraisalGrade.choices, allow_blank=True, required=False)
    participated = serializers.BooleanField(default=True)
    note = serializers.CharField(max_length=200, allow_blank=True, required=False)
    version = serializers.IntegerField(
        min_value=1, required=False, help_text=_("the version read, when correcting a recorded appraisal")
    )


class RecordManySerializer(serializers.Serializer):
    branch = ScopedRelatedField(queryset=Organization.objects.all())
    year = YearField()
    appraised_on = serializers.DateField()
    entries = EntrySerializer(many=True, allow_empty=False, max_length=1000)


class RollupQuerySerializer(serializers.Serializer):
    organization = ScopedRelatedField(queryset=Organization.objects.all())
    year = YearField()


class StarShareSerializer(serializers.Serializer):
    organization = serializers.IntegerField(source="organization.pk")
    organization_name = serializers.CharField(source="organization.name")
    kind = serializers.CharField(source="organization.kind")
    rated = serializers.IntegerField(help_text=_("rural members rated (one star or more)"))
    at_three_or_more = serializers.IntegerField()
    share = serializers.FloatField(allow_null=True, help_text=_("% at three stars or more; null: none rated"))
    target = serializers.IntegerField(help_text=_("the county's target (%)"))
    met = serializers.BooleanField(allow_null=True)


class MemberAppraisalViewSet(ImportExportViewSetMixin, ScopedModelViewSet):
    """Democratic appraisal of members (民主评议党员): one a year per member, graded by the branch; at most
    one third of the graded members of a branch excellent; probationary members take part ungraded. Member
    stars are derived (see the services' rules)."""

    queryset = MemberAppraisal.objects.all()
    list_selector = staticmethod(selectors.member_appraisal_list)
    resource_class = MemberAppraisalResource
    serializer_class = MemberAppraisalSerializer
    action_serializers = {"record_many": RecordManySerializer, "rollup": RollupQuerySerializer}
    filterset_class = MemberAppraisalFilter
    search_fields = ["member__name"]
    ordering_fields = ["branch__path", "year", "member__name", "grade", "stars", "appraised_on"]
    ordering = ["branch__path", "-year", "member__name", "pk"]
    create_service = staticmethod(services.appraisal_record)
    update_service = staticmethod(services.appraisal_update)
    delete_service = staticmethod(services.appraisal_delete)

    @extend_schema(request=RecordManySerializer, responses={201: MemberAppraisalSerializer(many=True)})
    @action(detail=False, methods=["post"], url_path="record-many", url_name="record-many")
    def record_many(self, request):
        """A branch's appraisal meeting in one request: every member with their grade. Members already
        appraised that year are corrected (send the version read); all entries are written or none, and the
        excellent cap is judged on the branch's set after all of them."""
        entries = self.validated(RecordManySerializer, request.data)
        appraisals = appraisal_record_many(actor=request.user, **entries)
        rows = self.get_queryset().filter(pk__in=[appraisal.pk for appraisal in appraisals])
        data = MemberAppraisalSerializer(rows, many=True, context=self.get_serializer_context()).data
        return Response(data, status=status.HTTP_201_CREATED)

    @extend_schema(parameters=[RollupQuerySerializer], responses=StarShareSerializer(many=True))
    @action(detail=False, methods=["get"], pagination_class=None, filter_backends=[])
    def rollup(self, request):
        """Share of rural members at three stars or more among those rated, for the organization and every
        organization under it with rated rural members, against the county's target (default 90%)."""
        rows = member_star_rollup(**self.validated(RollupQuerySerializer, request.query_params))
        return Response(StarShareSerializer(rows, many=True).data)


def register(router):
    router.register("appraisals", MemberAppraisalViewSet)
