"""Reads over the member roster, always through the user's scope, and the masking of personal data."""

# The masking lives with the registry of personal fields; re-exported for the member modules.
from branches.personal import Unmasker, mask_id_number, mask_phone

from ..models import Member, MemberEvent

__all__ = [
    "Unmasker",
    "mask_id_number",
    "mask_phone",
    "member_events",
    "member_find_by_id_number",
    "member_list",
]


def member_list(*, user, action: str = "view"):
    # The development record carries a pipeline's probation extension (Member.probation_extension).
    return Member.objects.restrict(user, action).select_related("branch", "development_record")


def member_find_by_id_number(*, user, id_number: str):
    """Exact match on the full ID number, within the user's scope (never a partial match)."""
    value = (id_number or "").strip().upper()
    return member_list(user=user).filter(id_number=value) if value else Member.objects.none()


def member_events(*, member):
    return MemberEvent.objects.filter(member=member).select_related("from_branch", "to_branch", "recorded_by")
