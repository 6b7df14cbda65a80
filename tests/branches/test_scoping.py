import pytest

from branches.models import Organization
from branches.models import StaffRole
from branches.scope.querysets import OutOfScope
from branches.scope.querysets import ensure_in_scope
from branches.scope.roles import Role
from tests.utils.factories import StaffRoleFactory

pytestmark = pytest.mark.django_db


def _codes(queryset):
    return set(queryset.values_list("code", flat=True))


def test_secretary_sees_only_own_branch(world):
    assert _codes(Organization.objects.restrict(world.users["secretary_a1"])) == {"C1-TA-1"}


def test_township_staff_sees_its_subtree(world):
    assert _codes(Organization.objects.restrict(world.users["staff_a"])) == {"C1-TA", "C1-TA-1", "C1-TA-2"}


def test_county_admin_sees_its_county_only(world):
    assert _codes(Organization.objects.restrict(world.users["county_admin"])) == {
        "C1",
        "C1-TA",
        "C1-TA-1",
        "C1-TA-2",
        "C1-TB",
        "C1-TB-1",
    }


def test_superuser_sees_everything(world):
    assert Organization.objects.restrict(world.users["root"]).count() == Organization.objects.count()


def test_anonymous_and_role_less_users_see_nothing(world):
    from django.contrib.auth.models import AnonymousUser

    assert not Organization.objects.restrict(AnonymousUser()).exists()
    assert not Organization.objects.restrict(world.users["nobody"]).exists()
    assert not Organization.objects.restrict(None).exists()


def test_viewer_reads_but_cannot_write(world):
    viewer = world.users["viewer_a"]
    assert Organization.objects.restrict(viewer, "view").exists()
    assert not Organization.objects.restrict(viewer, "change").exists()
    assert not StaffRole.objects.restrict(viewer, "add").exists()


def test_secretary_may_enter_records_but_not_review(world):
    from members.models import Member

    secretary = world.users["secretary_a1"]
    assert Organization.objects.restrict(secretary, "records").exists()
    assert not Organization.objects.restrict(secretary, "review").exists()
    assert Member.objects.restrict(secretary, "change").query is not None


def test_roles_on_two_townships_add_up(world):
    StaffRoleFactory(user=world.users["staff_a"], organization=world.township_b, role=Role.TOWNSHIP_STAFF)
    codes = _codes(Organization.objects.restrict(world.users["staff_a"]))
    assert {"C1-TA-1", "C1-TB-1"} <= codes and "C1" not in codes


def test_a_role_on_a_dissolved_organization_grants_nothing(world):
    import datetime as dt

    Organization.objects.filter(pk=world.branch_a1.pk).update(dissolved_on=dt.date(2025, 1, 1))
    assert not Organization.objects.restrict(world.users["secretary_a1"]).exists()


def test_scope_is_looked_up_once_per_user_object(world, django_assert_num_queries):
    user = world.users["staff_a"]
    list(Organization.objects.restrict(user))
    with django_assert_num_queries(1):
        list(Organization.objects.restrict(user))


def test_ensure_in_scope_refuses_foreign_objects(world):
    with pytest.raises(OutOfScope):
        ensure_in_scope(world.users["staff_a"], world.branch_b1, "view")
    ensure_in_scope(world.users["staff_a"], world.branch_a1, "view")
