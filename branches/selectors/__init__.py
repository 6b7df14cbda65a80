from .tree import organization_get, organization_list, staff_role_list, user_roles

__all__ = ["organization_get", "organization_list", "staff_role_list", "user_roles"]
