"""Each member's trainings of a year, kept by the database as trainings, their attendees and posts are
written (members/models/tallies.py, ``TrainingTally``): after any write, by any path, they equal a count over
the facts themselves (``training_tallies_from_facts``)."""

import datetime as dt
from decimal import Decimal

import pytest

from members.models import Cadre
from members.models import Training
from members.models import TrainingTally
from tests.utils.factories import MemberFactory
from tests.utils.factories_activities import TrainingFactory
from tests.utils.factories_activities import training_tallies_from_facts
from tests.utils.factories_activities import training_tallies_kept
from tests.utils.factories_cadres import CadreFactory

pytestmark = pytest.mark.django_db


def tally(member, year) -> tuple | None:
    row = TrainingTally.objects.filter(member=member, year=year).values_list("hours", "last_attended_on")
    return row.first()


def test_a_training_attended_as_a_member_and_through_a_post_counts_its_hours_once(world):
    member = MemberFactory(branch=world.branch_a1)
    post = CadreFactory(organization=world.branch_a1, member=member)
    TrainingFactory(
        organizer=world.township_a, held_on=dt.date(2025, 4, 1), hours=16, member_attendees=[member]
    )
    training = TrainingFactory(organizer=world.township_a, held_on=dt.date(2025, 5, 1), hours=20)
    training.cadre_attendees.add(post)
    training.member_attendees.add(member)
    assert tally(member, 2025) == (Decimal(36), dt.date(2025, 5, 1))
    assert training_tallies_kept() == training_tallies_from_facts()


def test_a_training_without_class_hours_counts_8_hours_a_day(world):
    member = MemberFactory(branch=world.branch_a1)
    TrainingFactory(
        organizer=world.township_a,
        held_on=dt.date(2025, 4, 1),
        days=Decimal("1.5"),
        hours=None,
        member_attendees=[member],
    )
    TrainingFactory(
        organizer=world.township_a, held_on=dt.date(2025, 6, 1), days=3, hours=2, member_attendees=[member]
    )
    assert tally(member, 2025) == (Decimal(14), dt.date(2025, 6, 1))


def test_trainings_on_31_december_and_1_january_count_each_in_its_own_year(world):
    member = MemberFactory(branch=world.branch_a1)
    TrainingFactory(
        organizer=world.township_a, held_on=dt.date(2025, 12, 31), hours=8, member_attendees=[member]
    )
    TrainingFactory(
        organizer=world.township_a, held_on=dt.date(2026, 1, 1), hours=4, member_attendees=[member]
    )
    assert (tally(member, 2025), tally(member, 2026)) == (
        (Decimal(8), dt.date(2025, 12, 31)),
        (Decimal(4), dt.date(2026, 1, 1)),
    )


def test_a_training_attended_only_through_a_post_has_no_day_attended_as_a_member(world):
    member = MemberFactory(branch=world.branch_a1)
    post = CadreFactory(organization=world.branch_a1, member=member)
    TrainingFactory(organizer=world.township_a, held_on=dt.date(2025, 4, 1), hours=8, cadre_attendees=[post])
    assert tally(member, 2025) == (Decimal(8), None)


def test_removing_an_attendee_takes_the_training_off_and_the_last_one_removes_the_row(world):
    member = MemberFactory(branch=world.branch_a1)
    first = TrainingFactory(
        organizer=world.township_a, held_on=dt.date(2025, 4, 1), hours=8, member_attendees=[member]
    )
    second = TrainingFactory(
        organizer=world.township_a, held_on=dt.date(2025, 9, 1), hours=4, member_attendees=[member]
    )
    second.member_attendees.remove(member)
    assert tally(member, 2025) == (Decimal(8), dt.date(2025, 4, 1))
    first.member_attendees.clear()
    assert not TrainingTally.objects.exists()


def test_an_edit_moving_a_training_to_another_year_or_changing_its_hours_moves_the_figures(world):
    member, other = MemberFactory(branch=world.branch_a1), MemberFactory(branch=world.branch_a1)
    post = CadreFactory(organization=world.branch_a1, member=other)
    training = TrainingFactory(
        organizer=world.township_a,
        held_on=dt.date(2025, 12, 31),
        hours=8,
        member_attendees=[member],
        cadre_attendees=[post],
    )
    training.held_on, training.hours = dt.date(2026, 1, 1), None
    training.save()
    assert (tally(member, 2025), tally(member, 2026)) == (None, (Decimal(8), dt.date(2026, 1, 1)))
    Training.objects.filter(pk=training.pk).update(days=2)
    assert tally(other, 2026) == (Decimal(16), None)
    assert training_tallies_kept() == training_tallies_from_facts()


def test_an_edit_that_keeps_day_and_hours_changes_nothing(world):
    member = MemberFactory(branch=world.branch_a1)
    training = TrainingFactory(
        organizer=world.township_a, held_on=dt.date(2025, 4, 1), member_attendees=[member]
    )
    before = training_tallies_kept()
    Training.objects.filter(pk=training.pk).update(topic="新的主题", held_on=dt.date(2025, 10, 1))
    assert training_tallies_kept() == {(member.pk, 2025): (Decimal(8), dt.date(2025, 10, 1))} != before
    Training.objects.filter(pk=training.pk).update(topic="再改主题")
    assert training_tallies_kept() == training_tallies_from_facts()


def test_naming_another_member_on_a_post_moves_its_trainings_to_them(world):
    first, second = MemberFactory(branch=world.branch_a1), MemberFactory(branch=world.branch_a1)
    post = CadreFactory(organization=world.branch_a1, member=first)
    TrainingFactory(organizer=world.township_a, held_on=dt.date(2025, 4, 1), hours=8, cadre_attendees=[post])
    post.member = second
    post.save()
    assert (tally(first, 2025), tally(second, 2025)) == (None, (Decimal(8), None))
    Cadre.objects.filter(pk=post.pk).update(member=None)
    assert not TrainingTally.objects.exists()
    assert training_tallies_kept() == training_tallies_from_facts()


def test_deleting_a_training_a_post_or_a_member_takes_their_hours_off(world):
    members = [MemberFactory(branch=world.branch_a1) for _ in range(3)]
    post = CadreFactory(organization=world.branch_a1, member=members[1])
    kept = TrainingFactory(
        organizer=world.township_a, held_on=dt.date(2025, 3, 1), hours=2, member_attendees=members
    )
    dropped = TrainingFactory(
        organizer=world.township_a,
        held_on=dt.date(2025, 4, 1),
        hours=8,
        member_attendees=members[:1],
        cadre_attendees=[post],
    )
    dropped.delete()
    assert tally(members[0], 2025) == (Decimal(2), dt.date(2025, 3, 1))
    TrainingFactory(organizer=world.township_a, held_on=dt.date(2025, 5, 1), hours=8, cadre_attendees=[post])
    post.delete()
    members[2].delete()
    assert (
        training_tallies_kept()
        == training_tallies_from_facts()
        == {
            (members[0].pk, 2025): (Decimal(2), dt.date(2025, 3, 1)),
            (members[1].pk, 2025): (Decimal(2), dt.date(2025, 3, 1)),
        }
    )
    assert kept.member_attendees.count() == 2


def test_bulk_writes_keep_the_figures(world):
    members = [MemberFactory(branch=world.branch_a1) for _ in range(4)]
    trainings = [
        TrainingFactory(organizer=world.township_a, held_on=dt.date(2025, month, 1), hours=month)
        for month in (2, 5, 11)
    ]
    through = Training.member_attendees.through
    through.objects.bulk_create(
        through(training=training, member=member) for training in trainings for member in members
    )
    Training.objects.filter(pk__in=[t.pk for t in trainings[:2]]).update(held_on=dt.date(2024, 6, 1))
    through.objects.filter(member=members[0]).delete()
    Training.objects.filter(pk=trainings[2].pk).delete()
    assert training_tallies_kept() == training_tallies_from_facts()
    assert {year for _member, year in training_tallies_kept()} == {2024}
