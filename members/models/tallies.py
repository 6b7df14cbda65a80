"""Figures kept as records are written (docs/quotas.md, "Figures kept on write"): the quota engine reads these
instead of re-scanning a year of facts. The database keeps them, by triggers on the facts' own tables
(members/migrations/0011_visit_tallies.py), so every path that writes a fact — a form, the API, an
import, offline sync, the admin, a bulk load, a cascade — moves them in the same transaction; code writes
them only to count them afresh after a bulk load (``recount_visits``)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .cadres import Cadre


class VisitedHousehold(models.Model):
    """A household a post visited in a year, with how many visit logs say so."""

    cadre = models.ForeignKey(Cadre, verbose_name=_("cadre"), on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    household_key = models.CharField(_("household key"), max_length=110)
    visits = models.PositiveIntegerField(_("visits"))

    class Meta:
        verbose_name = _("household visited in a year")
        verbose_name_plural = _("households visited in a year")
        constraints = [
            models.UniqueConstraint(fields=["cadre", "year", "household_key"], name="visited_household_once")
        ]

    def __str__(self):
        return f"{self.household_key} {self.year}"


class VisitTally(models.Model):
    """How many distinct households a post visited in a year."""

    cadre = models.ForeignKey(Cadre, verbose_name=_("cadre"), on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    households = models.PositiveIntegerField(_("households"))

    class Meta:
        verbose_name = _("households visited by a post in a year")
        verbose_name_plural = _("households visited by posts in a year")
        constraints = [models.UniqueConstraint(fields=["cadre", "year"], name="visit_tally_once")]

    def __str__(self):
        return f"{self.cadre_id} {self.year}: {self.households}"


# Counting the tables afresh from the logs: a bulk load that wrote a table of logs with its triggers off
# (demo/scale/loader.py) runs it once, set-based, instead of a statement trigger over ten million rows.
VISIT_RECOUNT = (
    "DELETE FROM members_visittally",
    "DELETE FROM members_visitedhousehold",
    "INSERT INTO members_visitedhousehold (cadre_id, year, household_key, visits) SELECT cadre_id, "
    "CAST(EXTRACT(YEAR FROM visited_on) AS integer), household_key, COUNT(*) FROM members_visitlog "
    "GROUP BY 1, 2, 3",
    "INSERT INTO members_visittally (cadre_id, year, households) "
    "SELECT cadre_id, year, COUNT(*) FROM members_visitedhousehold GROUP BY 1, 2",
)


def recount_visits(cursor) -> None:
    """PostgreSQL: count the visit tallies afresh, with the tallies' own triggers off while it writes."""
    cursor.execute("ALTER TABLE members_visitedhousehold DISABLE TRIGGER USER")
    for statement in VISIT_RECOUNT:
        cursor.execute(statement)
    cursor.execute("ALTER TABLE members_visitedhousehold ENABLE TRIGGER USER")


# A table of facts whose triggers keep tallies: how to count them afresh, and the tallies' tables.
RECOUNTS = {"members_visitlog": (recount_visits, ("members_visitedhousehold", "members_visittally"))}
