"""Input beyond what can be read — a number too large for any integer, JSON nested thousands deep — answers
400 with a message in the user's language and writes nothing (partybuild/exceptions.py)."""

import pytest
from django.urls import reverse

from assessments.models import QuotaRun
from branches.models import Organization
from branches.models import StaffRole

pytestmark = pytest.mark.django_db


def post_raw(world, url, body):
    client = world.client("county_admin")
    return client.post(url, body, content_type="application/json", HTTP_ACCEPT_LANGUAGE="zh-hans")


def test_an_id_too_large_for_any_integer_is_a_400_not_a_500(world):
    body = f'{{"user": 1e999, "organization": {world.branch_a1.pk}, "role": "viewer"}}'
    before = StaffRole.objects.count()
    response = post_raw(world, reverse("staffrole-list"), body)
    assert response.status_code == 400
    assert "过大" in response.json()["detail"]
    assert StaffRole.objects.count() == before


def test_a_scoped_id_too_large_for_any_integer_is_refused_beside_its_field(world):
    response = post_raw(world, reverse("quotarun-list"), '{"organization": 1e999, "year": 2025}')
    assert response.status_code == 400 and "organization" in response.json()
    assert not QuotaRun.objects.exists()


def test_json_nested_thousands_deep_is_a_400_not_a_500(world):
    before = Organization.objects.count()
    response = post_raw(world, reverse("organization-list"), "[" * 100_000 + "]" * 100_000)
    assert response.status_code == 400
    assert "嵌套" in response.json()["detail"]
    assert Organization.objects.count() == before


def test_a_body_that_is_not_json_is_refused_in_chinese(world):
    response = post_raw(world, reverse("organization-list"), '{"name": ')
    assert response.status_code == 400 and response.json()["detail"] == "请求正文不是有效的 JSON。"


def test_a_body_of_null_is_refused_in_chinese(world):
    response = post_raw(world, reverse("organization-list"), "null")
    assert response.status_code == 400 and response.json()["non_field_errors"] == ["没有提交任何数据。"]


def test_an_organization_that_does_not_exist_reads_not_found_in_chinese_without_naming_the_model(world):
    client = world.client("county_admin")
    response = client.get(
        reverse("duespayment-summary"), {"organization": 10**18, "year": 2025}, HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    assert response.status_code == 404 and response.json() == {"detail": "未找到。"}


@pytest.mark.parametrize("fraction", [1.5, True])
def test_a_fraction_or_a_boolean_is_no_record_id(world, fraction):
    body = f'{{"organization": {str(fraction).lower()}, "year": 2025}}'
    response = post_raw(world, reverse("quotarun-list"), body)
    assert response.status_code == 400 and "organization" in response.json()
    assert not QuotaRun.objects.exists()
