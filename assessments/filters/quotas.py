import django_filters
from django.utils.translation import gettext_lazy as _

from branches.filters import ScopedFilterSet
from branches.filters import organization_choice

from ..indicators import indicator_choices
from ..models import Alert
from ..models import AlertKind
from ..models import QuotaPolicy
from ..models import QuotaResult
from ..models import QuotaRun
from ..models import RunState


class QuotaPolicyFilter(django_filters.FilterSet):
    county = organization_choice(_("county committee"))

    class Meta:
        model = QuotaPolicy
        fields = ["county", "year"]


class QuotaRunFilter(ScopedFilterSet):
    organization = organization_choice(_("scope"))
    state = django_filters.MultipleChoiceFilter(choices=RunState.choices)

    class Meta:
        model = QuotaRun
        fields = ["organization", "within", "year", "state"]


class QuotaResultFilter(ScopedFilterSet):
    organization = organization_choice(_("organization"))
    code = django_filters.ChoiceFilter(label=_("indicator"), choices=indicator_choices)
    code_prefix = django_filters.CharFilter(
        label=_("indicator prefix"), field_name="code", lookup_expr="startswith"
    )

    class Meta:
        model = QuotaResult
        fields = ["organization", "within", "year", "code", "code_prefix", "met"]


class AlertFilter(ScopedFilterSet):
    organization = organization_choice(_("organization"))
    kind = django_filters.MultipleChoiceFilter(choices=AlertKind.choices)

    class Meta:
        model = Alert
        fields = ["organization", "within", "year", "kind"]
