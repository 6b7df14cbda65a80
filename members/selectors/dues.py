"""Reads over party dues (docs/dues.md): the county's policy for a year, a branch's monthly ledger and its
arrears, each one query whatever the size of the branch."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import BooleanField
from django.db.models import Count
from django.db.models import DecimalField
from django.db.models import Exists
from django.db.models import ExpressionWrapper
from django.db.models import F
from django.db.models import FilteredRelation
from django.db.models import Max
from django.db.models import OuterRef
from django.db.models import Q
from django.db.models import Subquery
from django.db.models import Sum
from django.db.models import Value
from django.db.models.functions import Coalesce
from django.db.models.lookups import Exact
from django.utils import timezone

from branches.models import Organization
from branches.scope.querysets import subtree_q

from ..models import DuesBase
from ..models import DuesPayment
from ..models import DuesPolicy
from ..models import LetterDirection
from ..models import LetterStatus
from ..models import TransferLetter
from .roster import roll_on
from .roster import roll_on_in_parts

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
    """The accepted letters that brought ``member`` (an ``OuterRef``; None: anyone) into the county."""
    letters = TransferLetter.objects.filter(direction=LetterDirection.IN, status=LetterStatus.CONFIRMED)
    return letters if member is None else letters.filter(member=member)


def letters_paid_up_to(member_ids) -> dict:
    """For each of ``member_ids`` received into the county by letter, the month its dues were paid up to
    before it came (the latest such letter). One query."""
    rows = (
        received_letters(None)
        .filter(member_id__in=list(member_ids))
        .values("member_id")
        .annotate(latest=Max("dues_paid_up_to"))
    )
    return {row["member_id"]: row["latest"] for row in rows if row["latest"] is not None}


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
        rows = rows.filter(subtree_q("branch_on_day_path", paths))
    reminded = {f"unpaid_{i}": True for i in range(REMIND_AFTER_MONTHS)}
    return _arrears(rows, first, **reminded)


class _EveryOrganization:
    path = "/"


_EVERY_ORGANIZATION = _EveryOrganization()


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


# --- summaries per branch, township and county (docs/dues.md, "Summaries") -------------------------------


@dataclass
class DuesTotals:
    """One organization's dues for a month or a year: members due (on the roll), the amount due (bases not
    exempt), the amount paid by them, the rate (paid ÷ due, percent, None when nothing is due), and the
    members in arrears (``REMIND_AFTER_MONTHS`` or more unpaid in a row up to the last month)."""

    organization: Organization
    members: int = 0
    due: Decimal = Decimal("0.00")
    paid: Decimal = Decimal("0.00")
    arrears: int = 0

    @property
    def rate(self) -> Decimal | None:
        if not self.due:
            return None
        return (self.paid * 100 / self.due).quantize(Decimal("0.1"))


def summary_months(year: int, month: int | None = None, today: dt.date | None = None) -> list[dt.date]:
    """The months a summary adds up: the one asked, or those of the year so far (all twelve for a past
    year)."""
    if month is not None:
        return [dt.date(year, month, 1)]
    today = today or timezone.localdate()
    last = 12 if year < today.year else (today.month if year == today.year else 0)
    return [dt.date(year, number, 1) for number in range(1, last + 1)]


def _month_by_branch(organization: Organization, first: dt.date, *, with_arrears: bool):
    """Per branch (its path on the month's first day): members due, amount due, amount paid, and (for the
    last month) members in arrears; a branch may come twice, once for each part of the roll
    (``roll_on_in_parts``), and its rows add up. One query: each member's base of a year and payment of the
    month are joined on their unique keys (a row each at most), not looked up member by member; the months
    before, for arrears, are one probe of the member's payments, made only for those who have not paid this
    month."""
    months = [months_back(first, back) for back in range(REMIND_AFTER_MONTHS if with_arrears else 1)]
    money = DecimalField(max_digits=12, decimal_places=2)
    base = _base_of(first.year)
    totals = {
        "members": Count("pk"),
        "due": Coalesce(
            Sum(f"{base}__monthly_amount", filter=Q(**{f"{base}__exempt": False})),
            Value(0),
            output_field=money,
        ),
        "paid": Coalesce(Sum("payment__amount"), Value(0), output_field=money),
    }
    owed = {}
    if with_arrears:
        earlier = DuesPayment.objects.filter(member=OuterRef("pk"), month__gte=months[-1], month__lt=first)
        owed = {f"owed_{i}": _owed_joined(month) for i, month in enumerate(months)}
        unpaid = Q(payment__id__isnull=True) & Q(**{f"owed_{i}": True for i in range(len(months))})
        totals["arrears"] = Count("pk", filter=unpaid & ~Exists(earlier))
    now_under, moved_out = (
        part.alias(**_joins(months))
        .alias(**owed)
        .order_by()
        .values(path=F("branch_on_day_path"))
        .annotate(**totals)
        for part in roll_on_in_parts(organization, first)
    )
    return now_under.union(moved_out, all=True)


def _joins(months: list[dt.date]) -> dict:
    """The bases of the months' years and the payment of the first month, each joined on its unique key.
    New each time: a FilteredRelation belongs to the one query it is added to."""
    joins = {
        _base_of(year): FilteredRelation("dues_bases", condition=Q(dues_bases__year=year))
        for year in {month.year for month in months}
    }
    joins["payment"] = FilteredRelation("dues_payments", condition=Q(dues_payments__month=months[0]))
    return joins


def _base_of(year: int) -> str:
    return f"base_{year}"


def _owed_joined(month: dt.date):
    """What ``_unpaid(month)`` asks besides the payment, over the joins of ``_month_by_branch``: joined by
    the month, the base of its year not exempt, and the member not among those whose received letters say
    the month is not owed here (``not_owed_here``, asked once as a set, not per member)."""
    exempt = Coalesce(F(f"{_base_of(month.year)}__exempt"), Value(False), output_field=BooleanField())
    letters = received_letters(None).filter(Q(dues_paid_up_to__gte=month) | Q(confirmed_on__gt=month))
    owed = Q(joined_on__lte=month) & Q(Exact(exempt, False)) & ~Q(pk__in=letters.values("member_id"))
    return ExpressionWrapper(owed, output_field=BooleanField())


def dues_summary(*, organization: Organization, year: int, month: int | None = None) -> list[DuesTotals]:
    """Every organization of ``organization``'s subtree (itself, its townships, its branches) with its
    ``DuesTotals`` for ``month`` of ``year``, or for the year so far; in tree order. A query per month plus
    one for the organizations, whatever their number: each month is added up per branch in the database,
    then each branch's totals are added to every organization above it."""
    months = summary_months(year, month)
    organizations = list(
        Organization.objects.filter(path__startswith=organization.path)
        .order_by("path")
        .only("pk", "name", "kind", "path", "parent_id", "code")
    )
    totals = {o.path: DuesTotals(o) for o in organizations}
    for first in months:
        for row in _month_by_branch(organization, first, with_arrears=first == months[-1]):
            for path in _paths_up_to(row["path"], organization.path):
                if (found := totals.get(path)) is not None:
                    found.members += row["members"] if first == months[-1] else 0
                    found.due += row["due"]
                    found.paid += row["paid"]
                    found.arrears += row.get("arrears", 0)
    return list(totals.values())


def _paths_up_to(path: str, top: str):
    """``path`` and the paths above it, up to ``top`` (included)."""
    parts = path.strip("/").split("/")
    depth = len(top.strip("/").split("/"))
    for end in range(len(parts), depth - 1, -1):
        yield "/" + "/".join(parts[:end]) + "/"
