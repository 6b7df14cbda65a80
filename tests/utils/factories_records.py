"""Factories for an organization's own records: activity rooms, investments, room targets, reports and
reviews, financial disclosures. They write rows directly (no service rules): tests that exercise a rule call
the service."""

import datetime as dt
from decimal import Decimal

import factory

from branches.models import ActivityRoom
from branches.models import DisclosurePeriod
from branches.models import FinancialDisclosure
from branches.models import InvestmentSource
from branches.models import ReviewKind
from branches.models import ReviewRecord
from branches.models import RoomInvestment
from branches.models import StandardizedRoomTarget

from .factories import OrganizationFactory


class ActivityRoomFactory(factory.django.DjangoModelFactory):
    """An ordinary room; ``standardized_on=<date>`` makes it a standardized one certified that day."""

    class Meta:
        model = ActivityRoom

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"党员活动室{n}")
    area_m2 = Decimal("120.0")
    built_year = 2010
    standardized_on = None
    is_standardized = factory.LazyAttribute(lambda o: o.standardized_on is not None)


class RoomInvestmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RoomInvestment

    room = factory.SubFactory(ActivityRoomFactory)
    amount_yuan = Decimal("5000.00")
    source = InvestmentSource.TOWNSHIP
    invested_on = dt.date(2023, 5, 1)
    purpose = "购置桌椅"


class StandardizedRoomTargetFactory(factory.django.DjangoModelFactory):
    """On a township; each new target takes the next year so several fit on one township."""

    class Meta:
        model = StandardizedRoomTarget

    organization = factory.SubFactory(OrganizationFactory, kind="township_committee", field="")
    year = factory.Sequence(lambda n: 2000 + n % 100)
    target = 15


class ReviewRecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReviewRecord

    organization = factory.SubFactory(OrganizationFactory)
    kind = ReviewKind.COMMITTEE_REPORT
    held_on = factory.Sequence(lambda n: dt.date(2023, 1, 1) + dt.timedelta(days=n % 365))
    topic = "村委会上半年工作述职"
    participants = 20


class FinancialDisclosureFactory(factory.django.DjangoModelFactory):
    """Each new disclosure takes the next half-year, so several fit on one branch."""

    class Meta:
        model = FinancialDisclosure

    organization = factory.SubFactory(OrganizationFactory)
    year = factory.Sequence(lambda n: 2000 + (n // 2) % 24)
    period = factory.Sequence(
        lambda n: DisclosurePeriod.FIRST_HALF if n % 2 == 0 else DisclosurePeriod.SECOND_HALF
    )
    disclosed_on = factory.LazyAttribute(
        lambda o: dt.date(o.year, 7 if o.period == DisclosurePeriod.FIRST_HALF else 12, 20)
    )
    income_yuan = Decimal("80000.00")
    expenditure_yuan = Decimal("65000.00")
