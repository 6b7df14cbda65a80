from .tree import OrganizationFilter, StaffRoleFilter, WithinFilterMixin, within_filter

__all__ = ["OrganizationFilter", "StaffRoleFilter", "WithinFilterMixin", "within_filter"]
