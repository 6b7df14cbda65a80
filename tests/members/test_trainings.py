"""Trainings: level from the organizer, attendees from its subtree, updates, moves and history."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from branches.scope.querysets import OutOfScope
from members.models import MemberStatus
from members.models import Training
from members.models import TrainingAudience
from members.models import TrainingLevel
from members.services import activities as services
from tests.utils.assertions import refused_naming
from tests.utils.factories import MemberFactory
from tests.utils.factories import OrganizationFactory
from tests.utils.factories_cadres import CadreFactory

pytestmark = pytest.mark.django_db

D = dt.date


def record(world, who="county_admin", organizer=None, **data):
    data = {
        "audience": TrainingAudience.MEMBERS,
        "held_on": D(2024, 5, 10),
        "days": Decimal("1"),
        "topic": "党的理论学习",
        **data,
    }
    return services.training_record(actor=world.users[who], organizer=organizer or world.county, **data)


@pytest.mark.parametrize(
    ("organizer", "who", "level"),
    [
        ("county", "county_admin", TrainingLevel.COUNTY),
        ("township_a", "staff_a", TrainingLevel.TOWNSHIP),
        ("branch_a1", "secretary_a1", TrainingLevel.VILLAGE),
    ],
)
def test_level_follows_from_the_organizer(world, organizer, who, level):
    assert record(world, who, getattr(world, organizer)).level == level


def test_a_street_committee_and_a_general_branch_have_their_levels(world):
    street = OrganizationFactory(parent=world.county, kind="street_committee", field="")
    general = OrganizationFactory(parent=world.township_a, kind="general_branch")
    assert record(world, organizer=street).level == TrainingLevel.TOWNSHIP
    assert record(world, organizer=general).level == TrainingLevel.VILLAGE


@pytest.mark.parametrize(
    ("who", "organizer"),
    [
        ("staff_a", "county"),
        ("secretary_a1", "township_a"),
        ("staff_a", "township_b"),
        ("viewer_a", "branch_a1"),
    ],
)
def test_organizer_must_be_in_the_writers_scope(world, who, organizer):
    with pytest.raises(OutOfScope):
        record(world, who, getattr(world, organizer))
    assert not Training.objects.exists()


def test_changing_the_organizer_changes_the_level(world):
    training = record(world, "staff_a", world.township_a)
    updated = services.training_update(
        actor=world.users["staff_a"], training=training, organizer=world.branch_a1
    )
    assert updated.level == TrainingLevel.VILLAGE and updated.version == 2


@pytest.mark.parametrize(
    ("days", "ok"), [(Decimal("0.4"), False), (Decimal("0.5"), True), (Decimal("0"), False)]
)
def test_a_training_lasts_at_least_half_a_day(world, days, ok):
    if ok:
        assert record(world, days=days).days == days
    else:
        with pytest.raises(ValidationError) as refused:
            record(world, days=days)
        assert "days" in refused.value.message_dict


def test_hours_are_optional_and_the_date_not_in_the_future(world):
    assert record(world, hours=None).hours is None
    with pytest.raises(ValidationError) as refused:
        record(world, held_on=timezone.localdate() + dt.timedelta(days=2))
    assert "held_on" in refused.value.message_dict


def test_member_attendees_come_from_the_organizers_subtree(world):
    inside = MemberFactory(branch=world.branch_a2)
    outside = MemberFactory(branch=world.branch_b1, name="西村党员")
    assert record(world, "staff_a", world.township_a, member_attendees=[inside]).member_attendees.count() == 1
    with refused_naming("member_attendees", "西村党员"):
        record(world, "county_admin", world.township_a, member_attendees=[inside, outside])


def test_a_member_who_left_cannot_attend(world):
    gone = MemberFactory(branch=world.branch_a1, name="已出党", status=MemberStatus.LEFT)
    with refused_naming("member_attendees", "已出党"):
        record(world, member_attendees=[gone])


def test_cadre_attendees_come_from_the_organizers_subtree(world):
    outside = CadreFactory(organization=world.branch_a2, name="东二主任")
    with refused_naming("cadre_attendees", "东二主任"):
        record(world, "staff_a", world.branch_a1, cadre_attendees=[outside])


def test_a_cadre_must_hold_the_post_on_the_training_days(world):
    later = CadreFactory(organization=world.branch_a1, name="新任", started_on=D(2024, 5, 12))
    ended = CadreFactory(
        organization=world.branch_a1, name="卸任", started_on=D(2020, 1, 1), ended_on=D(2024, 5, 9)
    )
    with pytest.raises(ValidationError) as refused:
        record(world, cadre_attendees=[later, ended], days=Decimal("2"))
    message = " ".join(refused.value.message_dict["cadre_attendees"])
    assert "新任" in message and "卸任" in message
    # Appointed on the third and last day of a 2.5-day course: present for part of it.
    assert record(world, cadre_attendees=[later], days=Decimal("2.5")).cadre_attendees.count() == 1


def test_update_rechecks_new_attendees_and_keeps_history(world):
    training = record(world, "staff_a", world.township_a)
    member = MemberFactory(branch=world.branch_a1)
    cadre = CadreFactory(organization=world.branch_a2)
    updated = services.training_update(
        actor=world.users["staff_a"], training=training, member_attendees=[member], cadre_attendees=[cadre]
    )
    latest = updated.history.latest()
    assert latest.history_user == world.users["staff_a"]
    assert [row.member_id for row in latest.member_attendees.all()] == [member.pk]
    assert [row.cadre_id for row in latest.cadre_attendees.all()] == [cadre.pk]
    with pytest.raises(ValidationError):
        services.training_update(
            actor=world.users["staff_a"],
            training=updated,
            member_attendees=[MemberFactory(branch=world.branch_b1)],
        )


def test_moving_the_organizer_down_refuses_attendees_left_outside(world):
    member = MemberFactory(branch=world.branch_a2, name="东二党员")
    training = record(world, "staff_a", world.township_a, member_attendees=[member])
    with refused_naming("member_attendees", "东二党员"):
        services.training_update(actor=world.users["staff_a"], training=training, organizer=world.branch_a1)


def test_delete_keeps_a_history_row(world):
    training = record(world)
    services.training_delete(actor=world.users["county_admin"], training=training)
    assert Training.history.filter(history_type="-").get().history_user == world.users["county_admin"]
