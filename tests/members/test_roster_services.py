"""Roster services: create, edit, transfer, status change and unmask, each with its history and scope."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from branches.models import SecurityEvent
from branches.models import SecurityEventKind
from branches.scope.querysets import OutOfScope
from members.models import Member
from members.models import MemberEvent
from members.models import MemberEventKind
from members.models import MemberStatus
from members.services import roster as services
from partybuild.exceptions import StaleWrite
from tests.utils.factories import MemberFactory
from tests.utils.factories import OrganizationFactory
from tests.utils.factories import id_number_for
from tests.utils.factories_roster import MemberEventFactory

pytestmark = pytest.mark.django_db


def today():
    """The server's today, read when the test runs (a run may cross midnight in the county's time zone)."""
    return timezone.localdate()


def new_member_data(**overrides):
    born = dt.date(1990, 3, 7)
    data = {
        "name": "李红",
        "gender": "female",
        "id_number": id_number_for(born, 22),
        "birth_date": born,
        "education": "bachelor",
        "category": "probationary",
        "joined_on": dt.date(2024, 7, 1),
        "occupation": "farmer",
        "phone": "13900001111",
    }
    return data | overrides


def staff_creates_member(world, **overrides):
    """staff_a enters a new member in branch A1 from ``new_member_data(**overrides)``."""
    return services.member_create(
        actor=world.users["staff_a"], branch=world.branch_a1, **new_member_data(**overrides)
    )


# --- create and update ------------------------------------------------------------------------------------


def test_secretary_creates_a_member_in_own_branch_with_history(world):
    actor = world.users["secretary_a1"]
    member = services.member_create(actor=actor, branch=world.branch_a1, **new_member_data())
    assert member.history.get().history_user == actor


def test_secretary_cannot_create_a_member_in_a_neighbouring_branch(world):
    with pytest.raises(OutOfScope):
        services.member_create(actor=world.users["secretary_a1"], branch=world.branch_a2, **new_member_data())
    assert not Member.objects.exists()


def test_create_validates_the_id_number_against_the_birth_date(world):
    with pytest.raises(ValidationError) as refused:
        staff_creates_member(world, birth_date=dt.date(1990, 3, 8))
    assert "birth_date" in refused.value.message_dict


def test_update_edits_mobile_member_fields_and_set_post_duty(world):
    member = MemberFactory(branch=world.branch_a1)
    actor = world.users["secretary_a1"]
    member = services.member_update(
        actor=actor,
        member=member,
        expected_version=1,
        is_mobile=True,
        mobile_destination="浙江省义乌市",
        mobile_contact_person="王书记",
        mobile_last_contact_on=dt.date(2024, 4, 1),
        post_duty="环境卫生监督岗",
    )
    member.refresh_from_db()
    assert member.is_mobile and member.post_duty == "环境卫生监督岗" and member.version == 2
    assert member.history.first().history_user == actor


@pytest.mark.parametrize("field", ["branch", "status"])
def test_update_refuses_to_change_branch_or_status(world, field):
    member = MemberFactory(branch=world.branch_a1)
    value = world.branch_a2 if field == "branch" else MemberStatus.DECEASED
    with pytest.raises(ValidationError) as refused:
        services.member_update(actor=world.users["staff_a"], member=member, **{field: value})
    assert field in refused.value.message_dict
    member.refresh_from_db()
    assert member.branch == world.branch_a1 and member.status == MemberStatus.NORMAL


def test_update_accepts_the_unchanged_branch_and_status_of_a_full_payload(world):
    member = MemberFactory(branch=world.branch_a1)
    services.member_update(
        actor=world.users["staff_a"], member=member, branch=world.branch_a1, status="normal", name="新名字"
    )
    member.refresh_from_db()
    assert member.name == "新名字"


def test_stale_update_is_refused(world):
    member = MemberFactory(branch=world.branch_a1)
    services.member_update(actor=world.users["staff_a"], member=member, expected_version=1, name="一")
    with pytest.raises(StaleWrite):
        services.member_update(actor=world.users["staff_a"], member=member, expected_version=1, name="二")


# --- transfer ---------------------------------------------------------------------------------------------


def test_transfer_moves_the_member_and_records_the_event_and_history(world):
    member = MemberFactory(branch=world.branch_a1)
    actor = world.users["staff_a"]
    services.member_transfer(actor=actor, member=member, to_branch=world.branch_a2, on=today(), reason="搬迁")
    member.refresh_from_db()
    assert member.branch == world.branch_a2 and member.version == 2
    event = MemberEvent.objects.get(member=member)
    assert (event.kind, event.from_branch, event.to_branch) == (
        MemberEventKind.TRANSFER,
        world.branch_a1,
        world.branch_a2,
    )
    assert event.recorded_by == actor and event.reason == "搬迁"
    before, after = member.history.order_by("history_date")
    assert (before.branch_id, after.branch_id) == (world.branch_a1.pk, world.branch_a2.pk)
    assert after.history_user == actor


def test_transfer_needs_records_on_the_destination_too(world):
    member = MemberFactory(branch=world.branch_a1)
    with pytest.raises(OutOfScope):
        services.member_transfer(
            actor=world.users["secretary_a1"], member=member, to_branch=world.branch_a2, on=today()
        )
    with pytest.raises(OutOfScope):
        services.member_transfer(
            actor=world.users["staff_a"], member=member, to_branch=world.branch_b1, on=today()
        )
    member.refresh_from_db()
    assert member.branch == world.branch_a1 and not MemberEvent.objects.exists()


def test_transfer_needs_records_on_the_origin(world):
    member = MemberFactory(branch=world.branch_b1)
    with pytest.raises(OutOfScope):
        services.member_transfer(
            actor=world.users["staff_a"], member=member, to_branch=world.branch_a1, on=today()
        )


def test_county_admin_transfers_between_townships(world):
    member = MemberFactory(branch=world.branch_b1)
    services.member_transfer(
        actor=world.users["county_admin"], member=member, to_branch=world.branch_a1, on=today()
    )
    member.refresh_from_db()
    assert member.branch == world.branch_a1


@pytest.mark.parametrize(
    ("target", "field"),
    [("same", "to_branch"), ("committee", "to_branch"), ("dissolved", "to_branch")],
)
def test_transfer_only_to_another_active_branch(world, target, field):
    member = MemberFactory(branch=world.branch_a1)
    destination = {
        "same": world.branch_a1,
        "committee": world.township_a,
        "dissolved": OrganizationFactory(parent=world.township_a, dissolved_on=dt.date(2020, 1, 1)),
    }[target]
    with pytest.raises(ValidationError) as refused:
        services.member_transfer(
            actor=world.users["staff_a"], member=member, to_branch=destination, on=today()
        )
    assert field in refused.value.message_dict


def test_a_deceased_member_cannot_be_transferred(world):
    member = MemberFactory(branch=world.branch_a1, status=MemberStatus.DECEASED)
    with pytest.raises(ValidationError) as refused:
        services.member_transfer(
            actor=world.users["staff_a"], member=member, to_branch=world.branch_a2, on=today()
        )
    assert "status" in refused.value.message_dict


def test_a_member_who_lost_contact_can_be_transferred(world):
    member = MemberFactory(branch=world.branch_a1, status=MemberStatus.LOST_CONTACT)
    services.member_transfer(
        actor=world.users["staff_a"], member=member, to_branch=world.branch_a2, on=today()
    )


def test_transfer_dated_tomorrow_is_refused_and_today_accepted(world):
    member = MemberFactory(branch=world.branch_a1)
    actor = world.users["staff_a"]
    with pytest.raises(ValidationError) as refused:
        services.member_transfer(
            actor=actor, member=member, to_branch=world.branch_a2, on=today() + dt.timedelta(days=1)
        )
    assert "on" in refused.value.message_dict
    services.member_transfer(actor=actor, member=member, to_branch=world.branch_a2, on=today())


def test_transfer_cannot_be_dated_before_joining(world):
    member = MemberFactory(branch=world.branch_a1, joined_on=dt.date(2000, 7, 1))
    actor = world.users["staff_a"]
    with pytest.raises(ValidationError):
        services.member_transfer(
            actor=actor, member=member, to_branch=world.branch_a2, on=dt.date(2000, 6, 30)
        )
    services.member_transfer(actor=actor, member=member, to_branch=world.branch_a2, on=dt.date(2000, 7, 1))


# --- status changes ---------------------------------------------------------------------------------------


def test_status_change_records_the_event_and_history(world):
    member = MemberFactory(branch=world.branch_a1)
    actor = world.users["secretary_a1"]
    services.member_change_status(
        actor=actor, member=member, status=MemberStatus.LOST_CONTACT, on=today(), reason="外出务工半年未联系"
    )
    member.refresh_from_db()
    assert member.status == MemberStatus.LOST_CONTACT
    event = MemberEvent.objects.get(member=member)
    assert (event.kind, event.from_status, event.to_status) == ("status_change", "normal", "lost_contact")
    assert member.history.first().history_user == actor and member.history.first().status == "lost_contact"


@pytest.mark.parametrize(
    ("status", "reason", "field"),
    [(MemberStatus.DECEASED, "  ", "reason"), (MemberStatus.NORMAL, "x", "status")],
    ids=["needs_a_reason", "to_the_same_status_is_refused"],
)
def test_status_change_is_refused_naming_the_field(world, status, reason, field):
    member = MemberFactory(branch=world.branch_a1)  # a normal member
    with pytest.raises(ValidationError) as refused:
        services.member_change_status(
            actor=world.users["staff_a"], member=member, status=status, on=today(), reason=reason
        )
    assert field in refused.value.message_dict


def test_status_change_cannot_be_dated_before_the_last_event(world):
    member = MemberFactory(branch=world.branch_a1)
    MemberEventFactory(member=member, occurred_on=dt.date(2023, 5, 10))
    actor = world.users["staff_a"]
    with pytest.raises(ValidationError) as refused:
        services.member_change_status(
            actor=actor, member=member, status=MemberStatus.LOST_CONTACT, on=dt.date(2023, 5, 9), reason="x"
        )
    assert "2023-05-10" in refused.value.message_dict["on"][0]
    services.member_change_status(
        actor=actor, member=member, status=MemberStatus.LOST_CONTACT, on=dt.date(2023, 5, 10), reason="x"
    )


def test_viewer_cannot_change_status(world):
    member = MemberFactory(branch=world.branch_a1)
    with pytest.raises(OutOfScope):
        services.member_change_status(
            actor=world.users["viewer_a"], member=member, status=MemberStatus.DECEASED, on=today(), reason="x"
        )
    member.refresh_from_db()
    assert member.status == MemberStatus.NORMAL


# --- unmask -----------------------------------------------------------------------------------------------


def test_unmask_gives_full_values_and_records_a_security_event(world):
    member = MemberFactory(branch=world.branch_a1, phone="13812345678")
    shown = services.member_unmask(actor=world.users["staff_a"], member=member, ip_address="10.0.0.8")
    assert shown == {"id": member.pk, "id_number": member.id_number, "phone": "13812345678"}
    event = SecurityEvent.objects.get(kind=SecurityEventKind.UNMASK)
    assert event.user == world.users["staff_a"] and event.organization == world.branch_a1
    assert event.detail["member"] == member.pk and event.ip_address == "10.0.0.8"
    assert member.id_number not in str(event.detail)


@pytest.mark.parametrize("who", ["secretary_a1", "viewer_a"])
def test_roles_without_unmask_cannot_unmask_and_nothing_is_logged(world, who):
    member = MemberFactory(branch=world.branch_a1)
    with pytest.raises(OutOfScope):
        services.member_unmask(actor=world.users[who], member=member)
    assert not SecurityEvent.objects.filter(kind=SecurityEventKind.UNMASK).exists()


def test_a_new_member_record_starts_as_normal(world):
    with pytest.raises(ValidationError) as refused:
        staff_creates_member(world, status=MemberStatus.LOST_CONTACT)
    assert "status" in refused.value.message_dict
    staff_creates_member(world, status="normal")
