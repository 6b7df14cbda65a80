"""The meetings each branch held in a year, by kind, kept by the database as meetings are written
(members/models/tallies.py, ``MeetingTally``): after any write, by any path, they equal a count over the
meetings themselves."""

import datetime as dt

import pytest
from django.urls import reverse

from members.models import Meeting
from members.models import MeetingTally
from tests.utils.factories_activities import MeetingFactory
from tests.utils.factories_activities import meeting_tallies_from_facts
from tests.utils.factories_activities import meeting_tallies_kept

pytestmark = pytest.mark.django_db


def meetings(branch, year, kind) -> int:
    row = MeetingTally.objects.filter(organization=branch, year=year, kind=kind)
    return row.values_list("meetings", flat=True).first() or 0


def test_meetings_on_31_december_and_1_january_count_each_in_its_own_year(world):
    for day in (dt.date(2025, 12, 31), dt.date(2025, 12, 31), dt.date(2026, 1, 1)):
        MeetingFactory(organization=world.branch_a1, kind="assembly", held_on=day)
    assert (meetings(world.branch_a1, 2025, "assembly"), meetings(world.branch_a1, 2026, "assembly")) == (
        2,
        1,
    )
    assert meeting_tallies_kept() == meeting_tallies_from_facts()


def test_a_meeting_recorded_through_the_api_counts_at_once(world):
    payload = {"organization": world.branch_a1.pk, "kind": "group", "topic": "小组会", "attendees": []}
    response = world.client("staff_a").post(reverse("meeting-list"), payload, format="json")
    assert response.status_code == 201, response.content
    held_on = dt.date.fromisoformat(response.json()["held_on"])
    assert meetings(world.branch_a1, held_on.year, "group") == 1


def test_an_edit_moves_the_meeting_to_its_new_branch_kind_and_year(world):
    meeting = MeetingFactory(organization=world.branch_a1, kind="assembly", held_on=dt.date(2025, 3, 1))
    MeetingFactory(organization=world.branch_a1, kind="assembly", held_on=dt.date(2025, 4, 1))
    meeting.kind = "lecture"
    meeting.save()
    assert (meetings(world.branch_a1, 2025, "assembly"), meetings(world.branch_a1, 2025, "lecture")) == (1, 1)
    meeting.organization, meeting.held_on = world.branch_a2, dt.date(2024, 12, 31)
    meeting.save()
    assert meetings(world.branch_a2, 2024, "lecture") == 1
    assert not MeetingTally.objects.filter(kind="lecture", year=2025).exists()
    assert meeting_tallies_kept() == meeting_tallies_from_facts()


def test_an_edit_that_keeps_branch_kind_and_year_changes_nothing(world):
    meeting = MeetingFactory(organization=world.branch_a1, kind="assembly", held_on=dt.date(2025, 3, 1))
    before = meeting_tallies_kept()
    Meeting.objects.filter(pk=meeting.pk).update(topic="新主题", held_on=dt.date(2025, 11, 30))
    assert meeting_tallies_kept() == before == {(world.branch_a1.pk, 2025, "assembly"): 1}


def test_deleting_one_of_two_keeps_the_count_and_the_last_removes_the_row(world):
    first, second = (
        MeetingFactory(organization=world.branch_a1, kind="theme_day", held_on=dt.date(2025, month, 1))
        for month in (3, 4)
    )
    first.delete()
    assert meetings(world.branch_a1, 2025, "theme_day") == 1
    second.delete()
    assert not MeetingTally.objects.exists()


def test_bulk_writes_update_and_delete_keep_the_counts(world):
    Meeting.objects.bulk_create(
        Meeting(organization=branch, kind=kind, held_on=dt.date(2025, month, 1), topic="会")
        for branch in (world.branch_a1, world.branch_a2, world.branch_b1)
        for kind in ("assembly", "group")
        for month in (1, 6, 12)
    )
    Meeting.objects.filter(held_on__month=12).update(held_on=dt.date(2026, 1, 5))
    Meeting.objects.filter(organization=world.branch_a2, kind="group").update(kind="lecture")
    Meeting.objects.filter(organization=world.branch_b1, held_on__month=6).delete()
    assert meeting_tallies_kept() == meeting_tallies_from_facts()
    assert meetings(world.branch_a1, 2026, "assembly") == 1
    assert meetings(world.branch_a2, 2025, "lecture") == 2
