"""Every write in the branches app, split by topic: the tree and roles, and organization records."""

from .accounts import account_create
from .accounts import account_gate_state
from .accounts import account_password_changed
from .accounts import account_require_password_change
from .accounts import county_security_policy_set
from .accounts import lockout_reset
from .accounts import totp_device_confirm
from .accounts import totp_device_for_enrolment
from .accounts import totp_required
from .records import activity_room_create
from .records import activity_room_delete
from .records import activity_room_update
from .records import disclosure_check
from .records import disclosure_create
from .records import disclosure_delete
from .records import disclosure_update
from .records import investment_check
from .records import review_check
from .records import review_record_create
from .records import review_record_delete
from .records import review_record_update
from .records import room_check
from .records import room_investment_add
from .records import room_investment_delete
from .records import room_investment_update
from .records import room_target_check
from .records import room_target_delete
from .records import room_target_set
from .records import room_target_update
from .tokens import api_token_issue
from .tokens import api_token_revoke
from .tokens import api_tokens_revoke_all
from .tokens import api_tokens_revoke_for_usernames
from .tree import organization_create
from .tree import organization_update
from .tree import security_event_record
from .tree import security_event_record_deferred
from .tree import security_events_flush
from .tree import staff_role_grant
from .tree import staff_role_revoke

__all__ = [
    "organization_create",
    "organization_update",
    "security_event_record",
    "security_event_record_deferred",
    "security_events_flush",
    "staff_role_grant",
    "staff_role_revoke",
]
__all__ += [
    "activity_room_create",
    "activity_room_delete",
    "activity_room_update",
    "disclosure_check",
    "disclosure_create",
    "disclosure_delete",
    "disclosure_update",
    "investment_check",
    "review_check",
    "review_record_create",
    "review_record_delete",
    "review_record_update",
    "room_check",
    "room_investment_add",
    "room_investment_delete",
    "room_investment_update",
    "room_target_check",
    "room_target_delete",
    "room_target_set",
    "room_target_update",
]
__all__ += [
    "account_create",
    "account_gate_state",
    "account_password_changed",
    "api_token_issue",
    "api_token_revoke",
    "api_tokens_revoke_all",
    "api_tokens_revoke_for_usernames",
    "account_require_password_change",
    "county_security_policy_set",
    "lockout_reset",
    "totp_device_confirm",
    "totp_device_for_enrolment",
    "totp_required",
]
