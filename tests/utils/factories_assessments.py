"""Factories for member appraisals and rectifications, and the few rows their rules read (ratings, policies,
instructors). They write rows directly (no service rules): tests that exercise a rule call the service."""

import datetime as dt
from decimal import Decimal

import factory
from django.utils import timezone

from assessments.models import MemberAppraisal
from assessments.models import RatingPolicy
from assessments.models import Rectification
from assessments.models import RectificationNote
from assessments.models import StarRating
from members.models import Cadre
from members.models import CadrePost
from members.models import MemberCategory

from .factories import MemberFactory
from .factories import OrganizationFactory
from .factories_cadres import CadreFactory
from .factories_quotas import root_county

YEAR = 2025


class MemberAppraisalFactory(factory.django.DjangoModelFactory):
    """A qualified full member, four stars: ``member__branch=`` puts a new member in a branch."""

    class Meta:
        model = MemberAppraisal

    member = factory.SubFactory(MemberFactory)
    branch = factory.LazyAttribute(lambda o: o.member.branch)
    year = YEAR
    participated = True
    grade = "qualified"
    stars = 4
    appraised_on = dt.date(YEAR, 12, 20)


def probationary_member(branch, **kwargs):
    return MemberFactory(
        branch=branch,
        category=MemberCategory.PROBATIONARY,
        confirmed_on=None,
        joined_on=dt.date(YEAR, 3, 1),
        **kwargs,
    )


def rating(organization, total, *, year=YEAR, stars=None) -> StarRating:
    """A rating with ``total`` points; stars by the default bands unless given."""
    total = Decimal(str(total))
    if stars is None:
        stars = 5 if total >= 90 else 4 if total >= 80 else 3 if total >= 70 else 0
    share = total / 5
    return StarRating.objects.create(
        organization=organization,
        year=year,
        leadership=share,
        members=share,
        mechanism=share,
        performance=share,
        feedback=share,
        total=total,
        stars=stars,
    )


def rating_policy(organization, *, year=YEAR, **values) -> RatingPolicy:
    return RatingPolicy.objects.create(county=root_county(organization), year=year, **values)


def secretary(branch, *, started_on=dt.date(2021, 1, 15), ended_on=None) -> Cadre:
    return CadreFactory(
        organization=branch,
        post=CadrePost.SECRETARY,
        member=MemberFactory(branch=branch),
        started_on=started_on,
        ended_on=ended_on,
    )


def instructor(branch, **kwargs) -> Cadre:
    """A party-building instructor serving at ``branch``, a member of a branch of the same township."""
    return CadreFactory(
        organization=branch,
        post=CadrePost.INSTRUCTOR,
        member=MemberFactory(branch=branch),
        started_on=dt.date(2022, 3, 1),
        **kwargs,
    )


class RectificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Rectification

    organization = factory.SubFactory(OrganizationFactory)
    year = YEAR
    reasons = factory.LazyFunction(lambda: [{"code": "unrated", "message": "未评星"}])
    plan = "配齐班子，规范三会一课，每月督导一次"
    responsible_leader = "王镇长"
    instructor = None
    deadline = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=180))


class RectificationNoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RectificationNote

    rectification = factory.SubFactory(RectificationFactory)
    written_on = factory.LazyFunction(dt.date.today)
    text = "召开支部党员大会，调整支委分工"
