"""Quota stages about people: the organizations in scope, admissions, trainings and cadres' study
(docs/quotas.md)."""

from branches.models import BRANCH_KINDS
from branches.models import COMMITTEE_KINDS
from members.models import MemberCategory
from members.models import Training
from members.models.cadres import BRANCH_POSTS

from . import sql
from .fragments import BRANCH
from .fragments import COMMITTEE
from .fragments import COMMITTEE_OR_COUNTY
from .fragments import EDUCATED
from .fragments import ON_ROLL
from .fragments import POLICY
from .fragments import RURAL
from .fragments import branch_share
from .fragments import count_met
from .statements import Statements


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
    scope_members(q)
    later_moves(q)
    if q.subtree:  # a few thousand rows, read by four stages (see roll)
        q.temp("qt_roll", roll_on_ref(q), index="member_id")
    q.table(
        "qt_res",
        "organization_id bigint NOT NULL, code varchar(48) NOT NULL, target numeric(12, 2), "
        f"actual numeric(12, 2), met boolean, detail {sql.json_type()} NOT NULL",
    )


def scope_members(q: Statements):
    """``qt_members`` (a subtree's run only): every member who may be counted in the scope on some day — on a
    roll, as an admission, as due for dues. A member's branch on a past day is his current branch or the
    ``from_branch`` of a later transfer (docs/quotas.md, "On the roll", "Admissions"), so these are the
    members of a branch of the scope and those ever transferred out of one: a few more than the scope's
    rolls, against the whole database's otherwise."""
    if not q.subtree:
        return
    q.temp(
        "qt_members",
        f"SELECT m.id AS member_id FROM members_member m WHERE {q.in_scope('m.branch_id')} "
        "UNION SELECT e.member_id FROM members_memberevent e "
        f"WHERE e.kind = 'transfer' AND {q.in_scope('e.from_branch_id')}",
        index="member_id",
    )


def later_moves(q: Statements):
    """``qt_later``: each member moved after ``ref``, with the branch and the status that the first transfer
    and the first status change after ``ref`` moved them from (null: no such event) — few rows."""
    first_after_ref = sql.first_per_group(
        columns="e.member_id AS member_id, e.kind AS kind, e.from_branch_id AS from_branch_id, "
        "e.from_status AS from_status",
        source=f"FROM {q.member_rows('members_memberevent e', 'e.member_id')} "
        f"WHERE e.kind IN ('transfer', 'status_change') AND e.occurred_on > {sql.date_literal(q.period.ref)}",
        partition="e.member_id, e.kind",
        order="e.occurred_on, e.id",
    )
    q.temp(
        "qt_later",
        "SELECT f.member_id AS member_id, MAX(CASE WHEN f.kind = 'transfer' THEN f.from_branch_id END) "
        "AS from_branch_id, MAX(CASE WHEN f.kind = 'status_change' THEN f.from_status END) AS from_status "
        f"FROM ({first_after_ref}) f GROUP BY f.member_id",
        index="member_id",
    )


def roll(q: Statements, *, members: str = "", flag: str = "") -> str:
    """The roll on ``ref`` (docs/quotas.md, "On the roll"): ``member_id, branch_id`` of every member on the roll
    of a branch that day, as a derived table for the stages to join; only those whose own row (``m``) meets
    ``members``, when given; with ``flag`` (a condition on ``m``), a third column ``flag``, 1 or 0.

    A subtree's run reads it from its work table ``qt_roll`` (a county's ten thousand members, written once);
    a run over every tree reads it in place (``roll_on_ref``), the condition inside, so that no stage joins
    a million members back to their rows."""
    if not q.subtree:
        return roll_on_ref(q, members=members, flag=flag)
    if not members and not flag:
        return "SELECT member_id, branch_id FROM qt_roll"
    return (
        f"SELECT r.member_id AS member_id, r.branch_id AS branch_id{_flag(flag)} FROM qt_roll r "
        f"JOIN members_member m ON m.id = r.member_id WHERE {members or '1 = 1'}"
    )


def _flag(condition: str) -> str:
    return f", CASE WHEN {condition} THEN 1 ELSE 0 END AS flag" if condition else ""


def roll_on_ref(q: Statements, *, members: str = "", flag: str = "") -> str:
    """The roll on ``ref`` as a query. Not a work table for a run over every tree: writing a million members'
    rows (the province tier) to read them back once cost about a second more than reading them in place. The
    members not moved after ``ref`` (nearly all) are read straight from their own row, so the planner
    estimates them as it does a plain roll; a subtree's run reads only its branches' members (``qt_later``
    holds only the members it may count)."""
    ref = sql.date_literal(q.period.ref)
    branches = q.in_scope("m.branch_id") if q.subtree else "1 = 1"
    also = f" AND {members}" if members else ""
    return (
        f"SELECT m.id AS member_id, m.branch_id AS branch_id{_flag(flag)} FROM members_member m "
        f"WHERE m.joined_on <= {ref} AND m.status IN {ON_ROLL} AND {branches}{also} "
        "AND NOT EXISTS (SELECT 1 FROM qt_later x WHERE x.member_id = m.id) "
        f"UNION ALL SELECT m.id, COALESCE(x.from_branch_id, m.branch_id){_flag(flag)} FROM qt_later x "
        f"JOIN members_member m ON m.id = x.member_id WHERE m.joined_on <= {ref} "
        f"AND COALESCE(x.from_status, m.status) IN {ON_ROLL}{also}"
    )


def full_on_ref(period) -> str:
    """A full member on ``ref``: of that category, and confirmed by then when the day is known."""
    ref = sql.date_literal(period.ref)
    return (
        f"m.category = '{MemberCategory.FULL.value}' AND (m.confirmed_on IS NULL OR m.confirmed_on <= {ref})"
    )


def admissions(q: Statements):
    period = q.period
    year = period.year
    # Admissions by credited branch and year of joining, with the counts the indicators need: each member's
    # admission is kept credited as members and their transfers are written (members/models/tallies.py).
    q.temp(
        "qt_adm",
        "SELECT a.organization_id AS branch_id, a.year AS joined_year, COUNT(*) AS n, "
        "SUM(CASE WHEN a.age_joined < 25 THEN 1 ELSE 0 END) AS under_25, "
        "SUM(CASE WHEN a.age_joined < 35 THEN 1 ELSE 0 END) AS under_35, "
        f"SUM(CASE WHEN a.education IN {EDUCATED} THEN 1 ELSE 0 END) AS educated "
        f"FROM members_admissioncredit a WHERE a.year BETWEEN {period.admissions_from or year} AND {year} "
        f"AND {q.in_scope('a.organization_id')} GROUP BY a.organization_id, a.year",
        index="branch_id",
    )
    this_year = "COALESCE(SUM(a.n), 0)"
    q.results(
        "dev.branch_min",
        f"SELECT s.id, p.dev_branch_min, {count_met(this_year, 'p.dev_branch_min')}, "
        f"{sql.json_object(('admissions', this_year))} FROM qt_scope s {POLICY} "
        f"LEFT JOIN qt_adm a ON a.branch_id = s.id AND a.joined_year = {year} WHERE {RURAL} "
        "GROUP BY s.id, p.dev_branch_min",
    )
    q.results(
        "dev.two_years_none",
        f"SELECT s.id, 1, {count_met(this_year, '1')}, "
        f"{sql.json_object(('admissions', this_year), ('years', 'p.dev_two_years_none'))} "
        f"FROM qt_scope s {POLICY} LEFT JOIN qt_adm a ON a.branch_id = s.id "
        f"AND a.joined_year > {year} - p.dev_two_years_none AND a.joined_year <= {year} WHERE {RURAL} "
        "GROUP BY s.id, p.dev_two_years_none",
    )
    under_25 = "COALESCE(SUM(a.under_25), 0)"
    q.results(
        "dev.under_25",
        f"SELECT s.id, p.dev_under_25, {count_met(under_25, 'p.dev_under_25')}, "
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
        f"WHERE {period.within_year('t.held_on')} AND {q.in_scope('t.organizer_id')} GROUP BY t.organizer_id",
        index="organization_id",
    )
    organized = "COALESCE(t.n, 0)"
    q.results(
        "train.per_level",
        f"SELECT s.id, p.train_per_level, {count_met(organized, 'p.train_per_level')}, "
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


def training_hours(q: Statements):
    """Members on the roll on ``ref`` with their class hours of the year (``train.hours``: 56 for
    secretaries and branch committee members serving on ``ref``, 32 for the others, the policy's defaults)
    and whether they were trained within the rotation cycle (``train.rotation``: their last training as a
    member attendee up to 31 December falls in it). Both come from each member's yearly figures, kept as
    trainings and attendance are written (members/models/tallies.py), in one pass over the roll."""
    period = q.period
    # Per member: this year's class hours, the last year (up to this one) of a training attended as a
    # member, and whether a branch post is held on ``ref``; one row a member, so that the pass over the
    # roll below joins one table. A work table of its own: planned inside the pass, each parallel worker
    # built it.
    yearly = (
        f"SELECT h.member_id AS member_id, CASE WHEN h.year = {period.year} THEN h.hours END AS hours, "
        "CASE WHEN h.last_attended_on IS NOT NULL THEN h.year END AS last_year, 0 AS leader "
        f"FROM {q.member_rows('members_trainingtally h', 'h.member_id')} "
        f"WHERE h.year BETWEEN {period.trainings_from or period.year} AND {period.year}"
    )
    posts = (
        "SELECT c.member_id, NULL, NULL, 1 "
        f"FROM {q.member_rows('members_cadre c', 'c.member_id')} "
        f"WHERE c.post IN {sql.in_list(BRANCH_POSTS)} AND c.member_id IS NOT NULL AND {period.serving('c')}"
    )
    q.temp(
        "qt_mtrain",
        "SELECT x.member_id AS member_id, MAX(x.hours) AS hours, MAX(x.last_year) AS last_year, "
        f"MAX(x.leader) AS leader FROM ({yearly} UNION ALL {posts}) x GROUP BY x.member_id",
        index="member_id",
    )
    needed = "CASE WHEN t.leader = 1 THEN p.train_cadre_hours ELSE p.train_member_hours END"
    # The same pass counts each branch's full members on ``ref`` for the organization rules
    # (assessments/quota/terms.py), which would otherwise read the million members' roll once more.
    q.temp(
        "qt_trained",
        "SELECT r.branch_id AS branch_id, COUNT(*) AS roll, "
        f"SUM(CASE WHEN COALESCE(t.hours, 0) >= {needed} THEN 1 ELSE 0 END) AS reached, "
        f"SUM(CASE WHEN t.last_year > {period.year} - p.train_rotation_cycle_years THEN 1 ELSE 0 END) "
        f"AS trained, SUM(r.flag) AS full_members FROM ({roll(q, flag=full_on_ref(period))}) r "
        f"JOIN qt_scope s ON s.id = r.branch_id {POLICY} "
        f"LEFT JOIN qt_mtrain t ON t.member_id = r.member_id WHERE {BRANCH} GROUP BY r.branch_id",
        analyze=False,
    )
    branch_share(
        q, "train.hours", "qt_trained", "p.train_hours_share", part="reached", whole="roll", where=BRANCH
    )
    branch_share(
        q, "train.rotation", "qt_trained", "p.train_rotation", part="trained", whole="roll", where=RURAL
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
    # Their instructor posts: a member's every one, found from the member; a post without member is the person.
    persons = f"SELECT DISTINCT si.person FROM ({serving_instructors}) si"
    posts = (
        f"SELECT p.person, c.id AS cadre_id FROM ({persons}) p JOIN members_cadre c ON c.member_id = p.person "
        f"AND c.post = 'instructor' WHERE p.person > 0 UNION ALL SELECT p.person, -p.person FROM ({persons}) p "
        "WHERE p.person < 0"
    )
    totals = (
        "SELECT x.person, SUM(sr.note_characters) AS notes, SUM(sr.articles) AS articles "
        f"FROM ({posts}) x JOIN members_studyrecord sr ON sr.cadre_id = x.cadre_id AND sr.year = {period.year} "
        "GROUP BY x.person"
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
