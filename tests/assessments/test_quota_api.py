import pytest
from django.urls import reverse

from assessments.models import QuotaPolicy
from assessments.models import QuotaRun
from assessments.models import RunState
from branches.models import SecurityEvent
from branches.models import SecurityEventKind
from tests.utils.factories_quotas import published_alert
from tests.utils.factories_quotas import published_result
from tests.utils.scope import ScopeSuite
from tests.utils.scope_policies import CountyPolicyScopeSuite

pytestmark = pytest.mark.django_db


class TestQuotaPolicyScope(CountyPolicyScopeSuite):
    basename = "quotapolicy"
    model = QuotaPolicy


class TestQuotaRunScope(ScopeSuite):
    basename = "quotarun"
    created_status = 202

    def make_object(self, world, organization):
        return QuotaRun.objects.create(organization=organization, year=2024, state=RunState.SUCCEEDED)

    def create_payload(self, world, organization):
        return {"organization": organization.pk, "year": 2025}


class TestQuotaResultScope(ScopeSuite):
    basename = "quotaresult"
    supports_create = False

    def make_object(self, world, organization):
        return published_result(organization)


class TestAlertScope(ScopeSuite):
    basename = "alert"
    supports_create = False

    def make_object(self, world, organization):
        return published_alert(organization)


@pytest.mark.parametrize(("field", "value"), [("meet_assembly", -1), ("dev_young_share", 101)])
def test_policy_refuses_negative_targets_and_shares_above_100(world, field, value):
    response = world.client("county_admin").post(
        reverse("quotapolicy-list"), {"county": world.county.pk, "year": 2025, field: value}, format="json"
    )
    assert response.status_code == 400 and field in response.json()
    assert not QuotaPolicy.objects.exists()


def test_only_the_county_sets_the_policy(world):
    from tests.utils.factories import StaffRoleFactory

    StaffRoleFactory(user=world.users["staff_a"], organization=world.county, role="viewer")
    response = world.client("staff_a").post(
        reverse("quotapolicy-list"), {"county": world.county.pk, "year": 2025}, format="json"
    )
    assert response.status_code == 403 and not QuotaPolicy.objects.exists()


def test_policy_only_on_a_county_committee(world):
    response = world.client("county_admin").post(
        reverse("quotapolicy-list"), {"county": world.township_a.pk, "year": 2025}, format="json"
    )
    assert response.status_code == 400 and "county" in response.json()


def test_changing_a_policy_is_a_security_event(world):
    client = world.client("county_admin")
    created = client.post(
        reverse("quotapolicy-list"), {"county": world.county.pk, "year": 2025}, format="json"
    )
    url = reverse("quotapolicy-detail", args=[created.json()["id"]])
    response = client.patch(url, {"visit_households": 60, "version": 1}, format="json")
    assert response.status_code == 200, response.content
    event = SecurityEvent.objects.filter(kind=SecurityEventKind.POLICY_CHANGED).latest("occurred_at")
    assert event.detail["changed"] == {"visit_households": ["50", "60"]}


def test_starting_a_run_answers_202_with_its_state_and_progress(world):
    response = world.client("staff_a").post(
        reverse("quotarun-list"), {"organization": world.township_a.pk, "year": 2025}, format="json"
    )
    assert response.status_code == 202, response.content
    body = response.json()
    assert body["state"] == "succeeded" and body["progress"] == 100
    assert body["counts"]["organizations"] == 3 and body["duration_seconds"] is not None
    polled = world.client("staff_a").get(reverse("quotarun-detail", args=[body["id"]])).json()
    assert polled["state"] == "succeeded"


def test_a_viewer_cannot_start_a_run(world):
    response = world.client("viewer_a").post(
        reverse("quotarun-list"), {"organization": world.township_a.pk, "year": 2025}, format="json"
    )
    assert response.status_code == 403 and not QuotaRun.objects.exists()


def test_a_future_year_is_refused_in_chinese(world):
    response = world.client("staff_a").post(
        reverse("quotarun-list"),
        {"organization": world.township_a.pk, "year": 2099},
        format="json",
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert response.status_code == 400 and "year" in response.json()


def test_an_unknown_indicator_code_is_refused_in_chinese(world):
    response = world.client("county_admin").get(reverse("quotaresult-list"), {"code": "no.such"})
    assert response.status_code == 400 and "有效" in str(response.json())


def test_the_results_page_names_roll_ups_and_township_study(world):
    published_result(world.township_a, code="rollup.meet.assembly")
    published_result(world.township_a, code="study.township.notes")
    page = world.page_client("county_admin").get(reverse("assessments:quotaresult-list"), {"year": 2024})
    body = page.content.decode()
    assert "“支部党员大会”达标的党支部" in body and "乡镇指导员学习笔记" in body
    assert ">rollup.meet.assembly<" not in body


def test_results_filter_by_code_and_met(world):
    client = world.client("county_admin")
    client.post(reverse("quotarun-list"), {"organization": world.county.pk, "year": 2025}, format="json")
    rows = client.get(
        reverse("quotaresult-list"), {"year": 2025, "code": "dev.branch_min", "met": "false"}
    ).json()
    assert rows["count"] == 3
    assert {row["code"] for row in rows["results"]} == {"dev.branch_min"}
