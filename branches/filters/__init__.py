from .common import at_least, on_or_after, on_or_before, organization_choice, visible_choice, year_of
from .tree import OrganizationFilter, ScopedFilterSet, StaffRoleFilter, WithinFilterMixin, within_filter

__all__ = [
    "OrganizationFilter",
    "ScopedFilterSet",
    "StaffRoleFilter",
    "WithinFilterMixin",
    "at_least",
    "on_or_after",
    "on_or_before",
    "organization_choice",
    "visible_choice",
    "within_filter",
    "year_of",
]
