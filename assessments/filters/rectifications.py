import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from branches.filters import ScopedFilterSet
from branches.filters import organization_choice
from partybuild.years import YearFilter

from ..models import Rectification
from ..models import RectificationStatus


class RectificationFilter(ScopedFilterSet):
    organization = organization_choice(_("branch"))
    year = YearFilter()
    status = django_filters.MultipleChoiceFilter(choices=RectificationStatus.choices)
    overdue = django_filters.BooleanFilter(
        label=_("past the deadline and still open"), method="filter_overdue"
    )

    class Meta:
        model = Rectification
        fields = ["organization", "within", "year", "status", "overdue"]

    def filter_overdue(self, queryset, name, value):
        condition = {"status": RectificationStatus.OPEN, "deadline__lt": timezone.localdate()}
        return queryset.filter(**condition) if value else queryset.exclude(**condition)
