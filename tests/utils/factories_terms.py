import datetime as dt

import factory

from members.models import Election
from members.models import Term
from members.models import TermKind
from members.terms_rules import regular_end

from .factories import OrganizationFactory


class TermFactory(factory.django.DjangoModelFactory):
    """A 5-year committee term of a village branch from 2021-03-15 (its last day 2026-03-14)."""

    class Meta:
        model = Term

    organization = factory.SubFactory(OrganizationFactory)
    kind = TermKind.COMMITTEE
    starts_on = dt.date(2021, 3, 15)
    length_years = 5
    ends_on = factory.LazyAttribute(lambda o: o.extended_to or regular_end(o.starts_on, o.length_years))
    extended_to = None


class ElectionFactory(factory.django.DjangoModelFactory):
    """A recorded election (no candidates: add them with Candidate rows when a test needs them)."""

    class Meta:
        model = Election

    organization = factory.SubFactory(OrganizationFactory)
    held_on = dt.date(2024, 3, 1)
    entitled_voters = 10
    present_voters = 9
