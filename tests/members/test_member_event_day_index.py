"""The roll on a plain day finds the members moved after it (transferred, or their status changed) from the
partial ``member_event_move_day`` index (members/models/roster.py), then looks up event by event only for
them (members/selectors/roster.py): the admissions and confirmations since the day, which for a past year's
December are a year of them, are not read."""

import datetime as dt

import pytest
from django.db import connection

from members.selectors.roster import roll_on

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def test_the_members_moved_after_the_day_come_from_the_partial_index(world):
    queryset = roll_on(world.county, dt.date(2026, 3, 1))
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = queryset.explain()
    assert "member_event_move_day" in plan, plan
    assert "hashed SubPlan" in plan, plan
