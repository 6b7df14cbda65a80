"""GET /api/v1/inbox/: scope, the optional organization, and the items' fields (docs/inbox.md)."""

import datetime as dt

import pytest
from django.urls import reverse

from tests.utils.scope_reports import OrganizationParamScopeSuite

pytestmark = pytest.mark.django_db


class TestInboxScope(OrganizationParamScopeSuite):
    url_name = "inbox"

    def test_malformed_parameters_answer_400(self, world):
        """The inbox takes no year: only a malformed organization is refused."""
        assert self.get(world, self.reader, organization="abc").status_code == 400


def test_the_secretary_gets_the_branch_items_with_what_why_when_and_where(world):
    response = world.client("secretary_a1").get(reverse("inbox"))
    assert response.status_code == 200
    data = response.json()
    assert data["count"] == len(data["results"]) > 0
    item = data["results"][0]
    assert set(item) == {"source", "key", "organization", "what", "why", "due_on", "late", "url"}
    assert item["organization"]["id"] == world.branch_a1.pk
    assert dt.date.fromisoformat(item["due_on"])


def test_an_organization_narrows_the_items_to_its_subtree(world):
    client = world.client("county_admin")
    everything = client.get(reverse("inbox")).json()
    narrowed = client.get(reverse("inbox"), {"organization": world.township_b.pk}).json()
    assert narrowed["count"] <= everything["count"]
    assert all(item["organization"]["id"] != world.branch_a1.pk for item in narrowed["results"])
