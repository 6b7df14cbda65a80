"""The site menu per role (branches/scope/navigation.py): a link is shown exactly when its page admits the
user, every link shown opens, every page hidden refuses."""

import re

import pytest
from django.urls import reverse

from branches.scope.navigation import menu_links

pytestmark = pytest.mark.django_db

NEVER_FOR_SECRETARIES = {
    "nav-admin",
    "nav-api",
    "nav-api-docs",
    "nav-quota-runs",
    "nav-report",
    "nav-audit",
    "nav-rectification-candidates",
    "nav-star-overview",
}
EVERY_LINK = {item.id for _, items in menu_links() for item, _, _ in items}
EXPECTED = {
    "county_admin": EVERY_LINK,
    "staff_a": EVERY_LINK - {"nav-audit"},
    "viewer_a": EVERY_LINK - {"nav-audit", "nav-admin", "nav-api", "nav-api-docs"},
    "secretary_a1": EVERY_LINK - NEVER_FOR_SECRETARIES,
}
LINK = re.compile(r'<a class="dropdown-item" href="([^"]+)" id="([^"]+)"')


def shown_links(client) -> dict[str, str]:
    return {link_id: url for url, link_id in LINK.findall(client.get(reverse("home")).content.decode())}


def test_every_page_of_the_menu_exists():
    assert {
        "nav-organization-tree", "nav-quota-results", "nav-alerts", "nav-star-ratings", "nav-star-overview",
        "nav-quota-runs", "nav-report", "nav-audit", "nav-admin", "nav-api", "nav-api-docs", "nav-members",
    } <= EVERY_LINK  # fmt: skip


@pytest.mark.parametrize("who", sorted(EXPECTED))
def test_the_menu_shows_what_the_role_may_open(world, who):
    assert set(shown_links(world.page_client(who))) == EXPECTED[who]


def test_secretaries_never_see_administration_quota_runs_or_the_county_report(world):
    page = world.page_client("secretary_a1").get(reverse("home")).content.decode()
    for link_id in NEVER_FOR_SECRETARIES:
        assert f'id="{link_id}"' not in page
    for url in (reverse("admin:index"), reverse("api-root"), reverse("swagger-ui")):
        assert f'href="{url}"' not in page


@pytest.mark.parametrize("who", sorted(EXPECTED))
def test_every_link_shown_opens_and_every_page_hidden_refuses(world, who):
    client = world.page_client(who)
    shown = shown_links(client)
    for link_id, url in shown.items():
        assert client.get(url).status_code == 200, (who, link_id, url)
    for _, items in menu_links():
        for item, url, _ in items:
            if item.id not in shown:
                assert client.get(url).status_code in {403, 404}, (who, item.id, url)


def test_the_api_root_refuses_a_secretary_in_json(world):
    response = world.client("secretary_a1").get(reverse("api-root"))
    assert response.status_code == 403
    assert "detail" in response.json()


def test_a_user_without_a_role_gets_no_menu_and_the_pages_refuse(world):
    client = world.page_client("nobody")
    assert shown_links(client) == {}
    assert client.get(reverse("members:organization-tree")).status_code == 403
