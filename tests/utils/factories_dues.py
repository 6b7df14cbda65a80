"""Dues bases and payments for the dues tests (docs/dues.md)."""

import datetime as dt
from decimal import Decimal

from members.models import DuesBase
from members.models import DuesCategory
from members.models import DuesPayment
from members.models import PaymentMethod
from members.services.dues import dues_base_declare
from members.services.dues import dues_payment_record

# The quota tests' dues: a farmer's least amount each month, as unsaved rows the quota oracle's data sets and
# the quota benchmark write in numbers, past the services' rules.
FARMER_MONTHLY = Decimal("0.20")


def declare(actor, member, year=2026, category=DuesCategory.EMPLOYED, **data):
    if category == DuesCategory.EMPLOYED and "income" not in data:
        data["income"] = Decimal("4000")
    return dues_base_declare(actor=actor, member=member, year=year, category=category, **data)


def pay(actor, member, month, amount, paid_on=None, method=PaymentMethod.CASH):
    return dues_payment_record(
        actor=actor, member=member, month=month, amount=amount, paid_on=paid_on or month, method=method
    )


def month(year: int, number: int) -> dt.date:
    return dt.date(year, number, 1)


def farmer_base_row(member, year: int, *, exempt: bool = False) -> DuesBase:
    return DuesBase(
        member=member, year=year, category=DuesCategory.FARMER, exempt=exempt, monthly_amount=FARMER_MONTHLY
    )


def paid_row(member, month: dt.date, paid_on: dt.date) -> DuesPayment:
    """The month's dues of a farmer's base, paid on ``paid_on`` in cash to the member's branch."""
    return DuesPayment(
        member=member,
        organization=member.branch,
        month=month,
        amount=FARMER_MONTHLY,
        paid_on=paid_on,
        method=PaymentMethod.CASH,
    )
