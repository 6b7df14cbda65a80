import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from branches.filters import ScopedFilterSet

from ..models import AwayContact
from ..models import AwayRecord
from ..models import ContactWay
from ..selectors.mobile import out_of_contact_before


class AwayRecordFilter(ScopedFilterSet):
    within_path_lookup = "member__branch__path"
    away = django_filters.BooleanFilter(label=_("away now"), field_name="back_on", lookup_expr="isnull")
    out_of_contact = django_filters.BooleanFilter(label=_("out of contact"), method="filter_out_of_contact")

    class Meta:
        model = AwayRecord
        fields = ["within", "member", "away", "out_of_contact"]

    def filter_out_of_contact(self, queryset, name, value):
        silent = {"back_on__isnull": True, "heard_since__lt": out_of_contact_before(timezone.localdate())}
        return queryset.filter(**silent) if value else queryset.exclude(**silent)


class AwayContactFilter(ScopedFilterSet):
    within_path_lookup = "away__member__branch__path"
    way = django_filters.MultipleChoiceFilter(choices=ContactWay.choices)

    class Meta:
        model = AwayContact
        fields = ["within", "away", "way"]
