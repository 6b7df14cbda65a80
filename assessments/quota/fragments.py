"""SQL fragments the stages share: which organizations a condition selects, rendered from the models'
own vocabulary so the engine and the models cannot disagree."""

from branches.models import BRANCH_KINDS
from branches.models import COMMITTEE_KINDS
from branches.models import COMMITTEE_OR_COUNTY_KINDS
from branches.models import RURAL_FIELDS
from members.models import ON_ROLL as ROLL_STATUSES
from members.models.cadres import TWO_COMMITTEE_POSTS as TWO_COMMITTEE_POST_SET

from . import sql
from .statements import Statements

BRANCH = f"s.kind IN {sql.in_list(BRANCH_KINDS)}"
RURAL = f"{BRANCH} AND s.field IN {sql.in_list(RURAL_FIELDS)}"
COMMITTEE = f"s.kind IN {sql.in_list(COMMITTEE_KINDS)}"
COMMITTEE_OR_COUNTY = f"s.kind IN {sql.in_list(COMMITTEE_OR_COUNTY_KINDS)}"
ON_ROLL = sql.in_list(ROLL_STATUSES)
EDUCATED = "('senior_high', 'junior_college', 'bachelor', 'postgraduate')"
TWO_COMMITTEE_POSTS = sql.in_list(TWO_COMMITTEE_POST_SET)
POLICY = "JOIN qt_policy p ON p.county_id = s.county_id"


def count_met(actual: str, target: str) -> str:
    return f"{actual}, ({actual}) >= {target}"


def branch_share(q: Statements, code: str, table: str, target: str, *, part: str, whole: str, where: str):
    """A result of each branch's share of ``part`` in ``whole``, read from a table of one row a branch, against
    the policy's ``target``; no verdict where ``whole`` is nil."""
    share = sql.share(f"r.{part}", f"r.{whole}")
    q.results(
        code,
        f"SELECT s.id, {target}, {share}, CASE WHEN r.{whole} > 0 THEN {share} >= {target} END, "
        f"{sql.json_object((whole, f'COALESCE(r.{whole}, 0)'), (part, f'COALESCE(r.{part}, 0)'))} "
        f"FROM qt_scope s {POLICY} LEFT JOIN {table} r ON r.branch_id = s.id WHERE {where}",
    )


def organization_count(
    q: Statements, code: str, target: str, counted: str, *, source: str, key: str, where: str
):
    """A result of ``counted`` (over ``x``, the rows of ``source`` for the organization, if any) against
    ``target``; the detail names the count ``key``."""
    q.results(
        code,
        f"SELECT s.id, {target}, {count_met(counted, target)}, {sql.json_object((key, counted))} "
        f"FROM qt_scope s {POLICY} LEFT JOIN {source} x ON x.organization_id = s.id WHERE {where}",
    )
