"""The rating page (/star-ratings/<id>/): scope, the scores of every step side by side, the proposal's basis
in words, the step history, and the next step's form — shown to whoever may take it, refused (403) to anyone
else, with the service's rules on the fields: a reason when a score changed, every error in one round, and a
stale version answered with the conflict message."""

import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments.indicators import INDICATOR_LABELS
from assessments.models import DIMENSIONS
from assessments.models import RatingStage
from assessments.models import RatingStep
from assessments.models import StarRating
from assessments.ratings_proposal import DIMENSION_INDICATORS
from assessments.services.ratings import rating_propose
from assessments.services.ratings import rating_self_assess
from branches.scope.querysets import forget_scope
from tests.utils.factories_entry import changed_by
from tests.utils.factories_entry import field_errors
from tests.utils.factories_entry import zh
from tests.utils.factories_ratings import StarRatingFactory
from tests.utils.factories_ratings import publish_results

pytestmark = pytest.mark.django_db

S = RatingStage
YEAR = 2024


def page_url(rating) -> str:
    return reverse("assessments:starrating-detail", args=[rating.pk])


def visible_text(response) -> str:
    html = response.content.decode()
    html = html[html.index("<main") :]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def step_data(rating, step, reason="", **changes) -> dict:
    """The form as the page fills it in (the current scores), with ``changes`` typed over it."""
    scores = {d: f"{getattr(rating, d):.1f}" for d in DIMENSIONS}
    return {**scores, **changes, "reason": reason, "step": step, "version": rating.version}


def send(world, who, rating, step, reason="", **changes):
    return world.page_client(who).post(page_url(rating), step_data(rating, step, reason, **changes))


# --- scope and who sees the form ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "branch"),
    [
        ("secretary_a1", "branch_a2"),
        ("staff_a", "branch_b1"),
        ("staff_b", "branch_a1"),
        ("county_admin", "branch_z1"),
        ("nobody", "branch_a1"),
    ],
)
def test_a_rating_outside_the_users_scope_answers_404_like_a_missing_one(world, who, branch):
    rating = StarRatingFactory(organization=getattr(world, branch))
    client = world.page_client(who)
    assert client.get(page_url(rating)).status_code == 404
    assert client.post(page_url(rating), step_data(rating, S.SELF_ASSESSED)).status_code == 404
    assert client.get(reverse("assessments:starrating-detail", args=[10**9])).status_code == 404
    rating.refresh_from_db()
    assert rating.stage == S.PROPOSED


@pytest.mark.parametrize(
    ("stage", "allowed", "refused"),
    [
        (S.PROPOSED, ["secretary_a1", "staff_a", "county_admin"], ["viewer_a"]),
        (S.SELF_ASSESSED, ["staff_a", "county_admin"], ["secretary_a1", "viewer_a"]),
        (S.REVIEWED, ["county_admin"], ["secretary_a1", "staff_a", "viewer_a"]),
    ],
)
def test_the_form_is_shown_only_to_who_may_take_the_next_step(world, stage, allowed, refused):
    rating = StarRatingFactory(organization=world.branch_a1, stage=stage)
    for who in allowed:
        response = world.page_client(who).get(page_url(rating))
        assert response.status_code == 200 and 'id="entry-form"' in response.content.decode(), who
    for who in refused:
        response = world.page_client(who).get(page_url(rating))
        assert response.status_code == 200 and 'id="entry-form"' not in response.content.decode(), who
        assert 'id="waiting"' in response.content.decode()


@pytest.mark.parametrize(
    ("stage", "step", "who"),
    [
        (S.PROPOSED, S.SELF_ASSESSED, "viewer_a"),
        (S.SELF_ASSESSED, S.REVIEWED, "secretary_a1"),
        (S.REVIEWED, S.CONFIRMED, "staff_a"),
        (S.PROPOSED, S.CONFIRMED, "secretary_a1"),  # a step named in the request that the user may not take
    ],
)
def test_a_user_without_the_steps_capability_is_refused_403_and_nothing_changes(world, stage, step, who):
    rating = StarRatingFactory(organization=world.branch_a1, stage=stage)
    assert send(world, who, rating, step).status_code == 403
    rating.refresh_from_db()
    assert rating.stage == stage and rating.version == 1 and not RatingStep.objects.exists()


def test_a_confirmed_rating_is_final_and_offers_no_form(world):
    rating = StarRatingFactory(organization=world.branch_a1, stage=S.CONFIRMED)
    response = world.page_client("county_admin").get(page_url(rating))
    html = response.content.decode()
    assert 'id="rating-final"' in html and 'id="entry-form"' not in html


# --- the reason at its boundary, errors, locking ------------------------------------------------------------


def test_unchanged_scores_pass_without_a_reason(world):
    rating = StarRatingFactory(organization=world.branch_a1)
    response = send(world, "secretary_a1", rating, S.SELF_ASSESSED, leadership="16")
    assert response.status_code == 302 and response["Location"] == page_url(rating)
    rating.refresh_from_db()
    assert rating.stage == S.SELF_ASSESSED and rating.total == Decimal(80)
    step = RatingStep.objects.get(rating=rating)
    assert step.actor == world.users["secretary_a1"] and step.reason == ""


def test_a_change_of_a_tenth_of_a_point_needs_a_reason_shown_on_the_field(world):
    rating = StarRatingFactory(organization=world.branch_a1)
    response = send(world, "secretary_a1", rating, S.SELF_ASSESSED, members="16.1")
    assert response.status_code == 200
    errors = field_errors(response, "reason")
    assert len(errors) == 1 and zh(StarRating._meta.get_field("members").verbose_name) in errors[0]
    summary = response.context["error_summary"]
    assert [item["anchor"] for item in summary] == ["id_reason"]
    assert 'id="error-summary"' in response.content.decode()
    rating.refresh_from_db()
    assert rating.stage == S.PROPOSED and not RatingStep.objects.exists()


def test_a_change_of_a_tenth_of_a_point_with_its_reason_is_recorded(world):
    rating = StarRatingFactory(organization=world.branch_a1)
    response = send(world, "secretary_a1", rating, S.SELF_ASSESSED, reason="多开了一次党课", members="16.1")
    assert response.status_code == 302
    rating.refresh_from_db()
    assert rating.members == Decimal("16.1") and rating.total == Decimal("80.1")
    assert RatingStep.objects.get(rating=rating).reason == "多开了一次党课"


def test_every_error_comes_in_one_round(world):
    """A score out of range (the service's message on its field) and a changed score without a reason."""
    rating = StarRatingFactory(organization=world.branch_a1, stage=S.SELF_ASSESSED)
    response = send(world, "staff_a", rating, S.REVIEWED, leadership="25", feedback="12.5", mechanism="")
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"leadership", "mechanism", "reason"}
    assert field_errors(response, "leadership") == [
        zh("Each score is from 0 to 20 points, with at most one decimal.")
    ]
    assert len(response.context["error_summary"]) == 3
    assert not RatingStep.objects.exists()


@pytest.mark.parametrize("bad", ["16.25", "-1", "abc", "NaN", "1e3"])
def test_a_score_that_is_not_0_to_20_with_one_decimal_is_refused_on_its_field(world, bad):
    rating = StarRatingFactory(organization=world.branch_a1)
    response = send(world, "secretary_a1", rating, S.SELF_ASSESSED, performance=bad)
    assert response.status_code == 200 and field_errors(response, "performance")
    assert not RatingStep.objects.exists()


def test_a_stale_version_gets_the_conflict_message_and_changes_nothing(world):
    rating = StarRatingFactory(organization=world.branch_a1, stage=S.SELF_ASSESSED)
    opened = step_data(rating, S.REVIEWED, reason="复核", leadership="12")
    StarRating.objects.filter(pk=rating.pk).update(version=2)  # someone else changed it meanwhile
    response = world.page_client("county_admin").post(page_url(rating), opened)
    assert response.status_code == 200
    assert response.context["conflict"] and 'id="conflict"' in response.content.decode()
    assert not RatingStep.objects.exists()


def test_the_conflict_names_who_changed_the_rating(world):
    rating = StarRatingFactory(organization=world.branch_a1)
    opened = step_data(rating, S.SELF_ASSESSED)
    rating_self_assess(actor=world.users["staff_a"], rating=rating)
    response = world.page_client("secretary_a1").post(page_url(rating), opened)
    assert changed_by(world.users["staff_a"]) in response.context["conflict"]
    assert RatingStep.objects.count() == 1


def test_the_version_and_the_step_travel_hidden(world):
    rating = StarRatingFactory(organization=world.branch_a1)
    html = world.page_client("secretary_a1").get(page_url(rating)).content.decode()
    assert re.search(r'<input type="hidden" name="version" value="1"', html)
    assert re.search(r'<input type="hidden" name="step" value="self_assessed"', html)
    assert 'for="id_version"' not in html
    assert 'name="leadership" value="16.0"' in html


# --- what the page shows ------------------------------------------------------------------------------------


@pytest.fixture
def proposed(world):
    mets = {"train.secretary": True, "study.village.sessions": False, "dev.under_25": None}
    publish_results(world.branch_a1, {**mets, **dict.fromkeys(DIMENSION_INDICATORS["mechanism"], True)})
    rating_propose(actor=world.users["root"], organization=world.township_a, year=YEAR)
    return StarRating.objects.get(organization=world.branch_a1, year=YEAR)


def test_the_basis_is_in_words_with_labels_figures_and_contributions(world, proposed):
    response = world.page_client("viewer_a").get(page_url(proposed))
    text = visible_text(response)
    assert zh(INDICATOR_LABELS["train.secretary"]) in text
    leadership = next(d for d in response.context["basis"].dimensions if d.dimension == "leadership")
    assert leadership.score == "10.0"
    outcomes = {row.code: row for row in leadership.indicators}
    assert outcomes["train.secretary"].met is True and "+10" in outcomes["train.secretary"].outcome
    assert (outcomes["train.secretary"].target, outcomes["train.secretary"].actual) == ("1", "1")
    assert outcomes["study.village.sessions"].counted and outcomes["study.village.sessions"].met is False
    assert not outcomes["study.village.notes"].counted  # no result published
    members = next(d for d in response.context["basis"].dimensions if d.dimension == "members")
    assert not next(row for row in members.indicators if row.code == "dev.under_25").counted
    for raw in ("train.secretary", "dimensions", "applicable", "{", "}"):
        assert raw not in text, raw


def test_scores_of_every_step_side_by_side_and_the_step_history(world, proposed):
    rating_self_assess(
        actor=world.users["secretary_a1"],
        rating=proposed,
        scores={"leadership": Decimal("12.5")},
        reason="书记参加了两次培训",
    )
    response = world.page_client("staff_a").get(page_url(proposed))
    table = response.context["scores"]
    leadership = next(row for row in table["rows"] if row["key"] == "leadership")
    assert [cell["value"] for cell in leadership["cells"]] == ["10.0", "12.5", None, None]
    assert [cell["changed"] for cell in leadership["cells"]] == [False, True, False, False]
    (step,) = response.context["steps"]
    assert (
        step["who"] == changed_by(world.users["secretary_a1"]) and step["step"].reason == "书记参加了两次培训"
    )
    html = response.content.decode()
    assert "书记参加了两次培训" in html and 'name="leadership" value="12.5"' in html


def test_a_rating_without_a_proposal_says_so(world):
    rating = StarRatingFactory(organization=world.branch_a1, proposal={})
    response = world.page_client("staff_a").get(page_url(rating))
    assert response.context["basis"] is None and 'id="proposal-basis"' in response.content.decode()


def test_the_list_links_every_row_to_the_rating_page_for_every_reader(world):
    rating = StarRatingFactory(organization=world.branch_a1)
    html = world.page_client("viewer_a").get(reverse("assessments:starrating-list")).content.decode()
    assert f'href="{page_url(rating)}"' in html


def test_the_page_costs_the_same_queries_however_many_steps(world):
    rating = StarRatingFactory(organization=world.branch_a1)
    user = world.users["county_admin"]

    def queries():
        forget_scope(user)
        with CaptureQueriesContext(connection) as captured:
            assert world.page_client("county_admin").get(page_url(rating)).status_code == 200
        return len(captured.captured_queries)

    first = queries()
    rating_self_assess(actor=world.users["secretary_a1"], rating=rating)
    rating.refresh_from_db()
    assert queries() == first
