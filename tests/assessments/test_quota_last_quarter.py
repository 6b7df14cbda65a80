"""From 1 October every target not yet met is an alert that says what remains and how many days are left
(docs/quotas.md, Alerts); before it, the completed quarters set the pace."""

import datetime as dt

import pytest

from assessments.models import QuotaPolicy
from assessments.selectors.quotas import published_alerts

from .quota_oracle import oracle
from .strategies import create_org
from .strategies import township_training
from .test_quota_oracle import assert_engine_agrees

pytestmark = pytest.mark.django_db
YEAR = 2026


@pytest.fixture
def township_one_training_of_two():
    county = create_org("county_committee")
    township = create_org("township_committee", parent=county)
    QuotaPolicy.objects.create(county=county, year=YEAR, train_per_level=2)
    township_training(township, dt.date(YEAR, 3, 1))
    return county, township


def _per_level_alert(county, township, today):
    assert_engine_agrees(county, YEAR, today)
    return published_alerts(year=YEAR, organization=township).filter(kind="train.per_level").first()


def test_30_september_expects_half_the_trainings(township_one_training_of_two):
    county, township = township_one_training_of_two
    assert _per_level_alert(county, township, dt.date(YEAR, 9, 30)) is None


def test_1_october_expects_every_training_and_says_what_remains(township_one_training_of_two):
    county, township = township_one_training_of_two
    alert = _per_level_alert(county, township, dt.date(YEAR, 10, 1))
    assert alert.detail == {"expected": 2, "actual": 1, "remaining": 1, "days_left": 91}


def test_6_december_with_one_of_two_trainings_is_an_alert(township_one_training_of_two):
    county, township = township_one_training_of_two
    alert = _per_level_alert(county, township, dt.date(YEAR, 12, 6))
    assert (alert.detail["remaining"], alert.detail["days_left"]) == (1, 25)
    assert (township.id, "train.per_level", None) in oracle(
        scope_org=county, year=YEAR, today=dt.date(YEAR, 12, 6)
    )[1]


def test_a_branch_alert_carries_the_figures_behind_it():
    county = create_org("county_committee")
    branch = create_org("branch", "village", create_org("township_committee", parent=county))
    assert_engine_agrees(county, YEAR, dt.date(YEAR, 12, 6))
    alert = published_alerts(year=YEAR, organization=branch).get(kind="dev.two_years_none")
    assert alert.detail == {"target": 1, "actual": 0, "days_left": 25}
