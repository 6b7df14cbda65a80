"""Reads over the member roster, always through the user's scope, the masking of personal data, and the
roll of an organization on a day."""

import datetime as dt

from django.db.models import BigIntegerField, CharField, Exists, F, Func, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce

# The masking lives with the registry of personal fields; re-exported for the member modules.
from branches.personal import Unmasker, mask_id_number, mask_phone

from ..models import ON_ROLL, Member, MemberEvent, MemberEventKind

__all__ = [
    "Unmasker",
    "mask_id_number",
    "mask_phone",
    "member_branch_on",
    "member_events",
    "member_find_by_id_number",
    "member_list",
    "off_roll_on",
    "roll_count",
    "roll_on",
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


# --- the roll on a day (docs/records.md, "On the roll on a day") ------------------------------------------


def _with_state_on(members, day):
    """``members`` with the branch (``branch_on_day_id``, ``branch_on_day_path``) and the status
    (``status_on_day``) each had on ``day``: what the first later transfer or status change moved them from,
    else what they have now. ``day`` is a date or an ``OuterRef`` to the query ``members`` is nested in."""
    inner_day = OuterRef(day) if isinstance(day, OuterRef) else day
    later = MemberEvent.objects.filter(member=OuterRef("pk"), occurred_on__gt=inner_day).order_by(
        "occurred_on", "pk"
    )
    transfers = later.filter(kind=MemberEventKind.TRANSFER)
    changes = later.filter(kind=MemberEventKind.STATUS_CHANGE)
    return members.alias(
        branch_on_day_id=Coalesce(
            Subquery(transfers.values("from_branch_id")[:1]), F("branch_id"), output_field=BigIntegerField()
        ),
        branch_on_day_path=Coalesce(
            Subquery(transfers.values("from_branch__path")[:1]), F("branch__path"), output_field=CharField()
        ),
        status_on_day=Coalesce(
            Subquery(changes.values("from_status")[:1]), F("status"), output_field=CharField()
        ),
    )


def roll_on(organization, day: dt.date | OuterRef):
    """Members on the roll of ``organization``'s subtree on ``day``: joined by then, and on that day in a
    branch of the subtree with a status on the roll. One query whatever the size of the roll.

    ``organization`` is an Organization or, like ``day``, an ``OuterRef`` (its path) to an enclosing query,
    so that many records (meetings, appraisals) are judged each on its own day in one query."""
    path = organization if hasattr(organization, "resolve_expression") else organization.path
    return _with_state_on(Member.objects.filter(joined_on__lte=day), day).filter(
        branch_on_day_path__startswith=path, status_on_day__in=ON_ROLL
    )


def roll_count(organization, day):
    """The size of ``roll_on(organization, day)`` as a subquery, for annotating records with it."""
    roll = (
        roll_on(organization, day)
        .order_by()
        .annotate(n=Func(F("pk"), function="COUNT", output_field=IntegerField()))
        .values("n")
    )
    return Subquery(roll)


def off_roll_on(organization, day: dt.date, pks) -> list[Member]:
    """Of the members ``pks``, those not on the roll of ``organization``'s subtree on ``day``, in the order
    given (ids of no member are left out). One query."""
    if not pks:
        return []
    on_roll = Exists(roll_on(organization, day).filter(pk=OuterRef("pk")))
    rows = Member.objects.filter(pk__in=pks).annotate(on_roll=on_roll).only("name")
    found = {member.pk: member for member in rows}
    return [member for pk in pks if (member := found.get(pk)) is not None and not member.on_roll]


def member_branch_on(member: Member, day: dt.date) -> int:
    """The id of the branch ``member`` belonged to on ``day`` (the current one for a day after the last
    transfer). One query."""
    members = _with_state_on(Member.objects.filter(pk=member.pk), day)
    return members.annotate(on_day=F("branch_on_day_id")).values_list("on_day", flat=True).get()
