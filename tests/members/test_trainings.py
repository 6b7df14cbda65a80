"""Trainings: level from the organizer, attendees from its subtree, and the yearly training figures
(train.per_level, train.secretary, train.rotation) computed in a fixed number of queries."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from branches.models import Organization, OrganizationField
from branches.scope.querysets import OutOfScope
from members.models import CadrePost, MemberStatus, Training, TrainingAudience, TrainingLevel
from members.selectors import activities as selectors
from members.services import activities as services
from tests.utils.factories import MemberFactory, OrganizationFactory
from tests.utils.factories_activities import TrainingFactory
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
        record(world, held_on=dt.date.today() + dt.timedelta(days=2))
    assert "held_on" in refused.value.message_dict


def test_member_attendees_come_from_the_organizers_subtree(world):
    inside = MemberFactory(branch=world.branch_a2)
    outside = MemberFactory(branch=world.branch_b1, name="西村党员")
    assert record(world, "staff_a", world.township_a, member_attendees=[inside]).member_attendees.count() == 1
    with pytest.raises(ValidationError) as refused:
        record(world, "county_admin", world.township_a, member_attendees=[inside, outside])
    assert "西村党员" in " ".join(refused.value.message_dict["member_attendees"])


def test_a_member_who_left_cannot_attend(world):
    gone = MemberFactory(branch=world.branch_a1, name="已出党", status=MemberStatus.LEFT)
    with pytest.raises(ValidationError) as refused:
        record(world, member_attendees=[gone])
    assert "已出党" in " ".join(refused.value.message_dict["member_attendees"])


def test_cadre_attendees_come_from_the_organizers_subtree(world):
    outside = CadreFactory(organization=world.branch_a2, name="东二主任")
    with pytest.raises(ValidationError) as refused:
        record(world, "staff_a", world.branch_a1, cadre_attendees=[outside])
    assert "东二主任" in " ".join(refused.value.message_dict["cadre_attendees"])


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
    with pytest.raises(ValidationError) as refused:
        services.training_update(actor=world.users["staff_a"], training=training, organizer=world.branch_a1)
    assert "东二党员" in " ".join(refused.value.message_dict["member_attendees"])


def test_delete_keeps_a_history_row(world):
    training = record(world)
    services.training_delete(actor=world.users["county_admin"], training=training)
    assert Training.history.filter(history_type="-").get().history_user == world.users["county_admin"]


# --- yearly figures --------------------------------------------------------------------------------------


def test_trainings_held_counts_each_organizers_own_trainings_in_the_year(world):
    TrainingFactory.create_batch(2, organizer=world.county, held_on=D(2024, 3, 1))
    TrainingFactory(organizer=world.county, held_on=D(2023, 12, 31))
    TrainingFactory(organizer=world.township_a, held_on=D(2024, 1, 1))
    TrainingFactory(organizer=world.branch_a1, held_on=D(2024, 12, 31))
    organizations = Organization.objects.filter(
        pk__in=[world.county.pk, world.township_a.pk, world.branch_a1.pk, world.branch_a2.pk]
    )
    with CaptureQueriesContext(connection) as queries:
        rows = {
            o.pk: (o.training_level, o.trainings_held)
            for o in selectors.trainings_held(organizations=organizations, year=2024)
        }
    assert len(queries) == 1
    assert rows == {
        world.county.pk: ("county", 2),
        world.township_a.pk: ("township", 1),
        world.branch_a1.pk: ("village", 1),
        world.branch_a2.pk: ("village", 0),
    }


@pytest.fixture
def secretaries(world):
    people = {}
    for name, branch in (("a1", world.branch_a1), ("a2", world.branch_a2), ("b1", world.branch_b1)):
        member = MemberFactory(branch=branch, name=f"书记{name}")
        people[name] = CadreFactory(organization=branch, post=CadrePost.SECRETARY, member=member)
    return people


def test_a_secretary_trained_as_cadre_or_as_member_or_through_another_post_counts(world, secretaries):
    a1, a2, b1 = secretaries["a1"], secretaries["a2"], secretaries["b1"]
    director_post = CadreFactory(
        organization=world.branch_b1, post=CadrePost.VILLAGE_DIRECTOR, member=b1.member
    )
    county = {"organizer": world.county, "audience": TrainingAudience.SECRETARIES, "held_on": D(2024, 4, 1)}
    TrainingFactory(**county, cadre_attendees=[a1])
    TrainingFactory(**county, member_attendees=[a1.member], cadre_attendees=[a1])
    TrainingFactory(**county, member_attendees=[a2.member])
    TrainingFactory(**county, cadre_attendees=[director_post])
    with CaptureQueriesContext(connection) as queries:
        rows = {
            c.pk: c.centralized_trainings
            for c in selectors.secretaries_trained(organizations=Organization.objects.all(), year=2024)
        }
    assert len(queries) == 1
    assert rows == {a1.pk: 2, a2.pk: 1, b1.pk: 1}


@pytest.mark.parametrize(
    ("organizer", "audience", "held_on", "counts"),
    [
        ("county", TrainingAudience.TWO_COMMITTEES, D(2024, 6, 1), True),
        ("township_a", TrainingAudience.SECRETARIES, D(2024, 1, 1), True),
        ("branch_a1", TrainingAudience.SECRETARIES, D(2024, 6, 1), False),
        ("county", TrainingAudience.MEMBERS, D(2024, 6, 1), False),
        ("county", TrainingAudience.SECRETARIES, D(2023, 12, 31), False),
    ],
)
def test_only_centralized_trainings_of_the_year_count_for_secretaries(
    world, secretaries, organizer, audience, held_on, counts
):
    a1 = secretaries["a1"]
    TrainingFactory(
        organizer=getattr(world, organizer), audience=audience, held_on=held_on, cadre_attendees=[a1]
    )
    row = selectors.secretaries_trained(organizations=[world.branch_a1], year=2024).get()
    assert row.centralized_trainings == (1 if counts else 0)


def test_secretaries_serving_part_of_the_year_are_included_others_not(world):
    member = MemberFactory(branch=world.branch_a1)
    CadreFactory(
        organization=world.branch_a1,
        post=CadrePost.SECRETARY,
        member=member,
        started_on=D(2020, 1, 1),
        ended_on=D(2023, 12, 31),
    )
    current = CadreFactory(
        organization=world.branch_a1, post=CadrePost.SECRETARY, member=member, started_on=D(2024, 1, 1)
    )
    rows = selectors.secretaries_trained(organizations=[world.branch_a1], year=2024)
    assert [row.pk for row in rows] == [current.pk]


def test_rotation_counts_rural_members_trained_in_the_subtree(world):
    a1 = MemberFactory.create_batch(3, branch=world.branch_a1)
    a2 = MemberFactory.create_batch(2, branch=world.branch_a2)
    MemberFactory(branch=world.branch_a1, status=MemberStatus.LEFT)
    organ = OrganizationFactory(parent=world.township_a, field=OrganizationField.INSTITUTION)
    organ_member = MemberFactory(branch=organ)
    cadre_post = CadreFactory(organization=world.branch_a2, post=CadrePost.BRANCH_COMMITTEE, member=a2[0])
    TrainingFactory(
        organizer=world.branch_a1, held_on=D(2024, 2, 1), member_attendees=[a1[0], a1[1], organ_member]
    )
    TrainingFactory(organizer=world.township_a, held_on=D(2024, 3, 1), member_attendees=[a1[0]])
    TrainingFactory(organizer=world.township_a, held_on=D(2024, 3, 1), cadre_attendees=[cadre_post])
    TrainingFactory(organizer=world.branch_a2, held_on=D(2023, 3, 1), member_attendees=[a2[1]])
    organizations = Organization.objects.filter(
        pk__in=[world.township_a.pk, world.branch_a1.pk, world.branch_a2.pk]
    )
    with CaptureQueriesContext(connection) as queries:
        rows = {o.pk: o for o in selectors.member_rotation(organizations=organizations, year=2024)}
    assert len(queries) == 1
    counts = {pk: (o.rural_members, o.rural_members_trained) for pk, o in rows.items()}
    assert counts == {world.township_a.pk: (5, 3), world.branch_a1.pk: (3, 2), world.branch_a2.pk: (2, 1)}
    assert selectors.rotation_share(rows[world.township_a.pk]) == 0.6
    assert selectors.rotation_share(rows[world.branch_a2.pk]) == 0.5
