"""Dues bases and payments for the dues tests (docs/dues.md)."""

import datetime as dt
from decimal import Decimal

from members.models import DuesCategory, PaymentMethod
from members.services.dues import dues_base_declare, dues_payment_record


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
