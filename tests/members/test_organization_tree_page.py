"""The organization tree page (members/views/tree.py): the user's subtrees, searchable by name or code, with
members on the roll counted set-based; nothing outside the user's scope ever appears."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from members.models import MemberStatus
from tests.utils.factories import MemberFactory
from tests.utils.factories_tree import township_with_branches

pytestmark = pytest.mark.django_db

URL = reverse("members:organization-tree")
NODE = re.compile(r'data-code="([^"]+)"')


def codes(response) -> list[str]:
    assert response.status_code == 200
    return NODE.findall(response.content.decode())


def node_html(response, code: str) -> str:
    """The summary and links of one node (up to its children)."""
    page = response.content.decode()
    start = page.index(f'data-code="{code}"')
    end = page.find("pb-tree-node", start + 1)
    return page[start : end if end > 0 else len(page)]


def test_a_township_sees_its_subtree_in_tree_order(world):
    assert codes(world.page_client("staff_a").get(URL)) == ["C1-TA", "C1-TA-1", "C1-TA-2"]


def test_a_county_admin_sees_the_county_but_never_the_other_county(world):
    found = codes(world.page_client("county_admin").get(URL))
    assert found[0] == "C1" and {"C1-TA-1", "C1-TB-1"} <= set(found)
    assert not [code for code in found if code.startswith("C2")]


def test_a_secretary_sees_only_their_branch(world):
    assert codes(world.page_client("secretary_a1").get(URL)) == ["C1-TA-1"]


def test_each_node_shows_code_kind_members_and_its_links(world):
    MemberFactory.create_batch(2, branch=world.branch_a1)
    MemberFactory(branch=world.branch_a2)
    MemberFactory(branch=world.branch_a2, status=MemberStatus.DECEASED)  # off the roll: not counted
    response = world.page_client("staff_a").get(URL)
    township = node_html(response, "C1-TA")
    assert 'data-members="3"' in township and str(world.township_a.get_kind_display()) in township
    branch = node_html(response, "C1-TA-1")
    assert 'data-members="2"' in branch and str(world.branch_a1.get_field_display()) in branch
    pk = world.branch_a1.pk
    assert f'href="{reverse("assessments:dashboard", args=[pk])}"' in branch
    assert f'href="{reverse("members:member-list")}?within={pk}"' in branch
    assert f'href="{reverse("members:meeting-list")}?within={pk}"' in branch


def test_the_tree_is_collapsible_details_open_at_the_top_leaves_plain(world):
    page = world.page_client("staff_a").get(URL).content.decode()
    # The township opens; its two branches are leaves with nothing to open, their links shown at once.
    assert page.count("<details") == 1 and page.count("<summary") == 1 and page.count("<details open") == 1
    assert page.count("pb-tree-leaf") == 2 and page.count("pb-tree-links") == 3


@pytest.mark.parametrize(
    ("search", "expected"), [("东一", ["C1-TA", "C1-TA-1"]), ("ta-2", ["C1-TA", "C1-TA-2"])]
)
def test_a_search_by_name_or_code_shows_the_matches_and_the_way_down(world, search, expected):
    response = world.page_client("staff_a").get(URL, {"q": search})
    assert codes(response) == expected
    assert response.content.decode().count("pb-tree-match") == 1


def test_a_search_keeps_the_whole_subtrees_member_count(world):
    MemberFactory(branch=world.branch_a1)
    MemberFactory(branch=world.branch_a2)
    response = world.page_client("staff_a").get(URL, {"q": "C1-TA-1"})
    assert 'data-members="2"' in node_html(response, "C1-TA")


@pytest.mark.parametrize("search", ["C1-TB-1", "西一", "C2"])
def test_a_search_for_a_foreign_organization_finds_nothing(world, search):
    response = world.page_client("staff_a").get(URL, {"q": search})
    assert codes(response) == []
    assert 'id="tree-empty"' in response.content.decode()


def _queries(client, **params) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(URL, params).status_code == 200
    return len(captured)


@pytest.mark.parametrize("search", [None, "村"])
def test_the_query_count_does_not_grow_with_the_organizations(world, search):
    params = {"q": search} if search else {}
    client = world.page_client("county_admin")
    client.get(URL)  # the first request of a session fills caches the next ones reuse
    township_with_branches(world.county, "SMALL", 3)
    small = _queries(client, **params)
    township_with_branches(world.county, "LARGE", 30, members_each=2)
    assert _queries(client, **params) == small


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get(URL)
    assert response.status_code == 302 and "login" in response["Location"]
