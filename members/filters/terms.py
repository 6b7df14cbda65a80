import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from branches.filters import ScopedFilterSet
from branches.filters import on_or_after
from branches.filters import on_or_before
from branches.filters import organization_choice

from ..models import Election
from ..models import ElectionStatus
from ..models import Term
from ..models import TermKind
from ..selectors.terms import current_terms


class TermFilter(ScopedFilterSet):
    organization = organization_choice(_("organization"))
    kind = django_filters.MultipleChoiceFilter(choices=TermKind.choices)
    current = django_filters.BooleanFilter(label=_("the term served today"), method="filter_current")
    ends_before = on_or_before(_("ends on or before"), "ends_on")

    class Meta:
        model = Term
        fields = ["organization", "within", "kind", "current", "ends_before"]

    def filter_current(self, queryset, name, value):
        current = current_terms(queryset, timezone.localdate())
        return current if value else queryset.exclude(pk__in=current.values("pk"))


class ElectionFilter(ScopedFilterSet):
    organization = organization_choice(_("organization"))
    status = django_filters.MultipleChoiceFilter(choices=ElectionStatus.choices)
    held_after = on_or_after(_("held on or after"), "held_on")

    class Meta:
        model = Election
        fields = ["organization", "within", "status", "held_after"]
