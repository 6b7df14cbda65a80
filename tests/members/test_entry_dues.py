"""The phone page where a secretary records the month's dues of the whole branch (docs/dues.md): amounts
shown computed, ticked members paid at once, a refusal names its member and records nothing; out of scope
is 404."""

import pytest
from django.urls import reverse
from django.utils import timezone

from branches.models import IdempotencyKey
from members.models import DuesPayment
from tests.utils.factories import MemberFactory
from tests.utils.factories_dues import declare

pytestmark = pytest.mark.django_db
URL = reverse("members:dues-month")


@pytest.fixture
def members(world):
    year = timezone.localdate().year
    people = [MemberFactory(branch=world.branch_a1, name=name) for name in ("张三", "李四")]
    for person in people:
        declare(world.users["secretary_a1"], person, year=year, income="4000")
    return people


def month_body(branch, paid=None, **extra):
    """The page's form for this month, paid today in cash; ``paid``: the members ticked (none: no tick)."""
    today = timezone.localdate()
    body = {
        "organization": branch.pk,
        "month": f"{today:%Y-%m}",
        "paid_on": today.isoformat(),
        "method": "cash",
    }
    if paid is not None:
        body["paid"] = [m.pk for m in paid]
    return {**body, **extra}


def test_page_shows_computed_amounts(world, members):
    page = world.page_client("secretary_a1").get(URL)
    assert page.status_code == 200
    assert "40.00" in page.content.decode()


def test_ticked_members_are_recorded_paid(world, members):
    today = timezone.localdate()
    response = world.page_client("secretary_a1").post(URL, month_body(world.branch_a1, members))
    assert response.status_code == 302
    assert DuesPayment.objects.filter(month=today.replace(day=1)).count() == 2


def test_nothing_ticked_is_a_message_and_nothing_saved(world, members):
    response = world.page_client("secretary_a1").post(URL, month_body(world.branch_a1))
    assert response.status_code == 200 and not DuesPayment.objects.exists()


def test_a_foreign_branch_is_refused(world, members):
    foreign = MemberFactory(branch=world.branch_b1)
    response = world.page_client("secretary_a1").post(URL, month_body(world.branch_b1, [foreign]))
    assert response.status_code == 200 and not DuesPayment.objects.exists()


def test_page_is_404_for_a_user_without_records(world):
    assert world.page_client("viewer_a").get(URL).status_code == 404


def test_query_count_is_constant_in_the_branch_size(world, django_assert_max_num_queries):
    client = world.page_client("secretary_a1")
    client.get(URL)
    for _ in range(10):
        declare(
            world.users["secretary_a1"], MemberFactory(branch=world.branch_a1), year=timezone.localdate().year
        )
    with django_assert_max_num_queries(25):
        assert client.get(URL).status_code == 200


def test_a_member_of_another_branch_is_named_and_nothing_saved(world, members):
    other = MemberFactory(branch=world.branch_a2, name="外村党员")
    response = world.page_client("staff_a").post(URL, month_body(world.branch_a1, [members[0], other]))
    assert response.status_code == 200 and "外村党员" in response.content.decode()
    assert not DuesPayment.objects.exists()


def test_the_queue_sending_the_month_twice_records_each_payment_once(world, members):
    client = world.page_client("secretary_a1")
    body = month_body(world.branch_a1, members, idempotency_key="dues-month-key-1")
    first = client.post(URL, body, headers={"Accept": "application/json"})
    again = client.post(URL, body, headers={"Accept": "application/json"})
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json() == again.json() == {"id": world.branch_a1.pk, "url": first.json()["url"]}
    assert DuesPayment.objects.count() == 2
    assert IdempotencyKey.objects.get().object_id == world.branch_a1.pk


def test_a_second_tap_on_save_goes_where_the_first_went_and_records_nothing(world, members):
    client = world.page_client("secretary_a1")
    body = month_body(world.branch_a1, members, idempotency_key="dues-month-key-2")
    first = client.post(URL, body)
    again = client.post(URL, body)
    assert first.status_code == again.status_code == 302 and first.url == again.url
    assert DuesPayment.objects.count() == 2


def test_a_refused_month_leaves_its_key_unused(world, members):
    client = world.page_client("secretary_a1")
    body = {**month_body(world.branch_a1, members, idempotency_key="dues-month-key-3"), "paid": []}
    response = client.post(URL, body, headers={"Accept": "application/json"})
    assert response.status_code == 400
    assert not IdempotencyKey.objects.exists() and not DuesPayment.objects.exists()
