import django_filters
from django.utils.translation import gettext_lazy as _

from branches.filters import WithinFilterMixin, within_filter
from branches.models import Organization

from ..models import Alert, AlertKind, QuotaPolicy, QuotaResult, QuotaRun, RunState


def _organizations(request):
    return Organization.objects.restrict(getattr(request, "user", None), "view")


class QuotaPolicyFilter(django_filters.FilterSet):
    county = django_filters.ModelChoiceFilter(label=_("county committee"), queryset=_organizations)

    class Meta:
        model = QuotaPolicy
        fields = ["county", "year"]


class QuotaRunFilter(WithinFilterMixin, django_filters.FilterSet):
    within_path_lookup = "organization__path"
    organization = django_filters.ModelChoiceFilter(label=_("scope"), queryset=_organizations)
    within = within_filter()
    state = django_filters.MultipleChoiceFilter(choices=RunState.choices)

    class Meta:
        model = QuotaRun
        fields = ["organization", "within", "year", "state"]


class QuotaResultFilter(WithinFilterMixin, django_filters.FilterSet):
    within_path_lookup = "organization__path"
    organization = django_filters.ModelChoiceFilter(label=_("organization"), queryset=_organizations)
    within = within_filter()
    code = django_filters.CharFilter(label=_("indicator"))
    code_prefix = django_filters.CharFilter(
        label=_("indicator prefix"), field_name="code", lookup_expr="startswith"
    )

    class Meta:
        model = QuotaResult
        fields = ["organization", "within", "year", "code", "code_prefix", "met"]


class AlertFilter(WithinFilterMixin, django_filters.FilterSet):
    within_path_lookup = "organization__path"
    organization = django_filters.ModelChoiceFilter(label=_("organization"), queryset=_organizations)
    within = within_filter()
    kind = django_filters.MultipleChoiceFilter(choices=AlertKind.choices)

    class Meta:
        model = Alert
        fields = ["organization", "within", "year", "kind"]
