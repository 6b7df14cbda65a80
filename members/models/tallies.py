"""Figures kept as records are written (docs/quotas.md, "Figures kept on write"): the quota engine reads these
instead of re-scanning a year of facts. The database keeps them, by triggers on the facts' own tables
(members/migrations/0011_visit_tallies.py), so every path that writes a fact — a form, the API, an
import, offline sync, the admin, a bulk load, a cascade — moves them in the same transaction; code writes
them only to count them afresh after a bulk load (``recount_visits``)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from branches.models import Organization

from ..pipeline_rules import TRAINING_MIN_DAYS
from ..pipeline_rules import TRAINING_MIN_HOURS
from .roster import Member


def tallied_key(to, verbose_name) -> models.ForeignKey:
    """The key of a tallied row to what it counts for: no constraint or index in the database (the rows follow
    the facts by trigger, and the table's own primary key leads with it)."""
    return models.ForeignKey(
        to,
        verbose_name=verbose_name,
        on_delete=models.DO_NOTHING,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )


class PersonYear(models.Model):
    """What both tables are kept for: a person at one branch in one year. The person is the posts' member, or
    minus the post's id for a post held by someone not a member, so a person's households count over every
    post they hold at the branch (docs/quotas.md, visit.households).

    Keyed by what they count, with no id beside it; no foreign key in the database either: the rows follow
    the logs by trigger, and checking each at commit cost an import of 100,000 visits seconds."""

    organization = tallied_key(Organization, _("organization"))
    person = models.BigIntegerField(_("person"))
    year = models.PositiveSmallIntegerField(_("year"))

    class Meta:
        abstract = True


class VisitedHousehold(PersonYear):
    """A household a person visited in a year from their posts at one branch, with how many visit logs say
    so."""

    pk = models.CompositePrimaryKey("organization", "person", "year", "household_key")
    household_key = models.CharField(_("household key"), max_length=110)
    visits = models.PositiveIntegerField(_("visits"))

    class Meta:
        verbose_name = _("household visited in a year")
        verbose_name_plural = _("households visited in a year")

    def __str__(self):
        return f"{self.household_key} {self.year}"


class VisitTally(PersonYear):
    """How many distinct households a person visited in a year from their posts at one branch."""

    pk = models.CompositePrimaryKey("organization", "person", "year")
    households = models.PositiveIntegerField(_("households"))

    class Meta:
        verbose_name = _("households a person visited in a year")
        verbose_name_plural = _("households people visited in a year")

    def __str__(self):
        return f"{self.person} {self.year}: {self.households}"


class TrainingTally(models.Model):
    """A member's trainings of one year (by their first day): the class hours of the distinct trainings
    they attended, as a member or through any post they hold (a training without class hours counts its
    days at ``HOURS_PER_DAY``), and the first day of the last one they attended as a member (docs/quotas.md,
    train.hours and train.rotation). No row: no training that year.

    The database keeps it by triggers (members/migrations/0013_training_tallies.py) that count the
    touched members' rows afresh; no foreign key, like the visit tallies."""

    pk = models.CompositePrimaryKey("member", "year")
    member = tallied_key(Member, _("party member"))
    year = models.PositiveSmallIntegerField(_("year"))
    hours = models.DecimalField(_("class hours"), max_digits=8, decimal_places=1)
    last_attended_on = models.DateField(_("last training attended as a member"), null=True)

    class Meta:
        verbose_name = _("member's trainings in a year")
        verbose_name_plural = _("members' trainings in a year")

    def __str__(self):
        return f"{self.member_id} {self.year}: {self.hours}"


# Counting the tables afresh from the logs: a bulk load that wrote a table of logs with its triggers off
# (demo/scale/loader.py) runs it once, set-based, instead of a statement trigger over ten million rows.
VISIT_RECOUNT = (
    "DELETE FROM members_visittally",
    "DELETE FROM members_visitedhousehold",
    "INSERT INTO members_visitedhousehold (organization_id, person, year, household_key, visits) "
    "SELECT c.organization_id, COALESCE(c.member_id, -c.id), "
    "CAST(EXTRACT(YEAR FROM v.visited_on) AS integer), v.household_key, COUNT(*) "
    "FROM members_visitlog v JOIN members_cadre c ON c.id = v.cadre_id "
    "GROUP BY 1, 2, 3, 4",
    "INSERT INTO members_visittally (organization_id, person, year, households) "
    "SELECT organization_id, person, year, COUNT(*) FROM members_visitedhousehold GROUP BY 1, 2, 3",
)


def recount_visits(cursor) -> None:
    """PostgreSQL: count the visit tallies afresh, with the tallies' own triggers off while it writes."""
    cursor.execute("ALTER TABLE members_visitedhousehold DISABLE TRIGGER USER")
    for statement in VISIT_RECOUNT:
        cursor.execute(statement)
    cursor.execute("ALTER TABLE members_visitedhousehold ENABLE TRIGGER USER")


class MeetingTally(models.Model):
    """How many meetings of one kind a branch held in a year (docs/quotas.md, meet.*). Kept by triggers
    (members/migrations/0014_meeting_tallies.py) that add and subtract as meetings are written; no foreign
    key, like the visit tallies."""

    pk = models.CompositePrimaryKey("organization", "year", "kind")
    organization = tallied_key(Organization, _("organization"))
    year = models.PositiveSmallIntegerField(_("year"))
    kind = models.CharField(_("kind"), max_length=16)
    meetings = models.PositiveIntegerField(_("meetings"))

    class Meta:
        verbose_name = _("meetings of a kind in a year")
        verbose_name_plural = _("meetings of a kind in a year")

    def __str__(self):
        return f"{self.organization_id} {self.year} {self.kind}: {self.meetings}"


MEETING_RECOUNT = (
    "INSERT INTO members_meetingtally (organization_id, year, kind, meetings) "
    "SELECT organization_id, {year}, kind, COUNT(*) FROM members_meeting GROUP BY 1, 2, 3"
)


def recount_meetings(cursor) -> None:
    """PostgreSQL: count every branch's meetings afresh."""
    cursor.execute("DELETE FROM members_meetingtally")
    cursor.execute(MEETING_RECOUNT.format(year="CAST(EXTRACT(YEAR FROM held_on) AS integer)"))


# A training without class hours counts its days at the candidates' rate: 3 days or 24 class hours
# (members/pipeline_rules.py, docs/quotas.md "Training hours").
HOURS_PER_DAY = TRAINING_MIN_HOURS // TRAINING_MIN_DAYS


def training_recount(year: str, among) -> str:
    """The statement counting afresh the ``TrainingTally`` rows of the members ``among(column)`` accepts
    (every member when ``among`` is None): each distinct training once, whichever ways the member attended
    it. ``year`` turns ``t.held_on`` into its year in the database's dialect."""

    member_side = f"WHERE {among('ma.member_id')}" if among else ""
    cadre_side = "WHERE c.member_id IS NOT NULL" + (f" AND {among('c.member_id')}" if among else "")
    attended = (
        "SELECT ma.member_id AS member_id, ma.training_id AS training_id, 1 AS as_member "
        f"FROM members_training_member_attendees ma {member_side} UNION ALL "
        "SELECT c.member_id, ca.training_id, 0 FROM members_cadre c "
        f"JOIN members_training_cadre_attendees ca ON ca.cadre_id = c.id {cadre_side}"
    )
    per_training = (
        f"SELECT x.member_id AS member_id, {year} AS year, "
        f"COALESCE(t.hours, t.days * {HOURS_PER_DAY}) AS hours, "
        "MAX(CASE WHEN x.as_member = 1 THEN t.held_on END) AS member_day "
        f"FROM ({attended}) x JOIN members_training t ON t.id = x.training_id GROUP BY x.member_id, t.id"
    )
    return (
        "INSERT INTO members_trainingtally (member_id, year, hours, last_attended_on) "
        f"SELECT member_id, year, SUM(hours), MAX(member_day) FROM ({per_training}) d "
        "GROUP BY member_id, year"
    )


TRAINING_YEAR = "CAST(EXTRACT(YEAR FROM t.held_on) AS integer)"


def recount_trainings(cursor) -> None:
    """PostgreSQL: count every member's trainings of every year afresh."""
    cursor.execute("DELETE FROM members_trainingtally")
    cursor.execute(training_recount(TRAINING_YEAR, None))


class AdmissionCredit(models.Model):
    """A member's admission as the quotas credit it (docs/quotas.md, "Admissions"): to the branch that
    admitted him — the one his first transfer took him from, else his branch — in the year he joined, with
    his age that day and his schooling. Kept by triggers on members and their events
    (members/migrations/0015_admission_credits.py) that write the touched members' rows afresh; no foreign
    key, like the other tallies."""

    member = models.OneToOneField(
        Member,
        verbose_name=_("party member"),
        primary_key=True,
        on_delete=models.DO_NOTHING,
        related_name="+",
        db_constraint=False,
    )
    organization = tallied_key(Organization, _("branch credited"))
    year = models.PositiveSmallIntegerField(_("year joined"))
    age_joined = models.SmallIntegerField(_("age on joining"), null=True)
    education = models.CharField(_("education"), max_length=20)

    class Meta:
        verbose_name = _("admission as credited")
        verbose_name_plural = _("admissions as credited")
        indexes = [models.Index(fields=["organization", "year"], name="admission_credit_branch_year")]

    def __str__(self):
        return f"{self.member_id} {self.organization_id} {self.year}"


# The database's own spelling of a date's year and of its month and day, for the admissions' recount.
DATE_PARTS = {
    "postgresql": ("CAST(EXTRACT(YEAR FROM {}) AS integer)", "to_char({}, 'MMDD')"),
    "sqlite": ("CAST(strftime('%Y', {}) AS integer)", "strftime('%m%d', {})"),
}


def admission_recount(vendor: str, among) -> str:
    """The statement writing afresh the ``AdmissionCredit`` rows of the members ``among(column)`` accepts
    (every member when ``among`` is None). The age on joining counts full years, a 29 February birthday
    coming on 1 March, as the quota engine counts ages."""
    year, month_day = DATE_PARTS[vendor]
    age = (
        f"{year.format('m.joined_on')} - {year.format('m.birth_date')} - CASE WHEN "
        f"{month_day.format('m.joined_on')} < {month_day.format('m.birth_date')} THEN 1 ELSE 0 END"
    )
    first_transfer = (
        "SELECT e.from_branch_id FROM members_memberevent e WHERE e.member_id = m.id AND e.kind = 'transfer' "
        "ORDER BY e.occurred_on, e.id LIMIT 1"
    )
    where = f"WHERE {among('m.id')}" if among else ""
    return (
        "INSERT INTO members_admissioncredit (member_id, organization_id, year, age_joined, education) "
        f"SELECT m.id, COALESCE(({first_transfer}), m.branch_id), {year.format('m.joined_on')}, {age}, "
        f"m.education FROM members_member m {where}"
    )


def recount_admissions(cursor) -> None:
    """PostgreSQL: credit every member's admission afresh."""
    cursor.execute("DELETE FROM members_admissioncredit")
    cursor.execute(admission_recount("postgresql", None))


# A table of facts whose triggers keep tallies: how to count them afresh, and the tallies' tables.
RECOUNTS = {
    "members_visitlog": (recount_visits, ("members_visitedhousehold", "members_visittally")),
    "members_training_member_attendees": (recount_trainings, ("members_trainingtally",)),
    "members_training_cadre_attendees": (recount_trainings, ("members_trainingtally",)),
    "members_meeting": (recount_meetings, ("members_meetingtally",)),
    "members_member": (recount_admissions, ("members_admissioncredit",)),
    "members_memberevent": (recount_admissions, ("members_admissioncredit",)),
}
