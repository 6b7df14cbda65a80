"""Meetings (三会一课): quick entry, attendance rules and arithmetic, counters, history."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from branches.scope.querysets import OutOfScope
from branches.scope.roles import Role
from members.models import Meeting
from members.models import MeetingKind
from members.models import MemberStatus
from members.services import activities as services
from partybuild.exceptions import StaleWrite
from tests.utils.assertions import refused_naming
from tests.utils.factories import MemberFactory
from tests.utils.factories import OrganizationFactory
from tests.utils.factories import StaffRoleFactory
from tests.utils.factories_activities import MeetingFactory

pytestmark = pytest.mark.django_db


def record(world, who="staff_a", **data):
    data = {"kind": MeetingKind.ASSEMBLY, "topic": "学习党章", "organization": world.branch_a1, **data}
    return services.meeting_record(actor=world.users[who], **data)


def test_quick_entry_by_a_secretary_uses_own_branch_and_today(world):
    meeting = services.meeting_record(
        actor=world.users["secretary_a1"], kind=MeetingKind.THEME_DAY, topic="主题党日"
    )
    assert meeting.organization == world.branch_a1
    assert meeting.held_on == timezone.localdate()


def test_quick_entry_without_organization_by_township_staff_is_refused_clearly(world):
    with pytest.raises(ValidationError) as refused:
        services.meeting_record(actor=world.users["staff_a"], kind=MeetingKind.ASSEMBLY, topic="大会")
    assert "organization" in refused.value.message_dict
    assert not Meeting.objects.exists()


def test_a_secretary_of_two_branches_must_name_the_branch(world):
    StaffRoleFactory(
        user=world.users["secretary_a1"], organization=world.branch_a2, role=Role.BRANCH_SECRETARY
    )
    with pytest.raises(ValidationError) as refused:
        services.meeting_record(actor=world.users["secretary_a1"], kind=MeetingKind.GROUP, topic="小组会")
    assert "organization" in refused.value.message_dict


def test_a_meeting_in_the_future_is_refused(world):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    with pytest.raises(ValidationError) as refused:
        record(world, held_on=tomorrow)
    assert "held_on" in refused.value.message_dict
    assert record(world, held_on=timezone.localdate()).pk


def test_a_meeting_before_1900_is_a_typing_slip_and_is_refused(world):
    with pytest.raises(ValidationError) as refused:
        record(world, held_on=dt.date(1899, 12, 31))
    assert "held_on" in refused.value.message_dict
    assert not Meeting.objects.exists()
    assert record(world, held_on=dt.date(1900, 1, 1)).pk


def test_meetings_are_held_by_a_branch_not_a_committee(world):
    with pytest.raises(ValidationError) as refused:
        record(world, organization=world.township_a)
    assert "organization" in refused.value.message_dict


def test_a_secretary_cannot_record_for_another_branch(world):
    with pytest.raises(OutOfScope):
        record(world, who="secretary_a1", organization=world.branch_a2)
    assert not Meeting.objects.exists()


def test_attendance_rate_is_attendees_over_members_on_the_roll(world):
    members = MemberFactory.create_batch(10, branch=world.branch_a1)
    meeting = record(world, attendees=members[:7])
    assert (meeting.members_expected, meeting.attendee_count) == (10, 7)
    assert meeting.attendance_rate == 0.7


def test_members_off_the_roll_are_not_expected(world):
    MemberFactory.create_batch(3, branch=world.branch_a1)
    MemberFactory(branch=world.branch_a1, status=MemberStatus.LOST_CONTACT)
    for status in (
        MemberStatus.LEFT,
        MemberStatus.DECEASED,
        MemberStatus.TRANSFERRED_OUT,
        MemberStatus.STOPPED,
    ):
        MemberFactory(branch=world.branch_a1, status=status)
    MemberFactory(branch=world.branch_a2)
    assert record(world).members_expected == 4


def test_a_meeting_with_nobody_on_the_roll_has_no_rate(world):
    meeting = record(world)
    assert meeting.members_expected == 0 and meeting.attendance_rate is None


def test_a_general_branch_expects_the_members_of_its_branches(world):
    general = OrganizationFactory(parent=world.township_a, kind="general_branch")
    inner = OrganizationFactory(parent=general)
    members = MemberFactory.create_batch(2, branch=inner)
    meeting = record(world, organization=general, attendees=members)
    assert (meeting.members_expected, meeting.attendance_rate) == (2, 1.0)


def test_an_attendee_from_another_branch_is_refused_by_name(world):
    own = MemberFactory(branch=world.branch_a1)
    other = MemberFactory(branch=world.branch_a2, name="王二")
    with refused_naming("attendees", "王二"):
        record(world, attendees=[own, other])
    assert not Meeting.objects.exists()


def test_a_member_who_left_cannot_attend(world):
    gone = MemberFactory(branch=world.branch_a1, name="张三", status=MemberStatus.LEFT)
    with refused_naming("attendees", "张三"):
        record(world, attendees=[gone])


def test_a_member_who_lost_contact_can_attend(world):
    member = MemberFactory(branch=world.branch_a1, status=MemberStatus.LOST_CONTACT)
    assert record(world, attendees=[member]).attendee_count == 1


def test_the_same_attendee_twice_counts_once(world):
    member = MemberFactory(branch=world.branch_a1)
    meeting = record(world, attendees=[member, member.pk])
    assert meeting.attendee_count == 1 and list(meeting.attendees.all()) == [member]


def test_update_recounts_members_expected_and_attendees(world):
    members = MemberFactory.create_batch(4, branch=world.branch_a1)
    meeting = record(world, attendees=members[:1])
    MemberFactory(branch=world.branch_a1)
    updated = services.meeting_update(actor=world.users["staff_a"], meeting=meeting, attendees=members[:3])
    assert (updated.members_expected, updated.attendee_count, updated.version) == (5, 3, 2)
    assert updated.attendance_rate == 0.6


def test_an_attendee_who_left_since_stays_on_an_edit(world):
    member = MemberFactory(branch=world.branch_a1)
    meeting = record(world, attendees=[member])
    member.status = MemberStatus.LEFT
    member.save()
    updated = services.meeting_update(
        actor=world.users["staff_a"], meeting=meeting, topic="改", attendees=[member]
    )
    assert updated.attendee_count == 1 and updated.topic == "改"


def test_moving_a_meeting_rechecks_every_attendee(world):
    member = MemberFactory(branch=world.branch_a1, name="李四")
    meeting = record(world, attendees=[member])
    with refused_naming("attendees", "李四"):
        services.meeting_update(actor=world.users["staff_a"], meeting=meeting, organization=world.branch_a2)
    meeting.refresh_from_db()
    assert meeting.organization == world.branch_a1


def test_stale_update_is_refused(world):
    meeting = record(world)
    services.meeting_update(actor=world.users["staff_a"], meeting=meeting, topic="一", expected_version=1)
    with pytest.raises(StaleWrite):
        services.meeting_update(actor=world.users["staff_a"], meeting=meeting, topic="二", expected_version=1)


def test_every_write_leaves_history_with_the_attendees(world):
    members = MemberFactory.create_batch(2, branch=world.branch_a1)
    meeting = record(world, attendees=members[:1])
    services.meeting_update(actor=world.users["staff_a"], meeting=meeting, attendees=members)
    latest = meeting.history.latest()
    assert latest.history_user == world.users["staff_a"]
    assert {row.member_id for row in latest.attendees.all()} == {m.pk for m in members}
    assert latest.attendee_count == 2
    assert {h.history_user for h in meeting.history.all()} == {world.users["staff_a"]}


def test_delete_leaves_a_history_row(world):
    meeting = record(world)
    services.meeting_delete(actor=world.users["staff_a"], meeting=meeting)
    assert not Meeting.objects.exists()
    assert Meeting.history.filter(history_type="-").get().history_user == world.users["staff_a"]


def test_viewer_cannot_delete(world):
    meeting = MeetingFactory(organization=world.branch_a1)
    with pytest.raises(OutOfScope):
        services.meeting_delete(actor=world.users["viewer_a"], meeting=meeting)
    assert Meeting.objects.filter(pk=meeting.pk).exists()
