"""The dues API (docs/dues.md): bases and payments through the services, the ledger and arrears of a
branch's month; the generic scope suite for each endpoint."""

import datetime as dt

import pytest
from django.urls import reverse

from members.models import DuesPayment
from tests.utils.factories import MemberFactory
from tests.utils.factories_dues import declare
from tests.utils.factories_dues import pay
from tests.utils.scope import ScopeSuite
from tests.utils.scope_records import MemberRecordScopeSuite

pytestmark = pytest.mark.django_db
MARCH = dt.date(2026, 3, 1)


class TestDuesBaseScope(MemberRecordScopeSuite):
    basename = "duesbase"
    create_fields = {"year": 2026, "category": "employed", "income": "4000.00"}

    def make_object(self, world, organization):
        return declare(world.users["root"], MemberFactory(branch=organization))


class TestDuesPaymentScope(ScopeSuite):
    basename = "duespayment"

    def make_object(self, world, organization):
        member = MemberFactory(branch=organization)
        declare(world.users["root"], member)
        return pay(world.users["root"], member, MARCH, "40")

    def create_payload(self, world, organization):
        member = MemberFactory(branch=organization)
        declare(world.users["root"], member)
        return {
            "member": member.pk,
            "month": "2026-03-01",
            "amount": "40.00",
            "paid_on": "2026-03-05",
            "method": "cash",
        }


def test_declaring_answers_the_computed_amount(world):
    member = MemberFactory(branch=world.branch_a1)
    body = {"member": member.pk, "year": 2026, "category": "employed", "income": "10000.01"}
    response = world.client("secretary_a1").post(reverse("duesbase-list"), body, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["monthly_amount"] == "200.00"


def test_a_wrong_amount_is_a_400_naming_the_due(world):
    member = MemberFactory(branch=world.branch_a1)
    declare(world.users["secretary_a1"], member)
    body = {
        "member": member.pk,
        "month": "2026-03-01",
        "amount": "4.00",
        "paid_on": "2026-03-05",
        "method": "cash",
    }
    response = world.client("secretary_a1").post(reverse("duespayment-list"), body, format="json")
    assert response.status_code == 400
    assert "40.00" in response.json()["amount"][0]
    assert not DuesPayment.objects.exists()


def test_ledger_and_arrears_of_a_branch_month(world):
    paid, unpaid = (MemberFactory(branch=world.branch_a1) for _ in range(2))
    for member in (paid, unpaid):
        declare(world.users["secretary_a1"], member)
    pay(world.users["secretary_a1"], paid, MARCH, "40")
    client = world.client("secretary_a1")
    query = {"organization": world.branch_a1.pk, "month": "2026-03"}
    rows = {row["member"]: row for row in client.get(reverse("duespayment-ledger"), query).json()["results"]}
    assert (rows[paid.pk]["paid"], rows[paid.pk]["owed"]) == ("40.00", "0.00")
    assert (rows[unpaid.pk]["paid"], rows[unpaid.pk]["owed"]) == (None, "40.00")
    arrears = client.get(reverse("duespayment-arrears"), query).json()
    # Joined long ago and never paid: six months or more with no reason recorded.
    assert [(row["member"], row["unpaid_months"], row["to_handle"]) for row in arrears["results"]] == [
        (unpaid.pk, 6, True)
    ]


@pytest.mark.parametrize("name", ["duespayment-ledger", "duespayment-arrears"])
def test_a_foreign_branch_answers_404_and_bad_months_400(world, name):
    client = world.client("secretary_a1")
    assert client.get(reverse(name), {"organization": world.branch_b1.pk}).status_code == 404
    assert (
        client.get(reverse(name), {"organization": world.branch_a1.pk, "month": "2026-13"}).status_code == 400
    )
    assert client.get(reverse(name)).status_code == 400
