"""Input beyond what can be read — a number too large for any integer, JSON nested thousands deep — answers
400 with a message in the user's language and writes nothing (partybuild/exceptions.py)."""

import pytest
from django.urls import reverse

from assessments.models import QuotaRun
from branches.models import Organization

pytestmark = pytest.mark.django_db


def post_raw(world, url, body):
    client = world.client("county_admin")
    return client.post(url, body, content_type="application/json", HTTP_ACCEPT_LANGUAGE="zh-hans")


def test_an_id_too_large_for_any_integer_is_a_400_not_a_500(world):
    response = post_raw(world, reverse("quotarun-list"), '{"organization": 1e999, "year": 2025}')
    assert response.status_code == 400
    assert "过大" in response.json()["detail"]
    assert not QuotaRun.objects.exists()


def test_json_nested_thousands_deep_is_a_400_not_a_500(world):
    before = Organization.objects.count()
    response = post_raw(world, reverse("organization-list"), "[" * 100_000 + "]" * 100_000)
    assert response.status_code == 400
    assert "嵌套" in response.json()["detail"]
    assert Organization.objects.count() == before
