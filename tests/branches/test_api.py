import pytest
from django.urls import reverse

from branches.models import Organization
from branches.models import SecurityEvent
from branches.models import SecurityEventKind
from branches.models import StaffRole
from branches.scope.roles import Role
from tests.utils.factories import OrganizationFactory
from tests.utils.factories import StaffRoleFactory
from tests.utils.factories import UserFactory
from tests.utils.scope import ScopeSuite

pytestmark = pytest.mark.django_db


class TestOrganizationScope(ScopeSuite):
    basename = "organization"
    writer = "county_admin"

    def make_object(self, world, organization):
        return OrganizationFactory(parent=organization.parent)

    def create_payload(self, world, organization):
        return {
            "name": "新建村党支部",
            "code": f"NEW-{organization.pk}",
            "kind": "branch",
            "field": "village",
            "parent": organization.parent_id,
        }

    def move_payload(self, world, organization):
        return {"parent": organization.parent_id}


class TestStaffRoleScope(ScopeSuite):
    basename = "staffrole"
    writer = "county_admin"
    supports_delete = True

    def make_object(self, world, organization):
        return StaffRoleFactory(organization=organization, role=Role.VIEWER)

    def create_payload(self, world, organization):
        return {"user": UserFactory().pk, "organization": organization.pk, "role": Role.VIEWER}


def _names(response):
    return {row["name"] for row in response.json()["results"]}


def test_secretary_lists_only_own_branch(world):
    response = world.client("secretary_a1").get(reverse("organization-list"))
    assert _names(response) == {"东一村党支部"}


def test_township_staff_lists_its_subtree(world):
    response = world.client("staff_a").get(reverse("organization-list"))
    assert _names(response) == {"东镇党委", "东一村党支部", "东二社区党支部"}


def test_county_admin_lists_whole_county_but_not_other_county(world):
    names = _names(world.client("county_admin").get(reverse("organization-list")))
    assert {"甲县委", "西一村党支部", "东二社区党支部"} <= names
    assert "乙县委" not in names and "南一村党支部" not in names


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"kind": "township_committee"}, {"东镇党委", "西镇党委"}),
        ({"field": "community"}, {"东二社区党支部"}),
        ({"search": "西一"}, {"西一村党支部"}),
    ],
)
def test_organization_filters(world, query, expected):
    assert _names(world.client("county_admin").get(reverse("organization-list"), query)) == expected


def test_parent_and_within_filters(world):
    client = world.client("county_admin")
    by_parent = client.get(reverse("organization-list"), {"parent": world.township_a.pk})
    assert _names(by_parent) == {"东一村党支部", "东二社区党支部"}
    within = client.get(reverse("organization-list"), {"within": world.township_a.pk})
    assert _names(within) == {"东镇党委", "东一村党支部", "东二社区党支部"}


def test_within_an_organization_out_of_scope_is_a_clear_error(world):
    response = world.client("staff_a").get(reverse("organization-list"), {"within": world.township_b.pk})
    assert response.status_code == 400
    assert "within" in response.json()


def test_stale_version_in_body_gets_409_and_changes_nothing(world):
    client = world.client("county_admin")
    url = reverse("organization-detail", args=[world.branch_a1.pk])
    assert client.patch(url, {"name": "第一次改名", "version": 1}, format="json").status_code == 200
    response = client.patch(url, {"name": "第二次改名", "version": 1}, format="json")
    assert response.status_code == 409
    assert response.json()["current_version"] == 2
    assert response.json()["changed_by"] == world.users["county_admin"].get_full_name()
    assert Organization.objects.get(pk=world.branch_a1.pk).name == "第一次改名"


def test_stale_if_match_header_gets_412(world):
    client = world.client("county_admin")
    url = reverse("organization-detail", args=[world.branch_a1.pk])
    etag = client.get(url)["ETag"]
    assert etag == '"1"'
    assert client.patch(url, {"name": "甲"}, format="json", HTTP_IF_MATCH=etag).status_code == 200
    response = client.patch(url, {"name": "乙"}, format="json", HTTP_IF_MATCH=etag)
    assert response.status_code == 412
    assert Organization.objects.get(pk=world.branch_a1.pk).name == "甲"


def test_a_stale_if_match_on_a_delete_gets_412_and_deletes_nothing(world):
    from members.models import Meeting
    from tests.utils.factories_activities import MeetingFactory

    meeting = MeetingFactory(organization=world.branch_a1)
    Meeting.objects.filter(pk=meeting.pk).update(version=2)
    url = reverse("meeting-detail", args=[meeting.pk])
    client = world.client("county_admin")
    assert client.delete(url, HTTP_IF_MATCH='"1"').status_code == 412
    assert client.delete(url, HTTP_IF_MATCH='"abc"').status_code == 400
    assert Meeting.objects.filter(pk=meeting.pk).exists()
    assert client.delete(url, HTTP_IF_MATCH='"2"').status_code == 204


def test_a_stale_if_match_on_an_action_gets_412_and_changes_nothing(world):
    from members.models import Member
    from tests.utils.factories import MemberFactory

    member = MemberFactory(branch=world.branch_a1)
    url = reverse("member-change-status", args=[member.pk])
    body = {"status": "lost_contact", "occurred_on": "2025-03-01", "reason": "失联"}
    response = world.client("county_admin").post(url, body, format="json", HTTP_IF_MATCH='"99"')
    assert response.status_code == 412
    assert Member.objects.get(pk=member.pk).status == member.status


def test_invalid_if_match_is_a_400_not_a_500(world):
    url = reverse("organization-detail", args=[world.branch_a1.pk])
    response = world.client("county_admin").patch(url, {"name": "甲"}, format="json", HTTP_IF_MATCH='"abc"')
    assert response.status_code == 400


def test_bad_input_is_explained_in_chinese_and_changes_nothing(world):
    client = world.client("county_admin")
    count = Organization.objects.count()
    response = client.post(
        reverse("organization-list"),
        {"name": "错误支部", "code": "bad code!", "kind": "branch", "parent": world.township_a.pk},
        format="json",
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert response.status_code == 400
    assert "只能" in " ".join(response.json()["code"])
    assert Organization.objects.count() == count


def test_township_cannot_be_placed_under_a_branch(world):
    response = world.client("county_admin").post(
        reverse("organization-list"),
        {"name": "错位镇", "code": "WRONG", "kind": "township_committee", "parent": world.branch_a1.pk},
        format="json",
    )
    assert response.status_code == 400
    assert "parent" in response.json()


def test_township_staff_cannot_change_the_tree(world):
    url = reverse("organization-detail", args=[world.branch_a1.pk])
    response = world.client("staff_a").patch(url, {"name": "改名"}, format="json")
    assert response.status_code == 403
    assert Organization.objects.get(pk=world.branch_a1.pk).name == "东一村党支部"


def test_moving_a_branch_between_own_townships_rewrites_its_path(world):
    url = reverse("organization-detail", args=[world.branch_a1.pk])
    response = world.client("county_admin").patch(url, {"parent": world.township_b.pk}, format="json")
    assert response.status_code == 200, response.content
    moved = Organization.objects.get(pk=world.branch_a1.pk)
    assert moved.path == f"{world.township_b.path}{moved.pk}/"


def grant(world, who, user_pk, organization, role):
    """``who`` asks the API to give ``role`` at ``organization`` to the user ``user_pk``."""
    payload = {"user": user_pk, "organization": organization.pk, "role": role}
    return world.client(who).post(reverse("staffrole-list"), payload, format="json")


def test_granting_a_role_is_a_security_event(world):
    grantee = UserFactory(username="newcomer")
    response = grant(world, "county_admin", grantee.pk, world.township_a, Role.TOWNSHIP_STAFF)
    assert response.status_code == 201, response.content
    event = SecurityEvent.objects.get(kind=SecurityEventKind.ROLE_GRANTED)
    assert event.username == "county_admin"
    assert event.detail == {"grantee": "newcomer", "role": Role.TOWNSHIP_STAFF}


def test_revoking_a_role_is_a_security_event(world):
    role = StaffRole.objects.get(user__username="viewer_a")
    response = world.client("county_admin").delete(reverse("staffrole-detail", args=[role.pk]))
    assert response.status_code == 204
    assert not StaffRole.objects.filter(pk=role.pk).exists()
    assert SecurityEvent.objects.filter(kind=SecurityEventKind.ROLE_REVOKED).count() == 1


def test_duplicate_role_is_a_clear_error(world):
    response = grant(world, "county_admin", world.users["staff_a"].pk, world.township_a, Role.TOWNSHIP_STAFF)
    assert response.status_code == 400


def test_township_staff_cannot_grant_roles(world):
    response = grant(world, "staff_a", UserFactory().pk, world.branch_a1, Role.VIEWER)
    assert response.status_code == 403


def test_secretary_role_only_on_a_branch(world):
    response = grant(world, "county_admin", UserFactory().pk, world.township_a, Role.BRANCH_SECRETARY)
    assert response.status_code == 400
    assert "role" in response.json()


def test_token_endpoint_returns_a_token_that_authenticates(world):
    from rest_framework.test import APIClient

    client = APIClient()
    response = client.post(reverse("api-token"), {"username": "secretary_a1", "password": "Secret-pass-1"})
    assert response.status_code == 200
    client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    assert _names(client.get(reverse("organization-list"))) == {"东一村党支部"}


def test_token_endpoint_refuses_a_wrong_password(world):
    from rest_framework.test import APIClient

    response = APIClient().post(reverse("api-token"), {"username": "secretary_a1", "password": "wrong"})
    assert response.status_code in {400, 403, 429}
    assert "token" not in response.json()


def test_schema_and_docs_are_served_without_a_cdn(world):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_login(world.users["county_admin"])
    assert client.get(reverse("schema")).status_code == 200
    docs = client.get(reverse("swagger-ui"))
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "cdn" not in html.lower() and "/static/drf_spectacular_sidecar/" in html


def test_a_township_with_branches_cannot_become_a_branch_and_the_tree_stays_editable(world):
    client = world.client("county_admin")
    url = reverse("organization-detail", args=[world.township_a.pk])
    response = client.patch(url, {"kind": "branch"}, format="json", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 400 and "kind" in response.json()
    assert Organization.objects.get(pk=world.township_a.pk).kind == world.township_a.kind
    child = reverse("organization-detail", args=[world.branch_a1.pk])
    assert client.patch(child, {"name": "改名后的支部"}, format="json").status_code == 200


def test_a_branch_without_units_under_it_may_change_kind(world):
    url = reverse("organization-detail", args=[world.branch_a1.pk])
    response = world.client("county_admin").patch(url, {"kind": "joint_branch"}, format="json")
    assert response.status_code == 200
