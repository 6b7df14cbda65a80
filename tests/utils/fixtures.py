"""The shared world every scope test runs in: two counties, so even a county admin has a foreign place."""

from dataclasses import dataclass

import pytest
from django.test import Client
from rest_framework.test import APIClient

from branches.models import Organization, OrganizationField, OrganizationKind
from branches.scope.roles import Role

from .factories import OrganizationFactory, StaffRoleFactory, UserFactory
from .factories_entry import EntryBranch, entry_branch, logged_in


@dataclass
class World:
    county: Organization
    township_a: Organization
    branch_a1: Organization
    branch_a2: Organization
    township_b: Organization
    branch_b1: Organization
    other_county: Organization
    township_z: Organization
    branch_z1: Organization
    users: dict

    def client(self, who: str | None) -> APIClient:
        client = APIClient()
        if who is not None:
            client.force_authenticate(self.users[who])
        return client

    def page_client(self, who: str) -> Client:
        """A browser-like client with ``who``'s session, for the pages and the admin."""
        client = Client()
        client.force_login(self.users[who])
        return client

    def own_branch(self, who: str) -> Organization:
        return self.branch_a1

    def foreign_branch(self, who: str) -> Organization:
        """A branch ``who`` cannot see: another township's, or for a county admin another county's."""
        return self.branch_z1 if who == "county_admin" else self.branch_b1


def build_world() -> World:
    county = OrganizationFactory(name="甲县委", code="C1", kind=OrganizationKind.COUNTY_COMMITTEE, field="")
    township_a = OrganizationFactory(
        name="东镇党委", code="C1-TA", kind=OrganizationKind.TOWNSHIP_COMMITTEE, field="", parent=county
    )
    township_b = OrganizationFactory(
        name="西镇党委", code="C1-TB", kind=OrganizationKind.TOWNSHIP_COMMITTEE, field="", parent=county
    )
    other_county = OrganizationFactory(
        name="乙县委", code="C2", kind=OrganizationKind.COUNTY_COMMITTEE, field=""
    )
    township_z = OrganizationFactory(
        name="南镇党委", code="C2-TZ", kind=OrganizationKind.TOWNSHIP_COMMITTEE, field="", parent=other_county
    )
    world = World(
        county=county,
        township_a=township_a,
        branch_a1=OrganizationFactory(name="东一村党支部", code="C1-TA-1", parent=township_a),
        branch_a2=OrganizationFactory(
            name="东二社区党支部", code="C1-TA-2", parent=township_a, field=OrganizationField.COMMUNITY
        ),
        township_b=township_b,
        branch_b1=OrganizationFactory(name="西一村党支部", code="C1-TB-1", parent=township_b),
        other_county=other_county,
        township_z=township_z,
        branch_z1=OrganizationFactory(name="南一村党支部", code="C2-TZ-1", parent=township_z),
        users={},
    )
    grants = {
        "county_admin": (county, Role.COUNTY_ADMIN),
        "staff_a": (township_a, Role.TOWNSHIP_STAFF),
        "staff_b": (township_b, Role.TOWNSHIP_STAFF),
        "secretary_a1": (world.branch_a1, Role.BRANCH_SECRETARY),
        "viewer_a": (township_a, Role.VIEWER),
    }
    for username, (organization, role) in grants.items():
        user = UserFactory(username=username)
        StaffRoleFactory(user=user, organization=organization, role=role)
        world.users[username] = user
    world.users["nobody"] = UserFactory(username="nobody")
    world.users["root"] = UserFactory(username="root", is_superuser=True, is_staff=True)
    return world


@pytest.fixture
def world(db) -> World:
    return build_world()


# --- the entry pages' fixtures: branch_a1 ready for data entry, and its secretary in the browser -----------


@pytest.fixture
def branch(world) -> EntryBranch:
    """``world.branch_a1`` with three members on the roll, a serving secretary and a committee member."""
    return entry_branch(world.branch_a1)


@pytest.fixture
def secretary(client, world):
    """The Django test client, logged in as the secretary of ``world.branch_a1``."""
    return logged_in(client, world.users["secretary_a1"])
