"""Alerts on the organization rules and the committee terms (docs/terms.md), set-based: a fixed number of
statements for the whole scope.

- ``org.members_few`` / ``org.members_many``: a branch with fewer than 3 or more than 50 full members;
- ``org.committee``: 7 or more full members and not a committee of 3 to 5 (secretary, deputy and members);
- ``org.secretary``: fewer than 7 full members and not a secretary (with at most one deputy) alone;
- ``term.ends_6m`` / ``term.ends_3m`` / ``term.overdue``: the organization's current term ends within six
  months (but not three), within three months (its last day included), or ended before the day.

Full members are those on the roll on the reference day and confirmed by then, counted per branch in the
training stage's pass over the roll (``qt_trained``, assessments/quota/people_stages.py); the posts are
those served that day."""

from dateutil.relativedelta import relativedelta

from branches.models import OrganizationKind
from members import terms_rules as rules
from members.models.cadres import BRANCH_POSTS

from ..models import AlertKind
from . import sql
from .probation import days_between
from .statements import Statements

# The organization rules are for party branches; a general branch (党总支) is larger by design.
RULED_KINDS = sql.in_list({OrganizationKind.BRANCH, OrganizationKind.JOINT_BRANCH})


def organization_rules(q: Statements):
    period = q.period
    q.temp(
        "qt_lead",
        "SELECT c.organization_id AS organization_id, "
        "SUM(CASE WHEN c.post = 'secretary' THEN 1 ELSE 0 END) AS secretaries, "
        "SUM(CASE WHEN c.post = 'deputy_secretary' THEN 1 ELSE 0 END) AS deputies, "
        "SUM(CASE WHEN c.post = 'branch_committee' THEN 1 ELSE 0 END) AS members, COUNT(*) AS size "
        f"FROM members_cadre c JOIN qt_scope s ON s.id = c.organization_id "
        f"WHERE c.post IN {sql.in_list(BRANCH_POSTS)} AND {period.serving('c')} GROUP BY c.organization_id",
        index="organization_id",
    )
    counts = (
        "SELECT s.id AS organization_id, COALESCE(f.full_members, 0) AS full_members, "
        "COALESCE(l.secretaries, 0) AS secretaries, COALESCE(l.deputies, 0) AS deputies, "
        "COALESCE(l.members, 0) AS committee_members, COALESCE(l.size, 0) AS size FROM qt_scope s "
        "LEFT JOIN qt_trained f ON f.branch_id = s.id LEFT JOIN qt_lead l ON l.organization_id = s.id "
        f"WHERE s.kind IN {RULED_KINDS}"
    )
    detail = sql.json_object(
        ("full_members", "c.full_members"),
        ("secretaries", "c.secretaries"),
        ("deputies", "c.deputies"),
        ("committee_members", "c.committee_members"),
        ("size", "c.size"),
        ("minimum", str(rules.MIN_FULL_MEMBERS)),
        ("maximum", str(rules.MAX_FULL_MEMBERS)),
        ("committee_from", str(rules.COMMITTEE_FROM_MEMBERS)),
        ("committee_min", str(rules.COMMITTEE_MIN)),
        ("committee_max", str(rules.COMMITTEE_MAX)),
    )
    small = rules.COMMITTEE_FROM_MEMBERS
    conditions = (
        (AlertKind.MEMBERS_FEW, f"c.full_members < {rules.MIN_FULL_MEMBERS}"),
        (AlertKind.MEMBERS_MANY, f"c.full_members > {rules.MAX_FULL_MEMBERS}"),
        (
            AlertKind.COMMITTEE,
            f"c.full_members >= {small} AND (c.secretaries <> 1 "
            f"OR c.size NOT BETWEEN {rules.COMMITTEE_MIN} AND {rules.COMMITTEE_MAX})",
        ),
        (
            AlertKind.SECRETARY,
            f"c.full_members < {small} AND (c.secretaries <> 1 OR c.deputies > 1 OR c.committee_members > 0)",
        ),
    )
    for kind, condition in conditions:
        q.alerts(
            kind,
            f"SELECT c.organization_id, CAST(NULL AS bigint), {detail} FROM ({counts}) c WHERE {condition}",
        )


def terms(q: Statements):
    period = q.period
    ref = sql.date_literal(period.ref)
    three = sql.date_literal(period.ref + relativedelta(months=rules.REMIND_MONTHS[1]))
    six = sql.date_literal(period.ref + relativedelta(months=rules.REMIND_MONTHS[0]))
    current = sql.first_per_group(
        columns="t.organization_id AS organization_id, t.id AS term_id, t.kind AS kind, "
        "t.starts_on AS starts_on, t.ends_on AS ends_on, t.extended_to AS extended_to",
        source=f"FROM members_term t JOIN qt_scope s ON s.id = t.organization_id WHERE t.starts_on <= {ref}",
        partition="t.organization_id",
        order="t.starts_on DESC, t.id DESC",
    )
    detail = sql.json_object(
        ("term", "t.term_id"),
        ("kind", "t.kind"),
        ("starts_on", "t.starts_on"),
        ("ends_on", "t.ends_on"),
        ("extended", sql.json_bool("t.extended_to IS NOT NULL")),
        ("days_left", days_between(ref, "t.ends_on")),
    )
    conditions = (
        (AlertKind.TERM_OVERDUE, f"t.ends_on < {ref}"),
        (AlertKind.TERM_ENDS_3M, f"t.ends_on >= {ref} AND t.ends_on <= {three}"),
        (AlertKind.TERM_ENDS_6M, f"t.ends_on > {three} AND t.ends_on <= {six}"),
    )
    for kind, condition in conditions:
        q.alerts(
            kind,
            f"SELECT t.organization_id, CAST(NULL AS bigint), {detail} FROM ({current}) t WHERE {condition}",
        )


def organization_rules_and_terms(q: Statements):
    organization_rules(q)
    terms(q)
