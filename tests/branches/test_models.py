import pytest
from django.core.exceptions import ValidationError

from branches import services
from branches.models import Organization
from branches.models import OrganizationKind
from tests.utils.factories import OrganizationFactory
from tests.utils.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def root():
    return UserFactory(username="root", is_superuser=True)


def test_created_organization_path_extends_its_parents(root):
    county = services.organization_create(
        actor=root, parent=None, name="县委", code="C", kind="county_committee"
    )
    town = services.organization_create(
        actor=root, parent=county, name="镇", code="T", kind="township_committee"
    )
    assert county.path == f"/{county.pk}/"
    assert town.path == f"/{county.pk}/{town.pk}/"
    assert (county.depth, town.depth) == (0, 1)


def test_subtree_is_one_prefix_match(world):
    subtree = set(Organization.objects.within(world.township_a).values_list("code", flat=True))
    assert subtree == {"C1-TA", "C1-TA-1", "C1-TA-2"}


def test_moving_an_organization_moves_its_whole_subtree(world, root):
    general = OrganizationFactory(parent=world.township_a, kind=OrganizationKind.GENERAL_BRANCH, code="GEN")
    child = OrganizationFactory(parent=general, code="GEN-1")
    services.organization_update(actor=root, organization=general, parent=world.township_b)
    child.refresh_from_db()
    assert child.path == f"{world.township_b.path}{general.pk}/{child.pk}/"
    assert child.is_within(world.township_b)


def test_an_organization_cannot_move_under_its_own_unit(world, root):
    general = OrganizationFactory(parent=world.township_a, kind=OrganizationKind.GENERAL_BRANCH, code="GEN")
    child = OrganizationFactory(parent=general, code="GEN-1", kind=OrganizationKind.GENERAL_BRANCH)
    with pytest.raises(ValidationError) as error:
        services.organization_update(actor=root, organization=general, parent=child)
    assert "parent" in error.value.message_dict
    general.refresh_from_db()
    assert general.parent_id == world.township_a.pk


@pytest.mark.parametrize(
    ("kind", "parent_attr", "allowed"),
    [
        ("township_committee", "county", True),
        ("township_committee", "township_b", False),
        ("branch", "township_a", True),
        ("branch", "county", True),
        ("branch", "branch_a1", False),
        ("general_branch", "township_a", True),
        ("county_committee", "county", False),
    ],
)
def test_parent_kind_rules(world, kind, parent_attr, allowed):
    organization = Organization(
        name="新", code="NEW", kind=kind, parent=getattr(world, parent_attr), path="/x/"
    )
    if allowed:
        organization.full_clean(exclude=["path"])
    else:
        with pytest.raises(ValidationError):
            organization.full_clean(exclude=["path"])


def test_only_a_county_committee_may_be_a_root():
    with pytest.raises(ValidationError):
        Organization(name="孤立支部", code="LONE", kind="branch", path="/x/").full_clean(exclude=["path"])


def test_dissolution_before_founding_is_refused():
    import datetime as dt

    organization = Organization(
        name="县委",
        code="C",
        kind="county_committee",
        path="/x/",
        founded_on=dt.date(2020, 1, 2),
        dissolved_on=dt.date(2020, 1, 1),
    )
    with pytest.raises(ValidationError) as error:
        organization.full_clean(exclude=["path"])
    assert "dissolved_on" in error.value.message_dict


def test_every_organization_change_leaves_history(world, root):
    services.organization_update(actor=root, organization=world.branch_a1, name="新名字")
    latest = world.branch_a1.history.latest()
    assert latest.name == "新名字" and latest.history_user == root
