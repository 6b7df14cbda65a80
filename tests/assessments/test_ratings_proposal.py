"""The five-good proposal: arithmetic from known published quota results, satisfaction, bands at their
boundaries, classification, the stages it may and may not touch, history, scope, a fixed number of
statements."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assessments.models import QuotaResult
from assessments.models import QuotaRun
from assessments.models import RatingStage
from assessments.models import RunState
from assessments.models import StarRating
from assessments.ratings_proposal import DIMENSION_INDICATORS
from assessments.ratings_proposal import propose
from assessments.selectors.ratings import classification_for
from assessments.selectors.ratings import rating_policy_for
from assessments.selectors.ratings import stars_for
from branches.models import ReviewKind
from tests.utils.factories import OrganizationFactory
from tests.utils.factories_ratings import StarRatingFactory
from tests.utils.factories_ratings import policy_of
from tests.utils.factories_ratings import publish_results
from tests.utils.factories_records import ReviewRecordFactory

pytestmark = pytest.mark.django_db

YEAR = 2024
D = Decimal


def every(dimension, met=True) -> dict:
    return dict.fromkeys(DIMENSION_INDICATORS[dimension], met)


def rating_of(organization) -> StarRating:
    return StarRating.objects.get(organization=organization, year=YEAR)


def run(world, organization=None, actor=None):
    return propose(prefix=(organization or world.county).path, year=YEAR, actor=actor)


def satisfaction(branch, satisfied, participants, kind=ReviewKind.MEMBER_REVIEW, held_on=dt.date(YEAR, 6, 1)):
    return ReviewRecordFactory(
        organization=branch, kind=kind, held_on=held_on, participants=participants, satisfied=satisfied
    )


def test_each_dimension_is_20_times_the_share_of_its_applicable_indicators_met(world):
    publish_results(
        world.branch_a1,
        {
            # leadership: 3 met of 4 applicable (articles does not apply) → 15.0
            "train.secretary": True,
            "study.village.sessions": True,
            "study.village.notes": False,
            "study.village.articles": None,
            "reserve.team_young": True,
            # members: 1 of 3 → 6.7 (rounded to one decimal)
            "dev.branch_min": True,
            "dev.two_years_none": False,
            "dev.under_25": False,
            # mechanism: 7 of 10 → 14.0
            **every("mechanism"),
            "meet.group": False,
            "meet.lecture": False,
            "review.disclosures": False,
            # performance: 2 of 3 → 13.3
            "visit.households": True,
            "train.per_level": True,
            "contact.visit": False,
            # feedback without a review to go by: review.democratic met → 20.0
            "review.democratic": True,
            # not part of any dimension
            "dev.young_share": False,
        },
        year=YEAR,
    )
    run(world)
    rating = rating_of(world.branch_a1)
    assert (rating.leadership, rating.members, rating.mechanism, rating.performance, rating.feedback) == (
        D("15.0"),
        D("6.7"),
        D("14.0"),
        D("13.3"),
        D("20.0"),
    )
    assert rating.total == D("69.0") and rating.stars == 0 and rating.classification == "backward"
    assert rating.stage == RatingStage.PROPOSED and rating.proposed_at is not None


def test_the_proposal_shows_the_indicators_behind_each_score(world):
    publish_results(
        world.branch_a1, {"train.secretary": True, "study.village.notes": False, "meet.group": None}
    )
    run(world)
    proposal = rating_of(world.branch_a1).proposal
    leadership = proposal["dimensions"]["leadership"]
    assert leadership["score"] == 10.0 and leadership["met"] == 1 and leadership["applicable"] == 2
    assert sorted(leadership["indicators"], key=lambda i: i["code"]) == [
        {"code": "study.village.notes", "met": False},
        {"code": "train.secretary", "met": True},
    ]
    assert proposal["dimensions"]["mechanism"]["indicators"] == [{"code": "meet.group", "met": None}]
    assert proposal["dimensions"]["members"] == {"score": 0, "met": 0, "applicable": 0, "indicators": []}
    assert proposal["year"] == YEAR and proposal["total"] == 10.0 and proposal["stars"] == 0


def test_a_dimension_with_no_applicable_indicator_scores_zero(world):
    publish_results(world.branch_a1, {**every("leadership", None), **every("mechanism")}, year=YEAR)
    run(world)
    rating = rating_of(world.branch_a1)
    assert rating.leadership == 0 and rating.members == 0 and rating.mechanism == 20


def test_a_branch_without_published_results_is_proposed_at_zero(world):
    summary = run(world)
    assert rating_of(world.branch_a2).total == 0
    assert summary.branches == 3 and summary.with_results == 0 and summary.written == 3


def test_results_count_only_for_a_branch_with_figures_published(world):
    publish_results(world.branch_a1, every("mechanism", False), year=YEAR)
    unpublished = QuotaRun.objects.create(organization=world.branch_a2, year=YEAR, state=RunState.SUCCEEDED)
    met = {"code": "meet.group", "target": 1, "actual": 1, "met": True}
    QuotaResult.objects.create(run=unpublished, organization=world.branch_a2, year=YEAR, **met)
    summary = run(world)
    assert rating_of(world.branch_a2).mechanism == 0 and rating_of(world.branch_a1).mechanism == 0
    assert summary.with_results == 1


def test_feedback_is_the_mass_satisfaction_of_the_years_democratic_reviews(world):
    publish_results(world.branch_a1, {"review.democratic": False}, year=YEAR)
    satisfaction(world.branch_a1, 34, 40)
    satisfaction(world.branch_a1, 14, 20, kind=ReviewKind.REPRESENTATIVE_REVIEW)
    satisfaction(world.branch_a1, 0, 50, kind=ReviewKind.COMMITTEE_REPORT)  # not a review of cadres
    satisfaction(world.branch_a1, 0, 50, held_on=dt.date(YEAR - 1, 12, 31))  # last year's
    satisfaction(world.branch_a1, None, 50)  # no vote recorded
    run(world)
    rating = rating_of(world.branch_a1)
    assert rating.feedback == D("16.0")  # 20 × 48 / 60
    feedback = rating.proposal["dimensions"]["feedback"]
    assert (
        feedback["basis"] == "satisfaction" and feedback["satisfied"] == 48 and feedback["participants"] == 60
    )
    assert feedback["indicators"] == [{"code": "review.democratic", "met": False}]


def test_feedback_falls_back_on_the_democratic_review_indicator(world):
    publish_results(world.branch_a1, {"review.democratic": True}, year=YEAR)
    publish_results(world.branch_a2, {"review.democratic": False}, year=YEAR)
    satisfaction(world.branch_a2, 0, 0)  # no participants: nothing to go by
    run(world)
    assert rating_of(world.branch_a1).feedback == 20
    assert rating_of(world.branch_a2).feedback == 0
    assert rating_of(world.branch_a2).proposal["dimensions"]["feedback"]["basis"] == "indicator"


def _branch_scoring(world, *, performance_met: bool, satisfied: int):
    """Leadership, members and mechanism at 20; performance 20 or 0; feedback 20 × satisfied / 200."""
    met = {**every("leadership"), **every("members"), **every("mechanism")}
    publish_results(world.branch_a1, {**met, **every("performance", performance_met)}, year=YEAR)
    satisfaction(world.branch_a1, satisfied, 200)


@pytest.mark.parametrize(
    ("performance_met", "satisfied", "total", "stars", "classification"),
    [
        (True, 100, "90.0", 5, "advanced"),
        (True, 99, "89.9", 4, "advanced"),
        (False, 200, "80.0", 4, "advanced"),
        (False, 199, "79.9", 3, "general"),
        (False, 100, "70.0", 3, "general"),
        (False, 99, "69.9", 0, "backward"),
    ],
)
def test_default_bands_at_their_boundaries(world, performance_met, satisfied, total, stars, classification):
    _branch_scoring(world, performance_met=performance_met, satisfied=satisfied)
    run(world)
    rating = rating_of(world.branch_a1)
    assert (rating.total, rating.stars, rating.classification) == (D(total), stars, classification)


def test_the_bands_are_those_of_the_countys_policy_for_the_year(world):
    policy_of(world.county, five_stars_from=95, four_stars_from=85, three_stars_from=75)
    policy_of(world.county, year=YEAR + 1, five_stars_from=60, four_stars_from=50, three_stars_from=40)
    _branch_scoring(world, performance_met=True, satisfied=100)  # 90.0
    run(world)
    assert rating_of(world.branch_a1).stars == 4


@pytest.mark.parametrize(
    ("total", "stars"),
    [("90.0", 5), ("89.9", 4), ("80.0", 4), ("79.9", 3), ("70.0", 3), ("69.9", 0), ("0", 0), ("100", 5)],
)
def test_stars_for_a_total_at_the_default_band_boundaries(world, total, stars):
    assert stars_for(D(total), rating_policy_for(organization=world.branch_a1, year=YEAR)) == stars


@pytest.mark.parametrize(
    ("stars", "classification"), [(5, "advanced"), (4, "advanced"), (3, "general"), (0, "backward")]
)
def test_classification_follows_the_stars(stars, classification):
    assert classification_for(stars) == classification


def test_a_proposed_rating_takes_the_new_proposal(world):
    StarRatingFactory(organization=world.branch_a1, year=YEAR)
    publish_results(world.branch_a1, every("mechanism"), year=YEAR)
    run(world)
    rating = rating_of(world.branch_a1)
    assert rating.mechanism == 20 and rating.leadership == 0 and rating.total == 20 and rating.version == 2


@pytest.mark.parametrize("stage", [RatingStage.SELF_ASSESSED, RatingStage.REVIEWED])
def test_a_rating_past_the_proposal_keeps_its_peoples_scores_and_gets_the_new_basis(world, stage):
    StarRatingFactory(organization=world.branch_a1, year=YEAR, stage=stage)
    publish_results(world.branch_a1, every("mechanism", False), year=YEAR)
    run(world)
    rating = rating_of(world.branch_a1)
    assert rating.stage == stage and rating.mechanism == 16 and rating.total == 80 and rating.stars == 4
    assert rating.proposal["dimensions"]["mechanism"]["score"] == 0 and rating.version == 2


def test_a_confirmed_rating_is_final_and_left_alone(world):
    StarRatingFactory(organization=world.branch_a1, year=YEAR, stage=RatingStage.CONFIRMED)
    publish_results(world.branch_a1, every("mechanism", False), year=YEAR)
    summary = run(world)
    rating = rating_of(world.branch_a1)
    assert rating.proposal == {} and rating.version == 1 and rating.mechanism == 16
    assert summary.written == 2  # a2 and b1


def test_every_rating_written_gets_a_history_row_naming_the_actor(world):
    actor = world.users["staff_a"]
    run(world, world.township_a, actor=actor)
    run(world, world.township_a, actor=actor)
    history = StarRating.history.filter(organization_id=world.branch_a1.pk).order_by(
        "history_date", "history_id"
    )
    assert [(row.history_type, row.version) for row in history] == [("+", 1), ("~", 2)]
    assert all(row.history_user_id == actor.pk for row in history)
    assert history.last().history_change_reason == "proposal"


def test_the_proposal_covers_the_branches_of_the_subtree_taking_part(world):
    dissolved = OrganizationFactory(parent=world.township_a, dissolved_on=dt.date(YEAR, 3, 1))
    later = OrganizationFactory(parent=world.township_a, dissolved_on=dt.date(YEAR + 1, 3, 1))
    general = OrganizationFactory(parent=world.township_a, kind="general_branch")
    summary = run(world, world.township_a)
    rated = set(StarRating.objects.values_list("organization_id", flat=True))
    assert rated == {world.branch_a1.pk, world.branch_a2.pk, later.pk, general.pk}
    assert dissolved.pk not in rated and summary.branches == 4


def test_the_proposal_is_a_fixed_number_of_statements_whatever_the_number_of_branches(world):
    with CaptureQueriesContext(connection) as few:
        run(world, world.township_a)
    for n in range(8):
        branch = OrganizationFactory(parent=world.township_a)
        publish_results(branch, {**every("mechanism", n % 2 == 0), **every("leadership")}, year=YEAR)
    with CaptureQueriesContext(connection) as many:
        summary = run(world, world.township_a)
    assert summary.written == 10
    assert len(many) == len(few) == (5 if connection.vendor == "postgresql" else 3)
