"""The page where a member's yearly dues base is declared or revised from the browser (docs/dues.md): the
monthly amount is computed by ``dues_base_declare``, a second declaration for the year revises it, wrong
input is a message, out of scope is refused, and the month's page links the members without a base."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils import translation

from members.models import DuesBase
from tests.utils.factories import MemberFactory
from tests.utils.factories_dues import declare

pytestmark = pytest.mark.django_db
URL = reverse("members:dues-base")
YEAR = timezone.localdate().year


def body(member, **changes):
    return {"member": member.pk, "year": YEAR, "category": "employed", "income": "6000", **changes}


def test_declaring_computes_the_monthly_amount_and_goes_back_to_the_month(world):
    member = MemberFactory(branch=world.branch_a1)
    response = world.page_client("secretary_a1").post(URL, body(member))
    assert response.status_code == 302
    assert response.url == f"{reverse('members:dues-month')}?organization={world.branch_a1.pk}"
    base = DuesBase.objects.get()
    assert (base.year, base.monthly_amount, base.declared_by) == (
        YEAR,
        Decimal("90.00"),
        world.users["secretary_a1"],
    )


def test_declaring_the_year_again_revises_it_and_keeps_the_history(world):
    member = MemberFactory(branch=world.branch_a1)
    declare(world.users["secretary_a1"], member, year=YEAR, income="4000")
    client = world.page_client("secretary_a1")
    page = client.get(URL, {"member": member.pk, "year": YEAR}).content.decode()
    assert 'id="dues-base-existing"' in page and "40.00" in page
    client.post(URL, body(member, income="12000"))
    base = DuesBase.objects.get()
    assert base.monthly_amount == Decimal("240.00")
    assert base.history.count() == 2


@pytest.mark.parametrize(
    ("changes", "field"),
    [({"income": "abc"}, "income"), ({"income": ""}, "income"), ({"category": "farmer"}, "farmer_amount")],
)
def test_wrong_input_is_a_message_and_nothing_is_saved(world, changes, field):
    member = MemberFactory(branch=world.branch_a1)
    with translation.override("en"):
        response = world.page_client("secretary_a1").post(URL, body(member, **changes))
    assert response.status_code == 200
    assert response.context["form"].errors.get(field)
    assert not DuesBase.objects.exists()


def test_a_member_outside_the_users_branches_is_refused(world):
    foreign = MemberFactory(branch=world.branch_b1)
    client = world.page_client("secretary_a1")
    assert 'id="dues-base-existing"' not in client.get(URL, {"member": foreign.pk}).content.decode()
    response = client.post(URL, body(foreign))
    assert response.status_code == 200 and response.context["form"].errors.get("member")
    assert not DuesBase.objects.exists()


def test_page_is_404_for_a_user_without_records(world):
    assert world.page_client("viewer_a").get(URL).status_code == 404


def test_the_months_page_links_members_without_a_base(world):
    declared, undeclared = MemberFactory.create_batch(2, branch=world.branch_a1)
    declare(world.users["secretary_a1"], declared, year=YEAR)
    page = world.page_client("secretary_a1").get(reverse("members:dues-month")).content.decode()
    assert f"{URL}?member={undeclared.pk}&amp;year={YEAR}" in page
    assert f"{URL}?member={declared.pk}&amp;" not in page


def test_query_count_is_constant_in_the_number_of_members(world, django_assert_max_num_queries):
    member = MemberFactory(branch=world.branch_a1)
    declare(world.users["secretary_a1"], member, year=YEAR)
    client = world.page_client("secretary_a1")
    client.get(URL, {"member": member.pk})
    MemberFactory.create_batch(15, branch=world.branch_a1)
    with django_assert_max_num_queries(20):
        assert client.get(URL, {"member": member.pk}).status_code == 200
