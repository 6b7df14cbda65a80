import django_filters
from django.utils.translation import gettext_lazy as _

from branches.filters import ScopedFilterSet
from branches.filters import on_or_after
from branches.filters import on_or_before
from branches.filters import organization_choice
from branches.filters import visible_choice
from partybuild.years import FIRST_DATE_YEAR
from partybuild.years import YearFilter

from ..models import Cadre
from ..models import VisitLog
from ..selectors.visits import in_year
from ..selectors.visits import is_open


class VisitLogFilter(ScopedFilterSet):
    organization = organization_choice(_("village branch"))
    cadre = visible_choice(Cadre, _("cadre"))
    year = YearFilter(label=_("year visited"), method="filter_year", first=FIRST_DATE_YEAR)
    visited_after = on_or_after(_("visited on or after"), "visited_on")
    visited_before = on_or_before(_("visited on or before"), "visited_on")
    open = django_filters.BooleanFilter(label=_("concern not resolved yet"), method="filter_open")

    class Meta:
        model = VisitLog
        fields = ["organization", "within", "cadre", "year", "visited_after", "visited_before", "open"]

    def filter_year(self, queryset, name, value):
        return queryset.filter(in_year(int(value)))

    def filter_open(self, queryset, name, value):
        return queryset.filter(is_open()) if value else queryset.exclude(is_open())
