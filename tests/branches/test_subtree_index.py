"""On PostgreSQL the subtree prefix match must be able to use an index on path whatever the collation:
the unique path column gets a varchar_pattern_ops twin index, which LIKE 'prefix%' can use."""

import pytest
from django.db import connection

from branches.models import Organization

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def test_path_has_a_pattern_ops_index():
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE tablename = 'branches_organization'")
        definitions = [row[0] for row in cursor.fetchall()]
    assert any("(path varchar_pattern_ops)" in definition for definition in definitions), definitions


def test_subtree_query_is_an_index_range_scan(world):
    queryset = Organization.objects.filter(path__startswith=world.township_a.path)
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = queryset.explain()
    assert "Index" in plan and "~>=~" in plan, plan
