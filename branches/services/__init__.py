"""Every write in the branches app, split by topic: the tree and roles, and organization records."""

from .tree import (
    organization_create,
    organization_update,
    security_event_record,
    staff_role_grant,
    staff_role_revoke,
)

__all__ = [
    "organization_create",
    "organization_update",
    "security_event_record",
    "staff_role_grant",
    "staff_role_revoke",
]
