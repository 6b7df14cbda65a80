"""Factories for five-good star ratings: published quota results to propose from, ratings at a stage and
policies. They write rows directly (no service rules): tests that exercise a rule call the service."""

from decimal import Decimal

import factory

from assessments.models import DIMENSIONS
from assessments.models import QuotaPublication
from assessments.models import QuotaResult
from assessments.models import QuotaRun
from assessments.models import RatingPolicy
from assessments.models import RatingStage
from assessments.models import RunState
from assessments.models import StarRating

from .factories import OrganizationFactory
from .factories_quotas import root_county


def publish_results(organization, mets: dict, year: int = 2024) -> QuotaRun:
    """One finished run published for ``organization`` holding a result per code (met True/False/None):
    the organization's results of the year, as the engine leaves them."""
    run = QuotaRun.objects.create(
        organization=organization, year=year, state=RunState.SUCCEEDED, progress=100
    )
    QuotaResult.objects.filter(organization=organization, year=year).delete()
    QuotaResult.objects.bulk_create(
        QuotaResult(
            run=run,
            organization=organization,
            year=year,
            code=code,
            target=1,
            actual=None if met is None else int(met),
            met=met,
        )
        for code, met in mets.items()
    )
    QuotaPublication.objects.update_or_create(organization=organization, year=year, defaults={"run": run})
    return run


def scores(leadership=16, members=16, mechanism=16, performance=16, feedback=16) -> dict:
    values = (leadership, members, mechanism, performance, feedback)
    return {dimension: Decimal(str(value)) for dimension, value in zip(DIMENSIONS, values, strict=True)}


class StarRatingFactory(factory.django.DjangoModelFactory):
    """A rating at ``stage`` (proposed by default) with 16 points in every dimension: 80, four stars."""

    class Meta:
        model = StarRating

    organization = factory.SubFactory(OrganizationFactory)
    year = 2024
    stage = RatingStage.PROPOSED
    leadership = Decimal(16)
    members = Decimal(16)
    mechanism = Decimal(16)
    performance = Decimal(16)
    feedback = Decimal(16)
    total = factory.LazyAttribute(lambda o: sum((getattr(o, d) for d in DIMENSIONS), Decimal(0)))
    stars = 4
    classification = "advanced"


class RatingPolicyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RatingPolicy
        django_get_or_create = ["county", "year"]

    county = factory.SubFactory(OrganizationFactory, kind="county_committee", field="")
    year = 2024


def policy_of(organization, year: int = 2024, **bands) -> RatingPolicy:
    policy = RatingPolicyFactory(county=root_county(organization), year=year)
    if bands:
        RatingPolicy.objects.filter(pk=policy.pk).update(**bands)
        policy.refresh_from_db()
    return policy
