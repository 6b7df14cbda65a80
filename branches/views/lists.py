"""List pages of the organizations' own records (under /org/), on ``branches.scope.lists.ScopedListView``:
the API's FilterSet and scoped queryset, export to Excel and import."""

from django.utils.translation import gettext_lazy as _

from branches.scope.columns import Column
from branches.scope.lists import ScopedListView

from ..filters.records import ActivityRoomFilter
from ..models import ActivityRoom
from ..resources import ActivityRoomResource
from ..selectors import records as selectors
from .columns import DESKTOP_ONLY
from .columns import PHONE_ONLY_WIDE
from .columns import organization_column


class ActivityRoomListView(ScopedListView):
    model = ActivityRoom
    list_selector = staticmethod(selectors.activity_room_list)
    filterset_class = ActivityRoomFilter
    filter_fields = ("within", "is_standardized", "standardized_by", "min_facilities")
    search_fields = ("name", "address", "organization__name")
    search_label = _("Search by name, address or organization")
    resource_class = ActivityRoomResource
    default_ordering = ("organization__path", "name", "pk")
    columns = (
        Column("name", _("name"), sort="name", link=True),
        organization_column(),
        Column("is_standardized", _("standardized"), sort="is_standardized"),
        Column("area_m2", _("floor area (m²)"), sort="area_m2", classes=PHONE_ONLY_WIDE),
        Column("facilities_total", _("facilities"), sort="facilities_total", classes=PHONE_ONLY_WIDE),
        Column(
            "standardized_on", _("certified as standardized on"), sort="standardized_on", classes=DESKTOP_ONLY
        ),
        Column("investments_total", _("invested (yuan)"), sort="investments_total", classes=DESKTOP_ONLY),
        Column("address", _("address"), classes=DESKTOP_ONLY),
    )


urlpatterns = [*ActivityRoomListView.urls("activity-rooms")]
