"""GET /api/v1/dashboard/: scope, parameters, the kind of dashboard, and a query count that ignores size."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from branches.scope.querysets import forget_scope
from tests.utils.factories_dashboard import YEAR
from tests.utils.factories_dashboard import populate_township
from tests.utils.factories_dashboard import village
from tests.utils.scope_reports import OrganizationParamScopeSuite


class TestDashboardScope(OrganizationParamScopeSuite):
    url_name = "dashboard"

    def year(self, world):
        return YEAR


def get(world, who, **params):
    return world.client(who).get(reverse("dashboard"), params)


def test_a_township_gets_the_township_dashboard(world):
    populate_township(world.township_a, [world.branch_a1])
    response = get(world, "staff_a", organization=world.township_a.pk, year=YEAR)
    assert response.status_code == 200
    data = response.json()
    assert data["kind"] == "township"
    assert data["organization"]["id"] == world.township_a.pk
    assert data["summary"]["quota"] == {"green": 1, "amber": 1, "red": 1, "none": 0, "total": 3}
    assert data["quota_table"]["branches"][0]["results"][0] == {
        "target": 4, "actual": 4, "met": True, "status": "green",
    }  # fmt: skip


def test_a_county_gets_its_townships_compared(world):
    response = get(world, "county_admin", organization=world.county.pk, year=YEAR)
    assert response.status_code == 200
    data = response.json()
    assert data["kind"] == "county"
    assert [row["organization"]["name"] for row in data["townships"]] == ["东镇党委", "西镇党委"]


def test_a_branch_secretary_gets_the_branch_dashboard_and_nothing_above(world):
    assert get(world, "secretary_a1", organization=world.branch_a1.pk, year=YEAR).json()["kind"] == "branch"
    assert get(world, "secretary_a1", organization=world.township_a.pk, year=YEAR).status_code == 404
    assert get(world, "staff_a", organization=world.county.pk, year=YEAR).status_code == 404


@pytest.mark.parametrize("params", [{}, {"organization": ""}, {"organization": "1", "year": "1999"}])
def test_missing_or_out_of_range_parameters_answer_400_with_a_message(world, params):
    response = get(world, "staff_a", **params)
    assert response.status_code == 400
    assert response.json()


def test_the_year_defaults_to_this_year(world):
    from django.utils import timezone

    response = get(world, "staff_a", organization=world.township_a.pk)
    assert response.status_code == 200
    assert response.json()["year"] == timezone.localdate().year


def _queries(world, organization) -> int:
    forget_scope(world.users["staff_a"])  # the user object caches its scope between requests
    with CaptureQueriesContext(connection) as captured:
        response = get(world, "staff_a", organization=organization.pk, year=YEAR)
    assert response.status_code == 200
    return len(captured.captured_queries)


def test_api_query_count_does_not_depend_on_the_number_of_branches(world):
    populate_township(world.township_a, [world.branch_a1])
    small = _queries(world, world.township_a)
    populate_township(world.township_a, [village(world.township_a, f"村{n}") for n in range(7)])
    assert _queries(world, world.township_a) == small
