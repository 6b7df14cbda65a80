"""The member list: every reader's rows open the member's archive; the search finds members by name or by a
full ID number (members/filters/search.py), on the list page and the API, which share the FilterSet. An ID
number travels only in a request body: the page's search form is posted, a name search is sent back to the
address; in a query string an ID number is refused whatever it is. A number held outside the reader's scope
finds exactly what a number held by nobody finds."""

import datetime as dt

import pytest
from django.urls import reverse

from members.filters.search import FULL_NUMBER_ONLY
from members.filters.search import NOT_IN_ADDRESS
from members.models import ID_NUMBER_MESSAGES
from tests.utils.factories import MemberFactory
from tests.utils.factories import id_number_for
from tests.utils.factories_entry import zh

pytestmark = pytest.mark.django_db
LIST = reverse("members:member-list")
NOBODYS = id_number_for(dt.date(1971, 3, 4), 555)


def full_width(number: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c.lower() for c in number)


def listed(response) -> list[str]:
    return [row["object"].name for row in response.context["rows"]]


@pytest.fixture
def members(world):
    return {
        "own": MemberFactory(branch=world.branch_a1, name="王建国"),
        "namesake": MemberFactory(branch=world.branch_a1, name="王建军"),
        "foreign": MemberFactory(branch=world.branch_b1, name="赵外镇"),
    }


def test_a_posted_full_number_finds_the_member_and_the_address_stays_the_lists(world, members):
    client = world.page_client("secretary_a1")
    for typed in (members["own"].id_number, full_width(members["own"].id_number)):
        response = client.post(LIST, {"search": typed})
        assert response.status_code == 200 and listed(response) == ["王建国"], typed
        html = response.content.decode()
        assert members["own"].id_number not in html.replace(f'value="{typed}"', "")
        assert response.context["export_url"] is None


def test_a_number_outside_the_scope_finds_what_a_number_held_by_nobody_finds(world, members):
    client = world.page_client("secretary_a1")
    foreign = client.post(LIST, {"search": members["foreign"].id_number})
    nobodys = client.post(LIST, {"search": NOBODYS})
    assert listed(foreign) == listed(nobodys) == []
    assert foreign.context["filter_errors"] == nobodys.context["filter_errors"] == {}
    assert (
        world.page_client("staff_b")
        .post(LIST, {"search": members["foreign"].id_number})
        .context["rows"][0]["object"]
        == members["foreign"]
    )


def test_a_part_of_a_number_or_a_wrong_check_character_is_told_not_searched(world, members):
    client = world.page_client("staff_a")
    partial = client.post(LIST, {"search": members["own"].id_number[:12]})
    assert listed(partial) == [] and partial.context["filter_errors"]["search"] == [zh(FULL_NUMBER_ONLY)]
    number = members["own"].id_number
    wrong = number[:17] + ("0" if number[17] != "0" else "1")
    response = client.post(LIST, {"search": wrong})
    assert response.context["filter_errors"]["search"] == [zh(ID_NUMBER_MESSAGES["checksum"])]


def test_a_posted_name_search_goes_back_to_the_address(world, members):
    response = world.page_client("staff_a").post(LIST, {"search": "建国", "status": "normal", "gender": ""})
    assert response.status_code == 302
    assert response["Location"] == f"{LIST}?search=%E5%BB%BA%E5%9B%BD&status=normal"
    assert listed(world.page_client("staff_a").get(response["Location"])) == ["王建国"]


def test_names_keep_working_in_the_address(world, members):
    assert sorted(listed(world.page_client("staff_a").get(LIST, {"search": "王建"}))) == ["王建军", "王建国"]


def test_a_number_in_the_address_is_refused_with_a_message_whatever_it_is(world, members):
    client = world.page_client("staff_a")
    for number in (members["own"].id_number, members["foreign"].id_number, NOBODYS, "13012319"):
        response = client.get(LIST, {"search": number})
        assert listed(response) == [] and response.context["filter_errors"]["search"] == [zh(NOT_IN_ADDRESS)]


def test_the_search_form_is_posted_with_its_csrf_token(world, members):
    html = world.page_client("staff_a").get(LIST).content.decode()
    assert 'id="list-filters"' in html and 'method="post"' in html and "csrfmiddlewaretoken" in html


def test_the_api_shares_the_filterset_names_in_the_query_numbers_in_the_body(world, members):
    client = world.client("staff_a")
    named = client.get(reverse("member-list"), {"search": "建国"}).json()["results"]
    assert [row["id"] for row in named] == [members["own"].id]
    refused = client.get(reverse("member-list"), {"search": members["own"].id_number})
    assert refused.status_code == 400 and refused.json()["search"] == [zh(NOT_IN_ADDRESS)]
    found = client.post(reverse("member-find-by-id"), {"id_number": full_width(members["own"].id_number)})
    assert [row["id"] for row in found.json()["results"]] == [members["own"].id]


def test_member_list_rows_open_the_archive_for_every_reader(world):
    member = MemberFactory(branch=world.branch_a1)
    for who in ("secretary_a1", "viewer_a"):
        html = world.page_client(who).get(reverse("members:member-list")).content.decode()
        assert f'href="{reverse("members:member-archive", args=[member.pk])}"' in html, who
