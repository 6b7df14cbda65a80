"""Every registered list page answers for the users who read there, shows their rows only, and sends the
anonymous to the login page."""

from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch
from django.urls import resolve
from django.urls import reverse
from openpyxl import load_workbook

from tests.utils.factories import OrganizationFactory
from tests.utils.factories_lists import LIST_NAMES
from tests.utils.factories_lists import one_of_each


@pytest.fixture
def records(world):
    return {
        "own": one_of_each(world.branch_a1, tag="甲"),
        "other_township": one_of_each(world.branch_b1, tag="乙"),
    }


def _client(client, world, who):
    client.force_login(world.users[who])
    return client


@pytest.mark.parametrize("name", LIST_NAMES)
@pytest.mark.parametrize("who", ["secretary_a1", "staff_a"])
def test_list_answers_with_the_users_rows_and_not_another_townships(client, world, records, name, who):
    response = _client(client, world, who).get(reverse(name))

    assert response.status_code == 200
    body = response.content.decode()
    assert f'data-pk="{records["own"][name].pk}"' in body
    assert f'data-pk="{records["other_township"][name].pk}"' not in body


@pytest.mark.parametrize("name", LIST_NAMES)
def test_anonymous_is_sent_to_the_login_page(client, db, name):
    url = reverse(name)

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("name", LIST_NAMES)
def test_a_user_without_a_role_is_refused_every_list(client, world, records, name):
    # Their menu has no list (branches/scope/navigation.py), and the pages refuse them the same way.
    response = _client(client, world, "nobody").get(reverse(name))

    assert response.status_code == 403
    assert "data-pk=" not in response.content.decode()


@pytest.mark.parametrize("name", LIST_NAMES)
def test_every_list_exports_its_rows_and_no_one_elses(client, world, records, name):
    client.force_login(world.users["staff_a"])

    response = client.get(reverse(name.replace("-list", "-export")))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(BytesIO(b"".join(response.streaming_content))).worksheets[0]
    assert sheet.max_row == 2  # the header and the township's one record


@pytest.mark.parametrize("name", LIST_NAMES)
def test_rows_link_to_the_edit_page_when_there_is_one_and_the_user_may_write(client, world, records, name):
    own = records["own"][name]
    namespace, basename = name.removesuffix("-list").split(":")
    view_class = resolve(reverse(name)).func.view_class
    try:
        edit = reverse(f"{namespace}:{basename}-{view_class.edit_action}", kwargs={"pk": own.pk})
    except NoReverseMatch:
        edit = None

    # A list with a page per record (the member archive) links that page for every reader instead.
    detail = view_class.detail_action
    page = reverse(f"{namespace}:{basename}-{detail}", args=[own.pk]) if detail else None
    for who, expected in (("secretary_a1", edit), ("viewer_a", None)):
        client.force_login(world.users[who])
        (row,) = client.get(reverse(name)).context["rows"]
        assert row["edit_url"] == expected
        if page or expected:
            assert f'href="{page or expected}"' in client.get(reverse(name)).content.decode()


@pytest.mark.parametrize("name", LIST_NAMES)
def test_page_queries_do_not_depend_on_the_number_of_rows(client, world, name):
    def add(count):
        for _ in range(count):
            one_of_each(OrganizationFactory(parent=world.township_a), tag="")

    client.force_login(world.users["staff_a"])
    add(1)
    client.get(reverse(name))  # warm the per-process caches
    with CaptureQueriesContext(connection) as small:
        assert client.get(reverse(name)).status_code == 200
    add(4)
    with CaptureQueriesContext(connection) as large:
        response = client.get(reverse(name))

    assert len(response.context["rows"]) == 5
    assert len(large) == len(small), [query["sql"] for query in large.captured_queries]


def _view_class(name):
    return resolve(reverse(name)).func.view_class


@pytest.mark.parametrize("name", LIST_NAMES)
def test_the_filters_shown_exist_in_the_apis_filterset(name):
    view_class = _view_class(name)

    assert set(view_class.filter_fields) <= set(view_class.filterset_class.base_filters)
    assert view_class.filter_fields, "a list without filters"


@pytest.mark.parametrize("name", LIST_NAMES)
def test_every_sortable_column_sorts_both_ways(client, world, records, name):
    client.force_login(world.users["staff_a"])
    sortable = [column.name for column in _view_class(name).columns if column.sort is not None]

    assert sortable
    for key in sortable:
        for ordering in (key, f"-{key}"):
            response = client.get(reverse(name), {"ordering": ordering})
            assert response.status_code == 200
            assert response.context["ordering"] == ordering
            assert len(response.context["rows"]) == 1
