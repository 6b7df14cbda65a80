"""The list page of dues payments and its Excel export (docs/dues.md): only payments in scope, a fixed
number of queries whatever the number of rows."""

import datetime as dt

import pytest
from django.urls import reverse

from tests.utils.factories import MemberFactory
from tests.utils.factories_dues import declare
from tests.utils.factories_dues import pay

pytestmark = pytest.mark.django_db
URL = reverse("members:duespayment-list")


def paid(world, branch, name):
    member = MemberFactory(branch=branch, name=name)
    declare(world.users["root"], member)
    return pay(world.users["root"], member, dt.date(2026, 3, 1), "40")


def test_lists_own_payments_only(world):
    paid(world, world.branch_a1, "本支部党员")
    paid(world, world.branch_b1, "外支部党员")
    page = world.page_client("secretary_a1").get(URL).content.decode()
    assert "本支部党员" in page and "40.00" in page and "外支部党员" not in page


def test_export_is_an_xlsx(world):
    paid(world, world.branch_a1, "本支部党员")
    response = world.page_client("secretary_a1").get(reverse("members:duespayment-export"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")


def test_query_count_does_not_grow_with_rows(world, django_assert_max_num_queries):
    client = world.page_client("staff_a")
    paid(world, world.branch_a1, "党员甲")
    client.get(URL)
    with django_assert_max_num_queries(30) as few:
        client.get(URL)
    for n in range(6):
        paid(world, world.branch_a2, f"党员{n}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(URL).status_code == 200
