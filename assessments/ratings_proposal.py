"""The five-good proposal (docs/ratings-and-evaluation.md), set-based: two statements whatever the number of
organizations — one ``INSERT … SELECT … ON CONFLICT (organization_id, year) DO UPDATE`` over the year's
published quota results, one ``INSERT … SELECT`` of the history rows — on SQLite and PostgreSQL alike.

Each branch of the scope that takes part on the reference day (``dissolved_on`` null or after
min(today, 31 December)) gets, per dimension,

    score = 20 × (indicators of the dimension met) / (indicators of the dimension with a non-null ``met``)

rounded to one decimal (half away from zero). A dimension with no applicable indicator — none published, or
all ``met`` null ("does not apply", e.g. no members on the roll) — scores 0: no evidence earns no points, and
the people who rate after the system can raise it with a reason.

**Feedback** (群众反映好) is the mass satisfaction of the year's democratic reviews when there is one to go
by: over ReviewRecords of kinds ``member_review`` and ``representative_review`` held in the year with
participants > 0 and ``satisfied`` recorded, 20 × Σ satisfied / Σ participants; without such a review it is
20 × (``review.democratic`` met), the standard formula over its one indicator.

total = the sum of the five (rounded), stars from the bands of the RatingPolicy of the tree's root county
for the year (the model defaults when the county set none): ≥ five_stars_from → 5, ≥ four_stars_from → 4,
≥ three_stars_from → 3, else 0 (unrated); classification: ≥ 4 stars advanced, 3 general, else backward.

``proposal`` keeps the proposed scores, total, stars and classification and, per dimension, the indicators
behind the score (code and met). A rating still at stage ``proposed`` takes the proposed scores; at a later
stage the people's scores stay and only the ``proposal`` is refreshed; a ``confirmed`` rating is final and is
not touched at all.
"""

# ruff: noqa: S608 - the statements are assembled from constants, integers and Python dates, never user text.
import datetime as dt
from dataclasses import dataclass

from django.db import connection
from django.utils import timezone

from branches.models import BRANCH_KINDS
from branches.models import DEMOCRATIC_REVIEW_KINDS

from .indicators import DIMENSION_INDICATORS
from .models import Classification
from .models import RatingPolicy
from .models import RatingStage
from .models import StarRating
from .quota import sql

DIMENSION_POINTS = 20


@dataclass(frozen=True)
class ProposalSummary:
    year: int
    branches: int  # branches of the scope that take part
    with_results: int  # of them, those with published quota results for the year
    written: int  # ratings created or refreshed (confirmed ones are left alone)


def _policy_default(field: str) -> int:
    return RatingPolicy._meta.get_field(field).default


# --- the SQL that differs between PostgreSQL and SQLite -----------------------------------------------------


def _json_agg(expression: str) -> str:
    # In no particular order: sorting every group cost a second at the province tier.
    return f"jsonb_agg({expression})" if sql.is_postgres() else f"json_group_array({expression})"


def _materialized() -> str:
    """Computes the scores once instead of once per reference (PostgreSQL inlines a CTE used once)."""
    return "MATERIALIZED " if sql.is_postgres() else ""


def _json_embed(column: str, empty: str) -> str:
    """A JSON value that came through a subquery (SQLite would otherwise embed it as a string)."""
    if sql.is_postgres():
        return f"COALESCE({column}, '{empty}'::jsonb)"
    return f"json(COALESCE({column}, '{empty}'))"


def _json_met(column: str) -> str:
    if sql.is_postgres():
        return column
    return f"CASE WHEN {column} THEN json('true') WHEN NOT {column} THEN json('false') END"


# --- the statement ------------------------------------------------------------------------------------------


def _score(met: str, applicable: str) -> str:
    return f"CASE WHEN {applicable} > 0 THEN ROUND({DIMENSION_POINTS}.0 * {met} / {applicable}, 1) ELSE 0 END"


def _dimension_json(alias: str, dimension: str) -> str:
    pairs = [
        ("score", f"t.{dimension}"),
        ("met", f"COALESCE({alias}_met, 0)"),
        ("applicable", f"COALESCE({alias}_applicable, 0)"),
        ("indicators", _json_embed(f"{alias}_indicators", "[]")),
    ]
    if dimension == "feedback":
        pairs += [
            ("basis", "CASE WHEN t.sat_participants > 0 THEN 'satisfaction' ELSE 'indicator' END"),
            ("participants", "COALESCE(t.sat_participants, 0)"),
            ("satisfied", "COALESCE(t.sat_satisfied, 0)"),
        ]
    return sql.json_object(*pairs)


def _upsert_statement(*, year: int, ref: dt.date) -> str:
    dimension_rows = ", ".join(
        f"('{code}', '{dimension}')" for dimension, codes in DIMENSION_INDICATORS.items() for code in codes
    )
    kinds = sql.in_list(BRANCH_KINDS)
    reviews = sql.in_list(DEMOCRATIC_REVIEW_KINDS)
    first, last = sql.date_literal(dt.date(year, 1, 1)), sql.date_literal(dt.date(year, 12, 31))
    indicator = sql.json_object(("code", "i.code"), ("met", _json_met("i.met")))
    joins, columns = [], []
    for n, dimension in enumerate(DIMENSION_INDICATORS):
        alias = f"d{n}"
        on = f"{alias}.organization_id = s.id AND {alias}.dimension = '{dimension}'"
        joins.append(f"LEFT JOIN rs_dim {alias} ON {on}")
        score = _score(f"{alias}.met_n", f"{alias}.applicable")
        if dimension == "feedback":
            satisfaction = f"ROUND({DIMENSION_POINTS}.0 * sat.satisfied / sat.participants, 1)"
            score = f"CASE WHEN sat.participants > 0 THEN {satisfaction} ELSE {score} END"
        columns += [
            f"{score} AS {dimension}",
            f"{alias}.met_n AS {dimension}_met",
            f"{alias}.applicable AS {dimension}_applicable",
            f"{alias}.indicators AS {dimension}_indicators",
        ]
    dimensions = list(DIMENSION_INDICATORS)
    total = "ROUND(" + " + ".join(f"x.{d}" for d in dimensions) + ", 1)"
    bands = {
        stars: f"COALESCE(p.{field}, {_policy_default(field)})"
        for stars, field in ((5, "five_stars_from"), (4, "four_stars_from"), (3, "three_stars_from"))
    }
    stars = (
        f"CASE WHEN t.total >= {bands[5]} THEN 5 WHEN t.total >= {bands[4]} THEN 4 "
        f"WHEN t.total >= {bands[3]} THEN 3 ELSE 0 END"
    )
    classification = (
        f"CASE WHEN f.stars >= 4 THEN '{Classification.ADVANCED}' "
        f"WHEN f.stars = 3 THEN '{Classification.GENERAL}' ELSE '{Classification.BACKWARD}' END"
    )
    proposal = sql.json_object(
        ("year", str(year)),
        ("total", "f.total"),
        ("stars", "f.stars"),
        ("classification", classification),
        ("dimensions", _json_embed("f.dimensions", "{}")),
    )
    keep_people_scores = ", ".join(
        f"{field} = CASE WHEN assessments_starrating.stage = '{RatingStage.PROPOSED}' THEN excluded.{field} "
        f"ELSE assessments_starrating.{field} END"
        for field in (*dimensions, "total", "stars", "classification")
    )
    return f"""
WITH rs_map(code, dimension) AS (VALUES {dimension_rows}),
rs_scope AS (
    SELECT o.id AS id, {sql.root_id("o.path")} AS county_id FROM branches_organization o
    WHERE o.path LIKE %(prefix)s AND o.kind IN {kinds}
      AND (o.dissolved_on IS NULL OR o.dissolved_on > {sql.date_literal(ref)})
),
rs_ind AS (
    SELECT r.organization_id AS organization_id, m.dimension AS dimension, r.code AS code, r.met AS met
    FROM assessments_quotaresult r
    JOIN assessments_quotapublication pub
      ON pub.organization_id = r.organization_id AND pub.year = r.year
    JOIN rs_scope s ON s.id = r.organization_id
    JOIN rs_map m ON m.code = r.code
    WHERE r.year = {year}
),
rs_dim AS (
    SELECT i.organization_id AS organization_id, i.dimension AS dimension,
           SUM(CASE WHEN i.met THEN 1 ELSE 0 END) AS met_n, COUNT(i.met) AS applicable,
           {_json_agg(indicator)} AS indicators
    FROM rs_ind i GROUP BY i.organization_id, i.dimension
),
rs_sat AS (
    SELECT rr.organization_id AS organization_id, SUM(rr.satisfied) AS satisfied,
           SUM(rr.participants) AS participants
    FROM branches_reviewrecord rr JOIN rs_scope s ON s.id = rr.organization_id
    WHERE rr.kind IN {reviews} AND rr.held_on BETWEEN {first} AND {last}
      AND rr.participants > 0 AND rr.satisfied IS NOT NULL
    GROUP BY rr.organization_id
),
rs_score AS (
    SELECT s.id AS organization_id, s.county_id AS county_id, {", ".join(columns)},
           sat.participants AS sat_participants, sat.satisfied AS sat_satisfied
    FROM rs_scope s {" ".join(joins)}
    LEFT JOIN rs_sat sat ON sat.organization_id = s.id
),
rs_total AS {_materialized()}(SELECT x.*, {total} AS total FROM rs_score x),
rs_final AS (
    SELECT t.*, {stars} AS stars,
           {sql.json_object(*((d, _dimension_json(f"t.{d}", d)) for d in dimensions))} AS dimensions
    FROM rs_total t
    LEFT JOIN assessments_ratingpolicy p ON p.county_id = t.county_id AND p.year = {year}
)
INSERT INTO assessments_starrating
    (organization_id, year, stage, {", ".join(dimensions)}, total, stars, classification, proposal,
     proposed_at, version, created_at, updated_at)
SELECT f.organization_id, {year}, '{RatingStage.PROPOSED}', {", ".join(f"f.{d}" for d in dimensions)},
       f.total, f.stars, {classification}, {proposal}, %(now)s, 1, %(now)s, %(now)s
FROM rs_final f WHERE 1 = 1
ON CONFLICT (organization_id, year) DO UPDATE SET
    proposal = excluded.proposal, proposed_at = excluded.proposed_at, updated_at = excluded.updated_at,
    version = assessments_starrating.version + 1, {keep_people_scores}
WHERE assessments_starrating.stage <> '{RatingStage.CONFIRMED}'
"""


def _history_statement() -> str:
    """One history row for every rating the proposal just wrote (its ``proposed_at`` is this moment)."""
    historical = StarRating.history.model
    special = {
        "history_date": "%(now)s",
        "history_change_reason": "'proposal'",
        "history_type": "CASE WHEN r.version = 1 THEN '+' ELSE '~' END",
        "history_user_id": "%(actor)s",
    }
    targets, values = [], []
    for field in historical._meta.concrete_fields:
        if field.column == "history_id":
            continue
        targets.append(field.column)
        values.append(special.get(field.column, f"r.{field.column}"))
    return (
        f"INSERT INTO {historical._meta.db_table} ({', '.join(targets)}) SELECT {', '.join(values)} "
        "FROM assessments_starrating r JOIN branches_organization o ON o.id = r.organization_id "
        "WHERE r.year = %(year)s AND r.proposed_at = %(now)s AND o.path LIKE %(prefix)s"
    )


def _counts(cursor, *, prefix: str, year: int, ref: dt.date) -> tuple[int, int]:
    kinds = sql.in_list(BRANCH_KINDS)
    cursor.execute(
        "SELECT COUNT(*), COUNT(pub.organization_id) FROM branches_organization o "
        "LEFT JOIN assessments_quotapublication pub ON pub.organization_id = o.id AND pub.year = %s "
        f"WHERE o.path LIKE %s AND o.kind IN {kinds} "
        f"AND (o.dissolved_on IS NULL OR o.dissolved_on > {sql.date_literal(ref)})",
        (year, prefix + "%"),
    )
    return cursor.fetchone()


def propose(*, prefix: str, year: int, actor=None, today: dt.date | None = None) -> ProposalSummary:
    """Propose the ratings of every branch under ``prefix`` ("/" for every tree) for ``year``.

    Runs in the caller's transaction (the settings above are local to it); the scope and permission checks
    are the service's.
    """
    today = today or timezone.localdate()
    ref = min(today, dt.date(year, 12, 31))
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    params = {"prefix": prefix + "%", "now": now, "year": year, "actor": getattr(actor, "pk", None)}
    with connection.cursor() as cursor:
        if sql.is_postgres():
            # One large statement run rarely: JIT compiling it cost more than it saved (seconds at the
            # province tier), and its sorts and hashes spill to disk under the default work_mem.
            cursor.execute("SET LOCAL jit = off")
            cursor.execute("SET LOCAL work_mem = '64MB'")
        branches, with_results = _counts(cursor, prefix=prefix, year=year, ref=ref)
        cursor.execute(_upsert_statement(year=year, ref=ref), params)
        cursor.execute(_history_statement(), params)
        written = cursor.rowcount
    return ProposalSummary(year=year, branches=branches, with_results=with_results, written=written)
