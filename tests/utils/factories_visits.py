"""Household visit logs. The factory writes rows directly (no service rules): tests of a rule call the
service."""

import datetime as dt

import factory

from members.models import VisitLog

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
