"""Declaring a dues base and recording a payment (docs/dues.md): the amount is computed, never typed; a
wrong amount, a member off the roll, a second payment for a month or a foreign branch change nothing."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from branches.scope.querysets import OutOfScope
from members.models import DuesBase
from members.models import DuesCategory
from members.models import DuesPayment
from members.models import DuesPolicy
from members.services.roster import member_transfer
from tests.utils.factories import MemberFactory
from tests.utils.factories_dues import declare
from tests.utils.factories_dues import month
from tests.utils.factories_dues import pay

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """The refusals are matched by their English wording."""
    with translation.override("en"):
        yield


@pytest.fixture
def member(world):
    return MemberFactory(branch=world.branch_a1, name="交费党员")


def test_declare_computes_the_monthly_amount(world, member):
    base = declare(world.users["secretary_a1"], member, income="3000.01")
    assert base.monthly_amount == Decimal("30.00")
    assert base.declared_by == world.users["secretary_a1"]


def test_declaring_again_revises_the_year_with_history(world, member):
    actor = world.users["secretary_a1"]
    declare(actor, member, income="3000")
    base = declare(actor, member, category=DuesCategory.RETIRED, income="6000")
    assert DuesBase.objects.filter(member=member).count() == 1
    assert base.monthly_amount == Decimal("60.00")
    assert [h.monthly_amount for h in base.history.order_by("history_date")] == [
        Decimal("15.00"),
        Decimal("60"),
    ]


def test_the_county_policy_applies(world, member):
    DuesPolicy.objects.create(county=world.county, year=2026, student_amount=Decimal("0.5"))
    assert declare(
        world.users["secretary_a1"], member, category=DuesCategory.STUDENT
    ).monthly_amount == Decimal("0.50")


@pytest.mark.parametrize("income", ["abc", "-1", "NaN"])
def test_bad_income_is_refused(world, member, income):
    with pytest.raises(ValidationError) as caught:
        declare(world.users["secretary_a1"], member, income=income)
    assert "income" in caught.value.message_dict
    assert not DuesBase.objects.exists()


def test_voluntary_amount_below_the_rules_is_refused(world, member):
    with pytest.raises(ValidationError) as caught:
        declare(world.users["secretary_a1"], member, income="4000", voluntary_amount="10")
    assert "40.00" in caught.value.message_dict["voluntary_amount"][0]


def test_foreign_member_is_refused(world, member):
    with pytest.raises(OutOfScope):
        declare(world.users["staff_b"], member)


def test_payment_in_the_computed_amount_is_recorded(world, member):
    actor = world.users["secretary_a1"]
    declare(actor, member, income="4000")
    payment = pay(actor, member, dt.date(2026, 3, 17), "40.00", paid_on=dt.date(2026, 3, 20))
    assert (payment.month, payment.amount, payment.organization) == (
        month(2026, 3),
        Decimal("40"),
        world.branch_a1,
    )
    assert payment.recorded_by == actor and payment.history.count() == 1


def test_a_wrong_amount_is_refused_with_the_due(world, member):
    actor = world.users["secretary_a1"]
    declare(actor, member, income="4000")
    with pytest.raises(ValidationError) as caught:
        pay(actor, member, month(2026, 3), "39.99")
    assert "40.00" in caught.value.message_dict["amount"][0]
    assert not DuesPayment.objects.exists()


def test_without_a_base_or_twice_is_refused(world, member):
    actor = world.users["secretary_a1"]
    with pytest.raises(ValidationError, match="no dues base"):
        pay(actor, member, month(2026, 3), "40")
    declare(actor, member, income="4000")
    pay(actor, member, month(2026, 3), "40")
    with pytest.raises(ValidationError, match="already recorded"):
        pay(actor, member, month(2026, 3), "40")


def test_exempt_member_pays_nothing(world, member):
    actor = world.users["secretary_a1"]
    declare(actor, member, category=DuesCategory.HARDSHIP, exempt=True, exemption_decision="支委会决定")
    with pytest.raises(ValidationError, match="exempt"):
        pay(actor, member, month(2026, 3), "0")


def test_payment_goes_to_the_branch_of_the_months_first_day(world, member):
    actor = world.users["staff_a"]
    declare(actor, member, income="4000")
    member_transfer(actor=actor, member=member, to_branch=world.branch_a2, on=dt.date(2026, 3, 2))
    assert pay(actor, member, month(2026, 3), "40").organization == world.branch_a1
    assert pay(actor, member, month(2026, 4), "40").organization == world.branch_a2
    with pytest.raises(OutOfScope):
        pay(world.users["secretary_a1"], member, month(2026, 5), "40")


def test_a_member_not_yet_joined_on_the_first_day_is_not_due(world):
    joined = MemberFactory(branch=world.branch_a1, joined_on=dt.date(2026, 3, 2))
    declare(world.users["secretary_a1"], joined, income="4000")
    with pytest.raises(ValidationError, match="not on the roll"):
        pay(world.users["secretary_a1"], joined, month(2026, 3), "40")
