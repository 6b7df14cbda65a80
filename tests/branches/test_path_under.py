"""``path__under``: the subtree match with a column on the right (branches/models/paths.py) is exactly the
prefix match, at the boundary of a sibling whose id starts with the same digits, and on PostgreSQL an index
range per outer row."""

import pytest
from django.db import connection
from django.db.models import Exists
from django.db.models import OuterRef

from branches.models import Organization
from branches.models.paths import subtree_end
from tests.utils.factories import OrganizationFactory

pytestmark = pytest.mark.django_db

PATHS = ("/1/7/", "/1/7/8/", "/1/70/", "/1/6/", "/1/7/8/9/", "/1/")


@pytest.fixture
def tree():
    organizations = [OrganizationFactory(code=f"P{index}") for index in range(len(PATHS))]
    for organization, path in zip(organizations, PATHS, strict=True):
        Organization.objects.filter(pk=organization.pk).update(path=path)
    return Organization.objects.filter(code__startswith="P")


def test_subtree_end_follows_every_path_below():
    assert subtree_end("/1/7/") == "/1/70"
    assert "/1/7/" <= "/1/7/999/" < subtree_end("/1/7/") <= "/1/70/"


def test_a_constant_path_matches_its_subtree_and_not_a_sibling_sharing_its_digits(tree):
    under = sorted(tree.filter(path__under="/1/7/").values_list("path", flat=True))
    assert under == ["/1/7/", "/1/7/8/", "/1/7/8/9/"]


def test_a_column_matches_as_startswith_does(tree):
    below = tree.filter(path__under=OuterRef("path")).exclude(pk=OuterRef("pk"))
    has_below = dict(tree.annotate(below=Exists(below)).values_list("path", "below"))
    expected = {path: any(other != path and other.startswith(path) for other in PATHS) for path in PATHS}
    assert has_below == expected


@pytest.mark.postgres
def test_a_correlated_subtree_is_an_index_range_on_postgresql(tree):
    queryset = tree.filter(Exists(Organization.objects.filter(path__under=OuterRef("path"), code="P2")))
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = queryset.explain()
    assert "Index" in plan and "~>=~" in plan and "~<~" in plan, plan
