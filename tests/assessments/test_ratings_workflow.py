"""The rating workflow in the services: who may take each step where, in which order, with which scores and
reasons; optimistic locking; steps and history; the county's rating policy."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError
from django.utils import translation

from assessments.models import RatingPolicy
from assessments.models import RatingStage
from assessments.models import RatingStep
from assessments.models import StarRating
from assessments.services import ratings as services
from branches.models import SecurityEvent
from branches.models import SecurityEventKind
from partybuild.exceptions import StaleWrite
from tests.utils.factories_ratings import StarRatingFactory
from tests.utils.factories_ratings import policy_of
from tests.utils.factories_ratings import scores

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """The messages are checked in English, whatever the catalog says in Chinese."""
    with translation.override("en"):
        yield


S = RatingStage
SERVICES = {
    S.SELF_ASSESSED: services.rating_self_assess,
    S.REVIEWED: services.rating_review,
    S.CONFIRMED: services.rating_confirm,
}
PREVIOUS = {S.SELF_ASSESSED: S.PROPOSED, S.REVIEWED: S.SELF_ASSESSED, S.CONFIRMED: S.REVIEWED}


def step(world, who, rating, stage, **kwargs):
    return SERVICES[stage](actor=world.users[who], rating=rating, **kwargs)


# --- who may take each step, and where ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("stage", "who", "branch", "allowed"),
    [
        # self-assessment needs "records": the branch's secretary, township or county staff
        (S.SELF_ASSESSED, "secretary_a1", "branch_a1", True),
        (S.SELF_ASSESSED, "staff_a", "branch_a1", True),
        (S.SELF_ASSESSED, "county_admin", "branch_b1", True),
        (S.SELF_ASSESSED, "secretary_a1", "branch_a2", False),
        (S.SELF_ASSESSED, "secretary_a1", "branch_b1", False),
        (S.SELF_ASSESSED, "staff_b", "branch_a1", False),
        (S.SELF_ASSESSED, "viewer_a", "branch_a1", False),
        (S.SELF_ASSESSED, "nobody", "branch_a1", False),
        # review needs "review": township or county staff
        (S.REVIEWED, "staff_a", "branch_a1", True),
        (S.REVIEWED, "county_admin", "branch_a1", True),
        (S.REVIEWED, "staff_a", "branch_b1", False),
        (S.REVIEWED, "secretary_a1", "branch_a1", False),
        (S.REVIEWED, "viewer_a", "branch_a1", False),
        # confirmation needs "policy": the county only
        (S.CONFIRMED, "county_admin", "branch_a1", True),
        (S.CONFIRMED, "staff_a", "branch_a1", False),
        (S.CONFIRMED, "secretary_a1", "branch_a1", False),
        (S.CONFIRMED, "viewer_a", "branch_a1", False),
    ],
)
def test_each_step_by_role_and_scope(world, stage, who, branch, allowed):
    rating = StarRatingFactory(organization=getattr(world, branch), stage=PREVIOUS[stage])
    if allowed:
        assert step(world, who, rating, stage).stage == stage
        assert RatingStep.objects.get(rating=rating).actor == world.users[who]
    else:
        with pytest.raises(PermissionDenied):
            step(world, who, rating, stage)
        rating.refresh_from_db()
        assert rating.stage == PREVIOUS[stage] and rating.version == 1
        assert not RatingStep.objects.exists()


def test_county_admin_of_another_county_confirms_nothing_here(world):
    other = StarRatingFactory(organization=world.branch_z1, stage=S.REVIEWED)
    with pytest.raises(PermissionDenied):
        step(world, "county_admin", other, S.CONFIRMED)


# --- order --------------------------------------------------------------------------------------------------


def test_the_whole_workflow_in_order(world):
    rating = StarRatingFactory(organization=world.branch_a1)
    rating = step(
        world, "secretary_a1", rating, S.SELF_ASSESSED, scores={"feedback": 18}, reason="评议满意度高"
    )
    rating = step(world, "staff_a", rating, S.REVIEWED)
    rating = step(world, "county_admin", rating, S.CONFIRMED, scores={"leadership": 19}, reason="抽查核实")
    assert rating.stage == S.CONFIRMED and rating.version == 4
    assert (rating.leadership, rating.feedback, rating.total, rating.stars) == (19, 18, Decimal("85.0"), 4)
    steps = list(RatingStep.objects.filter(rating=rating).order_by("pk"))
    assert [(s.stage, s.actor.username, s.total) for s in steps] == [
        (S.SELF_ASSESSED, "secretary_a1", Decimal("82.0")),
        (S.REVIEWED, "staff_a", Decimal("82.0")),
        (S.CONFIRMED, "county_admin", Decimal("85.0")),
    ]
    assert steps[0].reason == "评议满意度高" and steps[1].reason == ""
    assert [
        h.history_user.username for h in rating.history.filter(history_type="~").order_by("history_date")
    ] == [
        "secretary_a1",
        "staff_a",
        "county_admin",
    ]


@pytest.mark.parametrize(
    ("current", "stage", "message"),
    [
        (S.PROPOSED, S.REVIEWED, "the next step is “Self-assessed by the branch”"),
        (S.PROPOSED, S.CONFIRMED, "the next step is “Self-assessed by the branch”"),
        (S.SELF_ASSESSED, S.CONFIRMED, "the next step is “Reviewed by the township”"),
        (S.SELF_ASSESSED, S.SELF_ASSESSED, "the next step is “Reviewed by the township”"),
        (S.REVIEWED, S.SELF_ASSESSED, "the next step is “Confirmed by the county”"),
    ],
)
def test_a_jump_or_a_step_back_is_refused_with_the_next_step_named(world, current, stage, message):
    rating = StarRatingFactory(organization=world.branch_a1, stage=current)
    with pytest.raises(ValidationError) as refused:
        step(world, "county_admin", rating, stage)
    assert message in refused.value.message_dict["stage"][0]
    rating.refresh_from_db()
    assert rating.stage == current and rating.version == 1


@pytest.mark.parametrize("stage", list(SERVICES))
def test_a_confirmed_rating_is_final(world, stage):
    rating = StarRatingFactory(organization=world.branch_a1, stage=S.CONFIRMED)
    with pytest.raises(ValidationError) as refused:
        step(world, "county_admin", rating, stage)
    assert "final" in refused.value.message_dict["stage"][0]


# --- scores and reasons -------------------------------------------------------------------------------------


def test_changing_a_score_without_a_reason_is_refused(world):
    rating = StarRatingFactory(organization=world.branch_a1)
    with pytest.raises(ValidationError) as refused:
        step(world, "secretary_a1", rating, S.SELF_ASSESSED, scores={"members": Decimal("16.1")}, reason="  ")
    assert "good member team" in refused.value.message_dict["reason"][0]
    rating.refresh_from_db()
    assert rating.stage == S.PROPOSED and not RatingStep.objects.exists()


def test_keeping_every_score_needs_no_reason(world):
    rating = StarRatingFactory(organization=world.branch_a1)
    rating = step(world, "secretary_a1", rating, S.SELF_ASSESSED, scores=scores())
    assert rating.stage == S.SELF_ASSESSED and rating.total == 80


def test_the_reason_is_measured_against_the_previous_step_not_the_proposal(world):
    rating = StarRatingFactory(organization=world.branch_a1)
    rating = step(
        world, "secretary_a1", rating, S.SELF_ASSESSED, scores={"performance": 18}, reason="走访全覆盖"
    )
    # the township keeps the branch's 18: no change from the previous step, so no reason needed
    rating = step(world, "staff_a", rating, S.REVIEWED, scores={"performance": 18})
    with pytest.raises(ValidationError):
        step(world, "county_admin", rating, S.CONFIRMED, scores={"performance": 16})


@pytest.mark.parametrize("value", ["-0.1", "20.1", "21", "12.55", "NaN", "abc"])
def test_a_score_outside_0_to_20_or_finer_than_a_tenth_is_refused(world, value):
    rating = StarRatingFactory(organization=world.branch_a1)
    with pytest.raises(ValidationError) as refused:
        step(world, "staff_a", rating, S.SELF_ASSESSED, scores={"leadership": value}, reason="调整")
    assert "from 0 to 20" in refused.value.message_dict["leadership"][0]


@pytest.mark.parametrize("value", ["0", "20", "20.0", "0.1", "19.9"])
def test_scores_at_the_ends_of_the_range_are_accepted(world, value):
    rating = StarRatingFactory(organization=world.branch_a1)
    rating = step(world, "staff_a", rating, S.SELF_ASSESSED, scores={"leadership": value}, reason="调整")
    assert rating.leadership == Decimal(value)


def test_an_unknown_dimension_is_refused(world):
    rating = StarRatingFactory(organization=world.branch_a1)
    with pytest.raises(ValidationError) as refused:
        step(world, "staff_a", rating, S.SELF_ASSESSED, scores={"charisma": 20}, reason="?")
    assert "charisma" in refused.value.message_dict["scores"][0]


def test_stars_and_classification_follow_the_countys_bands(world):
    policy_of(world.county, five_stars_from=95, four_stars_from=85, three_stars_from=75)
    rating = StarRatingFactory(organization=world.branch_a1)
    rating = step(world, "staff_a", rating, S.SELF_ASSESSED, scores=scores(18, 18, 18, 18, 18), reason="提高")
    assert (rating.total, rating.stars, rating.classification) == (Decimal("90.0"), 4, "advanced")
    rating = step(world, "staff_a", rating, S.REVIEWED, scores=scores(15, 15, 15, 15, 14.9), reason="核减")
    assert (rating.total, rating.stars, rating.classification) == (Decimal("74.9"), 0, "backward")


# --- optimistic locking ---------------------------------------------------------------------------------


def test_a_stale_step_is_a_conflict_and_changes_nothing(world):
    rating = StarRatingFactory(organization=world.branch_a1)
    step(world, "secretary_a1", rating, S.SELF_ASSESSED, expected_version=1)
    with pytest.raises(StaleWrite):
        step(world, "staff_a", rating, S.REVIEWED, expected_version=1)
    rating.refresh_from_db()
    assert rating.stage == S.SELF_ASSESSED and rating.version == 2


# --- the proposal service ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "where", "allowed"),
    [
        ("staff_a", "township_a", True),
        ("staff_a", "branch_a1", True),
        ("county_admin", "county", True),
        ("staff_a", "township_b", False),
        ("secretary_a1", "branch_a1", False),
        ("viewer_a", "township_a", False),
    ],
)
def test_proposing_needs_the_review_capability_there(world, who, where, allowed):
    organization = getattr(world, where)
    if allowed:
        summary = services.rating_propose(actor=world.users[who], organization=organization, year=2024)
        assert summary.written == StarRating.objects.count() > 0
    else:
        with pytest.raises(PermissionDenied):
            services.rating_propose(actor=world.users[who], organization=organization, year=2024)
        assert not StarRating.objects.exists()


@pytest.mark.parametrize("year", [1999, 2100])
def test_proposing_a_year_outside_2000_to_this_year_is_refused(world, year):
    with pytest.raises(ValidationError):
        services.rating_propose(actor=world.users["staff_a"], organization=world.township_a, year=year)


# --- the county's policy ------------------------------------------------------------------------------------


def test_a_policy_with_bands_that_do_not_rise_is_refused(world):
    with pytest.raises(ValidationError) as refused:
        services.rating_policy_create(
            actor=world.users["county_admin"], county=world.county, year=2024, four_stars_from=90
        )
    assert "four_stars_from" in refused.value.message_dict
    assert not RatingPolicy.objects.exists()


def test_a_policy_change_is_a_security_event_and_keeps_history(world):
    admin = world.users["county_admin"]
    policy = services.rating_policy_create(actor=admin, county=world.county, year=2024)
    services.rating_policy_update(actor=admin, rating_policy=policy, expected_version=1, three_star_target=90)
    policy.refresh_from_db()
    assert policy.three_star_target == 90 and policy.version == 2 and policy.history.count() == 2
    event = SecurityEvent.objects.filter(kind=SecurityEventKind.POLICY_CHANGED).latest("pk")
    assert event.detail["changed"] == {"three_star_target": ["85", "90"]}


def test_a_policy_cannot_move_to_another_year(world):
    admin = world.users["county_admin"]
    policy = services.rating_policy_create(actor=admin, county=world.county, year=2024)
    with pytest.raises(ValidationError) as refused:
        services.rating_policy_update(actor=admin, rating_policy=policy, year=2025)
    assert "year" in refused.value.message_dict


@pytest.mark.parametrize("who", ["staff_a", "secretary_a1"])
def test_only_the_county_sets_its_policy(world, who):
    with pytest.raises(PermissionDenied):
        services.rating_policy_create(actor=world.users[who], county=world.county, year=2024)
