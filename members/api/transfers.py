"""``/api/v1/transfer-letters/`` (docs/transfers.md): posting issues a letter out of the county;
``receive/`` registers one brought in (the member's record with it); ``{id}/deliver/``, ``{id}/confirm/``
and ``{id}/cancel/`` record the steps of a letter issued here."""

from django.utils.timezone import localdate
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions
from rest_framework import serializers
from rest_framework import status
from rest_framework.decorators import action

from branches.api.actions import StepAction
from branches.api.actions import WorkflowActionMixin
from branches.models import Organization
from branches.scope.viewsets import ScopedModelViewSet
from branches.scope.viewsets import ScopedRelatedField
from branches.scope.viewsets import VersionedSerializerMixin

from ..filters.transfers import TransferLetterFilter
from ..models import Member
from ..models import TransferLetter
from ..models.roster import PERSON_FIELDS
from ..selectors import transfers as selectors
from ..services import transfers as services

MONTH_FORMATS = ["%Y-%m", "iso-8601"]
# Who recorded the letter and each step it took since, as the services write them (read-only).
STEP_FIELDS = [
    "recorded_by",
    "delivered_on",
    "delivered_by",
    "confirmed_on",
    "confirmed_by",
    "cancelled_on",
    "cancelled_by",
    "cancel_reason",
    "event",
]
# The member's record a letter brought in carries.
MEMBER_KEYS = (*PERSON_FIELDS, "category", "joined_on", "confirmed_on")


class TransferLetterSerializer(VersionedSerializerMixin, serializers.ModelSerializer):
    """A letter as read; posting one issues it out of the county (the writable fields)."""

    member = ScopedRelatedField(queryset=Member.objects.all())
    member_name = serializers.CharField(source="member.name", read_only=True)
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    from_label = serializers.CharField(read_only=True)
    to_label = serializers.CharField(read_only=True)
    state = serializers.CharField(read_only=True)
    state_display = serializers.CharField(source="state_label", read_only=True)
    number = serializers.CharField(max_length=30, required=False, allow_blank=True, default="")
    valid_days = serializers.IntegerField(required=False, allow_null=True, min_value=1, default=None)
    dues_paid_up_to = serializers.DateField(input_formats=MONTH_FORMATS)

    class Meta:
        model = TransferLetter
        fields = [
            "id",
            "number",
            "direction",
            "state",
            "state_display",
            "status",
            "member",
            "member_name",
            "organization",
            "organization_name",
            "from_organization",
            "from_organization_name",
            "from_label",
            "to_organization",
            "to_organization_name",
            "to_label",
            "within_city",
            "issued_on",
            "valid_days",
            "valid_until",
            "dues_paid_up_to",
            "note",
            *STEP_FIELDS,
            "version",
        ]
        read_only_fields = [
            "direction",
            "status",
            "organization",
            "from_organization",
            "from_organization_name",
            "to_organization",
            "valid_until",
            *STEP_FIELDS,
        ]
        extra_kwargs = {"to_organization_name": {"required": True}}
        validators = []  # a taken number is refused by the service with its message


class ReceiveSerializer(serializers.Serializer):
    """A letter brought into the county, and the record of the member it brings."""

    to_organization = ScopedRelatedField(queryset=Organization.objects.all())
    number = serializers.CharField(max_length=30)
    from_organization_name = serializers.CharField(max_length=100)
    within_city = serializers.BooleanField(default=False)
    issued_on = serializers.DateField()
    valid_days = serializers.IntegerField(required=False, allow_null=True, min_value=1, default=None)
    dues_paid_up_to = serializers.DateField(input_formats=MONTH_FORMATS)
    accepted_on = serializers.DateField()
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    member = serializers.DictField(help_text="The member's record: " + ", ".join(MEMBER_KEYS))


class StepSerializer(VersionedSerializerMixin):
    on = serializers.DateField(default=localdate)


class CancelSerializer(StepSerializer):
    reason = serializers.CharField(max_length=200)


class TransferLetterViewSet(WorkflowActionMixin, ScopedModelViewSet):
    """Letters moving a member's organizational relationship: issued, delivered, confirmed or expired
    (docs/transfers.md)."""

    queryset = TransferLetter.objects.all()
    list_selector = staticmethod(selectors.letter_list)
    serializer_class = TransferLetterSerializer
    filterset_class = TransferLetterFilter
    ordering_fields = ["issued_on", "number", "valid_until", "status"]
    ordering = ["-issued_on", "-pk"]
    create_service = staticmethod(services.letter_issue)
    step_record = "letter"

    @extend_schema(request=ReceiveSerializer, responses={201: TransferLetterSerializer})
    @action(detail=False, methods=["post"])
    def receive(self, request):
        data = self.validated(ReceiveSerializer, request.data)
        member = {key: value for key, value in data.pop("member").items() if key in MEMBER_KEYS}
        letter = services.letter_receive(actor=request.user, **data, **_member_fields(member))
        response = self.answer(letter)
        response.status_code = status.HTTP_201_CREATED
        return response

    deliver = StepAction(services.letter_mark_delivered, StepSerializer)

    confirm = StepAction(services.letter_confirm, StepSerializer)

    cancel = StepAction(services.letter_cancel, CancelSerializer)


def _member_fields(member: dict) -> dict:
    """The member's fields as the model takes them: dates parsed, through the member serializer's own fields
    (a bad value is a 400 naming it)."""
    serializer = MemberFieldsSerializer(data=member)
    if not serializer.is_valid():
        raise exceptions.ValidationError({"member": serializer.errors})
    return dict(serializer.validated_data)


class MemberFieldsSerializer(serializers.ModelSerializer):
    class Meta:
        model = Member
        fields = list(MEMBER_KEYS)
        extra_kwargs = {"id_number": {"validators": []}}


def register(router):
    router.register("transfer-letters", TransferLetterViewSet)
