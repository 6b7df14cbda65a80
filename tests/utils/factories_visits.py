"""Household visit logs. The factory writes rows directly (no service rules): tests of a rule call the
service."""

import datetime as dt
from collections import Counter

import factory

from members.models import Cadre
from members.models import VisitedHousehold
from members.models import VisitLog
from members.models import VisitTally

from .factories_cadres import CadreFactory


class VisitLogFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = VisitLog

    cadre = factory.SubFactory(CadreFactory)
    organization = factory.LazyAttribute(lambda o: o.cadre.organization)
    household_name = factory.Sequence(lambda n: f"户主{n}")
    village_group = "一组"
    household_key = factory.LazyAttribute(lambda o: VisitLog.key_for(o.village_group, o.household_name))
    visited_on = dt.date(2024, 3, 1)
    concerns = ""


def counted_from_logs() -> tuple[dict, dict]:
    """What the tables must hold, counted from the logs and the posts as they stand:
    ({(branch, person, year, household): visits}, {(branch, person, year): households}); a person is the
    post's member, or minus the post's id."""
    posts = {c.pk: (c.organization_id, c.member_id or -c.pk) for c in Cadre.objects.all()}
    visits = Counter(
        (*posts[cadre_id], day.year, key)
        for cadre_id, day, key in VisitLog.objects.values_list("cadre_id", "visited_on", "household_key")
    )
    households = Counter((branch, person, year) for branch, person, year, _key in visits)
    return dict(visits), dict(households)


def kept() -> tuple[dict, dict]:
    """What the tables hold, in the same shape."""
    fields = ("organization_id", "person", "year", "household_key", "visits")
    visits = {tuple(row[:4]): row[4] for row in VisitedHousehold.objects.values_list(*fields)}
    tallies = VisitTally.objects.values_list("organization_id", "person", "year", "households")
    return visits, {tuple(row[:3]): row[3] for row in tallies}
