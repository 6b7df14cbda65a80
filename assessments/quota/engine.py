"""The annual quota engine: every indicator of docs/quotas.md for every organization of a scope, set-based.

Each stage is a fixed handful of SQL statements over the run's work tables: the number of queries does not
depend on the number of organizations, and no row of the records ever travels to Python. The whole run is one
transaction: its work tables (UNLOGGED on PostgreSQL, so that statements over them get parallel plans;
temporary on SQLite) are created, used and dropped inside it, the stages gather every result in one of them,
``qt_res``, and a single ordered INSERT copies it into the results table at the end. ``publish`` then points
every organization of the scope at this run, so readers see the previous run's set or this one's, never a
mix; a failure rolls everything back, work tables included.
"""

import calendar
import contextlib
import datetime as dt
import logging
import re
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from branches.models import (
    BRANCH_KINDS,
    COMMITTEE_KINDS,
    COMMITTEE_OR_COUNTY_KINDS,
    DEMOCRATIC_REVIEW_KINDS,
    RURAL_FIELDS,
    Organization,
)
from members.models import ON_ROLL as ROLL_STATUSES
from members.models import Training
from members.models.cadres import TWO_COMMITTEE_POSTS as TWO_COMMITTEE_POST_SET

from ..indicators import MEETING_KINDS
from ..models import Alert, QuotaPolicy, QuotaPublication, QuotaResult, QuotaRun, RunState
from . import sql

logger = logging.getLogger(__name__)

BRANCH = f"s.kind IN {sql.in_list(BRANCH_KINDS)}"
RURAL = f"{BRANCH} AND s.field IN {sql.in_list(RURAL_FIELDS)}"
COMMITTEE = f"s.kind IN {sql.in_list(COMMITTEE_KINDS)}"
COMMITTEE_OR_COUNTY = f"s.kind IN {sql.in_list(COMMITTEE_OR_COUNTY_KINDS)}"
ON_ROLL = sql.in_list(ROLL_STATUSES)
EDUCATED = "('senior_high', 'junior_college', 'bachelor', 'postgraduate')"
TWO_COMMITTEE_POSTS = sql.in_list(TWO_COMMITTEE_POST_SET)
POLICY = "JOIN qt_policy p ON p.county_id = s.county_id"
RESULT_COLUMNS = "(run_id, year, code, organization_id, target, actual, met, detail)"
ALERT_COLUMNS = "(run_id, year, kind, organization_id, cadre_id, detail)"
WORK_TABLE = re.compile(r"\bqt_(?=[a-z])")


@dataclass(frozen=True)
class Period:
    run_id: int
    year: int
    today: dt.date
    admissions_from: int | None = None  # first year of the longest "no admission for n years" window
    trainings_from: int | None = None  # first year of the longest training rotation cycle

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
    """Runs the statements of one run on one connection.

    The statements name the run's work tables ``qt_<name>``; each run gets its own names (``qt<run id>_<name>``),
    so runs of different scopes can work side by side: their tables are real tables on PostgreSQL.
    """

    def __init__(self, cursor, period: Period):
        self.cursor = cursor
        self.period = period
        self.prefix = f"qt{period.run_id}_"
        self.tables: list[str] = []
        self.alert_count = 0

    def execute(self, statement: str, params=()):
        self.cursor.execute(WORK_TABLE.sub(self.prefix, statement), params)
        return self.cursor.rowcount

    def temp(self, name: str, select: str, params=(), index: str | None = None, analyze: bool = True):
        """A work table from ``select``: a CREATE … AS, which PostgreSQL may run with parallel workers.

        ``analyze=False`` for a table only ever read whole (the planner needs no statistics for it).
        """
        self.execute(f"{sql.create_work_table(name)} AS {select}", params)
        self._created(name, index, analyze)

    def table(self, name: str, columns: str):
        """An empty work table, filled by later statements."""
        self.execute(f"{sql.create_work_table(name)} ({columns})")
        self.tables.append(WORK_TABLE.sub(self.prefix, name))

    def _created(self, name: str, index: str | None, analyze: bool):
        self.tables.append(WORK_TABLE.sub(self.prefix, name))
        if index and not sql.is_postgres():
            # SQLite joins by nested loops over indexes; PostgreSQL hashes these joins whole (after ANALYZE).
            self.execute(f"CREATE INDEX {name}_idx ON {name} ({index})")
        if analyze and sql.is_postgres():
            # Nothing analyzes a table in the middle of a transaction: without statistics the planner guesses.
            self.execute(f"ANALYZE {name}")

    def results(self, code: str | None, select: str, params=()):
        """``select`` yields organization_id, target, actual, met, detail (and code first when ``code`` is None).

        Into the run's ``qt_res``: the results table itself is written once, at the end (``write_results``).
        """
        head = "%s, t.*" if code is not None else "t.*"
        self.execute(
            "INSERT INTO qt_res (code, organization_id, target, actual, met, detail) "
            f"SELECT {head} FROM ({select}) t",
            (code, *params) if code is not None else params,
        )

    def alerts(self, kind: str | None, select: str, params=()):
        """``select`` yields organization_id, cadre_id, detail (and kind first when ``kind`` is None).

        Straight into the alerts table, in the order of its organization index.
        """
        head = "%s, %s, %s, t.*" if kind is not None else "%s, %s, t.*"
        lead = (self.period.run_id, self.period.year) + ((kind,) if kind is not None else ())
        self.alert_count += self.execute(
            f"INSERT INTO assessments_alert {ALERT_COLUMNS} SELECT {head} FROM ({select}) t "
            "ORDER BY t.organization_id",
            (*lead, *params),
        )

    def drop_all(self):
        """Drop the run's work tables (a rollback drops them too: they are created inside the transaction)."""
        names = list(reversed(self.tables))
        if sql.is_postgres() and names:
            self.cursor.execute("DROP TABLE IF EXISTS " + ", ".join(names))
        else:
            for name in names:
                self.cursor.execute(f"DROP TABLE IF EXISTS {name}")
        self.tables = []


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
    # Every organization with itself and its ancestors taking part.
    q.temp(
        "qt_anc",
        "WITH RECURSIVE anc(org_id, ancestor_id) AS (SELECT id, id FROM qt_scope UNION ALL "
        "SELECT anc.org_id, o.parent_id FROM anc JOIN branches_organization o ON o.id = anc.ancestor_id "
        "WHERE o.parent_id IS NOT NULL) SELECT org_id, ancestor_id FROM anc "
        "WHERE ancestor_id IN (SELECT id FROM qt_scope)",
        index="ancestor_id",
    )
    # Each branch with the committees and counties above it: admission shares, instructors and roll-ups.
    q.temp(
        "qt_up",
        "SELECT an.org_id AS branch_id, an.ancestor_id AS ancestor_id, s.kind AS ancestor_kind FROM qt_anc an "
        "JOIN qt_scope b ON b.id = an.org_id JOIN qt_scope s ON s.id = an.ancestor_id "
        f"WHERE b.kind IN {sql.in_list(BRANCH_KINDS)} AND {COMMITTEE_OR_COUNTY}",
    )
    q.table(
        "qt_res",
        "organization_id bigint NOT NULL, code varchar(48) NOT NULL, target numeric(12, 2), "
        f"actual numeric(12, 2), met boolean, detail {sql.json_type()} NOT NULL",
    )


def admissions(q: Statements):
    period = q.period
    year = period.year
    first_transfer = sql.first_per_group(
        columns="e.member_id AS member_id, e.from_branch_id AS from_branch_id",
        source="FROM members_memberevent e WHERE e.kind = 'transfer'",
        partition="e.member_id",
        order="e.occurred_on, e.id",
    )
    # Admissions by credited branch and year of joining, with the counts the indicators need.
    q.temp(
        "qt_adm",
        f"SELECT a.branch_id, a.joined_year, COUNT(*) AS n, "
        "SUM(CASE WHEN a.age_joined < 25 THEN 1 ELSE 0 END) AS under_25, "
        "SUM(CASE WHEN a.age_joined < 35 THEN 1 ELSE 0 END) AS under_35, SUM(a.educated) AS educated FROM ("
        f"SELECT COALESCE(f.from_branch_id, m.branch_id) AS branch_id, {sql.year_of('m.joined_on')} AS joined_year, "
        f"{sql.age_at('m.birth_date', 'm.joined_on')} AS age_joined, "
        f"CASE WHEN m.education IN {EDUCATED} THEN 1 ELSE 0 END AS educated "
        f"FROM members_member m LEFT JOIN ({first_transfer}) f ON f.member_id = m.id "
        f"WHERE m.joined_on BETWEEN {sql.date_literal(dt.date(period.admissions_from or year, 1, 1))} "
        f"AND {sql.date_literal(period.end)}) a GROUP BY a.branch_id, a.joined_year",
        index="branch_id",
    )
    this_year = "COALESCE(SUM(a.n), 0)"
    q.results(
        "dev.branch_min",
        f"SELECT s.id, p.dev_branch_min, {_count_met(this_year, 'p.dev_branch_min')}, "
        f"{sql.json_object(('admissions', this_year))} FROM qt_scope s {POLICY} "
        f"LEFT JOIN qt_adm a ON a.branch_id = s.id AND a.joined_year = {year} WHERE {RURAL} "
        "GROUP BY s.id, p.dev_branch_min",
    )
    q.results(
        "dev.two_years_none",
        f"SELECT s.id, 1, {_count_met(this_year, '1')}, "
        f"{sql.json_object(('admissions', this_year), ('years', 'p.dev_two_years_none'))} "
        f"FROM qt_scope s {POLICY} LEFT JOIN qt_adm a ON a.branch_id = s.id "
        f"AND a.joined_year > {year} - p.dev_two_years_none AND a.joined_year <= {year} WHERE {RURAL} "
        "GROUP BY s.id, p.dev_two_years_none",
    )
    under_25 = "COALESCE(SUM(a.under_25), 0)"
    q.results(
        "dev.under_25",
        f"SELECT s.id, p.dev_under_25, {_count_met(under_25, 'p.dev_under_25')}, "
        f"{sql.json_object(('advisory', sql.json_bool('1 = 1')))} FROM qt_scope s {POLICY} "
        f"LEFT JOIN qt_adm a ON a.branch_id = s.id AND a.joined_year = {year} "
        f"WHERE {RURAL} GROUP BY s.id, p.dev_under_25",
    )
    admitted = "COALESCE(SUM(a.n), 0)"
    for code, column, target in (
        ("dev.young_share", "under_35", "p.dev_young_share"),
        ("dev.educated_share", "educated", "p.dev_educated_share"),
    ):
        share = sql.share(f"SUM(a.{column})", admitted)
        q.results(
            code,
            f"SELECT s.id, {target}, {share}, CASE WHEN {admitted} > 0 THEN {share} >= {target} END, "
            f"{sql.json_object(('admissions', admitted))} FROM qt_scope s {POLICY} "
            f"LEFT JOIN qt_up u ON u.ancestor_id = s.id "
            f"LEFT JOIN qt_adm a ON a.branch_id = u.branch_id AND a.joined_year = {year} "
            f"WHERE {COMMITTEE_OR_COUNTY} GROUP BY s.id, {target}",
        )


def trainings(q: Statements):
    period = q.period
    members_through = Training.member_attendees.through._meta.db_table
    cadres_through = Training.cadre_attendees.through._meta.db_table
    q.temp(
        "qt_organized",
        "SELECT t.organizer_id AS organization_id, COUNT(*) AS n FROM members_training t "
        f"WHERE {period.within_year('t.held_on')} GROUP BY t.organizer_id",
        index="organization_id",
    )
    organized = "COALESCE(t.n, 0)"
    q.results(
        "train.per_level",
        f"SELECT s.id, p.train_per_level, {_count_met(organized, 'p.train_per_level')}, "
        f"{sql.json_object(('trainings', organized))} FROM qt_scope s {POLICY} "
        "LEFT JOIN qt_organized t ON t.organization_id = s.id "
        f"WHERE ({RURAL}) OR {COMMITTEE_OR_COUNTY}",
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
        "SELECT x.organization_id AS organization_id, COUNT(DISTINCT x.training_id) AS n FROM ("
        f"SELECT q.organization_id, ca.training_id FROM qt_sec q JOIN {cadres_through} ca ON ca.cadre_id = q.cadre_id "
        f"UNION ALL SELECT q.organization_id, ma.training_id FROM qt_sec q "
        f"JOIN {members_through} ma ON ma.member_id = q.member_id) x "
        "JOIN members_training t ON t.id = x.training_id "
        f"WHERE t.level IN ('county', 'township') AND {period.within_year('t.held_on')} GROUP BY x.organization_id",
    )
    vacant = "NOT EXISTS (SELECT 1 FROM qt_sec q WHERE q.organization_id = s.id)"
    attended = "COALESCE(x.n, 0)"
    q.results(
        "train.secretary",
        f"SELECT s.id, p.train_secretary, {attended}, "
        f"CASE WHEN {vacant} THEN FALSE ELSE {attended} >= p.train_secretary END, "
        f"{sql.json_object(('vacant', sql.json_bool(vacant)))} FROM qt_scope s {POLICY} "
        f"LEFT JOIN qt_sectr x ON x.organization_id = s.id WHERE {RURAL}",
    )
    # Each member's last training up to 31 December: trained in a cycle iff that one falls in it.
    q.temp(
        "qt_last",
        f"SELECT ma.member_id AS member_id, MAX(t.held_on) AS held_on FROM {members_through} ma "
        "JOIN members_training t ON t.id = ma.training_id "
        f"WHERE t.held_on BETWEEN {sql.date_literal(dt.date(period.trainings_from or period.year, 1, 1))} "
        f"AND {sql.date_literal(period.end)} GROUP BY ma.member_id",
        index="member_id",
    )
    q.temp(
        "qt_roll",
        "SELECT m.branch_id AS branch_id, COUNT(*) AS roll, SUM(CASE WHEN l.held_on IS NOT NULL "
        f"AND {sql.year_of('l.held_on')} > {period.year} - p.train_rotation_cycle_years THEN 1 ELSE 0 END) "
        f"AS trained FROM members_member m JOIN qt_scope s ON s.id = m.branch_id {POLICY} "
        f"LEFT JOIN qt_last l ON l.member_id = m.id WHERE m.status IN {ON_ROLL} AND {RURAL} GROUP BY m.branch_id",
    )
    share = sql.share("r.trained", "r.roll")
    q.results(
        "train.rotation",
        f"SELECT s.id, p.train_rotation, {share}, CASE WHEN r.roll > 0 THEN {share} >= p.train_rotation END, "
        f"{sql.json_object(('roll', 'COALESCE(r.roll, 0)'), ('trained', 'COALESCE(r.trained, 0)'))} "
        f"FROM qt_scope s {POLICY} LEFT JOIN qt_roll r ON r.branch_id = s.id WHERE {RURAL}",
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
    # A person's households count over every post they held at the branch this year, not only the current one.
    # A table of its own: with its row count known, the planner joins it to a year of visit logs by hash.
    q.temp(
        "qt_posts",
        "SELECT pp.organization_id, pp.person, c.id AS cadre_id FROM qt_person pp JOIN members_cadre c "
        "ON c.member_id = pp.person AND c.organization_id = pp.organization_id WHERE pp.person > 0 "
        "UNION ALL SELECT pp.organization_id, pp.person, -pp.person FROM qt_person pp WHERE pp.person < 0",
    )
    q.temp(
        "qt_hh",
        "SELECT d.organization_id, d.person, COUNT(*) AS households FROM (SELECT x.organization_id, "
        f"x.person, {sql.bytewise('v.household_key')} AS household_key FROM qt_posts x "
        f"JOIN members_visitlog v ON v.cadre_id = x.cadre_id WHERE {period.within_year('v.visited_on')} "
        f"GROUP BY x.organization_id, x.person, {sql.bytewise('v.household_key')}) d "
        "GROUP BY d.organization_id, d.person",
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
        "LEFT JOIN qt_hh h ON h.organization_id = pp.organization_id AND h.person = pp.person "
        f"WHERE {RURAL} GROUP BY s.id",
    )
    q.results(
        "visit.households",
        "SELECT t.organization_id, t.persons, t.reached, CASE WHEN t.persons > 0 THEN t.reached >= t.persons END, "
        f"{sql.json_object(('persons', 't.persons'), ('below', 't.persons - t.reached'))} FROM qt_team t",
    )
    q.results(
        "reserve.team_young",
        f"SELECT s.id, p.reserve_team_young, {_count_met('t.young', 'p.reserve_team_young')}, "
        f"{sql.json_object(('persons', 't.persons'))} FROM qt_team t JOIN qt_scope s ON s.id = t.organization_id "
        f"{POLICY}",
    )


def study(q: Statements):
    period = q.period
    # The serving secretaries' study of the year, by branch (no row: no serving secretary).
    q.temp(
        "qt_study",
        "SELECT q.organization_id, COALESCE(SUM(sr.sessions), 0) AS sessions, "
        "COALESCE(SUM(sr.note_characters), 0) AS notes, COALESCE(SUM(sr.articles), 0) AS articles "
        "FROM qt_sec q LEFT JOIN members_studyrecord sr ON sr.cadre_id = q.cadre_id "
        f"AND sr.year = {period.year} GROUP BY q.organization_id",
    )
    vacant = "st.organization_id IS NULL"
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
            f"LEFT JOIN qt_study st ON st.organization_id = s.id WHERE {RURAL}",
        )
    # Instructors serving at branches under each committee; a person's study counts over all their instructor
    # posts, wherever and whenever held (a person: the member, or the post itself when it has none).
    serving_instructors = (
        "SELECT DISTINCT u.ancestor_id AS committee_id, COALESCE(c.member_id, -c.id) AS person "
        "FROM members_cadre c JOIN qt_up u ON u.branch_id = c.organization_id "
        f"AND u.ancestor_kind IN {sql.in_list(COMMITTEE_KINDS)} "
        f"WHERE c.post = 'instructor' AND {period.serving('c')}"
    )
    totals = (
        "SELECT COALESCE(c.member_id, -c.id) AS person, SUM(sr.note_characters) AS notes, "
        "SUM(sr.articles) AS articles FROM members_cadre c JOIN members_studyrecord sr ON sr.cadre_id = c.id "
        f"AND sr.year = {period.year} WHERE c.post = 'instructor' GROUP BY COALESCE(c.member_id, -c.id)"
    )
    q.temp(
        "qt_inst",
        "SELECT si.committee_id, si.person, COALESCE(t.notes, 0) AS notes, COALESCE(t.articles, 0) AS articles "
        f"FROM ({serving_instructors}) si LEFT JOIN ({totals}) t ON t.person = si.person",
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
        f"WHERE {period.within_year('mt.held_on')} GROUP BY mt.organization_id, mt.kind",
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
        "SELECT rr.organization_id AS organization_id, "
        "SUM(CASE WHEN rr.kind = 'committee_report' THEN 1 ELSE 0 END) AS committee_reports, "
        "SUM(CASE WHEN rr.kind = 'branch_report' THEN 1 ELSE 0 END) AS branch_reports, "
        f"SUM(CASE WHEN rr.kind IN {sql.in_list(DEMOCRATIC_REVIEW_KINDS)} THEN 1 ELSE 0 END) AS democratic "
        f"FROM branches_reviewrecord rr WHERE {period.within_year('rr.held_on')} GROUP BY rr.organization_id",
        index="organization_id",
    )
    for code, column, target in (
        ("review.committee_reports", "committee_reports", "p.review_committee_reports"),
        ("review.branch_reports", "branch_reports", "p.review_branch_reports"),
        ("review.democratic", "democratic", "p.review_democratic"),
    ):
        records = f"COALESCE(r.{column}, 0)"
        q.results(
            code,
            f"SELECT s.id, {target}, {_count_met(records, target)}, "
            f"{sql.json_object(('records', records))} FROM qt_scope s {POLICY} "
            f"LEFT JOIN qt_rev r ON r.organization_id = s.id WHERE {RURAL}",
        )
    disclosures = (
        "SELECT organization_id, COUNT(*) AS n FROM branches_financialdisclosure "
        f"WHERE year = {period.year} GROUP BY organization_id"
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
    young = (
        "SELECT rc.organization_id, COUNT(*) AS n FROM members_reservecadre rc WHERE rc.status = 'in_roster' "
        f"AND rc.entered_on <= {ref} AND {sql.age_at('rc.birth_date', ref)} <= 35 GROUP BY rc.organization_id"
    )
    reserves = "COALESCE(y.n, 0)"
    q.results(
        "reserve.young",
        f"SELECT s.id, p.reserve_young, {_count_met(reserves, 'p.reserve_young')}, "
        f"{sql.json_object(('young', reserves))} FROM qt_scope s {POLICY} "
        f"LEFT JOIN ({young}) y ON y.organization_id = s.id WHERE {RURAL}",
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
    met = "SUM(CASE WHEN r.met THEN 1 ELSE 0 END)"
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
    empty = sql.json_object()
    quarters = period.completed_quarters
    expected = "r.target" if not period.is_current else sql.floor(f"r.target * {quarters} / 4")
    # One pass over the results for the alerts one result raises (train.secretary: only with a secretary).
    alerts = [
        "SELECT r.code, r.organization_id, CAST(NULL AS bigint), CASE WHEN r.code = 'train.per_level' "
        f"THEN {sql.json_object(('expected', expected))} ELSE {empty} END FROM qt_res r "
        "WHERE (r.code IN ('dev.two_years_none', 'reserve.young') AND r.met = FALSE) "
        f"OR (r.code = 'train.per_level' AND r.actual < {expected}) "
        "OR (r.code = 'train.secretary' AND r.met = FALSE "
        "AND EXISTS (SELECT 1 FROM qt_sec q WHERE q.organization_id = r.organization_id))",
    ]
    if period.is_current and quarters:
        alerts.append(
            f"SELECT 'meet.overdue', r.organization_id, CAST(NULL AS bigint), "
            f"{sql.json_object(('kinds', sql.json_array_agg('r.code')))} FROM qt_res r "
            f"WHERE r.code LIKE 'meet.%%' AND r.actual < {sql.floor(f'r.target * {quarters} / 4')} "
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
            "LEFT JOIN qt_hh h ON h.organization_id = pp.organization_id AND h.person = pp.person "
            f"WHERE {households} * {days_in_year} < p.visit_households * {elapsed}"
        )
    q.alerts(None, " UNION ALL ".join(alerts))  # every alert in one INSERT


def write_results(q: Statements) -> int:
    """The run's results into the results table: one INSERT, in the order of its indexes."""
    return q.execute(
        f"INSERT INTO assessments_quotaresult {RESULT_COLUMNS} SELECT %s, %s, r.code, r.organization_id, "
        "r.target, r.actual, r.met, r.detail FROM qt_res r ORDER BY r.organization_id, r.code",
        (q.period.run_id, q.period.year),
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


@dataclass(frozen=True)
class Windows:
    """The longest look-backs among the scope's policies: they bound the records a run reads."""

    admissions: int  # "no admission for n years"
    trainings: int  # the training rotation cycle, in years


def ensure_policies(*, prefix: str, year: int) -> Windows:
    """Every county of the scope gets the year's policy (the defaults when the county set none)."""
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
    windows = list(
        QuotaPolicy.objects.filter(year=year, county_id__in=root_ids).values_list(
            "dev_two_years_none", "train_rotation_cycle_years"
        )
    )
    return Windows(
        admissions=max((w[0] for w in windows), default=2), trainings=max((w[1] for w in windows), default=1)
    )


class Progress:
    """The run's progress, stage and heartbeat, for the API and the stale-run sweep, during the run.

    The run is one transaction, whose writes nobody sees before it commits: on PostgreSQL the progress goes
    through a second connection of its own, in autocommit, opened for the run and closed after it. That
    connection must never wait on the run's own transaction (which would wait for it in turn): it skips the
    run's row when a transaction holds it, and gives up on a lock it cannot get at once (the run's transaction
    may hold the whole table, e.g. inside a test that truncated it) — then it reports no more. A failure to
    report never fails the run. On SQLite (one writer) the progress is written on the run's connection and
    shows once the run commits.
    """

    SETUP = "SET lock_timeout = '100ms'; SET statement_timeout = '5s'"
    UPDATE = (
        "UPDATE assessments_quotarun SET progress = %s, stage = %s, heartbeat_at = now() WHERE id = "
        "(SELECT id FROM assessments_quotarun WHERE id = %s FOR NO KEY UPDATE SKIP LOCKED)"
    )

    def __init__(self, run: QuotaRun):
        self.run_id = run.pk
        self.side = None
        self.side_failed = False

    def __call__(self, done: int, total: int, stage: str):
        progress, stage = min(99, round(100 * done / total)), stage[:60]
        if sql.is_postgres() and connection.in_atomic_block:
            if not self.side_failed:
                try:
                    if self.side is None:
                        self.side = connection.get_new_connection(connection.get_connection_params())
                        self.side.autocommit = True
                        with self.side.cursor() as cursor:
                            cursor.execute(self.SETUP)
                    with self.side.cursor() as cursor:
                        cursor.execute(self.UPDATE, (progress, stage, self.run_id))
                except Exception:  # progress is a courtesy: the run goes on without it
                    logger.warning("quota run %s: progress not reported", self.run_id, exc_info=True)
                    self.side_failed = True
            return
        QuotaRun.objects.filter(pk=self.run_id).update(
            progress=progress, stage=stage, heartbeat_at=timezone.now()
        )

    def close(self):
        if self.side is not None:
            with contextlib.suppress(Exception):
                self.side.close()
            self.side = None


def compute(run: QuotaRun, *, today: dt.date | None = None, on_stage=None) -> dict:
    """Write every result and alert of ``run``; returns the counts. Does not publish.

    One transaction (part of the caller's, when there is one). ``on_stage(done, total, label)`` is called
    after each stage, besides the progress reporting.
    """
    prefix = scope_prefix(run)
    progress = Progress(run)
    try:
        with transaction.atomic(savepoint=False), connection.cursor() as cursor:
            windows = ensure_policies(prefix=prefix, year=run.year)
            period = Period(
                run_id=run.pk,
                year=run.year,
                today=today or timezone.localdate(),
                admissions_from=run.year - windows.admissions + 1,
                trainings_from=run.year - windows.trainings + 1,
            )
            settings = sql.run_settings()
            if settings:  # set_config(…, true) is SET LOCAL: gone when the run's transaction ends
                cursor.execute(
                    "SELECT " + ", ".join("set_config(%s, %s, true)" for _ in settings),
                    [value for setting in settings for value in setting],
                )
            statements = Statements(cursor, period)
            scope_tables(statements, prefix=prefix)
            total = len(STAGES) + 1
            for done, (label, stage) in enumerate(STAGES, start=1):
                stage(statements)
                progress(done, total, label)
                if on_stage is not None:
                    on_stage(done, total, label)
            results = write_results(statements)
            statements.execute("SELECT COUNT(*) FROM qt_scope")
            organizations = cursor.fetchone()[0]
            statements.drop_all()
    finally:
        progress.close()
    return {"organizations": organizations, "results": results, "alerts": statements.alert_count}


def publish(run: QuotaRun) -> None:
    """Point every organization of the scope at this run, in one transaction."""
    prefix = scope_prefix(run)
    in_scope = Organization.objects.filter(path__startswith=prefix).values("pk")
    with transaction.atomic(savepoint=False):
        QuotaPublication.objects.filter(year=run.year, organization__in=in_scope).delete()
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO assessments_quotapublication (organization_id, year, run_id) "
                "SELECT o.id, %s, %s FROM branches_organization o WHERE o.path LIKE %s",
                (run.year, run.pk, prefix + "%"),
            )
    if sql.is_postgres():
        with connection.cursor() as cursor:
            # Readers join results to publications; fresh statistics keep their plans sane after a big run
            # (the results table's are refreshed after the garbage collection, see collect_garbage).
            cursor.execute("ANALYZE assessments_quotapublication")


def collect_garbage(*, year: int) -> int:
    """Results and alerts of finished runs no organization points at any more are of no use to anyone."""
    finished = (RunState.SUCCEEDED, RunState.FAILED)
    stale = QuotaRun.objects.filter(year=year, state__in=finished, publications__isnull=True).values("pk")
    deleted, _ = QuotaResult.objects.filter(run__in=stale).delete()
    Alert.objects.filter(run__in=stale).delete()
    if sql.is_postgres():
        with connection.cursor() as cursor:
            # The results table just took a run's rows and lost the superseded ones: statistics of what stays.
            cursor.execute("ANALYZE assessments_quotaresult")
    return deleted


def run_quota(run: QuotaRun, *, today: dt.date | None = None) -> None:
    """Compute and publish ``run`` in one transaction (the service around it handles states, locking and
    failures)."""
    with transaction.atomic():
        run.counts = compute(run, today=today)
        publish(run)
