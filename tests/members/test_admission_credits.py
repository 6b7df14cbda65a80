"""Each member's admission as the quotas credit it, kept by the database as members and their transfers are
written (members/models/tallies.py, ``AdmissionCredit``): after any write, by any path, it equals what the
facts say (``admission_credits_from_facts``)."""

import datetime as dt

import pytest

from members.models import AdmissionCredit
from members.models import Education
from members.models import Member
from members.models import MemberEvent
from members.models import MemberEventKind
from tests.utils.factories import MemberFactory
from tests.utils.factories_roster import admission_credits_from_facts
from tests.utils.factories_roster import admission_credits_kept
from tests.utils.factories_roster import transfer

pytestmark = pytest.mark.django_db


def credit(member) -> tuple:
    row = AdmissionCredit.objects.filter(member=member)
    return row.values_list("organization", "year", "age_joined", "education").get()


def test_a_member_joining_the_day_before_his_25th_birthday_joined_at_24(world):
    born = dt.date(2000, 6, 15)
    day_before = MemberFactory(branch=world.branch_a1, birth_date=born, joined_on=dt.date(2025, 6, 14))
    on_the_day = MemberFactory(branch=world.branch_a1, birth_date=born, joined_on=dt.date(2025, 6, 15))
    assert credit(day_before)[:3] == (world.branch_a1.pk, 2025, 24)
    assert credit(on_the_day)[:3] == (world.branch_a1.pk, 2025, 25)


def test_a_29_february_birthday_comes_on_1_march(world):
    born = dt.date(2000, 2, 29)
    on_28 = MemberFactory(branch=world.branch_a1, birth_date=born, joined_on=dt.date(2025, 2, 28))
    on_1 = MemberFactory(branch=world.branch_a1, birth_date=born, joined_on=dt.date(2025, 3, 1))
    assert (credit(on_28)[2], credit(on_1)[2]) == (24, 25)


def test_the_first_transfer_credits_the_branch_it_took_the_member_from(world):
    member = MemberFactory(branch=world.branch_b1, joined_on=dt.date(2024, 3, 1))
    later = transfer(
        member, from_branch=world.branch_a2, to_branch=world.branch_b1, occurred_on=dt.date(2025, 1, 1)
    )
    transfer(member, from_branch=world.branch_a1, to_branch=world.branch_a2, occurred_on=dt.date(2024, 9, 1))
    assert credit(member)[0] == world.branch_a1.pk
    MemberEvent.objects.filter(pk=later.pk).update(occurred_on=dt.date(2024, 5, 1))
    assert credit(member)[0] == world.branch_a2.pk
    MemberEvent.objects.filter(pk=later.pk).update(kind=MemberEventKind.STATUS_CHANGE)
    assert credit(member)[0] == world.branch_a1.pk
    MemberEvent.objects.filter(member=member).delete()
    assert credit(member)[0] == world.branch_b1.pk
    assert admission_credits_kept() == admission_credits_from_facts()


def test_two_transfers_on_one_day_credit_the_one_recorded_first(world):
    member = MemberFactory(branch=world.branch_b1, joined_on=dt.date(2024, 3, 1))
    day = dt.date(2024, 9, 1)
    transfer(member, from_branch=world.branch_a2, to_branch=world.branch_a1, occurred_on=day)
    transfer(member, from_branch=world.branch_a1, to_branch=world.branch_b1, occurred_on=day)
    assert credit(member)[0] == world.branch_a2.pk


def test_editing_a_member_moves_his_credit_unless_a_transfer_holds_it(world):
    moved = MemberFactory(branch=world.branch_a1, joined_on=dt.date(2025, 12, 31))
    held = MemberFactory(branch=world.branch_a1, joined_on=dt.date(2025, 5, 1))
    transfer(held, from_branch=world.branch_a1, to_branch=world.branch_a2, occurred_on=dt.date(2025, 8, 1))
    moved.joined_on, moved.education = dt.date(2026, 1, 1), Education.BACHELOR
    moved.save()
    Member.objects.filter(pk__in=[moved.pk, held.pk]).update(branch=world.branch_b1)
    assert credit(moved) == (world.branch_b1.pk, 2026, credit(moved)[2], Education.BACHELOR)
    assert credit(held)[0] == world.branch_a1.pk
    Member.objects.filter(pk=held.pk).update(status="lost_contact")  # not what a credit depends on
    assert admission_credits_kept() == admission_credits_from_facts()


def test_deleting_a_member_with_his_events_removes_his_credit(world):
    members = [MemberFactory(branch=world.branch_a1) for _ in range(2)]
    transfer(
        members[0], from_branch=world.branch_b1, to_branch=world.branch_a1, occurred_on=dt.date(2024, 1, 1)
    )
    members[0].delete()
    assert admission_credits_kept() == admission_credits_from_facts()
    assert set(admission_credits_kept()) == {members[1].pk}


def test_bulk_writes_keep_the_credits(world):
    members = Member.objects.bulk_create(
        MemberFactory.build(branch=world.branch_a1, joined_on=dt.date(2025, month, 1)) for month in (1, 6, 12)
    )
    MemberEvent.objects.bulk_create(
        MemberEvent(
            member=member,
            kind=MemberEventKind.TRANSFER,
            occurred_on=dt.date(2025, 12, 31),
            from_branch=world.branch_a2,
            to_branch=world.branch_a1,
        )
        for member in members[:2]
    )
    Member.objects.filter(pk__in=[m.pk for m in members]).update(joined_on=dt.date(2024, 7, 1))
    assert admission_credits_kept() == admission_credits_from_facts()
    assert {row[0] for row in admission_credits_kept().values()} == {world.branch_a1.pk, world.branch_a2.pk}
