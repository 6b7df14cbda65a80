"""Quota figures in the API are JSON numbers, an alert carries the figures behind it, and the dashboard's
schema describes each kind of dashboard field by field (docs/quotas.md)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from drf_spectacular.generators import SchemaGenerator

from tests.utils.factories_dashboard import YEAR
from tests.utils.factories_dashboard import populate_township
from tests.utils.factories_quotas import published_result

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def schema():
    return SchemaGenerator().get_schema(request=None, public=True)


def _run(world, year=2025):
    client = world.client("county_admin")
    client.post(reverse("quotarun-list"), {"organization": world.county.pk, "year": year}, format="json")
    return client


def test_quota_results_answer_whole_targets_and_actuals_as_integers(world):
    rows = _run(world).get(reverse("quotaresult-list"), {"year": 2025, "code": "dev.branch_min"}).json()
    assert rows["count"] == 3
    assert all(type(row["target"]) is int and type(row["actual"]) is int for row in rows["results"])


def test_a_fractional_figure_answers_as_a_decimal_number(world):
    result = published_result(world.branch_a1, code="dev.young_share")
    result.target, result.actual = Decimal("70.00"), Decimal("66.67")
    result.save()
    row = world.client("county_admin").get(reverse("quotaresult-detail", args=[result.pk])).json()
    assert (row["target"], row["actual"]) == (70, 66.67)


def test_a_two_years_without_admission_alert_carries_its_figures(world):
    client = _run(world)
    alerts = client.get(reverse("alert-list"), {"year": 2025, "kind": "dev.two_years_none"}).json()
    assert alerts["count"] >= 1
    detail = alerts["results"][0]["detail"]
    assert (detail["target"], detail["actual"]) == (1, 0)
    assert type(detail["days_left"]) is int
    dashboard = client.get(reverse("dashboard"), {"organization": world.county.pk, "year": 2025}).json()
    listed = [alert for alert in dashboard["alerts"] if alert["kind"] == "dev.two_years_none"]
    assert listed and listed[0]["detail"] == detail


def test_the_dashboard_schema_describes_each_kind_of_dashboard(schema):
    ok = schema["paths"]["/api/v1/dashboard/"]["get"]["responses"]["200"]["content"]["application/json"]
    assert ok["schema"] == {"$ref": "#/components/schemas/Dashboard"}
    components = schema["components"]["schemas"]
    assert set(components["Dashboard"]["discriminator"]["mapping"]) == {"county", "township", "branch"}
    assert {"summary", "townships", "alerts", "labels"} <= set(components["CountyDashboard"]["required"])
    assert {"summary", "quota_table", "alerts"} <= set(components["TownshipDashboard"]["required"])
    assert {"members", "quota", "stars_share", "rooms"} <= set(components["DashboardUnit"]["properties"])


def test_the_schema_types_quota_figures_as_numbers_and_alert_figures_as_integers(schema):
    components = schema["components"]["schemas"]
    assert components["QuotaResult"]["properties"]["target"]["type"] == "number"
    assert components["QuotaResult"]["properties"]["actual"]["type"] == "number"
    figures = components["AlertDetail"]["properties"]
    assert {figures[name]["type"] for name in ("target", "expected", "actual", "days_left")} == {"integer"}


def test_the_dashboard_quota_table_uses_the_same_numbers(world):
    populate_township(world.township_a, [world.branch_a1])
    data = world.client("staff_a").get(
        reverse("dashboard"), {"organization": world.township_a.pk, "year": YEAR}
    )
    cell = data.json()["quota_table"]["branches"][0]["results"][0]
    assert type(cell["target"]) is int and type(cell["actual"]) is int
    assert dt.date.fromisoformat(data.json()["reference_day"]).year == YEAR
