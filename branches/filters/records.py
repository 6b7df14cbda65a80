import django_filters
from django.utils.translation import gettext_lazy as _

from partybuild.years import YearFilter

from ..models import ActivityRoom
from ..models import DisclosurePeriod
from ..models import FinancialDisclosure
from ..models import InvestmentSource
from ..models import ReviewKind
from ..models import ReviewRecord
from ..models import RoomInvestment
from ..models import StandardizedRoomTarget
from ..selectors.records import targets_met
from .common import at_least
from .common import on_or_before
from .common import organization_choice
from .common import visible_choice
from .common import year_of
from .tree import ScopedFilterSet


class ActivityRoomFilter(ScopedFilterSet):
    organization = organization_choice(_("organization"))
    is_standardized = django_filters.BooleanFilter(label=_("standardized"))
    standardized_by = on_or_before(
        _("standardized by"),
        "standardized_on",
        help_text=_("rooms certified as standardized on or before this day"),
    )
    min_facilities = at_least(_("at least this many facilities"), "facilities_total", 1000)

    class Meta:
        model = ActivityRoom
        fields = ["organization", "within", "is_standardized", "standardized_by", "min_facilities"]


class RoomInvestmentFilter(ScopedFilterSet):
    within_path_lookup = "room__organization__path"

    room = visible_choice(ActivityRoom, _("activity room"))
    organization = organization_choice(_("organization"), field_name="room__organization")
    source = django_filters.MultipleChoiceFilter(choices=InvestmentSource.choices)
    year = year_of("invested_on")

    class Meta:
        model = RoomInvestment
        fields = ["room", "organization", "within", "source", "year"]


class RoomTargetFilter(ScopedFilterSet):
    organization = organization_choice(_("township or street"))
    year = YearFilter(label=_("year"))
    met = django_filters.BooleanFilter(label=_("target met"), method="filter_met")

    class Meta:
        model = StandardizedRoomTarget
        fields = ["organization", "within", "year", "met"]

    def filter_met(self, queryset, name, value):
        return targets_met(queryset, met=value)


class ReviewRecordFilter(ScopedFilterSet):
    organization = organization_choice(_("branch"))
    kind = django_filters.MultipleChoiceFilter(choices=ReviewKind.choices)
    year = year_of("held_on")
    held_on = django_filters.DateFromToRangeFilter(label=_("held between"))

    class Meta:
        model = ReviewRecord
        fields = ["organization", "within", "kind", "year", "held_on"]


class FinancialDisclosureFilter(ScopedFilterSet):
    organization = organization_choice(_("branch"))
    year = YearFilter(label=_("year"))
    period = django_filters.ChoiceFilter(choices=DisclosurePeriod.choices)

    class Meta:
        model = FinancialDisclosure
        fields = ["organization", "within", "year", "period"]
