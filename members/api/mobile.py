"""``/api/v1/away-records/`` (a member's spells working away: posting one starts a spell, patching
``back_on`` ends it) and ``/api/v1/away-contacts/`` (the branch's contact log), docs/mobile-members.md."""

from django.utils import timezone
from rest_framework import serializers

from branches.scope.viewsets import ScopedModelViewSet
from branches.scope.viewsets import ScopedRelatedField

from ..filters.mobile import AwayContactFilter
from ..filters.mobile import AwayRecordFilter
from ..models import AwayContact
from ..models import AwayRecord
from ..models import Member
from ..models.mobile import AWAY_DETAIL_FIELDS
from ..selectors import mobile as selectors
from ..services import mobile as services


class AwayRecordSerializer(serializers.ModelSerializer):
    member = ScopedRelatedField(queryset=Member.objects.all())
    member_name = serializers.CharField(source="member.name", read_only=True)
    branch = serializers.IntegerField(source="member.branch_id", read_only=True)
    last_contact_on = serializers.DateField(read_only=True, allow_null=True)
    out_of_contact = serializers.SerializerMethodField()

    class Meta:
        model = AwayRecord
        fields = [
            "id",
            "member",
            "member_name",
            "branch",
            *AWAY_DETAIL_FIELDS,
            "back_on",
            "last_contact_on",
            "out_of_contact",
            "recorded_by",
            "version",
        ]
        read_only_fields = ["recorded_by", "version"]
        validators = []  # a second open spell is refused by the service with its message

    def get_out_of_contact(self, away) -> bool:
        if not hasattr(away, "heard_since"):
            return False
        return selectors.is_out_of_contact(away, on=timezone.localdate())

    def validate(self, attrs):
        if self.instance is not None:
            attrs.pop("member", None)  # a spell stays the member's it was recorded for
        elif attrs.get("back_on") is not None:
            raise serializers.ValidationError({"back_on": [services.MESSAGES["back_on_create"]]})
        else:
            attrs.pop("back_on", None)
        return attrs


class AwayContactSerializer(serializers.ModelSerializer):
    away = ScopedRelatedField(queryset=AwayRecord.objects.all())
    member = serializers.IntegerField(source="away.member_id", read_only=True)
    member_name = serializers.CharField(source="away.member.name", read_only=True)

    class Meta:
        model = AwayContact
        fields = [
            "id",
            "away",
            "member",
            "member_name",
            "contacted_on",
            "way",
            "note",
            "recorded_by",
            "version",
        ]
        read_only_fields = ["recorded_by", "version"]


class AwayRecordViewSet(ScopedModelViewSet):
    """Members' spells working away from home: posting one starts a spell, setting ``back_on`` ends it
    (docs/mobile-members.md)."""

    queryset = AwayRecord.objects.all()
    list_selector = staticmethod(selectors.away_record_list)
    serializer_class = AwayRecordSerializer
    filterset_class = AwayRecordFilter
    ordering = ["member__branch__path", "member__name", "-left_on", "pk"]
    http_method_names = ["get", "post", "patch", "head", "options"]
    create_service = staticmethod(services.away_record_start)
    update_service = staticmethod(services.away_record_update)


class AwayContactViewSet(ScopedModelViewSet):
    """The branch's log of contacts with its members working away (docs/mobile-members.md)."""

    queryset = AwayContact.objects.all()
    list_selector = staticmethod(selectors.away_contact_list)
    serializer_class = AwayContactSerializer
    filterset_class = AwayContactFilter
    ordering = ["-contacted_on", "-pk"]
    create_service = staticmethod(services.away_contact_record)


def register(router):
    router.register("away-records", AwayRecordViewSet)
    router.register("away-contacts", AwayContactViewSet)
