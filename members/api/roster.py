"""``/api/v1/members/``: the roster, its membership events, transfers, status changes, unmasking, import and
export.

The record's own rules (gender and birth date from the ID number, joining at 18, confirmation after the
probation) are Member.clean's, reached through the services (docs/records.md, "Member record").

ID numbers and phones are masked in every list and detail answer, for every user: whoever may unmask
(county admins and township staff on their subtree) asks for one record at a time with ``unmask/``, and each
such request is a security event; ``phone/`` gives the phone alone, to call the member, to whoever keeps the
branch's records (also a security event). ID numbers never travel in a URL: ``search`` (the FilterSet's,
shared with the list page) matches names and refuses an ID number in a query string; an exact ID lookup is
``POST find-by-id/``.
"""

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from drf_spectacular.utils import extend_schema_field
from drf_spectacular.utils import inline_serializer
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from branches.api.actions import StepAction
from branches.api.actions import WorkflowActionMixin
from branches.models import Organization
from branches.scope.viewsets import ScopedModelViewSet
from branches.scope.viewsets import ScopedRelatedField
from branches.scope.viewsets import VersionedSerializerMixin
from branches.tabular.api import ImportExportViewSetMixin
from partybuild.http import client_ip
from partybuild.serializer_fields import ChoiceLabelField

from ..filters.roster import MemberFilter
from ..models import Member
from ..models import MemberEvent
from ..models import MemberStatus
from ..resources import MemberResource
from ..selectors import roster as selectors
from ..services import roster as services


class MemberSerializer(VersionedSerializerMixin, serializers.ModelSerializer):
    branch = ScopedRelatedField(queryset=Organization.objects.all())
    branch_name = serializers.CharField(source="branch.name", read_only=True)
    gender_display = ChoiceLabelField("gender")
    education_display = ChoiceLabelField("education")
    category_display = ChoiceLabelField("category")
    occupation_display = ChoiceLabelField("occupation")
    status_display = ChoiceLabelField("status")
    probation_ends_on = serializers.DateField(read_only=True, allow_null=True)
    probation_overdue = serializers.SerializerMethodField()

    class Meta:
        model = Member
        fields = [
            "id",
            "name",
            "gender",
            "gender_display",
            "ethnicity",
            "id_number",
            "birth_date",
            "education",
            "education_display",
            "category",
            "category_display",
            "branch",
            "branch_name",
            "joined_on",
            "confirmed_on",
            "probation_extension_months",
            "probation_ends_on",
            "probation_overdue",
            "occupation",
            "occupation_display",
            "phone",
            "address",
            "status",
            "status_display",
            "is_mobile",
            "mobile_destination",
            "mobile_contact_person",
            "mobile_last_contact_on",
            "post_duty",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]
        # Uniqueness of the ID number is checked by the service's full_clean, inside the scope check.
        extra_kwargs = {"id_number": {"validators": []}}

    @extend_schema_field(serializers.BooleanField())
    def get_probation_overdue(self, member) -> bool:
        """Still probationary after the end of the probation: the quota run's alert, shown on the member."""
        return member.probation_overdue_on(timezone.localdate())


class MemberEventSerializer(serializers.ModelSerializer):
    kind_display = ChoiceLabelField("kind")
    from_branch_name = serializers.CharField(
        source="from_branch.name", read_only=True, default=None, allow_null=True
    )
    to_branch_name = serializers.CharField(
        source="to_branch.name", read_only=True, default=None, allow_null=True
    )
    recorded_by = serializers.CharField(
        source="recorded_by.get_username", read_only=True, default=None, allow_null=True
    )

    class Meta:
        model = MemberEvent
        fields = [
            "id",
            "kind",
            "kind_display",
            "occurred_on",
            "from_branch",
            "from_branch_name",
            "to_branch",
            "to_branch_name",
            "from_status",
            "to_status",
            "reason",
            "recorded_by",
            "recorded_at",
        ]


class TransferSerializer(VersionedSerializerMixin):
    to_branch = ScopedRelatedField(queryset=Organization.objects.all())
    on = serializers.DateField()
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    letter_number = serializers.CharField(max_length=30, required=False, allow_blank=True, default="")


class StatusChangeSerializer(VersionedSerializerMixin):
    status = serializers.ChoiceField(choices=MemberStatus.choices)
    on = serializers.DateField()
    reason = serializers.CharField(max_length=200)


class ProbationExtensionSerializer(VersionedSerializerMixin):
    months = serializers.IntegerField()
    on = serializers.DateField()
    # The service names a missing reason, as the admin and the pages get it.
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class FindByIdSerializer(serializers.Serializer):
    id_number = serializers.CharField(max_length=32)


UNMASKED = inline_serializer(
    "UnmaskedMember",
    {
        "id": serializers.IntegerField(),
        "id_number": serializers.CharField(),
        "phone": serializers.CharField(),
    },
)


PHONE = inline_serializer("MemberPhone", {"id": serializers.IntegerField(), "phone": serializers.CharField()})


class MemberViewSet(WorkflowActionMixin, ImportExportViewSetMixin, ScopedModelViewSet):
    """Party members of the branches you are responsible for. Members are never deleted: they leave the
    roll through a status change (left, deceased, transferred out) that keeps their history."""

    queryset = Member.objects.all()
    list_selector = staticmethod(selectors.member_list)
    serializer_class = MemberSerializer
    filterset_class = MemberFilter
    ordering_fields = ["name", "birth_date", "joined_on", "branch__path", "category", "status", "created_at"]
    ordering = ["branch__path", "name", "pk"]
    create_service = staticmethod(services.member_create)
    update_service = staticmethod(services.member_update)
    resource_class = MemberResource
    step_record = "member"

    @extend_schema(responses=MemberEventSerializer(many=True))
    @action(detail=True, methods=["get"])
    def events(self, request, pk=None):
        member = self.get_object()
        return self.paginated(selectors.member_events(member=member), MemberEventSerializer)

    transfer = StepAction(services.member_transfer, TransferSerializer)

    change_status = StepAction(
        services.member_change_status, StatusChangeSerializer, url_path="change-status"
    )

    extend_probation = StepAction(
        services.member_extend_probation, ProbationExtensionSerializer, url_path="extend-probation"
    )

    @extend_schema(request=None, responses=UNMASKED)
    @action(detail=True, methods=["post"])
    def unmask(self, request, pk=None):
        member = self.get_object()
        return Response(
            services.member_unmask(actor=request.user, member=member, ip_address=client_ip(request))
        )

    @extend_schema(request=None, responses=PHONE)
    @action(detail=True, methods=["post"])
    def phone(self, request, pk=None):
        member = self.get_object()
        number = services.member_phone_reveal(
            actor=request.user, member=member, ip_address=client_ip(request)
        )
        return Response({"id": member.pk, "phone": number})

    @extend_schema(
        request=FindByIdSerializer,
        responses=inline_serializer("MemberMatches", {"results": MemberSerializer(many=True)}),
    )
    @action(
        detail=False,
        methods=["post"],
        url_path="find-by-id",
        url_name="find-by-id",
        pagination_class=None,
        filter_backends=[],
    )
    def find_by_id(self, request):
        data = self.validated(FindByIdSerializer, request.data)
        members = selectors.member_find_by_id_number(user=request.user, id_number=data["id_number"])
        return Response({"results": self.get_serializer(members, many=True).data})


def register(router):
    router.register("members", MemberViewSet)
