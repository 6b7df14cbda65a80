"""/api/v1/star-ratings/ and /api/v1/rating-policies/: scope, workflow actions by role, filters, steps,
roll-ups, the dimension table, export, and the admin."""

import datetime as dt
from decimal import Decimal
from io import BytesIO

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from assessments.models import RatingPolicy
from assessments.models import RatingStage
from assessments.models import RatingStep
from assessments.models import StarRating
from assessments.ratings_proposal import DIMENSION_INDICATORS
from assessments.selectors.ratings import rating_rollup
from branches.models import SecurityEvent
from branches.models import SecurityEventKind
from tests.utils.factories import OrganizationFactory
from tests.utils.factories_quotas import root_county
from tests.utils.factories_ratings import StarRatingFactory
from tests.utils.factories_ratings import policy_of
from tests.utils.factories_ratings import publish_results
from tests.utils.scope import ScopeSuite
from tests.utils.scope_policies import CountyPolicyScopeSuite

pytestmark = pytest.mark.django_db

S = RatingStage


class TestStarRatingScope(ScopeSuite):
    basename = "starrating"
    supports_create = False  # ratings come from the proposal only (tested below)
    years = iter(range(2001, 2100))

    def make_object(self, world, organization):
        return StarRatingFactory(organization=organization, year=next(self.years))


class TestRatingPolicyScope(CountyPolicyScopeSuite):
    basename = "ratingpolicy"
    model = RatingPolicy

    def move_payload(self, world, organization):
        return {"county": root_county(organization).pk}


def url(name, rating=None):
    return reverse(f"starrating-{name}", args=[rating.pk] if rating else None)


def post(world, who, name, rating=None, **data):
    return world.client(who).post(url(name, rating), data, format="json")


# --- propose ------------------------------------------------------------------------------------------------


def test_propose_runs_the_proposal_for_the_subtree(world):
    publish_results(world.branch_a1, dict.fromkeys(DIMENSION_INDICATORS["mechanism"], True))
    response = post(world, "staff_a", "propose", organization=world.township_a.pk, year=2024)
    assert response.status_code == 200, response.content
    assert response.json() == {"year": 2024, "branches": 2, "with_results": 1, "written": 2}
    rating = StarRating.objects.get(organization=world.branch_a1)
    assert rating.mechanism == 20 and not StarRating.objects.filter(organization=world.branch_b1).exists()
    detail = world.client("secretary_a1").get(reverse("starrating-detail", args=[rating.pk])).json()
    assert detail["proposal"]["dimensions"]["mechanism"]["score"] == 20.0
    assert detail["stage_display"] and detail["classification_display"]


@pytest.mark.parametrize(
    ("who", "where", "status"),
    [
        ("secretary_a1", "branch_a1", 403),
        ("viewer_a", "township_a", 403),
        ("staff_a", "township_b", 400),  # not an organization staff_a can see
        ("nobody", "township_a", 400),
    ],
)
def test_propose_is_refused_without_the_review_capability_there(world, who, where, status):
    response = post(world, who, "propose", organization=getattr(world, where).pk, year=2024)
    assert response.status_code == status, response.content
    assert not StarRating.objects.exists()


@pytest.mark.parametrize("year", [1999, 2101, "x"])
def test_propose_refuses_a_bad_year(world, year):
    response = post(world, "staff_a", "propose", organization=world.township_a.pk, year=year)
    assert response.status_code == 400 and "year" in response.json()


def test_ratings_cannot_be_created_edited_or_deleted_directly(world):
    rating = StarRatingFactory(organization=world.branch_a1)
    client = world.client("county_admin")
    payload = {"organization": world.branch_a1.pk, "year": 2030}
    assert client.post(reverse("starrating-list"), payload, format="json").status_code == 405
    detail = reverse("starrating-detail", args=[rating.pk])
    assert client.patch(detail, {"leadership": 20}, format="json").status_code == 405
    assert client.delete(detail).status_code == 405
    assert client.post("/api/v1/star-ratings/import/").status_code in {404, 405}


# --- workflow actions ---------------------------------------------------------------------------------------


def test_the_workflow_through_the_api(world):
    rating = StarRatingFactory(organization=world.branch_a1)
    response = post(world, "secretary_a1", "self-assess", rating, feedback="18.0", reason="满意度测评92%")
    assert response.status_code == 200, response.content
    assert response.json()["stage"] == S.SELF_ASSESSED and response.json()["total"] == "82.0"
    response = post(world, "staff_a", "review", rating, version=2)
    assert response.status_code == 200, response.content
    response = post(world, "county_admin", "confirm", rating, leadership=12, reason="班子不团结，核减")
    assert response.status_code == 200, response.content
    assert response.json()["stars"] == 3 and response.json()["classification"] == "general"
    steps = world.client("viewer_a").get(url("steps", rating))
    assert steps.status_code == 200
    assert [(s["stage"], s["actor_name"], s["reason"]) for s in steps.json()["results"]] == [
        (S.SELF_ASSESSED, world.users["secretary_a1"].get_full_name() or "secretary_a1", "满意度测评92%"),
        (S.REVIEWED, world.users["staff_a"].get_full_name() or "staff_a", ""),
        (S.CONFIRMED, world.users["county_admin"].get_full_name() or "county_admin", "班子不团结，核减"),
    ]


@pytest.mark.parametrize(
    ("who", "action", "stage", "status"),
    [
        ("secretary_a1", "review", S.SELF_ASSESSED, 403),
        ("staff_a", "confirm", S.REVIEWED, 403),
        ("viewer_a", "self-assess", S.PROPOSED, 403),
        ("staff_b", "review", S.SELF_ASSESSED, 404),
        ("secretary_a1", "self-assess", S.REVIEWED, 400),  # out of order
        ("county_admin", "confirm", S.CONFIRMED, 400),  # final
    ],
)
def test_refused_steps_answer_and_change_nothing(world, who, action, stage, status):
    rating = StarRatingFactory(organization=world.branch_a1, stage=stage)
    response = post(world, who, action, rating)
    assert response.status_code == status, response.content
    rating.refresh_from_db()
    assert rating.stage == stage and rating.version == 1 and not RatingStep.objects.exists()


def test_secretary_cannot_self_assess_another_branch(world):
    foreign = StarRatingFactory(organization=world.branch_b1)
    assert post(world, "secretary_a1", "self-assess", foreign).status_code == 404


def test_a_changed_score_without_a_reason_is_a_400_on_the_reason(world):
    rating = StarRatingFactory(organization=world.branch_a1)
    response = post(world, "secretary_a1", "self-assess", rating, leadership="17.5")
    assert response.status_code == 400 and "reason" in response.json()


def test_a_score_out_of_range_is_a_400_on_that_score(world):
    rating = StarRatingFactory(organization=world.branch_a1)
    response = post(world, "secretary_a1", "self-assess", rating, members=25, reason="x")
    assert response.status_code == 400 and "members" in response.json()


def test_a_stale_step_is_a_409(world):
    rating = StarRatingFactory(organization=world.branch_a1)
    assert post(world, "secretary_a1", "self-assess", rating, version=1).status_code == 200
    assert post(world, "staff_a", "review", rating, version=1).status_code == 409


def test_refusals_speak_the_users_language(world):
    rating = StarRatingFactory(organization=world.branch_a1, stage=S.CONFIRMED)
    response = world.client("county_admin").post(
        url("confirm", rating), {}, format="json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 400
    assert response.json()["stage"] == ["This rating was confirmed by the county and is final."]


def test_steps_query_count_does_not_grow_with_steps(world):
    rating = StarRatingFactory(organization=world.branch_a1)
    client = world.client("county_admin")
    post(world, "secretary_a1", "self-assess", rating)
    client.get(url("steps", rating))
    with CaptureQueriesContext(connection) as few:
        client.get(url("steps", rating))
    post(world, "staff_a", "review", rating)
    post(world, "county_admin", "confirm", rating)
    with CaptureQueriesContext(connection) as many:
        assert client.get(url("steps", rating)).json()["count"] == 3
    assert len(many) == len(few)


# --- filters, dimension table, export -------------------------------------------------------------------


def listed(world, who, **params):
    response = world.client(who).get(reverse("starrating-list"), params)
    assert response.status_code == 200, response.content
    return {row["organization"] for row in response.json()["results"]}


def test_filters(world):
    StarRatingFactory(organization=world.branch_a1, stage=S.CONFIRMED, stars=5, classification="advanced")
    StarRatingFactory(organization=world.branch_a2, stage=S.REVIEWED, stars=3, classification="general")
    StarRatingFactory(organization=world.branch_b1, stars=0, classification="backward")
    StarRatingFactory(organization=world.branch_b1, year=2023, stars=0)
    a1, a2, b1 = world.branch_a1.pk, world.branch_a2.pk, world.branch_b1.pk
    assert listed(world, "county_admin", within=world.township_a.pk) == {a1, a2}
    assert listed(world, "county_admin", organization=b1) == {b1}
    assert listed(world, "county_admin", stage=S.CONFIRMED) == {a1}
    assert listed(world, "county_admin", stars=[0, 3]) == {a2, b1}
    assert listed(world, "county_admin", stars_min=3) == {a1, a2}
    assert listed(world, "county_admin", classification="general") == {a2}
    assert listed(world, "county_admin", year=2023) == {b1}
    foreign = world.client("staff_a").get(reverse("starrating-list"), {"within": world.township_b.pk})
    assert foreign.status_code == 400


def test_the_dimension_table_is_shown(world):
    response = world.client("viewer_a").get(url("dimensions"))
    assert response.status_code == 200
    table = {row["dimension"]: [i["code"] for i in row["indicators"]] for row in response.json()}
    assert table == {dimension: list(codes) for dimension, codes in DIMENSION_INDICATORS.items()}
    assert all(row["label"] and row["points"] == 20 for row in response.json())


def test_export_is_scoped_in_chinese_and_a_security_event(world):
    StarRatingFactory(organization=world.branch_a1, stage=S.CONFIRMED)
    StarRatingFactory(organization=world.branch_b1)
    response = world.client("staff_a").get(url("export"))
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.values)
    assert rows[0][:4] == ("组织编码", "组织名称", "年度", "阶段")
    assert [row[1] for row in rows[1:]] == [world.branch_a1.name]
    assert rows[1][3] == "县委确定" and rows[1][9] == 80
    assert SecurityEvent.objects.filter(kind=SecurityEventKind.EXPORT).exists()


# --- roll-ups -----------------------------------------------------------------------------------------------


@pytest.fixture
def rated(world):
    StarRatingFactory(organization=world.branch_a1, stage=S.CONFIRMED, stars=4)
    StarRatingFactory(organization=world.branch_a2, stage=S.REVIEWED, stars=3)
    StarRatingFactory(organization=world.branch_b1, stage=S.CONFIRMED, stars=0)
    StarRatingFactory(organization=world.branch_z1, stage=S.CONFIRMED, stars=5)
    StarRatingFactory(organization=world.branch_a1, year=2023, stage=S.CONFIRMED, stars=0)
    return world


def by_name(rows):
    return {row["name"]: row for row in rows}


def test_rollup_per_county_and_township_against_the_target(rated):
    world = rated
    rows = by_name(rating_rollup(organization=world.county, year=2024))
    assert set(rows) == {world.county.name, world.township_a.name, world.township_b.name}
    county = rows[world.county.name]
    assert (county["branches"], county["rated"], county["three_stars_latest"]) == (3, 3, 2)
    assert (county["confirmed"], county["three_stars_confirmed"]) == (2, 1)
    assert county["share"] == Decimal("33.3") and county["share_latest"] == Decimal("66.7")
    assert county["target"] == 85 and county["meets_target"] is False
    township = rows[world.township_a.name]
    assert (township["branches"], township["share"], township["share_latest"]) == (2, Decimal("50.0"), 100)
    assert rows[world.township_b.name]["share"] == 0


def test_rollup_counts_unrated_and_nested_branches_but_not_dissolved_ones(rated):
    world = rated
    general = OrganizationFactory(parent=world.township_a, kind="general_branch")
    OrganizationFactory(parent=general)  # unrated
    StarRatingFactory(organization=OrganizationFactory(parent=general), stage=S.CONFIRMED, stars=5)
    OrganizationFactory(parent=world.township_a, dissolved_on=dt.date(2024, 6, 30))
    township = by_name(rating_rollup(organization=world.township_a, year=2024))[world.township_a.name]
    assert (township["branches"], township["rated"], township["three_stars_confirmed"]) == (5, 3, 2)
    assert township["share"] == Decimal("40.0")


def test_rollup_target_is_the_countys(rated):
    world = rated
    policy_of(world.county, three_star_target=30)
    county = by_name(rating_rollup(organization=world.county, year=2024))[world.county.name]
    assert county["target"] == 30 and county["meets_target"] is True


def test_rollup_of_one_branch(rated):
    world = rated
    (row,) = rating_rollup(organization=world.branch_a1, year=2024)
    assert (row["branches"], row["three_stars_confirmed"], row["share"]) == (1, 1, 100)


def test_rollup_query_count_does_not_grow_with_branches(rated):
    world = rated
    with CaptureQueriesContext(connection) as few:
        rating_rollup(organization=world.county, year=2024)
    for _ in range(5):
        township = OrganizationFactory(parent=world.county, kind="township_committee", field="")
        StarRatingFactory(organization=OrganizationFactory(parent=township), stars=3)
    with CaptureQueriesContext(connection) as many:
        rows = rating_rollup(organization=world.county, year=2024)
    assert len(rows) == 8 and len(many) == len(few)


def test_rollup_endpoint(rated):
    world = rated
    response = world.client("staff_a").get(url("rollup"), {"organization": world.township_a.pk, "year": 2024})
    assert response.status_code == 200, response.content
    assert response.json()[0]["organization"] == world.township_a.pk
    assert response.json()[0]["share"] == "50.0"
    foreign = world.client("staff_a").get(url("rollup"), {"organization": world.county.pk, "year": 2024})
    assert foreign.status_code == 400
    assert world.client("staff_a").get(url("rollup")).status_code == 400


# --- rating policies ----------------------------------------------------------------------------------------


def test_policy_bands_must_rise(world):
    payload = {"county": world.county.pk, "year": 2024, "five_stars_from": 90, "four_stars_from": 90}
    response = world.client("county_admin").post(reverse("ratingpolicy-list"), payload, format="json")
    assert response.status_code == 400 and "four_stars_from" in response.json()


def test_policy_edit_by_the_county(world):
    policy = RatingPolicy.objects.create(county=world.county, year=2024)
    detail = reverse("ratingpolicy-detail", args=[policy.pk])
    client = world.client("county_admin")
    assert client.patch(detail, {"three_stars_from": 65, "version": 1}, format="json").status_code == 200
    assert client.patch(detail, {"three_stars_from": 60, "version": 1}, format="json").status_code == 409
    assert client.patch(detail, {"three_stars_from": 95}, format="json").status_code == 400
    assert client.patch(detail, {"year": 2025}, format="json").status_code == 400
    policy.refresh_from_db()
    assert policy.three_stars_from == 65 and policy.year == 2024


def test_township_staff_cannot_set_the_countys_bands(world):
    payload = {"county": world.county.pk, "year": 2024}
    response = world.client("staff_a").post(reverse("ratingpolicy-list"), payload, format="json")
    assert response.status_code in {400, 403} and not RatingPolicy.objects.exists()


# --- admin --------------------------------------------------------------------------------------------------


def test_admin_shows_ratings_in_scope_with_their_steps(world):
    rating = StarRatingFactory(organization=world.branch_a1)
    post(world, "secretary_a1", "self-assess", rating)
    foreign = StarRatingFactory(organization=world.branch_b1)
    world.users["staff_a"].is_staff = True
    world.users["staff_a"].save()
    client = Client()
    client.force_login(world.users["staff_a"])
    listing = client.get(reverse("admin:assessments_starrating_changelist"))
    assert listing.status_code == 200
    assert world.branch_a1.name in listing.content.decode()
    assert world.branch_b1.name not in listing.content.decode()
    page = client.get(reverse("admin:assessments_starrating_change", args=[rating.pk]))
    assert page.status_code == 200 and "secretary_a1" in page.content.decode()
    assert client.get(reverse("admin:assessments_starrating_change", args=[foreign.pk])).status_code in {
        302,
        404,
    }
    assert client.get(reverse("admin:assessments_starrating_history", args=[rating.pk])).status_code == 200


def test_admin_policy_edit_goes_through_the_service(world):
    admin_user = world.users["county_admin"]
    admin_user.is_staff = True
    admin_user.save()
    client = Client()
    client.force_login(admin_user)
    data = {
        "county": world.county.pk,
        "year": 2024,
        "five_stars_from": 92,
        "four_stars_from": 82,
        "three_stars_from": 72,
        "three_star_target": 85,
        "member_three_star_target": 90,
        "rectification_share": 5,
        "satisfaction_floor": 60,
        "vacancy_months": 3,
    }
    response = client.post(reverse("admin:assessments_ratingpolicy_add"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    policy = RatingPolicy.objects.get()
    assert policy.five_stars_from == 92 and policy.history.first().history_user == admin_user
    assert SecurityEvent.objects.filter(kind=SecurityEventKind.POLICY_CHANGED).exists()
