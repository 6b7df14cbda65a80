"""Figures kept as records are written (docs/quotas.md, "Figures kept on write"): the quota engine reads these
instead of re-scanning a year of facts. The database keeps them, by triggers on the facts' own tables
(members/migrations/0011_visit_tallies.py), so every path that writes a fact — a form, the API, an
import, offline sync, the admin, a bulk load, a cascade — moves them in the same transaction; code writes
them only to count them afresh after a bulk load (``recount_visits``)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from branches.models import Organization


class PersonYear(models.Model):
    """What both tables are kept for: a person at one branch in one year. The person is the posts' member, or
    minus the post's id for a post held by someone not a member, so a person's households count over every
    post they hold at the branch (docs/quotas.md, visit.households).

    Keyed by what they count, with no id beside it; no foreign key in the database either: the rows follow
    the logs by trigger, and checking each at commit cost an import of 100,000 visits seconds."""

    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        on_delete=models.DO_NOTHING,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
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


# A table of facts whose triggers keep tallies: how to count them afresh, and the tallies' tables.
RECOUNTS = {"members_visitlog": (recount_visits, ("members_visitedhousehold", "members_visittally"))}
