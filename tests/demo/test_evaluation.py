"""The demo's joint evaluation, run on the small two-county world: last year complete and published, this
year open with some statements and grades."""

import datetime as dt
from types import SimpleNamespace

import pytest

from assessments.models import CycleState
from assessments.models import EvaluationCycle
from assessments.models import RaterGroup
from assessments.models import SecretaryGrade
from assessments.models import Statement
from assessments.selectors.evaluation import evaluation_subjects
from demo.evaluation import create_demo_evaluation

pytestmark = pytest.mark.django_db


def test_last_year_is_complete_and_published_and_this_year_is_open(world):
    today = dt.date(2026, 12, 1)
    tree = SimpleNamespace(county=world.county, seed_township=world.township_a)
    summary = create_demo_evaluation(actor=world.users["root"], tree=tree, today=today)
    last = EvaluationCycle.objects.get(county=world.county, year=2025)
    this = EvaluationCycle.objects.get(county=world.county, year=2026)
    subjects = {s.organization_id for s in evaluation_subjects(world.county, on=last.opens_on)}
    assert last.state == CycleState.PUBLISHED and last.published_at is not None
    assert set(last.statements.values_list("organization_id", flat=True)) == subjects
    assert set(last.scores.values_list("organization_id", flat=True)) == subjects
    assert not last.scores.filter(final_score__isnull=True).exists()
    assert set(last.raters.values_list("group", flat=True)) == set(RaterGroup.values)
    graded = set(SecretaryGrade.objects.filter(rater__cycle=last).values_list("organization_id", flat=True))
    assert graded == subjects
    assert this.state == CycleState.OPEN and not this.scores.exists()
    assert Statement.objects.filter(cycle=this).count() < len(subjects)
    assert summary.scores == len(subjects)
    assert Statement.history.filter(cycle_id=last.pk).count() == len(subjects)
