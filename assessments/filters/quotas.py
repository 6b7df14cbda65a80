import django_filters
from django.utils.translation import gettext_lazy as _

from branches.filters import ScopedFilterSet, visible_choice
from branches.models import Organization

from ..models import Alert, AlertKind, QuotaPolicy, QuotaResult, QuotaRun, RunState


class QuotaPolicyFilter(django_filters.FilterSet):
    county = visible_choice(Organization, _("county committee"))

    class Meta:
        model = QuotaPolicy
        fields = ["county", "year"]


class QuotaRunFilter(ScopedFilterSet):
    organization = visible_choice(Organization, _("scope"))
    state = django_filters.MultipleChoiceFilter(choices=RunState.choices)

    class Meta:
        model = QuotaRun
        fields = ["organization", "within", "year", "state"]


class QuotaResultFilter(ScopedFilterSet):
    organization = visible_choice(Organization, _("organization"))
    code = django_filters.CharFilter(label=_("indicator"))
    code_prefix = django_filters.CharFilter(
        label=_("indicator prefix"), field_name="code", lookup_expr="startswith"
    )

    class Meta:
        model = QuotaResult
        fields = ["organization", "within", "year", "code", "code_prefix", "met"]


class AlertFilter(ScopedFilterSet):
    organization = visible_choice(Organization, _("organization"))
    kind = django_filters.MultipleChoiceFilter(choices=AlertKind.choices)

    class Meta:
        model = Alert
        fields = ["organization", "within", "year", "kind"]
