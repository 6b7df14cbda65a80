"""Factories for the joint evaluation: cycles, statements, raters, grades and scores. They write rows directly
(no service rules): tests that exercise a rule call the service."""

import datetime as dt
import itertools

import factory
from django.utils import timezone

from assessments.models import CycleState
from assessments.models import EvaluationCycle
from assessments.models import EvaluationGrade
from assessments.models import EvaluationLevel
from assessments.models import EvaluationRater
from assessments.models import EvaluationScore
from assessments.models import RaterGroup
from assessments.models import SecretaryGrade
from assessments.models import Statement

from .factories import OrganizationFactory
from .factories import UserFactory
from .factories_quotas import root_county

_years = itertools.count()


def next_year() -> int:
    """A year the previous 98 cycles made here did not use (cycles are one per county and year)."""
    return 2001 + next(_years) % 99


class EvaluationCycleFactory(factory.django.DjangoModelFactory):
    """An open cycle whose window runs around today (so statements are accepted); pass dates to move it."""

    class Meta:
        model = EvaluationCycle
        django_get_or_create = ["county", "year"]

    county = factory.SubFactory(OrganizationFactory, kind="county_committee", field="")
    year = factory.LazyFunction(next_year)
    opens_on = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=30))
    statements_due_on = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=10))
    closes_on = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=30))
    state = CycleState.OPEN


def cycle_of(organization, **fields) -> EvaluationCycle:
    """A fresh cycle of ``organization``'s county."""
    return EvaluationCycleFactory(county=root_county(organization), **fields)


class CycleRecordFactory(factory.django.DjangoModelFactory):
    """A record of a cycle about an organization, in a fresh cycle of the organization's county."""

    class Meta:
        abstract = True

    cycle = factory.LazyAttribute(lambda o: cycle_of(o.organization))
    organization = factory.SubFactory(OrganizationFactory)


class StatementFactory(CycleRecordFactory):
    class Meta:
        model = Statement

    level = EvaluationLevel.VILLAGE
    secretary_name = factory.Sequence(lambda n: f"书记{n}")
    text = "一年来，支部班子团结协作，完成了各项任务。"
    submitted_at = factory.LazyFunction(timezone.now)
    late = False


class EvaluationRaterFactory(CycleRecordFactory):
    class Meta:
        model = EvaluationRater

    user = factory.SubFactory(UserFactory)
    group = RaterGroup.TOWNSHIP_OFFICIAL


class SecretaryGradeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SecretaryGrade

    organization = factory.SubFactory(OrganizationFactory)
    rater = factory.LazyAttribute(lambda o: EvaluationRaterFactory(organization=o.organization))
    grade = EvaluationGrade.GOOD


class EvaluationScoreFactory(CycleRecordFactory):
    class Meta:
        model = EvaluationScore

    level = EvaluationLevel.VILLAGE
    secretary_name = "张书记"
    grades_count = 3
    evaluation_score = 86
    good_rate = 66.67
    final_score = 86
    grade = EvaluationGrade.FAIRLY_GOOD


def grade_many(cycle, organization, group: str, grades: list[str]) -> list[SecretaryGrade]:
    """One new rater of ``group`` per grade, each appointed over ``organization`` and grading it once."""
    made = []
    for grade in grades:
        rater = EvaluationRaterFactory(cycle=cycle, group=group, organization=organization)
        made.append(SecretaryGradeFactory(rater=rater, organization=organization, grade=grade))
    return made
