"""Set-based counts for the quotas: standardized rooms against the townships' targets (room.standardized).
One query whatever the number of organizations."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from branches.models import Organization
from branches.models import OrganizationKind
from branches.models import StandardizedRoomTarget
from branches.selectors import standardized_rooms_vs_target
from branches.selectors.records import targets_met
from branches.selectors.records import with_target_progress
from tests.utils.factories import OrganizationFactory
from tests.utils.factories_records import ActivityRoomFactory
from tests.utils.factories_records import StandardizedRoomTargetFactory

pytestmark = pytest.mark.django_db

D = dt.date


def by_pk(queryset) -> dict:
    return {organization.pk: organization for organization in queryset}


def townships(world):
    return Organization.objects.filter(pk__in=[world.township_a.pk, world.township_b.pk])


def counted(world, year, township=None):
    return by_pk(standardized_rooms_vs_target(organizations=townships(world), year=year))[
        (township or world.township_a).pk
    ]


# --- standardized rooms against the target --------------------------------------------------------------


def test_a_room_certified_on_31_december_counts_for_that_year(world):
    ActivityRoomFactory(organization=world.branch_a1, standardized_on=D(2024, 12, 31))
    assert counted(world, 2024).standardized_rooms == 1
    assert counted(world, 2023).standardized_rooms == 0


def test_a_room_certified_on_1_january_counts_from_that_year_only(world):
    ActivityRoomFactory(organization=world.branch_a1, standardized_on=D(2025, 1, 1))
    assert counted(world, 2024).standardized_rooms == 0
    assert counted(world, 2025).standardized_rooms == 1


def test_rooms_count_in_the_whole_subtree_and_never_in_a_foreign_township(world):
    general = OrganizationFactory(kind=OrganizationKind.GENERAL_BRANCH, parent=world.township_a)
    nested = OrganizationFactory(parent=general)
    for organization in (world.township_a, world.branch_a2, nested, world.branch_b1, world.branch_z1):
        ActivityRoomFactory(organization=organization, standardized_on=D(2024, 5, 1))
    ActivityRoomFactory(organization=world.branch_a1)  # not standardized
    assert counted(world, 2024).standardized_rooms == 3
    assert counted(world, 2024, world.township_b).standardized_rooms == 1


def test_a_township_whose_path_prefixes_another_number_does_not_borrow_its_rooms(world):
    """Paths end in "/": township …/9001/ must not take the rooms of …/90012/."""
    short, longer = world.township_a, world.township_b
    Organization.objects.filter(pk=short.pk).update(path=f"{world.county.path}9001/")
    Organization.objects.filter(pk=longer.pk).update(path=f"{world.county.path}90012/")
    Organization.objects.filter(pk=world.branch_b1.pk).update(path=f"{world.county.path}90012/1/")
    ActivityRoomFactory(organization=world.branch_b1, standardized_on=D(2024, 1, 2))
    assert counted(world, 2024).standardized_rooms == 0
    assert counted(world, 2024, world.township_b).standardized_rooms == 1


def test_rooms_of_dissolved_organizations_are_left_out(world):
    dissolved = OrganizationFactory(parent=world.township_a, dissolved_on=D(2024, 6, 30))
    ActivityRoomFactory(organization=dissolved, standardized_on=D(2022, 5, 1))
    ActivityRoomFactory(organization=world.branch_a1, standardized_on=D(2022, 5, 1))
    assert counted(world, 2024).standardized_rooms == 1
    # Before it was dissolved, its room counted.
    assert counted(world, 2023).standardized_rooms == 2


def test_target_of_the_year_and_whether_it_is_met(world):
    for _ in range(2):
        ActivityRoomFactory(organization=world.branch_a1, standardized_on=D(2024, 3, 1))
    StandardizedRoomTargetFactory(organization=world.township_a, year=2024, target=2)
    StandardizedRoomTargetFactory(organization=world.township_a, year=2025, target=3)
    StandardizedRoomTargetFactory(organization=world.township_b, year=2024, target=1)
    this_year = by_pk(standardized_rooms_vs_target(organizations=townships(world), year=2024))
    assert (this_year[world.township_a.pk].room_target, this_year[world.township_a.pk].room_target_met) == (
        2,
        True,
    )
    assert (this_year[world.township_b.pk].room_target, this_year[world.township_b.pk].room_target_met) == (
        1,
        False,
    )
    next_year = counted(world, 2025)
    assert (next_year.standardized_rooms, next_year.room_target, next_year.room_target_met) == (2, 3, False)


def test_without_a_target_there_is_nothing_to_meet(world):
    ActivityRoomFactory(organization=world.branch_a1, standardized_on=D(2024, 3, 1))
    row = counted(world, 2024)
    assert (row.room_target, row.room_target_met) == (None, None)


def _townships_with_rooms(world, count):
    created = []
    for index in range(count):
        township = OrganizationFactory(
            kind=OrganizationKind.TOWNSHIP_COMMITTEE, field="", parent=world.county
        )
        branch = OrganizationFactory(parent=township)
        ActivityRoomFactory(organization=branch, standardized_on=D(2024, 4, 1))
        StandardizedRoomTargetFactory(organization=township, year=2024, target=index % 3)
        created.append(township.pk)
    return Organization.objects.filter(pk__in=created)


def _queries(evaluate) -> int:
    with CaptureQueriesContext(connection) as captured:
        evaluate()
    return len(captured)


def test_target_selector_costs_the_same_for_2_or_8_townships(world):
    two = _townships_with_rooms(world, 2)
    eight = _townships_with_rooms(world, 8)
    few = _queries(
        lambda: [t.room_target_met for t in standardized_rooms_vs_target(organizations=two, year=2024)]
    )
    many = _queries(
        lambda: [t.room_target_met for t in standardized_rooms_vs_target(organizations=eight, year=2024)]
    )
    assert few == many == 1
    assert all(
        t.standardized_rooms == 1 for t in standardized_rooms_vs_target(organizations=eight, year=2024)
    )


# --- the met / not met filter, judged for all targets at once --------------------------------------------


def _met_ids(queryset, met: bool) -> set[int]:
    return set(targets_met(queryset, met=met).values_list("pk", flat=True))


def _judged_one_by_one(queryset, met: bool) -> set[int]:
    return {target.pk for target in with_target_progress(queryset) if target.met is met}


def test_the_met_filter_agrees_with_each_targets_own_count_at_every_boundary(world):
    """Year boundaries (31 December against 1 January), a room of a branch dissolved the year after (it
    still counts) or that year (it does not), a room not standardized, counts equal to, below and above the
    target, and a target of 0."""
    ActivityRoomFactory(organization=world.branch_a1, standardized_on=D(2023, 12, 31))
    ActivityRoomFactory(organization=world.branch_a2, standardized_on=D(2024, 1, 1))
    ActivityRoomFactory(organization=world.branch_a1, is_standardized=False, standardized_on=None)
    closed_later = OrganizationFactory(parent=world.township_b, dissolved_on=D(2024, 6, 1))
    ActivityRoomFactory(organization=closed_later, standardized_on=D(2022, 5, 1))
    for township in (world.township_a, world.township_b):
        for year, target in ((2022, 1), (2023, 1), (2024, 3), (2025, 2), (2026, 0)):
            StandardizedRoomTargetFactory(organization=township, year=year, target=target)
    targets = StandardizedRoomTarget.objects.all()
    for met in (True, False):
        assert _met_ids(targets, met) == _judged_one_by_one(targets, met)
    a_2023 = StandardizedRoomTarget.objects.get(organization=world.township_a, year=2023)
    b_2023 = StandardizedRoomTarget.objects.get(organization=world.township_b, year=2023)
    b_2024 = StandardizedRoomTarget.objects.get(organization=world.township_b, year=2024)
    assert a_2023.pk in _met_ids(targets, True)  # 31 December 2023 counts for 2023, 1 January 2024 does not
    assert b_2023.pk in _met_ids(targets, True)  # dissolved in 2024: still there at the end of 2023
    assert b_2024.pk in _met_ids(targets, False)  # dissolved in 2024: gone at the end of 2024
    a_2025 = StandardizedRoomTarget.objects.get(organization=world.township_a, year=2025)
    assert a_2025.pk in _met_ids(targets, True)  # two rooms against a target of two


def test_a_room_of_a_targets_own_organization_counts_once_beside_targets_of_longer_paths(world):
    """A target's subtree starts with its own organization; targets whose paths are longer (deeper or with
    larger numbers) must not credit the same room to it again."""
    ActivityRoomFactory(organization=world.township_a, standardized_on=D(2023, 6, 1))
    own = StandardizedRoomTargetFactory(organization=world.township_a, year=2023, target=2)
    deeper = StandardizedRoomTargetFactory(organization=world.branch_b1, year=2023, target=0)
    assert len(world.branch_b1.path) > len(world.township_a.path)
    targets = StandardizedRoomTarget.objects.all()
    assert _met_ids(targets, False) == _judged_one_by_one(targets, False) == {own.pk}
    assert _met_ids(targets, True) == {deeper.pk}


def test_rooms_of_a_general_branch_and_of_a_branch_under_it_count_for_the_township(world):
    """A room two levels below the township still reaches its target; the other township's stays at
    nought."""
    general = OrganizationFactory(kind=OrganizationKind.GENERAL_BRANCH, parent=world.township_a)
    ActivityRoomFactory(organization=OrganizationFactory(parent=general), standardized_on=D(2023, 6, 1))
    ActivityRoomFactory(organization=general, standardized_on=D(2023, 7, 1))
    two = StandardizedRoomTargetFactory(organization=world.township_a, year=2023, target=2)
    three = StandardizedRoomTargetFactory(organization=world.township_a, year=2024, target=3)
    none = StandardizedRoomTargetFactory(organization=world.township_b, year=2023, target=1)
    targets = StandardizedRoomTarget.objects.all()
    assert _met_ids(targets, True) == _judged_one_by_one(targets, True) == {two.pk}
    assert _met_ids(targets, False) == _judged_one_by_one(targets, False) == {three.pk, none.pk}


def test_the_met_filter_keeps_to_the_queryset_it_is_given(world):
    ActivityRoomFactory(organization=world.branch_a1, standardized_on=D(2023, 6, 1))
    mine = StandardizedRoomTargetFactory(organization=world.township_a, year=2023, target=1)
    StandardizedRoomTargetFactory(organization=world.township_b, year=2023, target=0)
    assert _met_ids(StandardizedRoomTarget.objects.filter(organization=world.township_a), True) == {mine.pk}


def test_the_met_filter_costs_the_same_three_queries_for_2_or_8_townships(world):
    two = _townships_with_rooms(world, 2)
    eight = _townships_with_rooms(world, 8)
    counts = [
        _queries(
            lambda townships=townships: _met_ids(
                StandardizedRoomTarget.objects.filter(organization__in=townships), True
            )
        )
        for townships in (two, eight)
    ]
    assert counts == [3, 3]  # the targets, the rooms under them, the filtered targets
    assert (
        len(_met_ids(StandardizedRoomTarget.objects.filter(organization__in=eight), False)) == 2
    )  # target 2
