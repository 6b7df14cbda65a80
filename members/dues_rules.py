"""The monthly dues of a declared base under a county's policy (docs/dues.md, "The amount"): pure
arithmetic on Decimals, so the service, the ledger and the tests share one answer."""

from decimal import ROUND_HALF_UP
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from .models.dues import FEN
from .models.dues import DuesCategory

HUNDRED = Decimal("100")

MESSAGES = {
    "income_required": _("Enter the monthly income after tax and fixed deductions."),
    "income_not_wanted": _("Only employed and retired members declare an income."),
    "farmer_amount_required": _("Enter the monthly amount the branch set for this farmer member."),
    "farmer_amount_range": _("A farmer member's dues are between %(least)s and %(most)s yuan a month."),
    "exempt_category": _(
        "Only members who are unemployed, on relief or on the subsistence allowance can be exempted."
    ),
    "decision_required": _("Record the decision that exempts the member (who decided and when)."),
    "voluntary_too_low": _(
        "A voluntary amount can only be larger than the dues the rules give: %(due)s yuan a month."
    ),
}


def to_fen(amount: Decimal) -> Decimal:
    """Rounded to the fen, half up (0.005 yuan → 0.01)."""
    return amount.quantize(FEN, rounding=ROUND_HALF_UP)


def employed_rate(policy, income: Decimal) -> Decimal:
    if income <= policy.employed_band1_to:
        return policy.employed_band1_rate
    if income <= policy.employed_band2_to:
        return policy.employed_band2_rate
    if income <= policy.employed_band3_to:
        return policy.employed_band3_rate
    return policy.employed_top_rate


def retired_rate(policy, income: Decimal) -> Decimal:
    return policy.retired_low_rate if income <= policy.retired_band_to else policy.retired_high_rate


def base_errors(policy, base) -> dict:
    """``{field: message}`` for what the base's category needs and may not carry."""
    category, errors = base.category, {}
    by_income = category in (DuesCategory.EMPLOYED, DuesCategory.RETIRED)
    if by_income and base.income is None:
        errors["income"] = MESSAGES["income_required"]
    if not by_income and base.income is not None:
        errors["income"] = MESSAGES["income_not_wanted"]
    if category == DuesCategory.FARMER:
        errors.update(_farmer_errors(policy, base.farmer_amount))
    if base.exempt and category != DuesCategory.HARDSHIP:
        errors["exempt"] = MESSAGES["exempt_category"]
    elif base.exempt and not base.exemption_decision.strip():
        errors["exemption_decision"] = MESSAGES["decision_required"]
    return errors


def _farmer_errors(policy, amount) -> dict:
    if amount is None:
        return {"farmer_amount": MESSAGES["farmer_amount_required"]}
    if not policy.farmer_min <= amount <= policy.farmer_max:
        bounds = {"least": policy.farmer_min, "most": policy.farmer_max}
        return {"farmer_amount": MESSAGES["farmer_amount_range"] % bounds}
    return {}


def rule_amount(policy, base) -> Decimal:
    """What the rules ask of a valid base each month, before any voluntary amount."""
    category = base.category
    if base.exempt:
        return Decimal("0.00")
    if category == DuesCategory.EMPLOYED:
        return to_fen(base.income * employed_rate(policy, base.income) / HUNDRED)
    if category == DuesCategory.RETIRED:
        return to_fen(base.income * retired_rate(policy, base.income) / HUNDRED)
    if category == DuesCategory.FARMER:
        return to_fen(base.farmer_amount)
    if category == DuesCategory.STUDENT:
        return to_fen(policy.student_amount)
    return to_fen(policy.hardship_amount)


def monthly_amount(policy, base) -> Decimal:
    """The month's dues: the rules' amount, or a larger voluntary one."""
    due = rule_amount(policy, base)
    if base.voluntary_amount is not None and not base.exempt:
        return max(due, to_fen(base.voluntary_amount))
    return due
