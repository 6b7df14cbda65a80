"""Fields the joint evaluation's endpoints share."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..selectors import evaluation as selectors

# What places a statement or a score in the evaluation: its cycle and year, its organization and the level
# the secretary is evaluated at.
CYCLE_ORGANIZATION_FIELDS = [
    "cycle",
    "year",
    "organization",
    "organization_name",
    "level",
    "level_display",
]


@extend_schema_field(OpenApiTypes.INT)
class VisibleCycleField(serializers.PrimaryKeyRelatedField):
    """A cycle the requesting user can see; any other reads as "does not exist"."""

    def get_queryset(self):
        request = self.context.get("request")
        return selectors.visible_cycles(request.user if request else None).select_related("county")


def display_name(user) -> str | None:
    if user is None:
        return None
    return user.get_full_name() or user.get_username()
