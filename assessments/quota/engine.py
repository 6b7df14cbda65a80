"""The annual quota engine: every indicator of SPEC.md for every organization of a scope, set-based.

Each stage is a fixed handful of SQL statements over temporary tables: the number of queries does not depend
on the number of organizations, and no row of the records ever travels to Python. Results and alerts are
written under the run; ``publish`` then points every organization of the scope at this run in one transaction,
so readers see the previous run's set or this one's, never a mix.
"""

import calendar
import datetime as dt
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from branches.models import Organization
from members.models import Training
from members.models.cadres import BRANCH_POSTS, VILLAGE_COMMITTEE_POSTS

from ..models import Alert, QuotaPolicy, QuotaPublication, QuotaResult, QuotaRun, RunState
from . import sql

BRANCH = "s.kind IN ('branch', 'joint_branch', 'general_branch')"
RURAL = f"{BRANCH} AND s.field IN ('village', 'community')"
COMMITTEE = "s.kind IN ('township_committee', 'street_committee')"
COMMITTEE_OR_COUNTY = "s.kind IN ('township_committee', 'street_committee', 'county_committee')"
ON_ROLL = "('normal', 'lost_contact')"
EDUCATED = "('senior_high', 'junior_college', 'bachelor', 'postgraduate')"
TWO_COMMITTEE_POSTS = ", ".join(f"'{post}'" for post in sorted(BRANCH_POSTS | VILLAGE_COMMITTEE_POSTS))
MEETING_KINDS = ("assembly", "committee", "group", "lecture", "theme_day", "life_meeting", "appraisal")
TEMP_TABLES = (
    "qt_scope", "qt_policy", "qt_anc", "qt_adm", "qt_sec", "qt_sectr", "qt_cad", "qt_person", "qt_hh",
    "qt_meet", "qt_rev", "qt_inst",
)  # fmt: skip
POLICY = "JOIN qt_policy p ON p.county_id = s.county_id"
RESULT_COLUMNS = "(run_id, year, code, organization_id, target, actual, met, detail)"
ALERT_COLUMNS = "(run_id, year, kind, organization_id, cadre_id, detail)"


@dataclass(frozen=True)
class Period:
    run_id: int
    year: int
    today: dt.date

    @property
    def start(self) -> dt.date:
        return dt.date(self.year, 1, 1)

    @property
    def end(self) -> dt.date:
        return dt.date(self.year, 12, 31)

    @property
    def ref(self) -> dt.date:
        """The day posts must be held on, rolls are taken and ages are counted."""
        return min(self.today, self.end)

    @property
    def is_current(self) -> bool:
        return self.today.year == self.year

    @property
    def completed_quarters(self) -> int:
        return (self.today.month - 1) // 3 if self.is_current else 4

    def serving(self, alias: str) -> str:
        ref = sql.date_literal(self.ref)
        return f"{alias}.started_on <= {ref} AND ({alias}.ended_on IS NULL OR {alias}.ended_on >= {ref})"

    def within_year(self, column: str) -> str:
        return f"{column} BETWEEN {sql.date_literal(self.start)} AND {sql.date_literal(self.end)}"


class Statements:
    """Runs the statements of one run on one connection, with the run id and year as the first parameters."""

    def __init__(self, cursor, period: Period):
        self.cursor = cursor
        self.period = period

    def execute(self, statement: str, params=()):
        self.cursor.execute(statement, params)

    def temp(self, name: str, select: str, params=(), index: str | None = None):
        self.execute(f"CREATE TEMPORARY TABLE {name} AS {select}", params)
        if index:
            self.execute(f"CREATE INDEX {name}_idx ON {name} ({index})")
        if sql.is_postgres():
            # Autovacuum never looks at temporary tables: without statistics the planner guesses row counts.
            self.execute(f"ANALYZE {name}")

    def results(self, code: str | None, select: str, params=()):
        """``select`` yields organization_id, target, actual, met, detail (and code first when ``code`` is None)."""
        head = "%s, %s, %s" if code is not None else "%s, %s"
        lead = (
            (self.period.run_id, self.period.year, code)
            if code is not None
            else (self.period.run_id, self.period.year)
        )
        self.execute(
            f"INSERT INTO assessments_quotaresult {RESULT_COLUMNS} SELECT {head}, t.* FROM ({select}) t",
            (*lead, *params),
        )

    def alerts(self, kind: str, select: str, params=()):
        """``select`` yields organization_id, cadre_id, detail."""
        self.execute(
            f"INSERT INTO assessments_alert {ALERT_COLUMNS} SELECT %s, %s, %s, t.* FROM ({select}) t",
            (self.period.run_id, self.period.year, kind, *params),
        )


def _count_met(actual: str, target: str) -> str:
    return f"{actual}, ({actual}) >= {target}"


# --- the stages ---------------------------------------------------------------------------------------------


def scope_tables(q: Statements, *, prefix: str):
    period = q.period
    q.temp(
        "qt_scope",
        f"SELECT o.id AS id, o.kind AS kind, o.field AS field, {sql.root_id('o.path')} AS county_id "
        f"FROM branches_organization o WHERE o.path LIKE %s "
        f"AND (o.dissolved_on IS NULL OR o.dissolved_on > {sql.date_literal(period.ref)})",
        (prefix + "%",),
        index="id",
    )
    q.temp(
        "qt_policy",
        "SELECT p.* FROM assessments_quotapolicy p WHERE p.year = %s "
        "AND p.county_id IN (SELECT DISTINCT county_id FROM qt_scope)",
        (period.year,),
        index="county_id",
    )
    q.temp(
        "qt_anc",
        "WITH RECURSIVE anc(org_id, ancestor_id) AS (SELECT id, id FROM qt_scope UNION ALL "
        "SELECT anc.org_id, o.parent_id FROM anc JOIN branches_organization o ON o.id = anc.ancestor_id "
        "WHERE o.parent_id IS NOT NULL) SELECT org_id, ancestor_id FROM anc "
        "WHERE ancestor_id IN (SELECT id FROM qt_scope)",
        index="ancestor_id",
    )


def admissions(q: Statements, *, first_year: int):
    period = q.period
    q.temp(
        "qt_adm",
        "SELECT m.id AS id, COALESCE((SELECT e.from_branch_id FROM members_memberevent e "
        "WHERE e.member_id = m.id AND e.kind = 'transfer' ORDER BY e.occurred_on, e.id LIMIT 1), m.branch_id) "
        f"AS branch_id, {sql.year_of('m.joined_on')} AS joined_year, "
        f"{sql.age_at('m.birth_date', 'm.joined_on')} AS age_joined, "
        f"CASE WHEN m.education IN {EDUCATED} THEN 1 ELSE 0 END AS educated "
        f"FROM members_member m WHERE m.joined_on BETWEEN {sql.date_literal(dt.date(first_year, 1, 1))} "
        f"AND {sql.date_literal(period.end)}",
        index="branch_id",
    )
    year = period.year
    q.results(
        "dev.branch_min",
        f"SELECT s.id, p.dev_branch_min, {_count_met('COUNT(a.id)', 'p.dev_branch_min')}, "
        f"{sql.json_object(('admissions', 'COUNT(a.id)'))} FROM qt_scope s {POLICY} "
        f"LEFT JOIN qt_adm a ON a.branch_id = s.id AND a.joined_year = {year} WHERE {RURAL} "
        "GROUP BY s.id, p.dev_branch_min",
    )
    q.results(
        "dev.two_years_none",
        f"SELECT s.id, 1, {_count_met('COUNT(a.id)', '1')}, "
        f"{sql.json_object(('admissions', 'COUNT(a.id)'), ('years', 'p.dev_two_years_none'))} "
        f"FROM qt_scope s {POLICY} LEFT JOIN qt_adm a ON a.branch_id = s.id "
        f"AND a.joined_year > {year} - p.dev_two_years_none AND a.joined_year <= {year} WHERE {RURAL} "
        "GROUP BY s.id, p.dev_two_years_none",
    )
    q.results(
        "dev.under_25",
        f"SELECT s.id, p.dev_under_25, {_count_met('COUNT(a.id)', 'p.dev_under_25')}, "
        f"{sql.json_object(('advisory', sql.json_bool('1 = 1')))} FROM qt_scope s {POLICY} "
        f"LEFT JOIN qt_adm a ON a.branch_id = s.id AND a.joined_year = {year} AND a.age_joined < 25 "
        f"WHERE {RURAL} GROUP BY s.id, p.dev_under_25",
    )
    for code, condition, target in (
        ("dev.young_share", "a.age_joined < 35", "p.dev_young_share"),
        ("dev.educated_share", "a.educated = 1", "p.dev_educated_share"),
    ):
        share = sql.share(f"SUM(CASE WHEN {condition} THEN 1 ELSE 0 END)", "COUNT(a.id)")
        q.results(
            code,
            f"SELECT s.id, {target}, {share}, CASE WHEN COUNT(a.id) > 0 THEN {share} >= {target} END, "
            f"{sql.json_object(('admissions', 'COUNT(a.id)'))} FROM qt_scope s {POLICY} "
            f"LEFT JOIN qt_anc an ON an.ancestor_id = s.id "
            f"LEFT JOIN qt_adm a ON a.branch_id = an.org_id AND a.joined_year = {year} "
            f"WHERE {COMMITTEE_OR_COUNTY} GROUP BY s.id, {target}",
        )


def trainings(q: Statements):
    period = q.period
    members_through = Training.member_attendees.through._meta.db_table
    cadres_through = Training.cadre_attendees.through._meta.db_table
    q.results(
        "train.per_level",
        f"SELECT s.id, p.train_per_level, {_count_met('COUNT(t.id)', 'p.train_per_level')}, "
        f"{sql.json_object(('trainings', 'COUNT(t.id)'))} FROM qt_scope s {POLICY} "
        f"LEFT JOIN members_training t ON t.organizer_id = s.id AND {period.within_year('t.held_on')} "
        f"WHERE ({RURAL}) OR {COMMITTEE_OR_COUNTY} GROUP BY s.id, p.train_per_level",
    )
    q.temp(
        "qt_sec",
        "SELECT c.id AS cadre_id, c.member_id AS member_id, c.organization_id AS organization_id "
        f"FROM members_cadre c JOIN qt_scope s ON s.id = c.organization_id "
        f"WHERE c.post = 'secretary' AND {period.serving('c')} AND {RURAL}",
        index="organization_id",
    )
    q.temp(
        "qt_sectr",
        "SELECT x.organization_id AS organization_id, x.training_id AS training_id FROM ("
        f"SELECT q.organization_id, ca.training_id FROM qt_sec q JOIN {cadres_through} ca ON ca.cadre_id = q.cadre_id "
        f"UNION SELECT q.organization_id, ma.training_id FROM qt_sec q "
        f"JOIN {members_through} ma ON ma.member_id = q.member_id) x "
        "JOIN members_training t ON t.id = x.training_id "
        f"WHERE t.level IN ('county', 'township') AND {period.within_year('t.held_on')}",
        index="organization_id",
    )
    vacant = "sc.n IS NULL"
    q.results(
        "train.secretary",
        f"SELECT s.id, p.train_secretary, COUNT(x.training_id), "
        f"CASE WHEN {vacant} THEN FALSE ELSE COUNT(x.training_id) >= p.train_secretary END, "
        f"{sql.json_object(('vacant', sql.json_bool(vacant)))} FROM qt_scope s {POLICY} "
        "LEFT JOIN (SELECT organization_id, COUNT(*) AS n FROM qt_sec GROUP BY organization_id) sc "
        "ON sc.organization_id = s.id LEFT JOIN qt_sectr x ON x.organization_id = s.id "
        f"WHERE {RURAL} GROUP BY s.id, p.train_secretary, sc.n",
    )
    roll = (
        "SELECT m.branch_id, COUNT(*) AS roll FROM members_member m JOIN qt_scope s ON s.id = m.branch_id "
        f"WHERE m.status IN {ON_ROLL} AND {RURAL} GROUP BY m.branch_id"
    )
    trained = (
        "SELECT m.branch_id, COUNT(DISTINCT m.id) AS trained FROM members_member m "
        f"JOIN qt_scope s ON s.id = m.branch_id {POLICY} "
        f"JOIN {members_through} ma ON ma.member_id = m.id JOIN members_training t ON t.id = ma.training_id "
        f"WHERE m.status IN {ON_ROLL} AND {RURAL} AND t.held_on <= {sql.date_literal(period.end)} "
        f"AND {sql.year_of('t.held_on')} > {period.year} - p.train_rotation_cycle_years GROUP BY m.branch_id"
    )
    share = sql.share("COALESCE(tr.trained, 0)", "r.roll")
    q.results(
        "train.rotation",
        f"SELECT s.id, p.train_rotation, {share}, CASE WHEN r.roll > 0 THEN {share} >= p.train_rotation END, "
        f"{sql.json_object(('roll', 'COALESCE(r.roll, 0)'), ('trained', 'COALESCE(tr.trained, 0)'))} "
        f"FROM qt_scope s {POLICY} LEFT JOIN ({roll}) r ON r.branch_id = s.id "
        f"LEFT JOIN ({trained}) tr ON tr.branch_id = s.id WHERE {RURAL}",
    )


def visits(q: Statements):
    period = q.period
    q.temp(
        "qt_cad",
        "SELECT c.id AS cadre_id, c.organization_id AS organization_id, COALESCE(c.member_id, -c.id) AS person, "
        "COALESCE(c.birth_date, m.birth_date) AS birth FROM members_cadre c "
        "JOIN qt_scope s ON s.id = c.organization_id LEFT JOIN members_member m ON m.id = c.member_id "
        f"WHERE c.post IN ({TWO_COMMITTEE_POSTS}) AND {period.serving('c')} AND {RURAL}",
        index="cadre_id",
    )
    q.temp(
        "qt_person",
        "SELECT organization_id, person, MIN(cadre_id) AS first_cadre, MIN(birth) AS birth FROM qt_cad "
        "GROUP BY organization_id, person",
        index="organization_id, person",
    )
    # A person's households count over every post they held at the branch this year, not only the current one.
    posts_of_persons = (
        "SELECT pp.organization_id, pp.person, c.id AS cadre_id FROM qt_person pp JOIN members_cadre c "
        "ON c.member_id = pp.person AND c.organization_id = pp.organization_id WHERE pp.person > 0 "
        "UNION ALL SELECT pp.organization_id, pp.person, -pp.person FROM qt_person pp WHERE pp.person < 0"
    )
    q.temp(
        "qt_hh",
        "SELECT d.organization_id, d.person, COUNT(*) AS households FROM (SELECT DISTINCT x.organization_id, "
        f"x.person, {sql.bytewise('v.household_key')} AS household_key FROM ({posts_of_persons}) x "
        "JOIN members_visitlog v ON v.cadre_id = x.cadre_id "
        f"WHERE {period.within_year('v.visited_on')}) d GROUP BY d.organization_id, d.person",
        index="organization_id, person",
    )
    reached = "COALESCE(SUM(CASE WHEN COALESCE(h.households, 0) >= p.visit_households THEN 1 ELSE 0 END), 0)"
    q.results(
        "visit.households",
        f"SELECT s.id, COUNT(pp.person), {reached}, CASE WHEN COUNT(pp.person) > 0 "
        f"THEN {reached} >= COUNT(pp.person) END, "
        f"{sql.json_object(('persons', 'COUNT(pp.person)'), ('below', f'COUNT(pp.person) - {reached}'))} "
        f"FROM qt_scope s {POLICY} LEFT JOIN qt_person pp ON pp.organization_id = s.id "
        "LEFT JOIN qt_hh h ON h.organization_id = pp.organization_id AND h.person = pp.person "
        f"WHERE {RURAL} GROUP BY s.id, p.visit_households",
    )
    young = f"COALESCE(SUM(CASE WHEN pp.birth IS NOT NULL AND {sql.age_at('pp.birth', sql.date_literal(period.ref))} <= 35 THEN 1 ELSE 0 END), 0)"
    q.results(
        "reserve.team_young",
        f"SELECT s.id, p.reserve_team_young, {_count_met(young, 'p.reserve_team_young')}, "
        f"{sql.json_object(('persons', 'COUNT(pp.person)'))} FROM qt_scope s {POLICY} "
        f"LEFT JOIN qt_person pp ON pp.organization_id = s.id WHERE {RURAL} GROUP BY s.id, p.reserve_team_young",
    )
    if period.is_current:
        days_in_year = 366 if calendar.isleap(period.year) else 365
        elapsed = (period.today - period.start).days + 1
        households = "COALESCE(h.households, 0)"
        q.alerts(
            "visit.pace",
            f"SELECT pp.organization_id, pp.first_cadre, {sql.json_object(('households', households))} "
            f"FROM qt_person pp JOIN qt_scope s ON s.id = pp.organization_id {POLICY} "
            "LEFT JOIN qt_hh h ON h.organization_id = pp.organization_id AND h.person = pp.person "
            f"WHERE {households} * {days_in_year} < p.visit_households * {elapsed}",
        )


def study(q: Statements):
    period = q.period
    sums = (
        "SELECT q.organization_id, SUM(sr.sessions) AS sessions, SUM(sr.note_characters) AS notes, "
        "SUM(sr.articles) AS articles FROM qt_sec q JOIN members_studyrecord sr ON sr.cadre_id = q.cadre_id "
        f"AND sr.year = {period.year} GROUP BY q.organization_id"
    )
    vacant = "NOT EXISTS (SELECT 1 FROM qt_sec q WHERE q.organization_id = s.id)"
    for code, column, target in (
        ("study.village.sessions", "sessions", "p.study_village_sessions"),
        ("study.village.notes", "notes", "p.study_village_notes"),
        ("study.village.articles", "articles", "p.study_village_articles"),
    ):
        actual = f"COALESCE(st.{column}, 0)"
        q.results(
            code,
            f"SELECT s.id, {target}, {actual}, CASE WHEN {vacant} THEN FALSE ELSE {actual} >= {target} END, "
            f"{sql.json_object(('vacant', sql.json_bool(vacant)))} FROM qt_scope s {POLICY} "
            f"LEFT JOIN ({sums}) st ON st.organization_id = s.id WHERE {RURAL}",
        )
    # Instructors serving at branches of each committee; their study counts over all their instructor posts.
    serving_instructors = (
        "SELECT DISTINCT an.ancestor_id AS committee_id, COALESCE(c.member_id, -c.id) AS person "
        "FROM members_cadre c JOIN qt_scope s ON s.id = c.organization_id JOIN qt_anc an ON an.org_id = c.organization_id "
        f"WHERE c.post = 'instructor' AND {period.serving('c')} AND {BRANCH}"
    )
    totals = (
        "SELECT pr.person, SUM(COALESCE(sr.note_characters, 0)) AS notes, SUM(COALESCE(sr.articles, 0)) AS articles "
        f"FROM (SELECT DISTINCT person FROM ({serving_instructors}) si) pr JOIN members_cadre c ON c.post = 'instructor' "
        "AND ((pr.person > 0 AND c.member_id = pr.person) OR (pr.person < 0 AND c.id = -pr.person)) "
        f"LEFT JOIN members_studyrecord sr ON sr.cadre_id = c.id AND sr.year = {period.year} GROUP BY pr.person"
    )
    q.temp(
        "qt_inst",
        f"SELECT si.committee_id, si.person, t.notes, t.articles FROM ({serving_instructors}) si "
        f"JOIN ({totals}) t ON t.person = si.person",
        index="committee_id",
    )
    for code, column, target in (
        ("study.township.notes", "notes", "p.study_township_notes"),
        ("study.township.articles", "articles", "p.study_township_articles"),
    ):
        reached = f"COALESCE(SUM(CASE WHEN x.{column} >= {target} THEN 1 ELSE 0 END), 0)"
        q.results(
            code,
            f"SELECT s.id, COUNT(x.person), {reached}, CASE WHEN COUNT(x.person) > 0 "
            f"THEN {reached} >= COUNT(x.person) END, {sql.json_object(('persons', 'COUNT(x.person)'))} "
            f"FROM qt_scope s {POLICY} LEFT JOIN qt_inst x ON x.committee_id = s.id "
            f"WHERE {COMMITTEE} GROUP BY s.id, {target}",
        )


def meetings(q: Statements):
    period = q.period
    q.temp(
        "qt_meet",
        "SELECT mt.organization_id AS organization_id, mt.kind AS kind, COUNT(*) AS n FROM members_meeting mt "
        f"JOIN qt_scope s ON s.id = mt.organization_id WHERE {period.within_year('mt.held_on')} AND {BRANCH} "
        "GROUP BY mt.organization_id, mt.kind",
        index="organization_id",
    )
    # One statement for the seven kinds: each branch crossed with the kinds, the target picked per kind.
    kinds = " UNION ALL ".join(f"SELECT '{kind}' AS kind" for kind in MEETING_KINDS)
    target = "CASE k.kind " + " ".join(f"WHEN '{kind}' THEN p.meet_{kind}" for kind in MEETING_KINDS) + " END"
    q.results(
        None,
        f"SELECT 'meet.' || k.kind, s.id, {target}, {_count_met('COALESCE(m.n, 0)', target)}, "
        f"{sql.json_object(('kind', 'k.kind'))} FROM qt_scope s {POLICY} CROSS JOIN ({kinds}) k "
        f"LEFT JOIN qt_meet m ON m.organization_id = s.id AND m.kind = k.kind WHERE {BRANCH}",
    )


def reviews(q: Statements):
    period = q.period
    q.temp(
        "qt_rev",
        "SELECT rr.organization_id AS organization_id, rr.kind AS kind, COUNT(*) AS n FROM branches_reviewrecord rr "
        f"JOIN qt_scope s ON s.id = rr.organization_id WHERE {period.within_year('rr.held_on')} AND {RURAL} "
        "GROUP BY rr.organization_id, rr.kind",
        index="organization_id",
    )
    disclosures = (
        "SELECT organization_id, COUNT(*) AS n FROM branches_financialdisclosure "
        f"WHERE year = {period.year} GROUP BY organization_id"
    )
    for code, kinds, target in (
        ("review.committee_reports", "('committee_report')", "p.review_committee_reports"),
        ("review.branch_reports", "('branch_report')", "p.review_branch_reports"),
        ("review.democratic", "('member_review', 'representative_review')", "p.review_democratic"),
    ):
        counts = (
            f"SELECT organization_id, SUM(n) AS n FROM qt_rev WHERE kind IN {kinds} GROUP BY organization_id"
        )
        q.results(
            code,
            f"SELECT s.id, {target}, {_count_met('COALESCE(r.n, 0)', target)}, "
            f"{sql.json_object(('records', 'COALESCE(r.n, 0)'))} FROM qt_scope s {POLICY} "
            f"LEFT JOIN ({counts}) r ON r.organization_id = s.id WHERE {RURAL}",
        )
    q.results(
        "review.disclosures",
        f"SELECT s.id, p.review_disclosures, {_count_met('COALESCE(d.n, 0)', 'p.review_disclosures')}, "
        f"{sql.json_object(('disclosures', 'COALESCE(d.n, 0)'))} FROM qt_scope s {POLICY} "
        f"LEFT JOIN ({disclosures}) d ON d.organization_id = s.id WHERE {RURAL}",
    )


def rooms_reserves_contacts(q: Statements):
    period = q.period
    ref = sql.date_literal(period.ref)
    q.results(
        "room.standardized",
        f"SELECT s.id, rt.target, {_count_met('COUNT(r.id)', 'rt.target')}, "
        f"{sql.json_object(('rooms', 'COUNT(r.id)'))} FROM qt_scope s "
        f"JOIN branches_standardizedroomtarget rt ON rt.organization_id = s.id AND rt.year = {period.year} "
        "LEFT JOIN qt_anc an ON an.ancestor_id = s.id LEFT JOIN branches_activityroom r "
        f"ON r.organization_id = an.org_id AND r.is_standardized AND r.standardized_on <= {sql.date_literal(period.end)} "
        f"WHERE {COMMITTEE} GROUP BY s.id, rt.target",
    )
    q.results(
        "reserve.young",
        f"SELECT s.id, p.reserve_young, {_count_met('COUNT(rc.id)', 'p.reserve_young')}, "
        f"{sql.json_object(('young', 'COUNT(rc.id)'))} FROM qt_scope s {POLICY} "
        "LEFT JOIN members_reservecadre rc ON rc.organization_id = s.id AND rc.status = 'in_roster' "
        f"AND rc.entered_on <= {ref} AND {sql.age_at('rc.birth_date', ref)} <= 35 "
        f"WHERE {RURAL} GROUP BY s.id, p.reserve_young",
    )
    complete = (
        "COALESCE(SUM(CASE WHEN cp.lecture_on IS NOT NULL AND cp.check_on IS NOT NULL "
        "AND cp.activity_on IS NOT NULL AND cp.days_spent >= p.contact_days THEN 1 ELSE 0 END), 0)"
    )
    q.results(
        "contact.visit",
        f"SELECT s.id, COUNT(cp.id), {_count_met(complete, 'COUNT(cp.id)')}, "
        f"{sql.json_object(('points', 'COUNT(cp.id)'))} FROM qt_scope s {POLICY} "
        f"JOIN members_contactpoint cp ON cp.organization_id = s.id AND cp.year = {period.year} "
        f"WHERE {RURAL} GROUP BY s.id, p.contact_days",
    )


def rollups_and_alerts(q: Statements):
    period = q.period
    run = period.run_id
    met = "SUM(CASE WHEN r.met THEN 1 ELSE 0 END)"
    q.results(
        None,
        f"SELECT 'rollup.' || r.code, an.ancestor_id, COUNT(*), {met}, {met} = COUNT(*), "
        f"{sql.json_object(('share', sql.share(met, 'COUNT(*)')))} FROM assessments_quotaresult r "
        "JOIN qt_scope b ON b.id = r.organization_id JOIN qt_anc an ON an.org_id = r.organization_id "
        "JOIN qt_scope s ON s.id = an.ancestor_id "
        f"WHERE r.run_id = %s AND r.met IS NOT NULL AND b.kind IN ('branch', 'joint_branch', 'general_branch') "
        f"AND {COMMITTEE_OR_COUNTY} GROUP BY an.ancestor_id, r.code",
        (run,),
    )
    empty = sql.json_object()
    for kind, code, extra in (
        ("dev.two_years_none", "dev.two_years_none", ""),
        ("reserve.young", "reserve.young", ""),
        (
            "train.secretary",
            "train.secretary",
            "AND EXISTS (SELECT 1 FROM qt_sec q WHERE q.organization_id = r.organization_id)",
        ),
    ):
        q.alerts(
            kind,
            f"SELECT r.organization_id, CAST(NULL AS bigint), {empty} FROM assessments_quotaresult r "
            f"WHERE r.run_id = %s AND r.code = '{code}' AND r.met = FALSE {extra}",
            (run,),
        )
    quarters = period.completed_quarters
    expected = "r.target" if not period.is_current else sql.floor(f"r.target * {quarters} / 4")
    q.alerts(
        "train.per_level",
        f"SELECT r.organization_id, CAST(NULL AS bigint), {sql.json_object(('expected', expected))} "
        f"FROM assessments_quotaresult r WHERE r.run_id = %s AND r.code = 'train.per_level' AND r.actual < {expected}",
        (run,),
    )
    if period.is_current and quarters:
        q.alerts(
            "meet.overdue",
            f"SELECT r.organization_id, CAST(NULL AS bigint), {sql.json_object(('kinds', sql.json_array_agg('r.code')))} "
            f"FROM assessments_quotaresult r WHERE r.run_id = %s AND r.code LIKE 'meet.%%' "
            f"AND r.actual < {sql.floor(f'r.target * {quarters} / 4')} GROUP BY r.organization_id",
            (run,),
        )


STAGES = (
    ("admissions", admissions),
    ("trainings", trainings),
    ("visits", visits),
    ("study", study),
    ("meetings", meetings),
    ("reviews", reviews),
    ("rooms, reserves and contact points", rooms_reserves_contacts),
    ("roll-ups and alerts", rollups_and_alerts),
)


# --- orchestration ------------------------------------------------------------------------------------------


def scope_prefix(run: QuotaRun) -> str:
    return run.organization.path if run.organization_id else "/"


def ensure_policies(*, prefix: str, year: int) -> int:
    """Every county of the scope gets the year's policy (the defaults when the county set none).

    Returns the longest "no admission for n years" window among them, which bounds the admissions read.
    """
    root_ids = (
        {int(prefix.strip("/").split("/")[0])}
        if prefix != "/"
        else set(Organization.objects.filter(parent__isnull=True).values_list("pk", flat=True))
    )
    existing = set(
        QuotaPolicy.objects.filter(year=year, county_id__in=root_ids).values_list("county_id", flat=True)
    )
    bulk_create_with_history(
        [QuotaPolicy(county_id=county_id, year=year) for county_id in sorted(root_ids - existing)],
        QuotaPolicy,
    )
    windows = QuotaPolicy.objects.filter(year=year, county_id__in=root_ids).values_list(
        "dev_two_years_none", flat=True
    )
    return max(windows, default=2)


def _drop_temp_tables(cursor):
    for name in TEMP_TABLES:
        cursor.execute(f"DROP TABLE IF EXISTS {name}")


def _progress(run: QuotaRun, done: int, total: int, stage: str):
    QuotaRun.objects.filter(pk=run.pk).update(
        progress=min(99, round(100 * done / total)), stage=stage[:60], heartbeat_at=timezone.now()
    )


def compute(run: QuotaRun, *, today: dt.date | None = None, on_stage=None) -> dict:
    """Write every result and alert of ``run``; returns the counts. Does not publish."""
    period = Period(run_id=run.pk, year=run.year, today=today or timezone.localdate())
    prefix = scope_prefix(run)
    longest_window = ensure_policies(prefix=prefix, year=run.year)
    report = on_stage or (lambda done, total, stage: _progress(run, done, total, stage))
    with connection.cursor() as cursor:
        _drop_temp_tables(cursor)
        statements = Statements(cursor, period)
        scope_tables(statements, prefix=prefix)
        total = len(STAGES) + 1
        for done, (label, stage) in enumerate(STAGES, start=1):
            if stage is admissions:
                stage(statements, first_year=run.year - longest_window + 1)
            else:
                stage(statements)
            report(done, total, label)
        cursor.execute("SELECT COUNT(*) FROM qt_scope")
        organizations = cursor.fetchone()[0]
        _drop_temp_tables(cursor)
    return {
        "organizations": organizations,
        "results": QuotaResult.objects.filter(run=run).count(),
        "alerts": Alert.objects.filter(run=run).count(),
    }


def publish(run: QuotaRun) -> None:
    """Point every organization of the scope at this run, in one transaction."""
    prefix = scope_prefix(run)
    in_scope = Organization.objects.filter(path__startswith=prefix).values("pk")
    with transaction.atomic():
        QuotaPublication.objects.filter(year=run.year, organization__in=in_scope).delete()
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO assessments_quotapublication (organization_id, year, run_id) "
                "SELECT o.id, %s, %s FROM branches_organization o WHERE o.path LIKE %s",
                (run.year, run.pk, prefix + "%"),
            )
    if sql.is_postgres():
        with connection.cursor() as cursor:
            # Readers join results to publications; fresh statistics keep their plans sane after a big run.
            cursor.execute("ANALYZE assessments_quotaresult, assessments_quotapublication")


def collect_garbage(*, year: int) -> int:
    """Results and alerts of finished runs no organization points at any more are of no use to anyone."""
    finished = (RunState.SUCCEEDED, RunState.FAILED)
    stale = QuotaRun.objects.filter(year=year, state__in=finished, publications__isnull=True).values("pk")
    deleted, _ = QuotaResult.objects.filter(run__in=stale).delete()
    Alert.objects.filter(run__in=stale).delete()
    return deleted


def run_quota(run: QuotaRun, *, today: dt.date | None = None) -> None:
    """Compute and publish ``run`` (the service around it handles states, locking and failures)."""
    run.counts = compute(run, today=today)
    publish(run)
