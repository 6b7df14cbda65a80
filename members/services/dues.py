"""Every write to party dues (docs/dues.md): the yearly base a member declares, from which the monthly
amount is computed, and the month's payment, which must be that amount."""

import datetime as dt
from dataclasses import dataclass
from dataclasses import field
from decimal import Decimal
from decimal import InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from branches.models import Organization
from branches.models.bases import raise_errors
from branches.scope.editing import scoped_update
from branches.services.writing import require_capability
from branches.services.writing import save_new

from ..dues_rules import MESSAGES as RULE_MESSAGES
from ..dues_rules import base_errors
from ..dues_rules import monthly_amount
from ..dues_rules import rule_amount
from ..dues_rules import to_fen
from ..models import DuesBase
from ..models import DuesPayment
from ..models import Member
from ..selectors.dues import dues_ledger
from ..selectors.dues import dues_policy_for
from ..selectors.dues import letters_paid_up_to
from ..selectors.dues import month_start
from ..selectors.roster import member_branches_on
from ..selectors.roster import rolls_on

MESSAGES = {
    "not_a_number": _("Enter an amount in yuan, such as 12.50."),
    "negative": _("An amount cannot be negative."),
    "not_on_roll": _("%(name)s was not on the roll of a party branch on the first day of %(month)s."),
    "no_base": _("%(name)s has no dues base declared for %(year)s; declare it first."),
    "exempt": _("%(name)s is exempt from dues in %(year)s: %(decision)s."),
    "wrong_amount": _(
        "The dues of %(name)s for %(month)s are %(due)s yuan, not %(amount)s; the amount is computed from "
        "the declared base."
    ),
    "already_paid": _("The dues of %(name)s for %(month)s were already recorded as paid on %(paid_on)s."),
    "amount_required": _("Enter the amount paid."),
    "paid_by_letter": _(
        "The dues of %(name)s for %(month)s were paid before the transfer: the transfer letter says paid up "
        "to %(paid_up_to)s."
    ),
    "paid_in_future": _("The payment date cannot be in the future."),
}
MONEY_FIELDS = ("income", "farmer_amount", "voluntary_amount")


def to_money(value, field: str) -> Decimal | None:
    """``value`` as a Decimal rounded to the fen, or None; refused with the field's message otherwise."""
    if value in (None, ""):
        return None
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation as error:
        raise ValidationError({field: MESSAGES["not_a_number"]}) from error
    if not amount.is_finite():
        raise ValidationError({field: MESSAGES["not_a_number"]})
    if amount < 0:
        raise ValidationError({field: MESSAGES["negative"]})
    return to_fen(amount)


def _computed(policy):
    def rules(base):
        raise_errors(base_errors(policy, base))
        due = rule_amount(policy, base)
        if base.voluntary_amount is not None and base.voluntary_amount < due:
            raise_errors({"voluntary_amount": RULE_MESSAGES["voluntary_too_low"] % {"due": due}})
        base.monthly_amount = monthly_amount(policy, base)

    return rules


@transaction.atomic
def dues_base_declare(
    *,
    actor,
    member: Member,
    year: int,
    category: str,
    income=None,
    farmer_amount=None,
    voluntary_amount=None,
    exempt: bool = False,
    exemption_decision: str = "",
    unpaid_reason: str = "",
) -> DuesBase:
    """Declare (or revise) ``member``'s base for ``year``; the monthly amount follows from it."""
    require_capability(actor, member.branch)
    data = {
        field: to_money(value, field)
        for field, value in zip(MONEY_FIELDS, (income, farmer_amount, voluntary_amount), strict=True)
    }
    data.update(
        category=category,
        exempt=bool(exempt),
        exemption_decision=(exemption_decision or "").strip(),
        unpaid_reason=(unpaid_reason or "").strip(),
        declared_by=actor,
    )
    rules = _computed(dues_policy_for(organization=member.branch, year=year))
    existing = DuesBase.objects.filter(member=member, year=year).first()
    if existing is not None:
        return scoped_update(actor, existing, None, False, data, rules=rules)
    base = DuesBase(member=member, year=year, **data)
    base.full_clean(exclude=["monthly_amount"])
    rules(base)
    base.full_clean()
    return save_new(actor, base)


def _names(member: Member, month: dt.date) -> dict:
    return {"name": member.name, "month": f"{month:%Y-%m}", "year": month.year}


@dataclass
class PaymentFacts:
    """What the payment rules read, for many (member, month) pairs at once: the branch of each month's
    first day, whether the member was on its roll, the year's bases and the payments already recorded."""

    branches: dict = field(default_factory=dict)  # (member id, month) -> Organization
    on_roll: dict = field(default_factory=dict)  # (member id, month) -> bool
    bases: dict = field(default_factory=dict)  # (member id, year) -> DuesBase
    earlier: dict = field(default_factory=dict)  # (member id, month) -> DuesPayment
    paid_up_to: dict = field(default_factory=dict)  # member id -> the month a received letter paid up to


def dues_payment_facts(pairs) -> PaymentFacts:
    """``PaymentFacts`` for the (member id, month) ``pairs`` (months as their first day): six queries
    whatever their number (an import's chunk, or one payment)."""
    pairs = {(pk, month_start(month)) for pk, month in pairs if pk is not None and month is not None}
    if not pairs:
        return PaymentFacts()
    on_day = member_branches_on(pairs)
    organizations = Organization.objects.in_bulk(set(on_day.values()))
    branches = {pair: organizations[pk] for pair, pk in on_day.items() if pk in organizations}
    roll = rolls_on([(pk, branches[pk, month], month) for pk, month in pairs if (pk, month) in branches])
    members = {pk for pk, _month in pairs}
    bases = DuesBase.objects.filter(member_id__in=members, year__in={month.year for _pk, month in pairs})
    earlier = DuesPayment.objects.filter(member_id__in=members, month__in={month for _pk, month in pairs})
    return PaymentFacts(
        branches=branches,
        on_roll={(pk, month): roll.get((pk, branches.get((pk, month)), month), False) for pk, month in pairs},
        bases={(base.member_id, base.year): base for base in bases},
        earlier={(payment.member_id, payment.month): payment for payment in earlier},
        paid_up_to=letters_paid_up_to(members),
    )


def dues_payment_check(payment: DuesPayment, *, actor, facts: PaymentFacts, exclude=()) -> None:
    """The rules of one payment (docs/dues.md, "Payments"), from ``facts``: sets its month to the first
    day, its branch (the roll of that day) and who records it; the first rule broken is raised. The phone's
    month, the API and the import all come here."""
    member, month = payment.member, month_start(payment.month)
    payment.month, names = month, _names(member, month)
    branch = facts.branches.get((member.pk, month))
    if branch is None or not facts.on_roll.get((member.pk, month)):
        raise ValidationError({"member": MESSAGES["not_on_roll"] % names})
    payment.organization = branch
    require_capability(actor, branch)
    amount = to_money(payment.amount, "amount")
    base = facts.bases.get((member.pk, month.year))
    if base is None:
        raise ValidationError({"member": MESSAGES["no_base"] % names})
    if base.exempt:
        raise ValidationError({"member": MESSAGES["exempt"] % {**names, "decision": base.exemption_decision}})
    paid_up_to = facts.paid_up_to.get(member.pk)
    if paid_up_to is not None and month <= paid_up_to:
        paid_up_to = f"{paid_up_to:%Y-%m}"
        raise ValidationError({"month": MESSAGES["paid_by_letter"] % {**names, "paid_up_to": paid_up_to}})
    due = base.monthly_amount
    if amount is None:
        raise ValidationError({"amount": MESSAGES["amount_required"]})
    if amount != due:
        raise ValidationError({"amount": MESSAGES["wrong_amount"] % {**names, "due": due, "amount": amount}})
    if payment.paid_on and payment.paid_on > timezone.localdate():
        raise ValidationError({"paid_on": MESSAGES["paid_in_future"]})
    earlier = facts.earlier.get((member.pk, month))
    if earlier is not None:
        raise ValidationError({"month": MESSAGES["already_paid"] % {**names, "paid_on": earlier.paid_on}})
    payment.amount, payment.recorded_by = amount, actor
    # The member, branch and recorder are records in hand: no query per row to see that they exist.
    related = ["member", "organization", "recorded_by"]
    payment.full_clean(exclude=[*exclude, *related], validate_unique=False, validate_constraints=False)


@transaction.atomic
def dues_payment_record(*, actor, member: Member, month: dt.date, amount, paid_on: dt.date, method: str):
    """Record that ``member`` paid the dues of ``month`` (any day of it), in the computed amount."""
    payment = DuesPayment(member=member, month=month, amount=amount, paid_on=paid_on, method=method)
    dues_payment_check(payment, actor=actor, facts=dues_payment_facts([(member.pk, month)]))
    return save_new(actor, payment)


MONTH_MESSAGES = {
    "none_ticked": _("Tick the members who paid."),
    "member_error": _("%(name)s: %(message)s"),
    "not_listed": _("%(name)s was not on the roll of %(branch)s on the first day of %(month)s."),
}


@transaction.atomic
def dues_month_record(*, actor, organization: Organization, month: dt.date, paid, paid_on, method):
    """The phone's month at once: each member ticked in ``paid`` paid the computed dues of ``month``.
    All or nothing: one refusal names its member and records none."""
    require_capability(actor, organization)
    if not paid:
        raise ValidationError({"paid": MONTH_MESSAGES["none_ticked"]})
    month = month_start(month)
    dues = {row.pk: row.due for row in dues_ledger(organization=organization, month=month)}
    facts = dues_payment_facts([(member.pk, month) for member in paid])
    problems, payments = [], []
    for member in paid:
        if member.pk not in dues:
            names = {"name": member.name, "branch": organization.name, "month": f"{month:%Y-%m}"}
            problems.append(MONTH_MESSAGES["not_listed"] % names)
            continue
        payment = DuesPayment(
            member=member, month=month, amount=dues[member.pk], paid_on=paid_on, method=method
        )
        try:
            dues_payment_check(payment, actor=actor, facts=facts)
        except ValidationError as error:
            problems += [
                MONTH_MESSAGES["member_error"] % {"name": member.name, "message": m} for m in error.messages
            ]
        else:
            payments.append(payment)
    if problems:
        raise ValidationError({"paid": problems})
    for payment in payments:
        save_new(actor, payment)
    return organization
