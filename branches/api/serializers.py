from django.contrib.auth import get_user_model
from rest_framework import serializers

from branches.scope.viewsets import ScopedRelatedField
from branches.scope.viewsets import VersionedSerializerMixin
from partybuild.serializer_fields import ChoiceLabelField

from ..models import Organization
from ..models import StaffRole
from ..models.tree import VILLAGE_STATISTICS_FIELDS


# A record of one organization: ``organization`` is chosen within the actor's scope (one outside it reads as
# missing), and answered with its name. No docstring: the schema would give it to every subclass.
class OrganizationRecordSerializer(serializers.ModelSerializer):
    organization = ScopedRelatedField(queryset=Organization.objects.all())
    organization_name = serializers.CharField(source="organization.name", read_only=True)


class OrganizationSerializer(VersionedSerializerMixin, serializers.ModelSerializer):
    parent = ScopedRelatedField(queryset=Organization.objects.all(), allow_null=True, required=False)
    depth = serializers.IntegerField(read_only=True)
    kind_display = ChoiceLabelField("kind")
    field_display = ChoiceLabelField("field")

    class Meta:
        model = Organization
        fields = [
            "id",
            "name",
            "short_name",
            "code",
            "kind",
            "kind_display",
            "field",
            "field_display",
            "parent",
            "path",
            "depth",
            "founded_on",
            "dissolved_on",
            *VILLAGE_STATISTICS_FIELDS,
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["path", "created_at", "updated_at"]


class StaffRoleSerializer(OrganizationRecordSerializer):
    user = serializers.PrimaryKeyRelatedField(queryset=get_user_model().objects.filter(is_active=True))
    username = serializers.CharField(source="user.get_username", read_only=True)
    role_display = ChoiceLabelField("role")

    class Meta:
        model = StaffRole
        fields = [
            "id",
            "user",
            "username",
            "organization",
            "organization_name",
            "role",
            "role_display",
            "created_at",
        ]
        read_only_fields = ["created_at"]
        # Uniqueness is checked by the service's full_clean, inside the scope check.
        validators = []
