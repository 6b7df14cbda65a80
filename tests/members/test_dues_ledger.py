"""A branch's monthly dues ledger and its arrears (docs/dues.md): who is due (on the roll on the month's
first day), what is due and paid, one query whatever the branch's size; unpaid 3 months call for a
reminder, 6 without a recorded reason for handling under the rules (flagged, nothing changes)."""

import datetime as dt
from decimal import Decimal

import pytest

from members.models import MemberStatus
from members.selectors.dues import arrears_of
from members.selectors.dues import dues_arrears
from members.selectors.dues import dues_ledger
from members.services.roster import member_change_status
from tests.utils.factories import MemberFactory
from tests.utils.factories_dues import declare
from tests.utils.factories_dues import month
from tests.utils.factories_dues import pay

pytestmark = pytest.mark.django_db


def branch_with(world, count):
    members = [MemberFactory(branch=world.branch_a1, name=f"党员{i:02d}") for i in range(count)]
    for member in members:
        declare(world.users["secretary_a1"], member, income="4000")
    return members


def test_ledger_shows_due_paid_and_arrears(world):
    first, second = branch_with(world, 2)
    pay(world.users["secretary_a1"], first, month(2026, 3), "40", paid_on=dt.date(2026, 3, 9))
    rows = {row.pk: row for row in dues_ledger(organization=world.branch_a1, month=dt.date(2026, 3, 20))}
    assert (rows[first.pk].due, rows[first.pk].paid, rows[first.pk].paid_on) == (
        Decimal("40"),
        Decimal("40"),
        dt.date(2026, 3, 9),
    )
    assert rows[first.pk].recorded_by_name == "secretary_a1"
    assert arrears_of(rows[first.pk]) == 0 and arrears_of(rows[second.pk]) == Decimal("40")


def test_ledger_month_rule_is_the_roll_on_the_first_day(world):
    (stays,) = branch_with(world, 1)
    joins = MemberFactory(branch=world.branch_a1, joined_on=dt.date(2026, 3, 2))
    leaves = MemberFactory(branch=world.branch_a1)
    member_change_status(
        actor=world.users["staff_a"],
        member=leaves,
        status=MemberStatus.DECEASED,
        on=dt.date(2026, 3, 2),
        reason="病故",
    )
    march = {row.pk for row in dues_ledger(organization=world.branch_a1, month=month(2026, 3))}
    april = {row.pk for row in dues_ledger(organization=world.branch_a1, month=month(2026, 4))}
    assert march == {stays.pk, leaves.pk}
    assert april == {stays.pk, joins.pk}


@pytest.mark.parametrize("size", [1, 12])
def test_ledger_is_one_query_for_any_branch_size(world, django_assert_num_queries, size):
    branch_with(world, size)
    with django_assert_num_queries(1):
        assert len(list(dues_ledger(organization=world.branch_a1, month=month(2026, 3)))) == size


def unpaid_since(world, member, paid_until: int):
    for number in range(1, paid_until + 1):
        pay(world.users["secretary_a1"], member, month(2026, number), "40")


@pytest.mark.parametrize(
    ("paid_until", "listed", "to_handle"),
    [
        (9, False, False),
        (7, False, False),
        (6, True, False),
        (4, True, False),
        (3, True, True),
        (0, True, True),
    ],
)
def test_arrears_boundaries(world, paid_until, listed, to_handle):
    (member,) = branch_with(world, 1)
    unpaid_since(world, member, paid_until)
    # Up to September: paid to July leaves 2 months, to June 3, to April 5, to March 6.
    rows = dues_arrears(organization=world.branch_a1, month=month(2026, 9))
    assert bool(rows) is listed
    if listed:
        assert rows[0].to_handle is to_handle
        assert rows[0].unpaid_months == min(9 - paid_until, 6)


def test_a_recorded_reason_keeps_six_months_from_being_flagged(world):
    (member,) = branch_with(world, 1)
    unpaid_since(world, member, 3)
    declare(world.users["secretary_a1"], member, income="4000", unpaid_reason="外出务工，已联系，年底补交")
    (row,) = dues_arrears(organization=world.branch_a1, month=month(2026, 9))
    assert row.unpaid_months == 6 and row.to_handle is False
    assert member.__class__.objects.get(pk=member.pk).status == MemberStatus.NORMAL


@pytest.mark.parametrize("size", [1, 8])
def test_arrears_is_one_query_for_any_branch_size(world, django_assert_num_queries, size):
    branch_with(world, size)
    with django_assert_num_queries(1):
        assert len(dues_arrears(organization=world.branch_a1, month=month(2026, 9))) == size
