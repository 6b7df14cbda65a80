"""An edit that changes nothing writes nothing: no save, no version bump, no history row
(partybuild/versioning.py, so every path gets it); the API answers it like any edit."""

import pytest
from django.urls import reverse

from branches.models import Organization

pytestmark = pytest.mark.django_db


def _state(organization_pk):
    organization = Organization.objects.get(pk=organization_pk)
    return organization.version, organization.updated_at, organization.history.count()


def test_a_patch_that_changes_nothing_writes_nothing(world):
    organization = world.branch_a1
    before = _state(organization.pk)
    url = reverse("organization-detail", args=[organization.pk])
    response = world.client("county_admin").patch(
        url, {"name": organization.name, "version": organization.version}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["version"] == before[0]
    assert _state(organization.pk) == before


def test_an_empty_patch_writes_nothing(world):
    before = _state(world.branch_a1.pk)
    url = reverse("organization-detail", args=[world.branch_a1.pk])
    assert world.client("county_admin").patch(url, {}, format="json").status_code == 200
    assert _state(world.branch_a1.pk) == before


def test_a_patch_that_changes_one_field_bumps_the_version_and_writes_one_history_row(world):
    version, _updated, rows = _state(world.branch_a1.pk)
    url = reverse("organization-detail", args=[world.branch_a1.pk])
    response = world.client("county_admin").patch(url, {"name": "东一村新党支部"}, format="json")
    assert response.status_code == 200
    after = _state(world.branch_a1.pk)
    assert after[0] == version + 1 and after[2] == rows + 1
