"""The star-rating overview (/star-ratings/overview/?year=): per township of a county its branches by stage
and by stars with links to the list, per branch of a township its rating; who may open it, scope (404),
a fixed number of queries at two sizes; and the admin's rating page showing the proposal in words."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments.models import RatingStage
from assessments.models import StarRating
from assessments.ratings_proposal import DIMENSION_INDICATORS
from assessments.services.ratings import rating_propose
from branches.models import OrganizationKind
from tests.utils.factories import OrganizationFactory
from tests.utils.factories_entry import zh
from tests.utils.factories_ratings import StarRatingFactory
from tests.utils.factories_ratings import publish_results

pytestmark = pytest.mark.django_db

S = RatingStage
YEAR = 2024
URL = reverse("assessments:starrating-overview")
LIST = reverse("assessments:starrating-list")


def overview(world, who, **params):
    return world.page_client(who).get(URL, {"year": YEAR, **params})


def rows_by_pk(section) -> dict:
    return {row.pk: row for row in section.rows}


@pytest.fixture
def rated(world):
    StarRatingFactory(organization=world.branch_a1, stage=S.SELF_ASSESSED, stars=4)
    StarRatingFactory(organization=world.branch_a2, stage=S.CONFIRMED, stars=5)
    StarRatingFactory(organization=world.branch_b1, year=YEAR - 1, stage=S.CONFIRMED)  # another year
    StarRatingFactory(organization=world.branch_z1, stage=S.CONFIRMED)  # another county
    return world


def test_a_county_user_sees_each_township_by_stage_and_stars(rated):
    world = rated
    response = overview(world, "county_admin")
    assert response.status_code == 200
    (section,) = response.context["sections"]
    assert section.organization == world.county and section.is_county
    rows = rows_by_pk(section)
    assert set(rows) == {world.township_a.pk, world.township_b.pk}
    east, west = rows[world.township_a.pk], rows[world.township_b.pk]
    assert (east.branches, east.not_rated, west.branches, west.not_rated) == (2, 0, 1, 1)
    assert east.by_stage == {S.PROPOSED: 0, S.SELF_ASSESSED: 1, S.REVIEWED: 0, S.CONFIRMED: 1}
    assert east.by_stars == {5: 1, 4: 1, 3: 0, 0: 0}
    assert west.rated == 0 and section.totals.branches == 3
    html = response.content.decode()
    assert f'href="{LIST}?within={world.township_a.pk}&amp;year={YEAR}"' in html
    assert f'href="{LIST}?within={world.township_a.pk}&amp;year={YEAR}&amp;stage=confirmed"' in html
    assert world.township_z.name not in html


def test_branches_directly_under_the_county_and_dissolved_ones(world):
    direct = OrganizationFactory(name="县直机关党支部", parent=world.county, kind=OrganizationKind.BRANCH)
    StarRatingFactory(organization=direct, stage=S.REVIEWED, stars=3)
    gone = OrganizationFactory(parent=world.township_a, dissolved_on="2023-06-30")
    StarRatingFactory(organization=gone, stage=S.CONFIRMED)
    (section,) = overview(world, "county_admin").context["sections"]
    rows = rows_by_pk(section)
    assert rows[world.county.pk].direct and rows[world.county.pk].by_stage[S.REVIEWED] == 1
    assert rows[world.township_a.pk].branches == 2 and rows[world.township_a.pk].rated == 0


def test_a_township_user_sees_its_branches_with_links(rated):
    world = rated
    response = overview(world, "staff_a")
    (section,) = response.context["sections"]
    assert section.organization == world.township_a and not section.is_county
    branches = {row["pk"]: row for row in section.rows}
    assert set(branches) == {world.branch_a1.pk, world.branch_a2.pk}
    assert branches[world.branch_a1.pk]["stage_label"] == S.SELF_ASSESSED.label
    html = response.content.decode()
    rating = StarRating.objects.get(organization=world.branch_a1, year=YEAR)
    assert f'href="{reverse("assessments:starrating-detail", args=[rating.pk])}"' in html
    assert zh(S.CONFIRMED.label) in html and "★★★★★" in html
    assert world.branch_b1.name not in html


def test_a_county_user_opens_one_townships_branches(rated):
    response = overview(rated, "county_admin", organization=rated.township_a.pk)
    (section,) = response.context["sections"]
    assert section.organization == rated.township_a and len(section.rows) == 2


@pytest.mark.parametrize(
    ("who", "where"),
    [
        ("staff_a", "township_b"),
        ("county_admin", "township_z"),
        ("staff_a", "branch_a1"),
        ("viewer_a", "county"),
    ],
)
def test_an_organization_out_of_scope_or_not_a_committee_answers_404(world, who, where):
    assert overview(world, who, organization=getattr(world, where).pk).status_code == 404
    assert overview(world, who, organization="abc").status_code == 404


@pytest.mark.parametrize("who", ["secretary_a1", "nobody"])
def test_the_overview_is_for_committees_and_counties(world, who):
    assert overview(world, who).status_code == 403


def test_anonymous_is_sent_to_log_in():
    response = Client().get(URL)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_bad_year_says_so_and_shows_this_year(world):
    response = overview(world, "staff_a", year="20x4")
    assert response.status_code == 200 and 'id="year-error"' in response.content.decode()


def _queries(world, who) -> int:
    client = world.page_client(who)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(URL, {"year": YEAR}).status_code == 200
    return len(captured.captured_queries)


def _townships(world, count: int, branches: int = 2):
    for n in range(count):
        township = OrganizationFactory(
            parent=world.county, kind=OrganizationKind.TOWNSHIP_COMMITTEE, field="", name=f"镇{n}"
        )
        for m in range(branches):
            branch = OrganizationFactory(parent=township, name=f"镇{n}村{m}")
            StarRatingFactory(organization=branch, stage=list(S)[m % 4], stars=(0, 3, 4, 5)[m % 4])


def test_the_county_overview_costs_the_same_queries_for_2_or_10_townships(world):
    small = _queries(world, "county_admin")
    _townships(world, 8, branches=3)
    assert _queries(world, "county_admin") == small


def test_the_township_overview_costs_the_same_queries_for_2_or_12_branches(world):
    small = _queries(world, "staff_a")
    for n in range(10):
        StarRatingFactory(organization=OrganizationFactory(parent=world.township_a, name=f"新村{n}"))
    assert _queries(world, "staff_a") == small


# --- the admin ----------------------------------------------------------------------------------------------


def test_the_admin_shows_the_proposal_in_the_words_of_the_rating_page(world):
    publish_results(
        world.branch_a1, {"train.secretary": True, **dict.fromkeys(DIMENSION_INDICATORS["mechanism"], False)}
    )
    rating_propose(actor=world.users["root"], organization=world.township_a, year=YEAR)
    rating = StarRating.objects.get(organization=world.branch_a1, year=YEAR)
    admin_user = world.users["staff_a"]
    admin_user.is_staff = True
    admin_user.save()
    client = Client()
    client.force_login(admin_user)
    html = client.get(reverse("admin:assessments_starrating_change", args=[rating.pk])).content.decode()
    page = client.get(reverse("assessments:starrating-detail", args=[rating.pk])).content.decode()
    basis = re.search(r'<div class="pb-basis" id="proposal-basis">.*?</div>', html, re.S).group(0)
    assert basis == re.search(r'<div class="pb-basis" id="proposal-basis">.*?</div>', page, re.S).group(0)
    assert '"dimensions"' not in html and "&quot;dimensions&quot;" not in html
