"""Reads over the member roster, always through the user's scope, the masking of personal data, and the
roll of an organization on a day."""

import datetime as dt
from collections import Counter
from collections import defaultdict

from django.db.models import BigIntegerField
from django.db.models import Case
from django.db.models import CharField
from django.db.models import DateField
from django.db.models import Exists
from django.db.models import F
from django.db.models import Func
from django.db.models import IntegerField
from django.db.models import OuterRef
from django.db.models import Q
from django.db.models import Subquery
from django.db.models import Value
from django.db.models import When
from django.db.models.functions import Coalesce

from branches.models import Organization

# The masking lives with the registry of personal fields; re-exported for the member modules.
from branches.personal import Unmasker
from branches.personal import mask_id_number
from branches.personal import mask_phone

from .. import idnumbers
from ..models import MEMBER_MOVE_KINDS
from ..models import ON_ROLL
from ..models import Member
from ..models import MemberEvent
from ..models import MemberEventKind

__all__ = [
    "Unmasker",
    "mask_id_number",
    "mask_phone",
    "member_branch_on",
    "member_branches_on",
    "member_events",
    "member_find_by_id_number",
    "member_list",
    "off_roll_on",
    "roll_count",
    "roll_on",
    "roll_on_in_parts",
    "rolls_on",
]


def member_list(*, user, action: str = "view"):
    # The development record carries a pipeline's probation extension (Member.probation_extension).
    return Member.objects.restrict(user, action).select_related("branch", "development_record")


def member_find_by_id_number(*, user, id_number: str):
    """Exact match on the full ID number, within the user's scope (never a partial match); typed as the
    list's search takes it (full-width digits, a lower-case x)."""
    try:
        value = idnumbers.parse(id_number or "")
    except idnumbers.IdNumberError:
        return Member.objects.none()
    return member_list(user=user).filter(id_number=value)


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
    state = {
        "branch_on_day_id": (transfers.values("from_branch_id"), "branch_id", BigIntegerField()),
        "branch_on_day_path": (transfers.values("from_branch__path"), "branch__path", CharField()),
        "status_on_day": (changes.values("from_status"), "status", CharField()),
    }
    # On a plain day, only the members moved after it are looked up event by event: the others (nearly all)
    # keep what they have now, found by one set of the day's later transfers and status changes.
    moved = (
        MemberEvent.objects.filter(occurred_on__gt=day, kind__in=MEMBER_MOVE_KINDS).values("member_id")
        if isinstance(day, dt.date)
        else None
    )
    return members.alias(
        **{name: _then_or_now(then, now, field, moved) for name, (then, now, field) in state.items()}
    )


def _then_or_now(then, now: str, field, moved):
    looked_up = Coalesce(Subquery(then[:1]), F(now), output_field=field)
    if moved is None:
        return looked_up
    return Case(When(pk__in=moved, then=looked_up), default=F(now), output_field=field)


def roll_on(organization, day: dt.date | OuterRef):
    """Members on the roll of ``organization``'s subtree on ``day``: joined by then, and on that day in a
    branch of the subtree with a status on the roll. One query whatever the size of the roll.

    ``organization`` is an Organization or, like ``day``, an ``OuterRef`` (its path) to an enclosing query,
    so that many records (meetings, appraisals) are judged each on its own day in one query. For an
    Organization and a plain day the members are first narrowed to those ``_may_be_under`` it, the same roll
    without working out the day's branch and status of every member of the database."""
    path = organization if hasattr(organization, "resolve_expression") else organization.path
    members = Member.objects.filter(joined_on__lte=day)
    if isinstance(organization, Organization) and isinstance(day, dt.date):
        members = members.filter(pk__in=_may_be_under(organization.path, day))
    return _with_state_on(members, day).filter(branch_on_day_path__startswith=path, status_on_day__in=ON_ROLL)


def roll_on_in_parts(organization: Organization, day: dt.date) -> list:
    """``roll_on(organization, day)`` as two disjoint querysets, for totals that add up: the members whose
    branch lies under the organization now, and those transferred out of it after the day whose branch does
    not. Each part reaches its members through their branches instead of probing every id of
    ``_may_be_under`` one by one, which for the month's roll of a county of 9,731 members takes half the
    time (docs/dues.md, "Summaries")."""
    members = _with_state_on(Member.objects.filter(joined_on__lte=day), day).filter(
        branch_on_day_path__startswith=organization.path, status_on_day__in=ON_ROLL
    )
    now_under = Q(branch__path__startswith=organization.path)
    moved_out = Q(pk__in=_moved_out(organization.path, day))
    return [members.filter(now_under), members.filter(moved_out & ~now_under)]


def _may_be_under(path: str, day: dt.date):
    """The members whose branch on ``day`` can lie under ``path``: those whose branch does now, and those
    transferred after the day out of a branch under it. Sound because a member's branch on a day is what the
    first later transfer moved them from, else the current one (docs/records.md "On the roll on a day"); it
    keeps the per-member state of ``_with_state_on`` to a subtree's members instead of the whole database's.
    """
    now_under = Member.objects.filter(branch__path__startswith=path).order_by().values("pk")
    return now_under.union(_moved_out(path, day), all=True)


def _moved_out(path: str, day: dt.date):
    """The ids of the members transferred after ``day`` out of a branch under ``path``."""
    return (
        MemberEvent.objects.filter(
            kind=MemberEventKind.TRANSFER, occurred_on__gt=day, from_branch__path__startswith=path
        )
        .order_by()
        .values("member_id")
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
    return member_branches_on([(member.pk, day)])[member.pk, day]


# --- many members, each on its own day, at once (imports check a chunk of rows together) ----------------

# Keys of one member asked in one query (one column each); a member named more often costs another query.
SLOTS_PER_QUERY = 50


def _slots(keys) -> list[dict]:
    """``keys`` (tuples starting with a member id) dealt into slots of one key per member: each member's
    first key in the first slot, its second in the second, and so on."""
    slots, seen = [], Counter()
    for key in dict.fromkeys(keys):
        number = seen[key[0]]
        seen[key[0]] += 1
        if number == len(slots):
            slots.append({})
        slots[number][key[0]] = key
    return slots


def _value_of_member(slot: dict, position: int, field):
    """Each member's ``key[position]`` in ``slot``, as an expression over the member's row: one branch per
    value (the days of a file are few beside its rows)."""
    members = defaultdict(list)
    for pk, key in slot.items():
        members[key[position]].append(pk)
    return Case(*(When(pk__in=pks, then=Value(value)) for value, pks in members.items()), output_field=field)


def _ask_each(keys, fields, question) -> dict:
    """Ask ``question(i)`` of every key at once, over the rows of the members named: key i of a member gives
    the row its values ``<field>_i`` (``fields``: (name, output field) after the member id) and the answer
    is the row's ``answer_i``. Keys of members that do not exist are left out."""
    answers, slots = {}, _slots(keys)
    for first in range(0, len(slots), SLOTS_PER_QUERY):
        batch = slots[first : first + SLOTS_PER_QUERY]
        values = {
            f"{name}_{i}": _value_of_member(slot, position, field)
            for i, slot in enumerate(batch)
            for position, (name, field) in enumerate(fields, start=1)
        }
        asked = {f"answer_{i}": question(i) for i in range(len(batch))}
        rows = Member.objects.filter(pk__in=batch[0].keys()).alias(**values).values("pk", **asked)
        for row in rows:
            for i, slot in enumerate(batch):
                if (key := slot.get(row["pk"])) is not None:
                    answers[key] = row[f"answer_{i}"]
    return answers


def rolls_on(checks) -> dict[tuple, bool]:
    """For each (member id, organization, day) of ``checks``: whether that member was on the roll of the
    organization's subtree on that day, by ``roll_on`` itself. One query for any number of members (another
    per ``SLOTS_PER_QUERY`` checks of one member); a member that does not exist is not on any roll."""
    checks = list(checks)
    keys = {(pk, organization.path, day): (pk, organization, day) for pk, organization, day in checks}

    def on_roll(i):
        return Exists(roll_on(OuterRef(f"path_{i}"), OuterRef(f"day_{i}")).filter(pk=OuterRef("pk")))

    answers = _ask_each(keys, (("path", CharField()), ("day", DateField())), on_roll)
    return {check: bool(answers.get(key)) for key, check in keys.items()}


def member_branches_on(pairs) -> dict[tuple[int, dt.date], int]:
    """For each (member id, day) of ``pairs``: the id of the branch that member belonged to on that day, as
    ``member_branch_on`` says. One query for any number of members (another per ``SLOTS_PER_QUERY`` days of
    one member); members that do not exist are left out."""

    def branch_on(i):
        members = _with_state_on(Member.objects.filter(pk=OuterRef("pk")), OuterRef(f"day_{i}"))
        return Subquery(members.annotate(on_day=F("branch_on_day_id")).values("on_day")[:1])

    return _ask_each(pairs, (("day", DateField()),), branch_on)
