"""The visits API's newest-first page of a year is read from the ``visit_day`` index backwards, stopping
after a page, rather than sorting the whole year (members/models/activities.py)."""

import pytest
from django.db import connection

from members.selectors.visits import in_year
from members.selectors.visits import visit_list

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def test_a_years_newest_visits_come_from_the_day_index_without_a_sort(world):
    queryset = visit_list(user=world.users["county_admin"]).filter(in_year(2026))
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
        plan = queryset.order_by("-visited_on", "-pk")[:50].explain()
    assert "Index Scan Backward using visit_day" in plan, plan
