"""Dues across a transfer letter (docs/transfers.md, "Dues"): a member received into the county is not due
for the months the letter says are paid, owes nothing for months before arriving, and is due from the month
after "paid up to" once on the roll."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from members.selectors.dues import arrears_of
from members.selectors.dues import dues_arrears
from members.selectors.dues import dues_ledger
from tests.utils.factories import MemberFactory
from tests.utils.factories_dues import declare
from tests.utils.factories_dues import month
from tests.utils.factories_dues import pay
from tests.utils.factories_transfers import receive

pytestmark = pytest.mark.django_db
ACCEPTED = dt.date(2026, 3, 2)  # on the roll from 2 March: first on it on a month's first day in April


def ledger_row(world, member, first):
    return {row.pk: row for row in dues_ledger(organization=world.branch_a1, month=first)}.get(member.pk)


@pytest.fixture
def paid_ahead(world):
    """Received on 2 March with dues paid up to May: April and May are paid, June is the first due here."""
    letter = receive(
        world.users["secretary_a1"], world.branch_a1, accepted_on=ACCEPTED, dues_paid_up_to=month(2026, 5)
    )
    declare(world.users["secretary_a1"], letter.member)
    return letter.member


def test_months_paid_up_to_are_listed_as_paid_by_the_letter_and_owe_nothing(world, paid_ahead):
    for number in (4, 5):
        row = ledger_row(world, paid_ahead, month(2026, number))
        assert row.paid_by_letter and arrears_of(row) == 0
    june = ledger_row(world, paid_ahead, month(2026, 6))
    assert not june.paid_by_letter and arrears_of(june) == june.due


def test_a_payment_for_a_month_paid_up_to_is_refused_and_the_next_is_taken(world, paid_ahead):
    actor = world.users["secretary_a1"]
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        pay(actor, paid_ahead, month(2026, 5), "40")
    assert "paid up to 2026-05" in refused.value.message_dict["month"][0]
    assert pay(actor, paid_ahead, month(2026, 6), "40").organization == world.branch_a1


def test_arrears_count_only_months_after_paid_up_to(world, paid_ahead):
    # Unpaid June to August: three months, not the months before arriving or paid before it.
    found = {row.pk: row for row in dues_arrears(organization=world.branch_a1, month=month(2026, 8))}
    assert found[paid_ahead.pk].unpaid_months == 3
    assert paid_ahead.pk not in {
        row.pk for row in dues_arrears(organization=world.branch_a1, month=month(2026, 7))
    }


def test_months_before_arriving_are_not_owed_here(world):
    """Paid up to January, accepted 2 March: February and March were owed where the member was on 1
    February and 1 March, not here; April, May and June unpaid are three months."""
    letter = receive(
        world.users["secretary_a1"], world.branch_a1, accepted_on=ACCEPTED, dues_paid_up_to=month(2026, 1)
    )
    declare(world.users["secretary_a1"], letter.member)
    assert ledger_row(world, letter.member, month(2026, 3)) is None
    found = {row.pk: row for row in dues_arrears(organization=world.branch_a1, month=month(2026, 6))}
    assert found[letter.member.pk].unpaid_months == 3


def test_accepted_on_a_month_first_day_is_due_that_month(world):
    letter = receive(
        world.users["secretary_a1"],
        world.branch_a1,
        accepted_on=month(2026, 4),
        dues_paid_up_to=month(2026, 3),
    )
    declare(world.users["secretary_a1"], letter.member)
    row = ledger_row(world, letter.member, month(2026, 4))
    assert not row.paid_by_letter and arrears_of(row) == row.due


def test_a_member_of_the_county_keeps_their_arrears(world):
    """The letter rules touch only members received by letter: a member here since 2000 owes every month."""
    member = MemberFactory(branch=world.branch_a1)
    declare(world.users["secretary_a1"], member)
    found = {row.pk: row for row in dues_arrears(organization=world.branch_a1, month=month(2026, 6))}
    assert found[member.pk].unpaid_months == 6
