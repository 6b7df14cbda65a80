"""Factories for cadre posts and reserve cadres. They write rows directly (no service rules): tests that
exercise a rule call the service."""

import datetime as dt

import factory

from members.models import Cadre
from members.models import CadrePost
from members.models import Education
from members.models import Gender
from members.models import PoliticalStatus
from members.models import ReserveCadre
from members.models import ReserveSource

from .factories import OrganizationFactory


class CadreFactory(factory.django.DjangoModelFactory):
    """A non-member village committee member by default; pass ``member`` and ``post`` for member posts."""

    class Meta:
        model = Cadre

    organization = factory.SubFactory(OrganizationFactory)
    post = CadrePost.VILLAGE_COMMITTEE
    member = None
    name = factory.LazyAttributeSequence(lambda o, n: o.member.name if o.member else f"村干部{n}")
    gender = factory.LazyAttribute(lambda o: o.member.gender if o.member else Gender.MALE)
    birth_date = factory.LazyAttributeSequence(
        lambda o, n: o.member.birth_date if o.member else dt.date(1975, 1, 1) + dt.timedelta(days=n)
    )
    education = Education.SENIOR_HIGH
    started_on = dt.date(2021, 1, 15)
    ended_on = None


class ReserveCadreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReserveCadre

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"后备干部{n}")
    gender = Gender.MALE
    birth_date = factory.Sequence(lambda n: dt.date(1995, 3, 1) + dt.timedelta(days=n))
    education = Education.SENIOR_HIGH
    political_status = PoliticalStatus.MASSES
    source = ReserveSource.CADRE_RECOMMENDATION
    entered_on = dt.date(2023, 3, 1)
