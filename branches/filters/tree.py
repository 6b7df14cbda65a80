import django_filters
from django.utils.translation import gettext_lazy as _

from ..models import Organization
from ..models import OrganizationField
from ..models import OrganizationKind
from ..models import StaffRole
from ..scope.roles import Role
from .common import organization_choice


class WithinFilterMixin:
    """``?within=<organization id>``: rows in that organization's subtree (empty when out of scope)."""

    within_path_lookup = "path"

    def filter_within(self, queryset, name, value: Organization):
        return queryset.filter(**{f"{self.within_path_lookup}__startswith": value.path})


def within_filter():
    return organization_choice(_("within organization"), method="filter_within")


class ScopedFilterSet(WithinFilterMixin, django_filters.FilterSet):
    """Records in organizations' subtrees: ``?within=`` over ``within_path_lookup`` (the record's
    organization unless the subclass names another path)."""

    within_path_lookup = "organization__path"
    within = within_filter()


class OrganizationFilter(WithinFilterMixin, django_filters.FilterSet):
    parent = organization_choice(_("parent organization"))
    kind = django_filters.MultipleChoiceFilter(choices=OrganizationKind.choices)
    field = django_filters.MultipleChoiceFilter(choices=OrganizationField.choices)
    within = within_filter()
    active = django_filters.BooleanFilter(label=_("active"), field_name="dissolved_on", lookup_expr="isnull")

    class Meta:
        model = Organization
        fields = ["parent", "kind", "field", "within", "active", "code"]


class StaffRoleFilter(ScopedFilterSet):
    organization = organization_choice(_("organization"))
    role = django_filters.MultipleChoiceFilter(choices=Role.choices)

    class Meta:
        model = StaffRole
        fields = ["organization", "role", "user", "within"]
