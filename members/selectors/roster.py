"""Reads over the member roster, always through the user's scope, and the masking of personal data."""

from branches.scope.querysets import scope_paths
from branches.scope.roles import Capability

from .. import idnumbers
from ..models import Member, MemberEvent


def member_list(*, user, action: str = "view"):
    return Member.objects.restrict(user, action).select_related("branch")


def member_find_by_id_number(*, user, id_number: str):
    """Exact match on the full ID number, within the user's scope (never a partial match)."""
    value = (id_number or "").strip().upper()
    return member_list(user=user).filter(id_number=value) if value else Member.objects.none()


def member_events(*, member):
    return MemberEvent.objects.filter(member=member).select_related("from_branch", "to_branch", "recorded_by")


# --- masking ----------------------------------------------------------------------------------------------


def mask_phone(phone: str) -> str:
    """Mobile numbers keep their first three and last four digits (138****5678); shorter ones only the
    last four; very short ones nothing."""
    phone = phone or ""
    if len(phone) >= 11:
        return f"{phone[:3]}{'*' * (len(phone) - 7)}{phone[-4:]}"
    if len(phone) >= 7:
        return f"{'*' * (len(phone) - 4)}{phone[-4:]}"
    return "*" * len(phone)


def mask_id_number(id_number: str) -> str:
    return idnumbers.mask(id_number) if id_number else ""


class Unmasker:
    """Answers, for one user, whether personal data of a record in an organization may be shown in full
    (the "unmask" capability on that organization's subtree). One query per user, then in memory."""

    def __init__(self, user):
        self.paths = scope_paths(user, Capability.UNMASK)

    def allows(self, organization) -> bool:
        if organization is None:
            return False
        if self.paths is None:
            return True
        return any(organization.path.startswith(path) for path in self.paths)

    def id_number(self, value: str, organization) -> str:
        return value if self.allows(organization) else mask_id_number(value)

    def phone(self, value: str, organization) -> str:
        return value if self.allows(organization) else mask_phone(value)
