"""The shared world every scope test runs in: two counties, so even a county admin has a foreign place."""

from dataclasses import dataclass

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from rest_framework.test import APIClient
from simple_history.utils import bulk_create_with_history

from branches.models import Organization
from branches.models import OrganizationField
from branches.models import OrganizationKind
from branches.models import StaffRole
from branches.scope.roles import Role

from .factories import OrganizationFactory
from .factories import StaffRoleFactory
from .factories import UserFactory
from .factories_entry import EntryBranch
from .factories_entry import entry_branch
from .factories_entry import logged_in


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
    """Nine organizations in three levels, seven users and their roles, in eight statements: every scope
    test builds it, so it is inserted in bulk, level by level, with the history rows the factories leave."""
    counties = _insert_level(
        OrganizationFactory.build(name="甲县委", code="C1", kind=COUNTY, field=""),
        OrganizationFactory.build(name="乙县委", code="C2", kind=COUNTY, field=""),
    )
    county, other_county = counties
    townships = _insert_level(
        OrganizationFactory.build(name="东镇党委", code="C1-TA", kind=TOWNSHIP, field="", parent=county),
        OrganizationFactory.build(name="西镇党委", code="C1-TB", kind=TOWNSHIP, field="", parent=county),
        OrganizationFactory.build(
            name="南镇党委", code="C2-TZ", kind=TOWNSHIP, field="", parent=other_county
        ),
    )
    township_a, township_b, township_z = townships
    branches = _insert_level(
        OrganizationFactory.build(name="东一村党支部", code="C1-TA-1", parent=township_a),
        OrganizationFactory.build(
            name="东二社区党支部", code="C1-TA-2", parent=township_a, field=OrganizationField.COMMUNITY
        ),
        OrganizationFactory.build(name="西一村党支部", code="C1-TB-1", parent=township_b),
        OrganizationFactory.build(name="南一村党支部", code="C2-TZ-1", parent=township_z),
    )
    branch_a1, branch_a2, branch_b1, branch_z1 = branches
    Organization.objects.bulk_update([*counties, *townships, *branches], ["path"])
    world = World(
        county=county,
        township_a=township_a,
        branch_a1=branch_a1,
        branch_a2=branch_a2,
        township_b=township_b,
        branch_b1=branch_b1,
        other_county=other_county,
        township_z=township_z,
        branch_z1=branch_z1,
        users={},
    )
    grants = {
        "county_admin": (county, Role.COUNTY_ADMIN),
        "staff_a": (township_a, Role.TOWNSHIP_STAFF),
        "staff_b": (township_b, Role.TOWNSHIP_STAFF),
        "secretary_a1": (branch_a1, Role.BRANCH_SECRETARY),
        "viewer_a": (township_a, Role.VIEWER),
    }
    users = [UserFactory.build(username=username) for username in [*grants, "nobody"]]
    users.append(UserFactory.build(username="root", is_superuser=True, is_staff=True))
    world.users = {user.username: user for user in get_user_model().objects.bulk_create(users)}
    roles = [
        StaffRoleFactory.build(user=world.users[username], organization=organization, role=role)
        for username, (organization, role) in grants.items()
    ]
    bulk_create_with_history(roles, StaffRole)
    return world


COUNTY = OrganizationKind.COUNTY_COMMITTEE
TOWNSHIP = OrganizationKind.TOWNSHIP_COMMITTEE


def _insert_level(*organizations: Organization) -> list[Organization]:
    """One level of the tree, with each path built as branches.services.organization_create builds it (the
    caller saves the paths once the whole tree has its primary keys)."""
    for organization in organizations:
        organization.path = f"tmp-{organization.code}"
    saved = bulk_create_with_history(list(organizations), Organization)
    for organization in saved:
        parent_path = organization.parent.path if organization.parent else "/"
        organization.path = f"{parent_path}{organization.pk}/"
    return saved


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
