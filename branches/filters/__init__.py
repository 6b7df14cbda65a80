from .common import at_least, visible_choice, year_of
from .tree import OrganizationFilter, StaffRoleFilter, WithinFilterMixin, within_filter

__all__ = [
    "OrganizationFilter",
    "StaffRoleFilter",
    "WithinFilterMixin",
    "at_least",
    "visible_choice",
    "within_filter",
    "year_of",
]
