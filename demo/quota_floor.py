"""The quota benchmark's floor and check (``manage.py bench_quota``, PostgreSQL only).

The floor, ``assessments/quota/floor.sql``, computes the same indicators and alerts as the engine with
hand-written statements into the UNLOGGED tables ``floor_results`` and ``floor_alerts``: the fastest the
database can do the work, timed statement by statement, so the engine's time has something to be compared
with. The check then holds the engine to the same (organization, code) rows with the same target, actual
and met, and the same alerts.
"""

import re
import time
from pathlib import Path

from django.db import connection

from assessments.quota import engine

FLOOR_SQL = Path(engine.__file__).with_name("floor.sql")


def floor_statements(year: int, today) -> list[tuple[str, str]]:
    """The floor's statements with :year and :'today' filled in, each with a short label."""
    text = FLOOR_SQL.read_text(encoding="utf-8")
    text = text.replace(":'today'", f"'{today.isoformat()}'")
    text = re.sub(r"(?<![:\w]):year\b", str(int(year)), text)
    statements = []
    for chunk in re.split(r";[ \t]*\n", text):
        lines = chunk.strip().splitlines()
        code = "\n".join(line for line in lines if not line.lstrip().startswith("--")).strip()
        if not code:
            continue
        comments = []  # the comment block just before the statement names it
        for line in lines:
            if line.lstrip().startswith("--"):
                comments.append(line.lstrip("- ").strip())
            elif line.strip():
                break
            else:
                comments = []
        label = comments[0] if comments and len(comments) <= 4 else code.splitlines()[0]
        statements.append((label[:60], code))
    return statements


def run_floor(year: int, today) -> tuple[float, list[tuple[str, float]]]:
    stages = []
    with connection.cursor() as cursor:
        started = time.perf_counter()
        for label, statement in floor_statements(year, today):
            begun = time.perf_counter()
            cursor.execute(statement)
            stages.append((label, time.perf_counter() - begun))
        seconds = time.perf_counter() - started
    return seconds, stages


def drop_floor_tables():
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS floor_results, floor_alerts")


RESULT_MISMATCHES = """
WITH e AS (SELECT organization_id, code, target, actual, met FROM assessments_quotaresult
           WHERE year = %s),
f AS (SELECT organization_id, code, target, actual, met FROM floor_results),
d AS (
    SELECT COALESCE(e.code, f.code) AS code, COALESCE(e.organization_id, f.organization_id) AS org,
           CASE WHEN e.code IS NULL THEN 'only in the floor' WHEN f.code IS NULL THEN 'only in the engine'
                ELSE concat_ws(' ', CASE WHEN e.target IS DISTINCT FROM f.target THEN 'target' END,
                                    CASE WHEN e.actual IS DISTINCT FROM f.actual THEN 'actual' END,
                                    CASE WHEN e.met IS DISTINCT FROM f.met THEN 'met' END) || ' differ'
           END AS what,
           format('org %%s: engine (%%s, %%s, %%s) floor (%%s, %%s, %%s)',
                  COALESCE(e.organization_id, f.organization_id),
                  e.target, e.actual, e.met, f.target, f.actual, f.met) AS example
    FROM e FULL JOIN f ON f.organization_id = e.organization_id AND f.code = e.code
    WHERE e.code IS NULL OR f.code IS NULL OR e.target IS DISTINCT FROM f.target
       OR e.actual IS DISTINCT FROM f.actual OR e.met IS DISTINCT FROM f.met
)
SELECT code, what, count(*), (array_agg(example ORDER BY org))[1:3] FROM d
GROUP BY code, what ORDER BY code, what
"""
DUPLICATES = """
SELECT 'engine', code, count(*) - count(DISTINCT organization_id) FROM assessments_quotaresult
WHERE year = %s
GROUP BY code HAVING count(*) > count(DISTINCT organization_id)
UNION ALL SELECT 'floor', code, count(*) - count(DISTINCT organization_id) FROM floor_results
GROUP BY code HAVING count(*) > count(DISTINCT organization_id)
"""
ALERT_MISMATCHES = """
WITH e AS (SELECT organization_id, kind, COALESCE(cadre_id, 0) AS cadre, count(*) AS n FROM assessments_alert
           WHERE run_id = ANY(%s) AND kind = ANY(%s) GROUP BY 1, 2, 3),
f AS (SELECT organization_id, kind, COALESCE(cadre_id, 0) AS cadre, count(*) AS n FROM floor_alerts
      GROUP BY 1, 2, 3),
d AS (
    SELECT COALESCE(e.kind, f.kind) AS kind, COALESCE(e.organization_id, f.organization_id) AS org,
           format('org %%s post %%s: engine %%s, floor %%s', COALESCE(e.organization_id, f.organization_id),
                  NULLIF(COALESCE(e.cadre, f.cadre), 0), COALESCE(e.n, 0), COALESCE(f.n, 0)) AS example
    FROM e FULL JOIN f ON f.organization_id = e.organization_id AND f.kind = e.kind AND f.cadre = e.cadre
    WHERE e.n IS DISTINCT FROM f.n
)
SELECT kind, 'alerts differ', count(*), (array_agg(example ORDER BY org))[1:3] FROM d
GROUP BY kind ORDER BY kind
"""


# The alerts floor.sql writes. The later stages' alerts (probation, members away, letters, the organization
# rules and terms) are left to the quota oracle (tests/assessments/test_quota_oracle.py): the floor times the
# counting work, and those stages add little to it.
FLOOR_ALERT_KINDS = [
    "dev.two_years_none",
    "reserve.young",
    "train.secretary",
    "train.per_level",
    "meet.overdue",
    "visit.pace",
]


def excluded(code: str, exclude: set[str]) -> bool:
    return code in exclude or code.removeprefix("rollup.") in exclude


def compare(run_ids: list[int], exclude: set[str], *, year: int) -> tuple[list[str], list[str]]:
    """(mismatches, warnings): one line per (code, what differs), with examples. The results are the year's
    current ones (a run rewrites only those that changed); the alerts those of ``run_ids``."""
    mismatches, warnings = [], []
    with connection.cursor() as cursor:
        for statement, parameters in (
            (RESULT_MISMATCHES, [year]),
            (ALERT_MISMATCHES, [run_ids, FLOOR_ALERT_KINDS]),
        ):
            cursor.execute(statement, parameters)
            for code, what, count, examples in cursor.fetchall():
                line = f"{code}: {what} for {count:,} rows, e.g. " + "; ".join(examples)
                (warnings if excluded(code, exclude) else mismatches).append(line)
        cursor.execute(DUPLICATES, [year])
        for side, code, extra in cursor.fetchall():
            mismatches.append(f"{code}: {extra:,} duplicate (organization, code) rows in the {side}")
    return mismatches, warnings
