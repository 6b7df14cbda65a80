"""The bases of the county's yearly policies through the API (quota targets, star bands)."""

from rest_framework import serializers

from branches.models import Organization
from branches.scope.viewsets import ScopedModelViewSet
from branches.scope.viewsets import ScopedRelatedField
from branches.scope.viewsets import VersionedSerializerMixin
from partybuild.years import YearField


# A policy's fields, its county chosen within the actor's scope and answered with its name; subclasses name
# the model in ``class Meta(CountyPolicySerializer.Meta)``. No docstring: the schema would give it to every
# subclass.
class CountyPolicySerializer(VersionedSerializerMixin, serializers.ModelSerializer):
    county = ScopedRelatedField(queryset=Organization.objects.all())
    county_name = serializers.CharField(source="county.name", read_only=True)
    year = YearField()

    class Meta:
        exclude = ["created_at", "updated_at"]
        validators = []  # the service's full_clean says "one per county and year" in the user's language


class CountyPolicyViewSet(ScopedModelViewSet):
    """One policy per county and year, listed by county and latest year first; edited, never deleted.
    Subclasses name the queryset, selector, serializer, filter and the create and update services."""

    ordering_fields = ["year"]
    ordering = ["county__path", "-year"]
