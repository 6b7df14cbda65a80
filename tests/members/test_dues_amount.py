"""The monthly dues computed from a declared base (docs/dues.md, "The amount"): each band's upper edge
belongs to it, money is rounded to the fen half up, farmers' amounts lie within the county's bounds."""

from decimal import Decimal

import pytest

from members.dues_rules import base_errors
from members.dues_rules import monthly_amount
from members.dues_rules import to_fen
from members.models import DuesBase
from members.models import DuesCategory
from members.models import DuesPolicy

POLICY = DuesPolicy()


def due(category, **fields):
    base = DuesBase(category=category, **fields)
    assert base_errors(POLICY, base) == {}
    return monthly_amount(POLICY, base)


@pytest.mark.parametrize(
    ("income", "expected"),
    [
        ("3000.00", "15.00"),  # 0.5%
        ("3000.01", "30.00"),  # 1%
        ("5000.00", "50.00"),
        ("5000.01", "75.00"),  # 1.5%
        ("10000.00", "150.00"),
        ("10000.01", "200.00"),  # 2%
        ("0", "0.00"),
    ],
)
def test_employed_bands_own_their_upper_edge(income, expected):
    assert due(DuesCategory.EMPLOYED, income=Decimal(income)) == Decimal(expected)


@pytest.mark.parametrize(("income", "expected"), [("5000.00", "25.00"), ("5000.01", "50.00")])
def test_retired_band_owns_its_upper_edge(income, expected):
    assert due(DuesCategory.RETIRED, income=Decimal(income)) == Decimal(expected)


def test_amounts_are_rounded_to_the_fen_half_up():
    assert due(DuesCategory.EMPLOYED, income=Decimal("2001")) == Decimal("10.01")  # 10.005
    assert due(DuesCategory.EMPLOYED, income=Decimal("2000.99")) == Decimal("10.00")  # 10.00495
    assert to_fen(Decimal("0.005")) == Decimal("0.01")


@pytest.mark.parametrize(
    ("amount", "accepted"), [("0.19", False), ("0.2", True), ("1", True), ("1.01", False)]
)
def test_farmer_amount_lies_within_the_bounds(amount, accepted):
    base = DuesBase(category=DuesCategory.FARMER, farmer_amount=Decimal(amount))
    assert ("farmer_amount" not in base_errors(POLICY, base)) is accepted


def test_students_and_hardship_pay_the_fixed_amount_or_are_exempt():
    assert due(DuesCategory.STUDENT) == Decimal("0.20")
    assert due(DuesCategory.HARDSHIP) == Decimal("0.20")
    assert due(DuesCategory.HARDSHIP, exempt=True, exemption_decision="支部委员会 2026-01-05 决定") == 0


def test_exemption_needs_its_decision_and_the_hardship_category():
    assert "exemption_decision" in base_errors(POLICY, DuesBase(category=DuesCategory.HARDSHIP, exempt=True))
    employed = DuesBase(
        category=DuesCategory.EMPLOYED, income=Decimal(100), exempt=True, exemption_decision="x"
    )
    assert "exempt" in base_errors(POLICY, employed)


def test_income_only_for_employed_and_retired():
    assert "income" in base_errors(POLICY, DuesBase(category=DuesCategory.EMPLOYED))
    assert "income" in base_errors(POLICY, DuesBase(category=DuesCategory.STUDENT, income=Decimal(1)))


def test_a_larger_voluntary_amount_is_what_is_due():
    assert due(DuesCategory.STUDENT, voluntary_amount=Decimal("5")) == Decimal("5.00")


def test_a_county_edits_its_bands():
    policy = DuesPolicy(employed_band1_to=Decimal("3500"))
    base = DuesBase(category=DuesCategory.EMPLOYED, income=Decimal("3500"))
    assert monthly_amount(policy, base) == Decimal("17.50")
