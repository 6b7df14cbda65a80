"""``manage.py bench_dues``: time the set-based dues summary (docs/dues.md, "Summaries") over every county
of the database: the month asked, then the year up to it.

Every county by default; ``--county CODE`` or ``--counties N`` time fewer, ``--month-only`` skips the year,
``--analyze`` gives the filled dues their statistics first.
Runs against the database DATABASE_URL names (a scale tier from ``manage.py generate_scale``). Scale tiers
carry no dues, so the benchmark first gives them some, set-based and untimed: a base of 0.50 yuan a month
for the year for every member, and payments for the months up to the one asked from nine members in ten
(one in fifty stopped paying three months before). Everything runs in one transaction rolled back at the
end unless ``--keep``, so the database is left as it was. ``tests/perf/test_dues_summary.py`` runs the same
``benchmark`` at the tiny tier inside the normal test command.
"""

import datetime as dt
import time
from decimal import Decimal

from django.core.management.base import BaseCommand
from django.db import connection
from django.db import transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from branches.models import Organization
from members.models import DuesBase
from members.models import DuesCategory
from members.models import DuesPayment
from members.models import PaymentMethod
from members.selectors.dues import dues_summary
from members.selectors.dues import months_back

AMOUNT = Decimal("0.50")


def _insert_select(model, values: dict, where: str, params: list) -> int:
    """``INSERT INTO <model> (...) SELECT ... FROM members_member m WHERE <where>``: each column's value is
    an SQL expression over the member row ``m`` or a parameter (a constant)."""
    quote = connection.ops.quote_name
    columns, expressions, arguments = [], [], []
    now = timezone.now()
    for field in model._meta.concrete_fields:
        if field.primary_key:
            continue
        value = values.get(field.attname, now if field.attname in ("created_at", "updated_at") else None)
        if value is None and field.attname not in values:
            value = field.get_default()
        columns.append(quote(field.column))
        if isinstance(value, str) and value.startswith("m."):
            expressions.append(value)
        else:
            expressions.append("%s")
            arguments.append(field.get_db_prep_save(value, connection) if value is not None else None)
    sql = (
        f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(columns)}) "  # noqa: S608 - model metadata
        f"SELECT {', '.join(expressions)} FROM members_member m WHERE {where}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, arguments + params)
        return cursor.rowcount


def fill_dues(year: int, month: int, write) -> None:
    """Bases and payments for ``year`` up to ``month`` (set-based, a statement each), unless some exist."""
    if DuesBase.objects.filter(year=year).exists():
        write(f"dues of {year}: present, reused")
        return
    started = time.perf_counter()
    bases = _insert_select(
        DuesBase,
        {
            "member_id": "m.id",
            "year": year,
            "category": DuesCategory.FARMER,
            "farmer_amount": AMOUNT,
            "monthly_amount": AMOUNT,
            "exempt": False,
        },
        "1 = 1",
        [],
    )
    payments = 0
    last = dt.date(year, month, 1)
    for number in range(1, month + 1):
        first = dt.date(year, number, 1)
        stopped = first > months_back(last, 3)  # the last three months: one in fifty did not pay
        where = "m.joined_on <= %s AND MOD(m.id, 10) <> 0" + (" AND MOD(m.id, 50) <> 1" if stopped else "")
        payments += _insert_select(
            DuesPayment,
            {
                "member_id": "m.id",
                "organization_id": "m.branch_id",
                "month": first,
                "amount": AMOUNT,
                "paid_on": first + dt.timedelta(days=9),
                "method": PaymentMethod.CASH,
            },
            where,
            [first],
        )
    write(f"dues filled: {bases} bases, {payments} payments in {time.perf_counter() - started:.2f} s")


def analyze_dues(write) -> None:
    """Statistics on the rows just filled, as a database in use has them (inside the transaction: rolled
    back with it)."""
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE members_duesbase, members_duespayment")
    write(f"ANALYZE of the dues: {time.perf_counter() - started:.2f} s")


def _counties(codes, count):
    """The counties timed: those of ``codes`` when given, else the first ``count`` (None: every one)."""
    counties = Organization.objects.filter(parent__isnull=True).order_by("pk")
    if codes:
        counties = counties.filter(code__in=codes)
    return list(counties[:count] if count else counties)


def _timed(counties, year: int, month: int | None) -> tuple[list, list[float]]:
    """Each county's summary rows and the seconds each took."""
    rows, seconds = [], []
    for county in counties:
        started = time.perf_counter()
        rows.append(dues_summary(organization=county, year=year, month=month))
        seconds.append(time.perf_counter() - started)
    return rows, seconds


def benchmark(
    *,
    year: int,
    month: int,
    write,
    keep: bool = False,
    codes=(),
    count=None,
    with_year: bool = True,
    analyze: bool = False,
) -> dict:
    """Time ``dues_summary`` of every county (or those ``_counties`` picks) for ``month`` and, unless
    ``with_year`` is false, for the year up to it; returns the figures."""
    figures = {}
    with transaction.atomic():
        fill_dues(year, month, write)
        if analyze:
            analyze_dues(write)
        counties = _counties(codes, count)
        asks = (("month", month), ("year", None)) if with_year else (("month", month),)
        for label, asked in asks:
            with CaptureQueriesContext(connection) as captured:
                rows, each = _timed(counties, year, asked)
            seconds = sum(each)
            totals = [county_rows[0] for county_rows in rows]
            figures[label] = {
                "seconds": seconds,
                "county_seconds": {"first": each[0], "max": max(each)} if each else {},
                "queries": len(captured),
                "counties": len(counties),
                "organizations": sum(len(county_rows) for county_rows in rows),
                "members": sum(total.members for total in totals),
                "due": sum(total.due for total in totals),
                "paid": sum(total.paid for total in totals),
                "arrears": sum(total.arrears for total in totals),
            }
            write(f"summary ({label} {year}-{month:02d}): {seconds:.2f} s, {figures[label]}")
        if not keep:
            transaction.set_rollback(True)
    return figures


class Command(BaseCommand):
    help = "Time the set-based dues summary of every county (docs/dues.md)."

    def add_arguments(self, parser):
        today = timezone.localdate()
        parser.add_argument("--year", type=int, default=today.year)
        parser.add_argument("--month", type=int, default=today.month)
        parser.add_argument("--keep", action="store_true", help="commit the dues written for the benchmark")
        parser.add_argument(
            "--county", action="append", default=[], metavar="CODE", help="time only this county (repeatable)"
        )
        parser.add_argument("--counties", type=int, default=None, help="time only the first N counties")
        parser.add_argument("--month-only", action="store_true", help="time the month, not the year to it")
        parser.add_argument("--analyze", action="store_true", help="ANALYZE the dues tables once filled")

    def handle(self, *args, year, month, keep, county, counties, month_only, analyze, **options):
        benchmark(
            year=year,
            month=month,
            keep=keep,
            write=self.stdout.write,
            codes=county,
            count=counties,
            with_year=not month_only,
            analyze=analyze,
        )
