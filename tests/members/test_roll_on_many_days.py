"""The roll asked for many members at once, each on its own day (docs/records.md, "On the roll on a day"):
``rolls_on`` and ``member_branches_on`` answer as ``roll_on`` and ``member_branch_on`` do, in one query
whatever the number of members, so that an import judges a whole chunk of rows together."""

import datetime as dt

import pytest

from branches.selectors.tree import committee_above
from branches.selectors.tree import committees_above
from members.models import MemberStatus
from members.selectors.roster import SLOTS_PER_QUERY
from members.selectors.roster import member_branch_on
from members.selectors.roster import member_branches_on
from members.selectors.roster import roll_on
from members.selectors.roster import rolls_on
from members.services.roster import member_change_status
from members.services.roster import member_transfer
from tests.utils.factories import MemberFactory
from tests.utils.factories import OrganizationFactory

pytestmark = pytest.mark.django_db

MOVED, DIED = dt.date(2024, 6, 19), dt.date(2024, 9, 10)
DAYS = (MOVED - dt.timedelta(days=1), MOVED, DIED - dt.timedelta(days=1), DIED)


@pytest.fixture
def people(world):
    """One transferred from a1 to a2 on MOVED, one who died on DIED, one joined on MOVED, one unmoved."""
    staff = world.users["staff_a"]
    moved = MemberFactory(branch=world.branch_a1)
    member_transfer(actor=staff, member=moved, to_branch=world.branch_a2, on=MOVED)
    died = MemberFactory(branch=world.branch_a1)
    member_change_status(actor=staff, member=died, status=MemberStatus.DECEASED, on=DIED, reason="病故")
    joined = MemberFactory(branch=world.branch_a2, joined_on=MOVED, confirmed_on=None)
    return [moved, died, joined, MemberFactory(branch=world.branch_a1)]


def test_many_checks_answer_as_the_roll_of_each_day(world, people):
    places = (world.branch_a1, world.branch_a2, world.township_a, world.township_b)
    checks = [(m.pk, place, day) for m in people for place in places for day in DAYS]
    answers = rolls_on(checks)
    assert answers == {(pk, o, day): roll_on(o, day).filter(pk=pk).exists() for pk, o, day in checks}
    assert any(answers.values()) and not all(answers.values())


def test_a_member_that_does_not_exist_is_on_no_roll(world):
    assert rolls_on([(0, world.branch_a1, MOVED)]) == {(0, world.branch_a1, MOVED): False}


def test_many_branches_on_days_answer_as_for_one(world, people):
    pairs = [(m.pk, day) for m in people for day in DAYS]
    found = member_branches_on(pairs)
    by_pk = {m.pk: m for m in people}
    assert found == {(pk, day): member_branch_on(by_pk[pk], day) for pk, day in pairs}
    assert {found[people[0].pk, day] for day in DAYS} == {world.branch_a1.pk, world.branch_a2.pk}


@pytest.mark.parametrize("size", [1, 30])
def test_many_members_on_many_days_are_one_query(world, django_assert_num_queries, size):
    members = MemberFactory.create_batch(size, branch=world.branch_a1)
    checks = [(m.pk, world.branch_a1, day) for m in members for day in DAYS]
    with django_assert_num_queries(1):
        assert all(rolls_on(checks).values())
    with django_assert_num_queries(1):
        assert set(member_branches_on([(m.pk, day) for m in members for day in DAYS]).values()) == {
            world.branch_a1.pk
        }


@pytest.mark.parametrize(("days", "queries"), [(SLOTS_PER_QUERY, 1), (SLOTS_PER_QUERY + 1, 2)])
def test_a_member_asked_on_more_days_than_a_query_holds_costs_another(
    world, django_assert_num_queries, days, queries
):
    member = MemberFactory(branch=world.branch_a1, joined_on=dt.date(2000, 1, 1))
    checks = [(member.pk, world.branch_a1, dt.date(2024, 1, 1) + dt.timedelta(n)) for n in range(days)]
    with django_assert_num_queries(queries):
        assert all(rolls_on(checks).values())


def test_committees_above_many_organizations_are_one_query(world, django_assert_num_queries):
    section = OrganizationFactory(parent=OrganizationFactory(parent=world.township_a, kind="general_branch"))
    organizations = [world.branch_a1, world.branch_b1, section, world.township_a, world.county]
    expected = {o.pk: committee_above(o) for o in organizations}
    with django_assert_num_queries(1):
        assert committees_above(organizations) == expected
    assert expected[section.pk] == world.township_a and expected[world.county.pk] is None
