"""What ``GET /api/v1/dashboard/`` answers, for the schema: the plain dicts of
assessments/selectors/dashboard.py described field by field (the view answers the dicts themselves; these
serializers only document them).

Counts are integers; shares are percentages with one decimal (null without a base); quota figures are JSON
numbers, an integer when whole (docs/quotas.md)."""

from drf_spectacular.utils import PolymorphicProxySerializer
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..selectors.dashboard import STATUS_LABELS
from .quotas import AlertDetailField

STATUSES = list(STATUS_LABELS)


def labels():
    return serializers.DictField(child=serializers.CharField())


def counts(help_text: str):
    return serializers.DictField(child=serializers.IntegerField(), help_text=help_text)


class DashboardOrganizationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.CharField()


class AlertOrganizationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


# Published quota results by colour, one count per status of STATUS_LABELS. No docstring: the schema would
# give it to every subclass.
class StatusCountsSerializer(serializers.Serializer):
    green = serializers.IntegerField()
    amber = serializers.IntegerField()
    red = serializers.IntegerField()
    none = serializers.IntegerField()


class QuotaColoursSerializer(StatusCountsSerializer):
    total = serializers.IntegerField()


class RoomsSerializer(serializers.Serializer):
    standardized = serializers.IntegerField()
    target = serializers.IntegerField(allow_null=True)
    met = serializers.BooleanField(allow_null=True)


class ReserveSerializer(serializers.Serializer):
    villages = serializers.IntegerField()
    covered = serializers.IntegerField(help_text="villages with a reserve cadre aged 35 or under")
    share = serializers.FloatField(allow_null=True)


class DashboardUnitSerializer(serializers.Serializer):
    """The figures of one unit: the county, a township, or the organization itself."""

    organization = DashboardOrganizationSerializer()
    villages = serializers.IntegerField()
    households = serializers.IntegerField()
    population = serializers.IntegerField()
    branches = serializers.IntegerField()
    branches_by_field = counts("branches by field (the empty key: none given)")
    members = serializers.IntegerField()
    members_by_category = counts("members on the roll by category")
    members_by_gender = counts("members on the roll by gender")
    members_by_age = counts("members on the roll by age band on the reference day")
    members_by_education = counts("members on the roll by education")
    new_members = serializers.IntegerField()
    quota = QuotaColoursSerializer(help_text="published quota results by colour")
    stars = counts('branches by stars ("0" to "5") and "unrated"')
    rated = serializers.IntegerField()
    three_stars = serializers.IntegerField()
    rooms = RoomsSerializer()
    reserve = ReserveSerializer()
    alerts = serializers.IntegerField()
    stars_share = serializers.FloatField(allow_null=True, help_text="% of branches at three stars or more")
    stars_target = serializers.IntegerField(help_text="the county's target for that share (%)")
    stars_meets_target = serializers.BooleanField()


class DashboardAlertSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    label = serializers.CharField()
    organization = AlertOrganizationSerializer()
    cadre = serializers.CharField(allow_null=True)
    detail = AlertDetailField()


class QuotaCodeSerializer(StatusCountsSerializer):
    code = serializers.CharField()
    label = serializers.CharField()


FIGURE = {"type": "number", "nullable": True}
# A branch's result for one code of the table, or null where it has none (an inline schema: a nullable $ref
# is not expressible in OpenAPI 3.0 without one).
QUOTA_CELL = {
    "type": "object",
    "nullable": True,
    "properties": {
        "target": FIGURE,
        "actual": FIGURE,
        "met": {"type": "boolean", "nullable": True},
        "status": {"type": "string", "enum": STATUSES},
    },
    "required": ["target", "actual", "met", "status"],
}


@extend_schema_field({"type": "array", "items": QUOTA_CELL})
class QuotaCellsField(serializers.ListField):
    """One cell per code of the table, in its order."""


class QuotaTableBranchSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    field = serializers.CharField(allow_null=True, allow_blank=True)
    results = QuotaCellsField()
    red = serializers.IntegerField()


class QuotaTableSerializer(serializers.Serializer):
    codes = QuotaCodeSerializer(many=True)
    branches = QuotaTableBranchSerializer(many=True)


class DashboardLabelsSerializer(serializers.Serializer):
    fields = labels()
    categories = labels()
    genders = labels()
    education = labels()
    ages = labels()
    statuses = labels()
    stars = labels()


class DashboardSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    reference_day = serializers.DateField()
    organization = DashboardOrganizationSerializer()
    summary = DashboardUnitSerializer()
    alerts = DashboardAlertSerializer(many=True, help_text="the first 50 alerts of the subtree")
    labels = DashboardLabelsSerializer()


class CountyDashboardSerializer(DashboardSerializer):
    kind = serializers.ChoiceField(choices=["county"])
    townships = DashboardUnitSerializer(many=True)


class TownshipDashboardSerializer(DashboardSerializer):
    """A township's (street's) dashboard, or a branch's: the same parts for itself alone."""

    kind = serializers.ChoiceField(choices=["township", "branch"])
    quota_table = QuotaTableSerializer()


DASHBOARD = PolymorphicProxySerializer(
    component_name="Dashboard",
    serializers={
        "county": CountyDashboardSerializer,
        "township": TownshipDashboardSerializer,
        "branch": TownshipDashboardSerializer,
    },
    resource_type_field_name="kind",
)
