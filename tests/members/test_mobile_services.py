"""The rules of members working away (docs/mobile-members.md), each at its edge."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils import translation

from members.models import Member
from members.models import MemberStatus
from members.services.mobile import away_record_end
from members.services.mobile import away_record_update
from tests.utils.factories import MemberFactory
from tests.utils.factories_mobile import contact
from tests.utils.factories_mobile import send_away

pytestmark = pytest.mark.django_db


def test_one_spell_open_at_a_time_and_the_next_starts_after_the_last_return(world):
    root = world.users["root"]
    away = send_away(root, branch=world.branch_a1, left_on=dt.date(2025, 1, 1))
    with pytest.raises(ValidationError, match="江苏省苏州市"):
        send_away(root, away.member, left_on=dt.date(2025, 2, 1))
    away_record_end(actor=root, away=away, back_on=dt.date(2025, 6, 1))
    with pytest.raises(ValidationError, match="2025-06-01"):
        send_away(root, away.member, left_on=dt.date(2025, 6, 1))
    assert send_away(root, away.member, left_on=dt.date(2025, 6, 2)).back_on is None


def test_coming_back_the_day_left_is_allowed_the_day_before_is_not(world):
    root = world.users["root"]
    away = send_away(root, branch=world.branch_a1, left_on=dt.date(2025, 3, 1))
    with pytest.raises(ValidationError, match="2025-03-01"):
        away_record_end(actor=root, away=away, back_on=dt.date(2025, 2, 28))
    assert away_record_end(actor=root, away=away, back_on=dt.date(2025, 3, 1)).back_on == dt.date(2025, 3, 1)


def test_a_contact_on_the_day_left_counts_and_the_summary_follows_it(world):
    root = world.users["root"]
    away = send_away(root, branch=world.branch_a1, left_on=dt.date(2025, 3, 1))
    contact(root, away, dt.date(2025, 3, 1))
    member = Member.objects.get(pk=away.member_id)
    assert (member.is_mobile, member.mobile_last_contact_on) == (True, dt.date(2025, 3, 1))
    assert member.mobile_destination == "江苏省苏州市" and member.mobile_contact_person == "王芳"
    with translation.override("en"), pytest.raises(ValidationError, match="future"):
        contact(root, away, timezone.localdate() + dt.timedelta(days=1))


def test_a_member_off_the_roll_cannot_leave_and_a_secretary_cannot_reach_another_branch(world):
    gone = MemberFactory(branch=world.branch_a1, status=MemberStatus.DECEASED)
    with pytest.raises(ValidationError):
        send_away(world.users["root"], gone)
    foreign = MemberFactory(branch=world.branch_b1, joined_on=dt.date(2010, 1, 1))
    with pytest.raises(Exception) as refused:
        send_away(world.users["secretary_a1"], foreign)
    assert not isinstance(refused.value, ValidationError)
    assert not foreign.away_records.exists()


def test_details_are_corrected_but_not_the_member(world):
    root = world.users["root"]
    away = send_away(root, branch=world.branch_a1)
    updated = away_record_update(actor=root, away=away, destination="浙江省宁波市")
    assert Member.objects.get(pk=away.member_id).mobile_destination == "浙江省宁波市"
    with pytest.raises(ValidationError):
        away_record_update(actor=root, away=updated, member=MemberFactory(branch=world.branch_a1))
