"""A year of party dues for every member of the demo county (docs/dues.md): each member's base for the
years covered, and the payments of the twelve months up to this one. Most pay every month on time, some pay
late, a few stopped paying (three to five months, and six or more: some with a reason recorded, the others
flagged to be handled), and the unemployed on relief are partly exempt.

Amounts come from ``members.dues_rules`` with the county's policy, payments go to the branch whose roll the
member was on, on the month's first day (``roll_on``, one query a month), and rows are inserted in bulk with
their history (``demo.bulk.insert_with_history``), like the other records of the demo."""

import calendar
import random
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import F

from members.dues_rules import base_errors
from members.dues_rules import monthly_amount
from members.models import DuesBase
from members.models import DuesCategory
from members.models import DuesPayment
from members.models import Member
from members.models import Occupation
from members.models import PaymentMethod
from members.selectors.dues import dues_policy_for
from members.selectors.dues import months_back
from members.selectors.roster import roll_on

from .bulk import insert_with_history

MONTHS = 12
EMPLOYED = {Occupation.VILLAGE_CADRE, Occupation.PUBLIC_SECTOR, Occupation.ENTERPRISE}
FARMER_AMOUNTS = [Decimal("0.20"), Decimal("0.50"), Decimal("1.00")]
EXEMPTION = "支部党员大会讨论决定：享受最低生活保障，免交党费"
UNPAID_REASON = "长期患病住院，经支部同意暂缓交纳"
# Shares of the members by how they pay (the rest pay every month on time).
STOPPED_LONG, STOPPED_SHORT, LATE = 0.015, 0.035, 0.15


@dataclass
class DemoDues:
    bases: int
    payments: int


def _base(rng: random.Random, member: Member, policy, year: int, reason: str) -> DuesBase:
    base = DuesBase(member_id=member.pk, year=year, unpaid_reason=reason)
    occupation = member.occupation
    if occupation == Occupation.RETIRED:
        base.category, base.income = DuesCategory.RETIRED, Decimal(rng.randrange(2500, 7000, 50))
    elif occupation == Occupation.STUDENT:
        base.category = DuesCategory.STUDENT
    elif occupation == Occupation.UNEMPLOYED:
        base.category = DuesCategory.HARDSHIP
        if rng.random() < 0.4:
            base.exempt, base.exemption_decision = True, EXEMPTION
    elif occupation in EMPLOYED:
        base.category, base.income = DuesCategory.EMPLOYED, Decimal(rng.randrange(2500, 12500, 10))
    else:
        base.category, base.farmer_amount = DuesCategory.FARMER, rng.choice(FARMER_AMOUNTS)
    if base_errors(policy, base):  # the demo keeps the rules: a base they refuse would be a bug here
        raise AssertionError(base_errors(policy, base))
    base.monthly_amount = monthly_amount(policy, base)
    return base


def _day_in(rng: random.Random, month: date, today: date, earliest: int = 1) -> date:
    last = calendar.monthrange(month.year, month.month)[1]
    return min(month.replace(day=rng.randint(earliest, min(25, last))), today)


def create_demo_dues(*, actor, tree, today: date, seed: int = 2026) -> DemoDues:
    rng = random.Random(seed * 31 + 17)
    this_month = today.replace(day=1)
    months = [months_back(this_month, back) for back in range(MONTHS - 1, -1, -1)]
    rolls = {
        month: dict(
            roll_on(tree.county, month).annotate(on_day=F("branch_on_day_id")).values_list("pk", "on_day")
        )
        for month in months
    }
    members = Member.objects.filter(pk__in={pk for roll in rolls.values() for pk in roll}).order_by("pk")
    years = sorted({month.year for month in months})
    policies = {year: dues_policy_for(organization=tree.county, year=year) for year in years}
    bases, payments = [], []
    for member in members.only("pk", "occupation"):
        draw = rng.random()
        stopped = (
            rng.randint(6, 8) if draw < STOPPED_LONG else rng.randint(3, 5) if draw < STOPPED_SHORT else 0
        )
        reason = UNPAID_REASON if stopped >= 6 and rng.random() < 0.4 else ""
        late = STOPPED_SHORT <= draw < STOPPED_SHORT + LATE
        by_year = {}
        for year, policy in policies.items():
            by_year[year] = _base(rng, member, policy, year, reason if year == today.year else "")
            bases.append(by_year[year])
        method = PaymentMethod.PAYROLL if by_year[today.year].category == DuesCategory.EMPLOYED else None
        for index, month in enumerate(months):
            branch = rolls[month].get(member.pk)
            base = by_year[month.year]
            if branch is None or base.exempt or index >= MONTHS - stopped:
                continue
            if late and month < this_month and rng.random() < 0.35:
                paid_on = min(_day_in(rng, months_back(month, -1), today), today)
            else:
                paid_on = _day_in(rng, month, today)
            payments.append(
                {
                    "member_id": member.pk,
                    "organization_id": branch,
                    "month": month,
                    "amount": base.monthly_amount,
                    "paid_on": max(paid_on, month),
                    "method": method or rng.choices(_METHODS, _METHOD_WEIGHTS)[0],
                    "recorded_by_id": actor.pk,
                }
            )
    base_rows = [
        {
            "member_id": b.member_id,
            "year": b.year,
            "category": b.category,
            "income": b.income,
            "farmer_amount": b.farmer_amount,
            "exempt": b.exempt,
            "exemption_decision": b.exemption_decision,
            "monthly_amount": b.monthly_amount,
            "unpaid_reason": b.unpaid_reason,
            "declared_by_id": actor.pk,
        }
        for b in bases
    ]
    created_bases = insert_with_history(DuesBase, base_rows, actor=actor)
    created_payments = insert_with_history(DuesPayment, payments, actor=actor)
    return DemoDues(bases=len(created_bases), payments=len(created_payments))


_METHODS = [PaymentMethod.CASH, PaymentMethod.MOBILE, PaymentMethod.TRANSFER]
_METHOD_WEIGHTS = [0.6, 0.35, 0.05]
