"""List pages show registered personal fields masked for every role (branches/scope/columns.py)."""

import pytest
from django.urls import reverse

from tests.utils.factories_cadres import CadreFactory
from tests.utils.factories_cadres import ReserveCadreFactory

pytestmark = pytest.mark.django_db

PHONE = "13812345678"


@pytest.mark.parametrize("who", ["county_admin", "staff_a", "secretary_a1"])
@pytest.mark.parametrize(
    ("page", "factory"),
    [("members:cadre-list", CadreFactory), ("members:reservecadre-list", ReserveCadreFactory)],
)
def test_cadre_and_reserve_list_pages_mask_phones_for_everyone(client, world, who, page, factory):
    factory(organization=world.branch_a1, phone=PHONE)
    client.force_login(world.users[who])
    html = client.get(reverse(page)).content.decode()
    assert "138****5678" in html
    assert PHONE not in html
