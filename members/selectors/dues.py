"""Reads over party dues (docs/dues.md): the county's policy for a year, a branch's monthly ledger and its
arrears, each one query whatever the size of the branch."""

import datetime as dt

from django.db.models import (
    BooleanField,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce

from branches.models import Organization

from ..models import DuesBase, DuesPayment, DuesPolicy, LetterDirection, LetterStatus, TransferLetter
from .roster import roll_on

# Months unpaid in a row that call for a reminder, and those that call for handling under the rules.
REMIND_AFTER_MONTHS = 3
HANDLE_AFTER_MONTHS = 6


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def months_back(month: dt.date, count: int) -> dt.date:
    """The first day of the month ``count`` months before ``month``."""
    index = month.year * 12 + month.month - 1 - count
    return dt.date(index // 12, index % 12 + 1, 1)


def dues_policy_for(*, organization: Organization, year: int) -> DuesPolicy:
    """The policy of the organization's county for the year; the defaults (unsaved) when it set none."""
    county_id = int(organization.path.strip("/").split("/")[0])
    policy = DuesPolicy.objects.filter(county_id=county_id, year=year).first()
    return policy or DuesPolicy(county_id=county_id, year=year)


def dues_base_list(*, user, action: str = "view"):
    return DuesBase.objects.restrict(user, action).select_related("member", "member__branch", "declared_by")


def dues_payment_list(*, user, action: str = "view"):
    return DuesPayment.objects.restrict(user, action).select_related("member", "organization", "recorded_by")


def received_letters(member):
    """The accepted letters that brought ``member`` (an ``OuterRef``) into the county, as a queryset."""
    return TransferLetter.objects.filter(
        member=member, direction=LetterDirection.IN, status=LetterStatus.CONFIRMED
    )


def paid_before_arrival(member, month: dt.date):
    """``month`` was paid before the member came into the county: on or before the received letter's
    "dues paid up to" (docs/transfers.md, "Dues")."""
    return Exists(received_letters(member).filter(dues_paid_up_to__gte=month))


def not_owed_here(member, month: dt.date):
    """``month`` is not owed in the county by a member received by letter: paid before arrival, or its
    first day came before the day the letter was accepted."""
    letters = received_letters(member)
    return Exists(letters.filter(Q(dues_paid_up_to__gte=month) | Q(confirmed_on__gt=month)))


def dues_ledger(*, organization: Organization, month: dt.date):
    """The members due in ``month`` (on the roll of ``organization``'s subtree on its first day), each with
    ``due`` (None without a base for the year), ``exempt``, ``paid_by_letter`` (paid before the member was
    received into the county, docs/transfers.md), and the payment's ``paid``, ``paid_on``, ``method``,
    ``payment_id`` and ``recorded_by_name``. One query."""
    first = month_start(month)
    base = DuesBase.objects.filter(member=OuterRef("pk"), year=first.year)
    payment = DuesPayment.objects.filter(member=OuterRef("pk"), month=first)
    money = DecimalField(max_digits=10, decimal_places=2)
    return (
        roll_on(organization, first)
        .select_related("branch")
        .annotate(
            due=Subquery(base.values("monthly_amount")[:1], output_field=money),
            exempt=Coalesce(Subquery(base.values("exempt")[:1]), Value(False), output_field=BooleanField()),
            paid_by_letter=paid_before_arrival(OuterRef("pk"), first),
            paid=Subquery(payment.values("amount")[:1], output_field=money),
            paid_on=Subquery(payment.values("paid_on")[:1]),
            method=Subquery(payment.values("method")[:1]),
            payment_id=Subquery(payment.values("pk")[:1]),
            recorded_by_name=Subquery(payment.values("recorded_by__username")[:1]),
        )
        .order_by("name", "pk")
    )


def arrears_of(row) -> object:
    """What a ledger row still owes for its month: nothing when exempt, paid before the member was received
    into the county, or paid in full."""
    if getattr(row, "paid_by_letter", False):
        return 0
    if row.exempt or row.due is None:
        return None if row.due is None else 0
    return max(row.due - (row.paid or 0), 0)


def dues_arrears(*, organization: Organization, month: dt.date):
    """Members on the roll in ``month`` who left it and the months before it unpaid, ``REMIND_AFTER_MONTHS``
    or more in a row: each with ``unpaid_months`` (counted up to ``HANDLE_AFTER_MONTHS``), ``to_handle``
    (six or more with no reason recorded on the month's base) and ``unpaid_reason``. One query."""
    return _arrears(roll_on(organization, month_start(month)), month_start(month))


def dues_arrears_within(*, paths, month: dt.date):
    """``dues_arrears`` for the subtrees of every path in ``paths`` at once (None: the whole database), the
    members with fewer than ``REMIND_AFTER_MONTHS`` unpaid months left out by the database, and so are those
    with no base declared for the month's year (their branch does not keep its dues here yet); each with
    ``day_branch_id``, the branch it was in on the month's first day. One query."""
    first = month_start(month)
    declared = DuesBase.objects.filter(member=OuterRef("pk"), year=first.year)
    rows = (
        roll_on(_EVERY_ORGANIZATION, first)
        .filter(Exists(declared))
        .annotate(day_branch_id=F("branch_on_day_id"))
    )
    if paths is not None:
        rows = rows.filter(_under(paths))
    reminded = {f"unpaid_{i}": True for i in range(REMIND_AFTER_MONTHS)}
    return _arrears(rows, first, **reminded)


class _EveryOrganization:
    path = "/"


_EVERY_ORGANIZATION = _EveryOrganization()


def _under(paths) -> Q:
    condition = Q(pk__in=[])
    for path in paths:
        condition |= Q(branch_on_day_path__startswith=path)
    return condition


def _arrears(rows, first: dt.date, **required) -> list:
    months = [months_back(first, back) for back in range(HANDLE_AFTER_MONTHS)]
    rows = (
        rows.select_related("branch")
        .annotate(
            unpaid_reason=Coalesce(
                Subquery(
                    DuesBase.objects.filter(member=OuterRef("pk"), year=first.year).values("unpaid_reason")[
                        :1
                    ]
                ),
                Value(""),
            ),
            **{f"unpaid_{i}": _unpaid(day) for i, day in enumerate(months)},
        )
        .filter(**required)
        .order_by("name", "pk")
    )
    found = []
    for row in rows:
        row.unpaid_months = _run_length(row, len(months))
        if row.unpaid_months >= REMIND_AFTER_MONTHS:
            row.to_handle = row.unpaid_months >= HANDLE_AFTER_MONTHS and not row.unpaid_reason.strip()
            found.append(row)
    return found


def _unpaid(month: dt.date):
    """Owed and unpaid in ``month``: joined by its first day, not exempt that year, owed in the county (a
    member received by letter owes from the month after "paid up to", once here), and no payment."""
    paid = DuesPayment.objects.filter(member=OuterRef("pk"), month=month)
    exempt = DuesBase.objects.filter(member=OuterRef("pk"), year=month.year, exempt=True)
    owed = Q(joined_on__lte=month) & ~Exists(paid) & ~Exists(exempt) & ~not_owed_here(OuterRef("pk"), month)
    return ExpressionWrapper(owed, output_field=BooleanField())


def _run_length(row, count: int) -> int:
    """The months unpaid in a row, counted back from the month asked."""
    run = 0
    while run < count and getattr(row, f"unpaid_{run}"):
        run += 1
    return run
