"""Quota stages about branch records: visits, meetings, reviews, rooms, reserves and contact points,
then the roll-ups, the alerts and the one write of the results (docs/quotas.md)."""

import calendar

from branches.models import DEMOCRATIC_REVIEW_KINDS

from ..indicators import MEETING_KINDS
from . import sql
from .fragments import BRANCH
from .fragments import COMMITTEE
from .fragments import POLICY
from .fragments import RURAL
from .fragments import TWO_COMMITTEE_POSTS
from .fragments import count_met
from .fragments import organization_count
from .statements import RESULT_COLUMNS
from .statements import Statements


def households_of_person(year: int) -> str:
    """Joins ``h.households``: the households each person (``pp``) visited in ``year`` over every post they
    held at the branch, not only the current one; kept as visits are written (members/models/tallies.py)."""
    return (
        "LEFT JOIN members_visittally h ON h.organization_id = pp.organization_id AND h.person = pp.person "
        f"AND h.year = {year}"
    )


def visits(q: Statements):
    period = q.period
    q.temp(
        "qt_person",
        "SELECT c.organization_id AS organization_id, COALESCE(c.member_id, -c.id) AS person, "
        "MIN(c.id) AS first_cadre, MIN(COALESCE(c.birth_date, m.birth_date)) AS birth FROM members_cadre c "
        "JOIN qt_scope s ON s.id = c.organization_id LEFT JOIN members_member m ON m.id = c.member_id "
        f"WHERE c.post IN {TWO_COMMITTEE_POSTS} AND {period.serving('c')} AND {RURAL} "
        "GROUP BY c.organization_id, COALESCE(c.member_id, -c.id)",
        index="organization_id, person",
    )
    reached = "COALESCE(SUM(CASE WHEN COALESCE(h.households, 0) >= p.visit_households THEN 1 ELSE 0 END), 0)"
    young = (
        "COALESCE(SUM(CASE WHEN pp.birth IS NOT NULL AND "
        f"{sql.age_at('pp.birth', sql.date_literal(period.ref))} <= 35 THEN 1 ELSE 0 END), 0)"
    )
    q.temp(
        "qt_team",
        f"SELECT s.id AS organization_id, COUNT(pp.person) AS persons, {reached} AS reached, {young} AS young "
        f"FROM qt_scope s {POLICY} LEFT JOIN qt_person pp ON pp.organization_id = s.id "
        f"{households_of_person(period.year)} WHERE {RURAL} GROUP BY s.id",
    )
    q.results(
        "visit.households",
        "SELECT t.organization_id, t.persons, t.reached, CASE WHEN t.persons > 0 THEN t.reached >= t.persons END, "
        f"{sql.json_object(('persons', 't.persons'), ('below', 't.persons - t.reached'))} FROM qt_team t",
    )
    q.results(
        "reserve.team_young",
        f"SELECT s.id, p.reserve_team_young, {count_met('t.young', 'p.reserve_team_young')}, "
        f"{sql.json_object(('persons', 't.persons'))} FROM qt_team t JOIN qt_scope s ON s.id = t.organization_id "
        f"{POLICY}",
    )


def meetings(q: Statements):
    period = q.period
    # One statement for the seven kinds: each branch crossed with the kinds, the target picked per kind, the
    # count read from the meetings kept per branch, year and kind as they are written (members/models/
    # tallies.py).
    kinds = " UNION ALL ".join(f"SELECT '{kind}' AS kind" for kind in MEETING_KINDS)
    target = "CASE k.kind " + " ".join(f"WHEN '{kind}' THEN p.meet_{kind}" for kind in MEETING_KINDS) + " END"
    q.results(
        None,
        f"SELECT 'meet.' || k.kind, s.id, {target}, {count_met('COALESCE(m.meetings, 0)', target)}, "
        f"{sql.json_object(('kind', 'k.kind'))} FROM qt_scope s {POLICY} CROSS JOIN ({kinds}) k "
        "LEFT JOIN members_meetingtally m ON m.organization_id = s.id AND m.kind = k.kind "
        f"AND m.year = {period.year} WHERE {BRANCH}",
    )


def reviews(q: Statements):
    period = q.period
    q.temp(
        "qt_rev",
        "SELECT rr.organization_id AS organization_id, "
        "SUM(CASE WHEN rr.kind = 'committee_report' THEN 1 ELSE 0 END) AS committee_reports, "
        "SUM(CASE WHEN rr.kind = 'branch_report' THEN 1 ELSE 0 END) AS branch_reports, "
        f"SUM(CASE WHEN rr.kind IN {sql.in_list(DEMOCRATIC_REVIEW_KINDS)} THEN 1 ELSE 0 END) AS democratic "
        f"FROM branches_reviewrecord rr WHERE {period.within_year('rr.held_on')} "
        f"AND {q.in_scope('rr.organization_id')} GROUP BY rr.organization_id",
        index="organization_id",
    )
    for code, column, target in (
        ("review.committee_reports", "committee_reports", "p.review_committee_reports"),
        ("review.branch_reports", "branch_reports", "p.review_branch_reports"),
        ("review.democratic", "democratic", "p.review_democratic"),
    ):
        records = f"COALESCE(x.{column}, 0)"
        organization_count(q, code, target, records, source="qt_rev", key="records", where=RURAL)
    disclosures = (
        "SELECT organization_id, COUNT(*) AS n FROM branches_financialdisclosure "
        f"WHERE year = {period.year} AND {q.in_scope('organization_id')} GROUP BY organization_id"
    )
    disclosed, source = "COALESCE(x.n, 0)", f"({disclosures})"
    organization_count(
        q,
        "review.disclosures",
        "p.review_disclosures",
        disclosed,
        source=source,
        key="disclosures",
        where=RURAL,
    )


def rooms_reserves_contacts(q: Statements):
    period = q.period
    ref = sql.date_literal(period.ref)
    q.results(
        "room.standardized",
        f"SELECT s.id, rt.target, {count_met('COUNT(r.id)', 'rt.target')}, "
        f"{sql.json_object(('rooms', 'COUNT(r.id)'))} FROM qt_scope s "
        f"JOIN branches_standardizedroomtarget rt ON rt.organization_id = s.id AND rt.year = {period.year} "
        "LEFT JOIN qt_anc an ON an.ancestor_id = s.id LEFT JOIN branches_activityroom r "
        f"ON r.organization_id = an.org_id AND r.is_standardized AND r.standardized_on <= {sql.date_literal(period.end)} "
        f"WHERE {COMMITTEE} GROUP BY s.id, rt.target",
    )
    young = (
        "SELECT rc.organization_id, COUNT(*) AS n FROM members_reservecadre rc WHERE rc.status = 'in_roster' "
        f"AND rc.entered_on <= {ref} AND {sql.age_at('rc.birth_date', ref)} <= 35 "
        f"AND {q.in_scope('rc.organization_id')} GROUP BY rc.organization_id"
    )
    reserves = "COALESCE(x.n, 0)"
    organization_count(
        q, "reserve.young", "p.reserve_young", reserves, source=f"({young})", key="young", where=RURAL
    )
    complete = (
        "COALESCE(SUM(CASE WHEN cp.lecture_on IS NOT NULL AND cp.check_on IS NOT NULL "
        "AND cp.activity_on IS NOT NULL AND cp.days_spent >= p.contact_days THEN 1 ELSE 0 END), 0)"
    )
    q.results(
        "contact.visit",
        f"SELECT s.id, COUNT(cp.id), {count_met(complete, 'COUNT(cp.id)')}, "
        f"{sql.json_object(('points', 'COUNT(cp.id)'))} FROM qt_scope s {POLICY} "
        f"JOIN members_contactpoint cp ON cp.organization_id = s.id AND cp.year = {period.year} "
        f"WHERE {RURAL} GROUP BY s.id, p.contact_days",
    )


def rollups_and_alerts(q: Statements):
    period = q.period
    met = "SUM(CASE WHEN r.met THEN 1 ELSE 0 END)"
    # Statistics of the million results so far, which the INSERTs left without any: with them the roll-ups'
    # grouping runs on every core (province tier: 0.47 s → 0.30 s, for 0.07 s of sampling).
    q.analyze("qt_res", "organization_id, code, met")
    # Every result so far is a branch's, a committee's or a county's: the roll-ups read the branches' ones.
    q.temp(
        "qt_rollup",
        f"SELECT 'rollup.' || r.code AS code, u.ancestor_id AS organization_id, COUNT(*) AS target, "
        f"{met} AS actual, {met} = COUNT(*) AS met, {sql.json_object(('share', sql.share(met, 'COUNT(*)')))} "
        "AS detail FROM qt_res r JOIN qt_up u ON u.branch_id = r.organization_id WHERE r.met IS NOT NULL "
        "GROUP BY u.ancestor_id, r.code",
        analyze=False,
    )
    q.results(None, "SELECT code, organization_id, target, actual, met, detail FROM qt_rollup")
    quarters = period.expected_quarters
    expected = sql.floor(f"r.target * {quarters} / 4")
    days_left = str(period.days_left)
    actual = sql.floor("r.actual")  # the alerts' results are counts
    figures = sql.json_object(("target", sql.floor("r.target")), ("actual", actual), ("days_left", days_left))
    per_level = sql.json_object(
        ("expected", expected), ("actual", actual), ("remaining", f"{expected} - {actual}"),
        ("days_left", days_left),
    )  # fmt: skip
    # One pass over the results for the alerts one result raises (train.secretary: only with a secretary).
    alerts = [
        "SELECT r.code, r.organization_id, CAST(NULL AS bigint), CASE WHEN r.code = 'train.per_level' "
        f"THEN {per_level} ELSE {figures} END FROM qt_res r "
        "WHERE (r.code IN ('dev.two_years_none', 'reserve.young') AND r.met = FALSE) "
        f"OR (r.code = 'train.per_level' AND r.actual < {expected}) "
        "OR (r.code = 'train.secretary' AND r.met = FALSE "
        "AND EXISTS (SELECT 1 FROM qt_sec q WHERE q.organization_id = r.organization_id))",
    ]
    if period.is_current and quarters:
        alerts.append(
            f"SELECT 'meet.overdue', r.organization_id, CAST(NULL AS bigint), "
            f"{sql.json_object(('kinds', sql.json_array_agg('r.code')), ('days_left', days_left))} FROM qt_res r "
            f"WHERE r.code LIKE 'meet.%%' AND r.actual < {expected} "
            "GROUP BY r.organization_id"
        )
    if period.is_current:
        # Each person whose households so far, at this pace, fall short by 31 December; on their first post.
        days_in_year = 366 if calendar.isleap(period.year) else 365
        elapsed = (period.today - period.start).days + 1
        households = "COALESCE(h.households, 0)"
        alerts.append(
            f"SELECT 'visit.pace', pp.organization_id, pp.first_cadre, {sql.json_object(('households', households))} "
            f"FROM qt_person pp JOIN qt_scope s ON s.id = pp.organization_id {POLICY} "
            f"{households_of_person(period.year)} WHERE {households} * {days_in_year} < p.visit_households * {elapsed}"
        )
    q.alerts(None, " UNION ALL ".join(alerts))  # every alert in one INSERT


def write_results(q: Statements, *, prefix: str) -> int:
    """The run's results into the results table, which holds one current row per organization, year and
    indicator: only the rows whose figures changed are written (docs/quotas.md, "Writing the results").
    One pass compares the run's results with the scope's rows and keeps the new and the changed ones, few on
    most nights; the rows the run no longer computes are found from the counts, and looked for only when there
    are some. Returns how many rows were deleted, updated and inserted."""
    year, run_id = q.period.year, q.period.run_id
    in_scope, params = "", (year,)
    if prefix != "/":
        in_scope = "AND r.organization_id IN (SELECT id FROM branches_organization WHERE path LIKE %s)"
        params = (year, prefix + "%")
    changed = " OR ".join(
        f"r.{column} IS DISTINCT FROM n.{column}" for column in ("target", "actual", "met", "detail")
    )
    with q.planner(sql.FEW_ROWS_OUT):
        q.temp(
            "qt_diff",
            "SELECT n.organization_id AS organization_id, n.code AS code, n.target AS target, "
            "n.actual AS actual, n.met AS met, n.detail AS detail, r.id AS result_id FROM qt_res n "
            "LEFT JOIN assessments_quotaresult r ON r.year = %s AND r.organization_id = n.organization_id "
            f"AND r.code = n.code WHERE r.id IS NULL OR {changed}",
            (year,),
        )
    q.execute(
        "SELECT (SELECT COUNT(*) FROM qt_res), (SELECT COUNT(*) FROM qt_diff WHERE result_id IS NULL), "
        f"(SELECT COUNT(*) FROM assessments_quotaresult r WHERE r.year = %s {in_scope})",
        params,
    )
    computed, new, held = q.cursor.fetchone()
    unmatched = held - (computed - new)  # each computed row matches at most one held row, and the other way
    gone = q.execute(
        f"DELETE FROM assessments_quotaresult AS r WHERE r.year = %s {in_scope} AND %s > 0 "
        "AND NOT EXISTS (SELECT 1 FROM qt_res n WHERE n.organization_id = r.organization_id AND n.code = r.code)",
        (*params, unmatched),
    )
    updated = q.execute(
        "UPDATE assessments_quotaresult AS r SET run_id = %s, target = d.target, actual = d.actual, "
        "met = d.met, detail = d.detail FROM qt_diff AS d WHERE r.id = d.result_id",
        (run_id,),
    )
    added = q.execute(
        f"INSERT INTO assessments_quotaresult {RESULT_COLUMNS} SELECT %s, %s, d.code, d.organization_id, "
        "d.target, d.actual, d.met, d.detail FROM qt_diff d WHERE d.result_id IS NULL "
        "ORDER BY d.organization_id, d.code",
        (run_id, year),
    )
    return gone + updated + added
