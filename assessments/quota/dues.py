"""Dues paid on time (docs/quotas.md, "Dues paid on time"): of the months each member was due in a branch
(docs/dues.md, "Who is due in a month"), the share whose dues were paid by the month's end.

Every month of the year that has ended by ``ref`` counts; the roll of each month's first day is taken as the
roll on ``ref`` is (docs/quotas.md, "On the roll"), from the first transfer and status change after that day."""

import calendar
import datetime as dt

from members.models import DuesBase
from members.models import DuesPayment
from members.models import Member
from members.models import MemberEvent

from . import sql
from .fragments import BRANCH
from .fragments import ON_ROLL
from .fragments import branch_share
from .statements import Period
from .statements import Statements


def counted_months(period: Period) -> list[tuple[dt.date, dt.date]]:
    """(first day, last day) of each month of the year that has ended by ``ref``."""
    months = []
    for month in range(1, 13):
        last = dt.date(period.year, month, calendar.monthrange(period.year, month)[1])
        if last <= period.ref:
            months.append((dt.date(period.year, month, 1), last))
    return months


def months_table(period: Period) -> str:
    """The counted months as a derived table ``first_day, last_day`` (no row when none has ended yet)."""
    rows = [
        f"SELECT {sql.date_literal(first)} AS first_day, {sql.date_literal(last)} AS last_day"
        for first, last in counted_months(period)
    ]
    if not rows:
        day = sql.date_literal(period.start)
        return f"SELECT {day} AS first_day, {day} AS last_day WHERE 1 = 0"
    return " UNION ALL ".join(rows)


def dues_on_time(q: Statements):
    period = q.period
    bases, payments = DuesBase._meta.db_table, DuesPayment._meta.db_table
    members, events = Member._meta.db_table, MemberEvent._meta.db_table
    months = months_table(period)

    def as_of_first_day(kind: str, column: str) -> str:
        return (
            f"(SELECT e.{column} FROM {events} e WHERE e.member_id = m.id AND e.kind = '{kind}' "
            "AND e.occurred_on > mo.first_day ORDER BY e.occurred_on, e.id LIMIT 1)"
        )

    # Most members have no transfer or status change after the year's first day: their branch and status on
    # every month's first day are today's, so their months due and paid on time are counted per branch in
    # two passes, one over the members and one over the year's payments, with no lookup per member and month.
    # Only the members who moved are followed month by month (the same rule, docs/quotas.md).
    moved = (
        f"SELECT DISTINCT e.member_id FROM {q.member_rows(f'{events} e', 'e.member_id')} "
        "WHERE e.kind IN ('transfer', 'status_change') "
        f"AND e.occurred_on > {sql.date_literal(dt.date(period.year, 1, 1))}"
    )
    owing = f"{q.member_rows(f'{bases} d', 'd.member_id')} JOIN {members} m ON m.id = d.member_id"
    owes = f"d.year = {period.year} AND NOT d.exempt"
    # The members who did not move, as an anti-join: a NOT IN over the events made the planner scan every
    # member for a branch's refresh instead of probing its few.
    owing_settled = f"{owing} LEFT JOIN ({moved}) mv ON mv.member_id = m.id"
    settled = f"{owes} AND m.status IN {ON_ROLL} AND mv.member_id IS NULL"
    # Members counted per branch and the day their dues start within the year, then against each month.
    start = sql.date_literal(period.start)
    since = f"CASE WHEN m.joined_on < {start} THEN {start} ELSE m.joined_on END"
    due_settled = (
        "SELECT g.branch_id AS branch_id, SUM(g.members) AS due, 0 AS on_time FROM ("
        f"SELECT m.branch_id AS branch_id, {since} AS since, COUNT(*) AS members FROM {owing_settled} "
        f"WHERE {settled} GROUP BY m.branch_id, {since}) g "
        f"CROSS JOIN ({months}) mo WHERE g.since <= mo.first_day GROUP BY g.branch_id"
    )
    paid_settled = (
        "SELECT m.branch_id AS branch_id, 0 AS due, COUNT(*) AS on_time "
        f"FROM {owing_settled} JOIN {payments} dp ON dp.member_id = m.id "
        f"JOIN ({months}) mo ON mo.first_day = dp.month "
        f"WHERE {settled} AND m.joined_on <= mo.first_day AND dp.paid_on <= mo.last_day GROUP BY m.branch_id"
    )

    def on_first_day(kind: str, column: str, now: str) -> str:
        return f"COALESCE({as_of_first_day(kind, column)}, {now})"

    # One row a moved member and month due: a base for the year, not exempt, on a roll on the month's first day.
    due_moved = (
        f"SELECT {on_first_day('transfer', 'from_branch_id', 'm.branch_id')} AS branch_id, "
        f"{on_first_day('status_change', 'from_status', 'm.status')} AS status, "
        "m.id AS member_id, mo.first_day AS first_day, mo.last_day AS last_day "
        f"FROM {owing} JOIN ({moved}) mv ON mv.member_id = m.id CROSS JOIN ({months}) mo "
        f"WHERE {owes} AND m.joined_on <= mo.first_day"
    )
    followed = (
        "SELECT x.branch_id AS branch_id, COUNT(*) AS due, "
        "SUM(CASE WHEN dp.paid_on <= x.last_day THEN 1 ELSE 0 END) AS on_time "
        f"FROM ({due_moved}) x LEFT JOIN {payments} dp ON dp.member_id = x.member_id AND dp.month = x.first_day "
        f"WHERE x.status IN {ON_ROLL} GROUP BY x.branch_id"
    )
    q.temp(
        "qt_dues",
        "SELECT c.branch_id AS branch_id, SUM(c.due) AS due, SUM(c.on_time) AS on_time "
        f"FROM ({due_settled} UNION ALL {paid_settled} UNION ALL {followed}) c "
        "JOIN qt_scope s ON s.id = c.branch_id GROUP BY c.branch_id",
        analyze=False,
    )
    branch_share(q, "dues.on_time", "qt_dues", "p.dues_on_time", part="on_time", whole="due", where=BRANCH)
