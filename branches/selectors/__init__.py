from .audit import (
    change_history_get,
    change_history_list,
    change_history_rows,
    may_audit,
    security_event_list,
    tracked_models,
)
from .records import (
    activity_room_list,
    disclosure_list,
    review_record_list,
    room_investment_list,
    room_target_list,
    standardized_rooms_vs_target,
    with_room_totals,
    with_target_progress,
)
from .tree import organization_get, organization_list, staff_role_list

__all__ = ["organization_get", "organization_list", "staff_role_list"]
__all__ += [
    "activity_room_list",
    "disclosure_list",
    "review_record_list",
    "room_investment_list",
    "room_target_list",
    "standardized_rooms_vs_target",
    "with_room_totals",
    "with_target_progress",
]
__all__ += [
    "change_history_get",
    "change_history_list",
    "change_history_rows",
    "may_audit",
    "security_event_list",
    "tracked_models",
]
