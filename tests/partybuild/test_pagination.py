"""The bounded count (partybuild/pagination.py): exact up to the limit, counted over a LIMIT; beyond it the
planner's estimate on PostgreSQL, flagged in the API's answer and on the list pages."""

import pytest
from django.db import connection
from django.db.models import Count
from django.db.models import OuterRef
from django.db.models import Subquery
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from branches.models import Organization
from partybuild import pagination
from partybuild.pagination import bounded_count
from tests.utils.factories import MemberFactory
from tests.utils.factories import OrganizationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def five():
    for number in range(5):
        OrganizationFactory(code=f"N{number}")
    return Organization.objects.filter(code__startswith="N")


def test_up_to_the_limit_the_count_is_exact(five):
    assert bounded_count(five, exact_up_to=5) == (5, False)


def test_the_exact_count_stops_at_the_limit(five):
    with CaptureQueriesContext(connection) as queries:
        bounded_count(five, exact_up_to=100)
    assert "LIMIT 101" in queries[0]["sql"]


def test_the_count_leaves_out_the_lists_per_row_annotations(five):
    annotated = five.annotate(named=Subquery(Organization.objects.filter(pk=OuterRef("pk")).values("name")))
    with CaptureQueriesContext(connection) as queries:
        assert bounded_count(annotated, exact_up_to=100) == (5, False)
    assert queries[0]["sql"].count("SELECT") == 2


def test_a_count_filtered_on_an_aggregate_keeps_the_filter(five):
    parent = five.first()
    OrganizationFactory(parent=parent, code="N-child")
    with_children = five.annotate(children_count=Count("children")).filter(children_count__gt=0)
    assert bounded_count(with_children, exact_up_to=100) == (1, False)


def test_a_grouped_list_is_counted_by_its_groups(five):
    kinds = five.order_by().values("kind").annotate(n=Count("pk"))
    assert bounded_count(kinds, exact_up_to=100) == (len(list(kinds)), False)


def test_beyond_the_limit_sqlite_counts_exactly(five):
    if connection.vendor == "postgresql":
        pytest.skip("PostgreSQL estimates (the next test)")
    assert bounded_count(five, exact_up_to=4) == (5, False)


@pytest.mark.postgres
def test_beyond_the_limit_postgresql_estimates_never_below_what_was_counted(five):
    count, estimated = bounded_count(five, exact_up_to=4)
    assert estimated is True and count >= 5


def test_the_api_says_whether_its_count_is_an_estimate(world, monkeypatch):
    url = reverse("organization-list")
    exact = world.client("county_admin").get(url).json()
    assert exact["count_estimated"] is False and exact["count"] == 6
    monkeypatch.setattr(pagination, "EXACT_UP_TO", 2)
    monkeypatch.setattr(pagination, "planner_rows", lambda queryset: 7)
    monkeypatch.setattr(pagination, "connections", {"default": type("Vendor", (), {"vendor": "postgresql"})})
    beyond = world.client("county_admin").get(url).json()
    assert beyond["count_estimated"] is True and beyond["count"] == 7


def test_the_list_page_says_about_for_an_estimate(world, monkeypatch):
    for _ in range(2):
        MemberFactory(branch=world.branch_a1)
    client = world.page_client("county_admin")
    url = reverse("members:member-list")
    assert client.get(url).context["page"].paginator.estimated is False
    monkeypatch.setattr(pagination, "EXACT_UP_TO", 1)
    monkeypatch.setattr(pagination, "planner_rows", lambda queryset: 1234)
    monkeypatch.setattr(pagination, "connections", {"default": type("Vendor", (), {"vendor": "postgresql"})})
    with translation.override("en"):
        page = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "About 1234 records" in page
