"""Transfer letters (docs/transfers.md): validity at its edges, the member leaving the roll only on delivery
or confirmation, a received member joining the roll on the day accepted, the register's numbers, and the
letter of a transfer within the county."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from members.models import LetterDirection
from members.models import LetterStatus
from members.models import MemberEventKind
from members.models import MemberStatus
from members.models import TransferLetter
from members.models.transfers import latest_valid_until
from members.models.transfers import max_valid_days
from members.models.transfers import valid_until
from members.selectors.roster import roll_on
from members.services.roster import member_transfer
from members.services.transfers import letter_cancel
from members.services.transfers import letter_confirm
from members.services.transfers import letter_mark_delivered
from tests.utils.factories import MemberFactory
from tests.utils.factories_transfers import ISSUED
from tests.utils.factories_transfers import issue
from tests.utils.factories_transfers import receive

pytestmark = pytest.mark.django_db


def on_roll(branch, member, day) -> bool:
    return roll_on(branch, day).filter(pk=member.pk).exists()


# --- validity ---------------------------------------------------------------------------------------------


def test_thirty_valid_days_run_to_the_thirtieth_day_and_expire_on_the_thirty_first():
    last_day = valid_until(dt.date(2026, 3, 1), 30)
    assert last_day == dt.date(2026, 3, 30)
    letter = TransferLetter(status=LetterStatus.ISSUED, issued_on=dt.date(2026, 3, 1), valid_until=last_day)
    assert not letter.expired_on(dt.date(2026, 3, 30))
    assert letter.expired_on(dt.date(2026, 3, 31))


def test_the_longest_validity_is_three_calendar_months_less_a_day():
    assert latest_valid_until(dt.date(2026, 1, 15)) == dt.date(2026, 4, 14)
    assert max_valid_days(dt.date(2026, 1, 15)) == 90
    assert max_valid_days(dt.date(2026, 3, 1)) == 92
    # 30 November + 3 months lands on 28 February (the month has no 30th): valid until the 27th.
    assert latest_valid_until(dt.date(2026, 11, 30)) == dt.date(2027, 2, 27)
    assert valid_until(dt.date(2026, 1, 15), 90) == dt.date(2026, 4, 14)


def test_a_letter_valid_up_to_three_months_is_issued_one_day_more_is_refused(world):
    actor = world.users["secretary_a1"]
    first, second = MemberFactory(branch=world.branch_a1), MemberFactory(branch=world.branch_a1)
    issued = dt.date(2026, 1, 15)
    assert issue(actor, first, issued_on=issued, valid_days=90).valid_until == dt.date(2026, 4, 14)
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        issue(actor, second, issued_on=issued, valid_days=91)
    assert "at most 90 days (until 2026-04-14)" in refused.value.message_dict["valid_days"][0]
    assert not second.transfer_letters.exists()


def test_default_validity_is_ten_days_within_the_city_and_thirty_outside(world):
    actor = world.users["secretary_a1"]
    near = issue(actor, MemberFactory(branch=world.branch_a1), within_city=True)
    far = issue(actor, MemberFactory(branch=world.branch_a1))
    assert (near.valid_days, far.valid_days) == (10, 30)


def test_delivery_on_the_last_valid_day_is_recorded_the_day_after_is_refused(world):
    actor = world.users["secretary_a1"]
    letter = issue(actor, MemberFactory(branch=world.branch_a1), valid_days=30)
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        letter_mark_delivered(actor=actor, letter=letter, on=ISSUED + dt.timedelta(days=30))
    assert "valid until 2026-03-31" in refused.value.message_dict["delivered_on"][0]
    letter = letter_mark_delivered(actor=actor, letter=letter, on=ISSUED + dt.timedelta(days=29))
    assert letter.status == LetterStatus.DELIVERED


# --- out of the county: the roll ------------------------------------------------------------------------


def test_an_issued_letter_keeps_the_member_on_the_roll(world):
    member = MemberFactory(branch=world.branch_a1)
    issue(world.users["secretary_a1"], member)
    member.refresh_from_db()
    assert member.status == MemberStatus.NORMAL
    assert on_roll(world.branch_a1, member, ISSUED + dt.timedelta(days=40))


def test_delivery_takes_the_member_off_the_roll_from_that_day(world):
    actor, member = world.users["secretary_a1"], MemberFactory(branch=world.branch_a1)
    delivered = ISSUED + dt.timedelta(days=3)
    letter = letter_mark_delivered(actor=actor, letter=issue(actor, member), on=delivered)
    assert on_roll(world.branch_a1, member, delivered - dt.timedelta(days=1))
    assert not on_roll(world.branch_a1, member, delivered)
    assert letter.event.to_status == MemberStatus.TRANSFERRED_OUT
    assert letter.delivered_by == actor
    # The receipt coming back later confirms the letter without moving the member again.
    letter = letter_confirm(actor=actor, letter=letter, on=delivered + dt.timedelta(days=2))
    assert letter.status == LetterStatus.CONFIRMED
    assert member.events.filter(kind=MemberEventKind.STATUS_CHANGE).count() == 1
    assert not on_roll(world.branch_a1, member, delivered)


def test_confirmation_of_an_issued_letter_takes_the_member_off_the_roll_that_day(world):
    actor, member = world.users["staff_a"], MemberFactory(branch=world.branch_a1)
    confirmed = ISSUED + dt.timedelta(days=10)
    letter = letter_confirm(actor=actor, letter=issue(actor, member), on=confirmed)
    assert letter.confirmed_by == actor
    assert on_roll(world.branch_a1, member, confirmed - dt.timedelta(days=1))
    assert not on_roll(world.branch_a1, member, confirmed)


def test_a_cancelled_letter_leaves_the_member_on_the_roll_and_frees_them_for_another(world):
    actor, member = world.users["secretary_a1"], MemberFactory(branch=world.branch_a1)
    first = issue(actor, member)
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        issue(actor, member)
    assert first.number in refused.value.message_dict["member"][0]
    with pytest.raises(ValidationError):
        letter_cancel(actor=actor, letter=first, on=ISSUED, reason="")
    letter = letter_cancel(actor=actor, letter=first, on=ISSUED, reason="本人暂不外出")
    assert letter.status == LetterStatus.CANCELLED
    assert on_roll(world.branch_a1, member, ISSUED + dt.timedelta(days=60))
    assert issue(actor, member).status == LetterStatus.ISSUED


def test_a_confirmed_letter_cannot_be_cancelled_or_delivered(world):
    actor = world.users["secretary_a1"]
    letter = letter_confirm(
        actor=actor, letter=issue(actor, MemberFactory(branch=world.branch_a1)), on=ISSUED
    )
    with pytest.raises(ValidationError):
        letter_cancel(actor=actor, letter=letter, on=ISSUED, reason="错发")
    with pytest.raises(ValidationError):
        letter_mark_delivered(actor=actor, letter=letter, on=ISSUED)


def test_the_expired_state_is_an_issued_letter_past_its_validity(world):
    letter = issue(world.users["secretary_a1"], MemberFactory(branch=world.branch_a1))
    assert letter.state == "expired"  # issued 2 March, thirty days: long past
    assert str(letter.state_label)


# --- numbers ----------------------------------------------------------------------------------------------


def test_numbers_follow_the_county_register_and_a_taken_one_is_refused(world):
    actor = world.users["county_admin"]
    first = issue(actor, MemberFactory(branch=world.branch_a1))
    second = issue(actor, MemberFactory(branch=world.branch_b1))
    assert (first.number, second.number) == ("2026-001", "2026-002")
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        issue(actor, MemberFactory(branch=world.branch_b1), number="2026-001")
    assert "2026-001 is already" in refused.value.message_dict["number"][0]
    # The other county keeps its own register.
    other = MemberFactory(branch=world.branch_z1)
    assert issue(world.users["root"], other, number="2026-001").number == "2026-001"


# --- into the county --------------------------------------------------------------------------------------


def test_a_received_member_joins_the_branch_roll_on_the_day_accepted(world):
    accepted = dt.date(2026, 4, 9)
    letter = receive(world.users["secretary_a1"], world.branch_a1, accepted_on=accepted)
    assert letter.direction == LetterDirection.IN
    assert letter.status == LetterStatus.CONFIRMED
    assert on_roll(world.branch_a1, letter.member, accepted)
    assert not on_roll(world.branch_a1, letter.member, accepted - dt.timedelta(days=1))
    assert not on_roll(world.county, letter.member, dt.date(2020, 1, 1))


def test_a_received_letter_accepted_after_its_validity_is_refused_and_creates_no_member(world):
    from members.models import Member

    count = Member.objects.count()
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        receive(
            world.users["secretary_a1"],
            world.branch_a1,
            accepted_on=dt.date(2026, 4, 9),
            issued_on=dt.date(2026, 3, 9),
            valid_days=31,
        )
    assert "valid until 2026-04-08" in refused.value.message_dict["accepted_on"][0]
    assert Member.objects.count() == count


def test_a_letter_into_a_foreign_branch_is_refused(world):
    from branches.scope.querysets import OutOfScope

    with pytest.raises(OutOfScope):
        receive(world.users["secretary_a1"], world.branch_b1)


# --- within the county ------------------------------------------------------------------------------------


def test_a_transfer_with_a_letter_number_keeps_the_letter_with_its_event(world):
    actor, member = world.users["staff_a"], MemberFactory(branch=world.branch_a1)
    member_transfer(
        actor=actor, member=member, to_branch=world.branch_a2, on=ISSUED, letter_number=" 县内-7 "
    )
    letter = member.transfer_letters.get()
    assert (letter.number, letter.direction, letter.status) == ("县内-7", "within", "confirmed")
    assert (letter.from_organization, letter.to_organization) == (world.branch_a1, world.branch_a2)
    assert letter.event.kind == MemberEventKind.TRANSFER
    assert on_roll(world.branch_a2, member, ISSUED)


def test_a_transfer_without_a_number_records_no_letter(world):
    member = MemberFactory(branch=world.branch_a1)
    member_transfer(actor=world.users["staff_a"], member=member, to_branch=world.branch_a2, on=ISSUED)
    assert not member.transfer_letters.exists()
