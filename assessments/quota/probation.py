"""The alert for probationary members past the end of their probation (docs/records.md, "Member record").

The end of a probation is ``members.pipeline_rules.probation_ends``: one year after joining (from 29 February,
1 March), then the extension's months (clamped to the month's last day). The SQL below computes the same day
on both databases, for every member of the scope at once."""

from members.models import MemberCategory

from ..models import AlertKind
from . import sql
from .fragments import ON_ROLL
from .statements import Statements

PROBATIONARY = f"'{MemberCategory.PROBATIONARY.value}'"


def probation_end(joined: str, months: str) -> str:
    """The first day of full membership of a member who joined on ``joined`` with ``months`` of extension."""
    if sql.is_postgres():
        year_later = (
            f"CASE WHEN EXTRACT(MONTH FROM {joined}) = 2 AND EXTRACT(DAY FROM {joined}) = 29 "
            f"THEN make_date(CAST(EXTRACT(YEAR FROM {joined}) AS integer) + 1, 3, 1) "
            f"ELSE CAST({joined} + INTERVAL '1 year' AS date) END"
        )
        # PostgreSQL clamps a month's overflow to its last day, as relativedelta does.
        return f"CAST({year_later} + make_interval(months => {months}) AS date)"
    # SQLite rolls 29 February on to 1 March, as years_after does, but would roll 31 August + 6 months on to
    # 3 March: the day is clamped to the target month's last day by hand.
    year_later = f"date({joined}, '+1 year')"
    first = f"date({year_later}, 'start of month', '+' || ({months}) || ' months')"
    last_day = f"CAST(strftime('%%d', {first}, '+1 month', '-1 day') AS integer)"
    day = f"MIN(CAST(strftime('%%d', {year_later}) AS integer), {last_day})"
    return f"date({first}, '+' || ({day} - 1) || ' days')"


def days_between(earlier: str, later: str) -> str:
    if sql.is_postgres():
        return f"({later} - {earlier})"
    return f"CAST(julianday({later}) - julianday({earlier}) AS integer)"


def alert_by_organization(
    q: Statements, kind: str, rows: str, *, key: str, order: str, names: tuple[str, str, str]
):
    """One alert of ``kind`` an organization over ``rows`` (columns: organization_id, ``key``, ``item`` the JSON
    of one thing alerted, ``days``; ``order``: their order by ``key``); detail, under ``names``: how many, the
    most days, and the items in that order."""
    items = f"jsonb_agg(x.item ORDER BY x.{key})" if sql.is_postgres() else "json_group_array(json(x.item))"
    count, most, listed = names
    detail = sql.json_object((count, "COUNT(*)"), (most, "MAX(x.days)"), (listed, items))
    q.alerts(
        kind,
        f"SELECT x.organization_id, CAST(NULL AS bigint), {detail} FROM ({rows} ORDER BY {order}) x "
        "GROUP BY x.organization_id",
    )


def members_alert(
    q: Statements, kind: str, table: str, day: str, *, before: str, names: tuple[str, str, str]
):
    """``alert_by_organization`` over the members of ``table`` (organization_id, member_id, name and the
    column ``day``) whose ``day`` is before ``before``; each member's JSON: id, name, that day and the days
    from it to the reference day."""
    days = days_between(f"t.{day}", sql.date_literal(q.period.ref))
    member = sql.json_object(("id", "t.member_id"), ("name", "t.name"), (day, f"t.{day}"), ("days", days))
    rows = f"SELECT t.organization_id, t.member_id, {member} AS item, {days} AS days FROM {table} t "
    rows += f"WHERE t.{day} < {before}"
    alert_by_organization(q, kind, rows, key="member_id", order="t.member_id", names=names)


def probation_overdue(q: Statements):
    """One alert per branch with members still probationary on the reference day whose probation ended
    before it; detail: how many, the longest overdue in days, and each member's id, name, end and days."""
    ref = sql.date_literal(q.period.ref)
    # A pipeline's extension is kept on the development record that admitted the member.
    months = "COALESCE(m.probation_extension_months, a.probation_extension_months, 0)"
    q.temp(
        "qt_probation",
        f"SELECT m.branch_id AS organization_id, m.id AS member_id, m.name AS name, "
        f"{probation_end('m.joined_on', months)} AS ends_on FROM members_member m "
        "JOIN qt_scope s ON s.id = m.branch_id LEFT JOIN members_applicant a ON a.member_id = m.id "
        f"WHERE m.status IN {ON_ROLL} AND m.joined_on <= {ref} "
        f"AND (m.category = {PROBATIONARY} OR m.confirmed_on > {ref})",
        analyze=False,
    )
    names = ("members", "days_overdue", "overdue")
    members_alert(q, AlertKind.PROBATION_OVERDUE, "qt_probation", "ends_on", before=ref, names=names)
