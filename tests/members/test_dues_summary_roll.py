"""The dues summary counts a month's members by the roll of the month's first day (docs/dues.md, "Summaries";
docs/records.md, "On the roll on a day") at its boundaries: a move or a status change on the first day
already counts, the day after does not yet; a member joining on the first day is due. ``roll_on`` for a
plain day looks only at the members who can be under the organization (docs/records.md); the per-record
form (an ``OuterRef`` day and path, through ``rolls_on``) is the reference both are held to. The summary's
arrears, from joins, are held to ``dues_arrears`` (member by member) where the year of a month or a received
letter changes what is owed."""

import datetime as dt

import pytest

from members.models import MemberStatus
from members.selectors.dues import dues_arrears
from members.selectors.dues import dues_summary
from members.selectors.roster import roll_on
from members.selectors.roster import roll_on_in_parts
from members.selectors.roster import rolls_on
from members.services.roster import member_change_status
from members.services.roster import member_transfer
from tests.utils.factories import MemberFactory
from tests.utils.factories_dues import declare
from tests.utils.factories_dues import month
from tests.utils.factories_dues import pay
from tests.utils.factories_transfers import receive

pytestmark = pytest.mark.django_db

FIRST = dt.date(2026, 3, 1)
BEFORE, AFTER = FIRST - dt.timedelta(days=1), FIRST + dt.timedelta(days=1)


def transferred_from_a1(world, who: str, to_branch, day):
    """A member of branch A1 whom ``who`` transfers to ``to_branch`` on ``day``."""
    member = MemberFactory(branch=world.branch_a1)
    member_transfer(actor=world.users[who], member=member, to_branch=to_branch, on=day)
    return member


def assert_roll(member, expected: dict):
    """For each organization of ``expected``: whether ``member`` (the only member there) is due in the
    summary, on ``roll_on``, in exactly one of its two parts the summary adds up, and on the per-record roll,
    all as ``expected`` says."""
    reference = rolls_on((member.pk, organization, FIRST) for organization in expected)
    for organization, on_roll in expected.items():
        rows = {
            row.organization.pk: row for row in dues_summary(organization=organization, year=2026, month=3)
        }
        assert reference[member.pk, organization, FIRST] is on_roll, organization.name
        assert (member in roll_on(organization, FIRST)) is on_roll, organization.name
        parts = roll_on_in_parts(organization, FIRST)
        assert sum(part.filter(pk=member.pk).exists() for part in parts) == int(on_roll), organization.name
        assert rows[organization.pk].members == int(on_roll), organization.name


@pytest.mark.parametrize(("day", "still_here"), [(FIRST, False), (AFTER, True)])
def test_a_member_transferred_out_of_the_county(world, day, still_here):
    member = transferred_from_a1(world, "root", world.branch_z1, day)
    assert_roll(
        member,
        {
            world.county: still_here,
            world.branch_a1: still_here,
            world.other_county: not still_here,
            world.branch_z1: not still_here,
        },
    )


@pytest.mark.parametrize(("day", "still_here"), [(FIRST, False), (AFTER, True)])
def test_a_member_transferred_to_another_township(world, day, still_here):
    member = transferred_from_a1(world, "county_admin", world.branch_b1, day)
    assert_roll(
        member,
        {world.county: True, world.township_a: still_here, world.township_b: not still_here},
    )


@pytest.mark.parametrize(("day", "on_roll"), [(BEFORE, False), (FIRST, False), (AFTER, True)])
def test_a_status_change_off_the_roll(world, day, on_roll):
    member = MemberFactory(branch=world.branch_a1)
    member_change_status(
        actor=world.users["staff_a"], member=member, status=MemberStatus.DECEASED, on=day, reason="病故"
    )
    assert_roll(member, {world.county: on_roll, world.branch_a1: on_roll})


@pytest.mark.parametrize(("joined", "on_roll"), [(FIRST, True), (AFTER, False)])
def test_a_member_joining(world, joined, on_roll):
    member = MemberFactory(branch=world.branch_a1, joined_on=joined, confirmed_on=None)
    assert_roll(member, {world.county: on_roll, world.branch_a1: on_roll})


# --- arrears: the summary's joins against the ledger's arrears (docs/dues.md, "The ledger and arrears") ---


def assert_arrears(branch, first: dt.date, expected: int):
    rows = {
        row.organization.pk: row
        for row in dues_summary(organization=branch, year=first.year, month=first.month)
    }
    assert len(dues_arrears(organization=branch, month=first)) == expected
    assert rows[branch.pk].arrears == expected


@pytest.mark.parametrize(("exempt_before", "arrears"), [(True, 0), (False, 1)])
def test_arrears_across_the_new_year_read_the_base_of_each_month_year(world, exempt_before, arrears):
    member = MemberFactory(branch=world.branch_a1, joined_on=dt.date(2020, 1, 1))
    actor = world.users["county_admin"]
    if exempt_before:
        declare(actor, member, year=2025, category="hardship", exempt=True, exemption_decision="村党支部决定")
    else:
        declare(actor, member, year=2025)
    declare(actor, member, year=2026)
    assert_arrears(world.branch_a1, month(2026, 1), arrears)  # November and December 2025 unpaid or exempt


@pytest.mark.parametrize(("last", "arrears"), [(7, 0), (8, 1)])
def test_arrears_leave_out_the_months_a_received_letter_paid(world, last, arrears):
    """Received on 2 March with dues paid up to May: June to August unpaid is three months, June and July
    two."""
    letter = receive(
        world.users["secretary_a1"],
        world.branch_a1,
        accepted_on=dt.date(2026, 3, 2),
        dues_paid_up_to=month(2026, 5),
    )
    declare(world.users["secretary_a1"], letter.member)
    assert_arrears(world.branch_a1, month(2026, last), arrears)


@pytest.mark.parametrize(
    ("paid", "arrears"),
    [
        ((), 1),
        ((month(2026, 9),), 0),
        ((month(2026, 10),), 0),
        ((month(2026, 11),), 0),
        ((month(2026, 8),), 1),
    ],
)
def test_arrears_are_three_unpaid_months_in_a_row_ending_with_the_month(world, paid, arrears):
    """September to November: a payment for any of the three breaks the run, one for August does not."""
    member = MemberFactory(branch=world.branch_a1, joined_on=dt.date(2020, 1, 1))
    declare(world.users["county_admin"], member)
    for day in paid:
        pay(world.users["county_admin"], member, day, member.dues_bases.get().monthly_amount)
    assert_arrears(world.branch_a1, month(2026, 11), arrears)
