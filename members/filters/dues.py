import django_filters
from django.utils.translation import gettext_lazy as _

from branches.filters import ScopedFilterSet
from branches.filters import organization_choice
from branches.filters import year_of

from ..models import DuesPayment
from ..models import PaymentMethod


class DuesPaymentFilter(ScopedFilterSet):
    organization = organization_choice(_("branch"), field_name="organization")
    year = year_of("month")
    month = django_filters.NumberFilter(
        label=_("month"), field_name="month", lookup_expr="month", min_value=1, max_value=12
    )
    method = django_filters.MultipleChoiceFilter(choices=PaymentMethod.choices)

    class Meta:
        model = DuesPayment
        fields = ["organization", "year", "month", "method"]
