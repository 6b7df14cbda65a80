from .audit import change_history_get
from .audit import change_history_list
from .audit import change_history_rows
from .audit import may_audit
from .audit import security_event_list
from .audit import tracked_models
from .records import activity_room_list
from .records import disclosure_list
from .records import review_record_list
from .records import room_investment_list
from .records import room_target_list
from .records import standardized_rooms_vs_target
from .records import with_room_totals
from .records import with_target_progress
from .tree import organization_get
from .tree import organization_list
from .tree import staff_role_list

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
