import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_township_admin_changelist_shows_only_own_subtree(world):
    response = world.page_client("staff_a").get(reverse("admin:branches_organization_changelist"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "东一村党支部" in html and "东二社区党支部" in html
    assert "西一村党支部" not in html and "西镇党委" not in html


@pytest.mark.parametrize("who", ["secretary_a1", "viewer_a"])
def test_secretaries_and_viewers_work_in_the_pages_not_the_admin(world, who):
    for name in ("admin:index", "admin:branches_organization_changelist"):
        assert world.page_client(who).get(reverse(name)).status_code == 403


def test_foreign_object_in_admin_looks_like_a_missing_one(world):
    client = world.page_client("staff_a")
    foreign = client.get(reverse("admin:branches_organization_change", args=[world.branch_b1.pk]))
    missing = client.get(reverse("admin:branches_organization_change", args=[10**9]))
    assert foreign.status_code == missing.status_code
    assert foreign.status_code in {302, 404}


def test_user_without_role_cannot_enter_admin(world):
    assert world.page_client("nobody").get(reverse("admin:index")).status_code == 403
    anonymous = Client().get(reverse("admin:index"))
    assert anonymous.status_code == 302 and "login" in anonymous["Location"]


def test_admin_is_chinese_by_default_and_english_on_request(world):
    client = world.page_client("county_admin")
    assert "组织" in client.get(reverse("admin:index")).content.decode()
    english = client.get(reverse("admin:index"), HTTP_ACCEPT_LANGUAGE="en")
    assert "Organizations" in english.content.decode()


def test_county_admin_edits_through_the_service_with_history(world):
    client = world.page_client("county_admin")
    url = reverse("admin:branches_organization_change", args=[world.branch_a1.pk])
    data = {
        "name": "东一村党支部（改）",
        "short_name": "",
        "code": "C1-TA-1",
        "kind": "branch",
        "field": "village",
        "parent": world.township_a.pk,
        "founded_on": "",
        "dissolved_on": "",
        "households": "",
        "population": "",
        "area_km2": "",
        "cultivated_mu": "",
        "natural_villages": "",
        "collective_income": "",
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    world.branch_a1.refresh_from_db()
    assert world.branch_a1.name == "东一村党支部（改）" and world.branch_a1.version == 2
    assert world.branch_a1.history.latest().history_user == world.users["county_admin"]


def test_township_staff_cannot_edit_the_tree_in_admin(world):
    client = world.page_client("staff_a")
    url = reverse("admin:branches_organization_change", args=[world.branch_a1.pk])
    response = client.post(
        url, {"name": "改名", "code": "C1-TA-1", "kind": "branch", "parent": world.township_a.pk}
    )
    assert response.status_code == 403
    world.branch_a1.refresh_from_db()
    assert world.branch_a1.name == "东一村党支部"


def test_admin_language_switch_changes_the_interface(world):
    client = world.page_client("county_admin")
    index = reverse("admin:index")
    assert 'value="en"' in client.get(index).content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": index})
    assert "Organizations" in client.get(index).content.decode()
    client.post(reverse("set_language"), {"language": "zh-hans", "next": index})
    assert "组织" in client.get(index).content.decode()
