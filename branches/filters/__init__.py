from .common import at_least
from .common import on_or_after
from .common import on_or_before
from .common import organization_choice
from .common import visible_choice
from .common import year_of
from .tree import OrganizationFilter
from .tree import ScopedFilterSet
from .tree import StaffRoleFilter
from .tree import WithinFilterMixin
from .tree import within_filter

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
