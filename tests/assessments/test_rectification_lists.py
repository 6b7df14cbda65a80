"""The list of rectifications (/rectifications/), the year's candidate list (/rectifications/candidates/)
and the branch page's note of an open rectification: scope, what they show, and queries that do not grow
with the number of branches."""

from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from assessments.models import RectificationStatus
from assessments.selectors.rectifications import rectification_list
from tests.utils.factories import OrganizationFactory
from tests.utils.factories_assessments import YEAR
from tests.utils.factories_assessments import RectificationFactory
from tests.utils.factories_assessments import RectificationNoteFactory
from tests.utils.factories_assessments import instructor
from tests.utils.factories_assessments import rating

pytestmark = pytest.mark.django_db

LIST_URL = reverse("assessments:rectification-list")
CANDIDATES_URL = reverse("assessments:rectification-candidates")


@pytest.fixture
def rectifications(world):
    return {
        "a1": RectificationFactory(organization=world.branch_a1),
        "a2": RectificationFactory(
            organization=world.branch_a2, year=YEAR - 1, status=RectificationStatus.VERIFIED
        ),
        "b1": RectificationFactory(organization=world.branch_b1),
    }


def rows(response) -> set[int]:
    return {row["object"].pk for row in response.context["rows"]}


# --- the list -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "seen"),
    [("staff_a", {"a1", "a2"}), ("secretary_a1", {"a1"}), ("county_admin", {"a1", "a2", "b1"})],
)
def test_the_list_shows_the_rectifications_in_scope_each_linking_to_its_page(
    world, rectifications, who, seen
):
    response = world.page_client(who).get(LIST_URL)
    assert response.status_code == 200
    assert rows(response) == {rectifications[key].pk for key in seen}
    detail = reverse("assessments:rectification-detail", args=[rectifications["a1"].pk])
    assert f'href="{detail}"' in response.content.decode()


def test_the_page_reads_what_the_api_reads(world, rectifications):
    user = world.users["staff_a"]
    page = world.page_client("staff_a").get(LIST_URL)
    assert rows(page) == set(rectification_list(user=user).values_list("pk", flat=True))


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"year": YEAR}, {"a1", "b1"}),
        ({"status": "verified"}, {"a2"}),
        ({"within": "township_b"}, {"b1"}),
    ],
)
def test_the_filters(world, rectifications, query, expected):
    if query.get("within"):
        query = {"within": getattr(world, query["within"]).pk}
    response = world.page_client("county_admin").get(LIST_URL, query)
    assert rows(response) == {rectifications[key].pk for key in expected}


def test_a_bad_filter_is_said_and_shows_nothing(world, rectifications):
    response = world.page_client("county_admin").get(LIST_URL, {"year": "abc"})
    assert response.status_code == 200
    assert response.context["filter_errors"] and not rows(response)


def test_the_export_holds_what_the_page_shows(world, rectifications):
    response = world.page_client("staff_a").get(reverse("assessments:rectification-export"), {"year": YEAR})
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(b"".join(response.streaming_content))).worksheets[0]
    names = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert names == [world.branch_a1.name]


def test_nobody_may_add_or_import_from_the_list(world, rectifications):
    response = world.page_client("staff_a").get(LIST_URL)
    assert response.context["create_url"] is None and response.context["import_url"] is None


def _queries(client, url, params=None) -> int:
    client.get(url, params)  # warm the per-process caches
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, params).status_code == 200
    return len(captured)


def _more_branches(world, count):
    for number in range(count):
        branch = OrganizationFactory(parent=world.township_a, name=f"新{number}村党支部")
        rectification = RectificationFactory(organization=branch, instructor=instructor(branch))
        RectificationNoteFactory(rectification=rectification)
        rating(branch, 60 + number)


def test_the_list_takes_the_same_queries_for_few_and_many_branches(world):
    client = world.page_client("staff_a")
    _more_branches(world, 2)
    few = _queries(client, LIST_URL)
    _more_branches(world, 10)
    assert _queries(client, LIST_URL) == few


# --- the candidate list ---------------------------------------------------------------------------------


def candidates(world, who, **query):
    return world.page_client(who).get(CANDIDATES_URL, query)


def test_candidates_are_listed_with_their_reasons_in_words_and_an_open_link(world):
    response = candidates(world, "staff_a", organization=world.township_a.pk, year=YEAR)
    assert response.status_code == 200
    listed = {row["candidate"].organization for row in response.context["rows"]}
    assert listed == {world.branch_a1, world.branch_a2}
    body = response.content.decode()
    assert 'data-code="unrated"' in body and 'data-code="secretary_vacant"' in body
    open_url = (
        f"{reverse('assessments:rectification-open')}?organization={world.branch_a1.pk}&amp;year={YEAR}"
    )
    assert open_url in body


def test_the_users_township_and_this_year_are_the_default(world):
    response = candidates(world, "staff_a")
    assert response.context["organization"] == world.township_a


def test_an_opened_rectification_is_linked_instead_of_opened_again(world):
    rectification = RectificationFactory(organization=world.branch_a1, year=YEAR)
    response = candidates(world, "staff_a", organization=world.township_a.pk, year=YEAR)
    [row] = [row for row in response.context["rows"] if row["candidate"].organization == world.branch_a1]
    assert row["open_url"] is None
    assert row["detail_url"] == reverse("assessments:rectification-detail", args=[rectification.pk])


def test_a_viewer_reads_the_candidates_but_is_not_offered_to_open(world):
    response = candidates(world, "viewer_a", organization=world.township_a.pk, year=YEAR)
    assert response.status_code == 200 and response.context["rows"]
    assert all(row["open_url"] is None for row in response.context["rows"])


def test_a_secretary_is_refused_the_candidate_list(world):
    assert candidates(world, "secretary_a1").status_code == 403


def test_another_township_is_404(world):
    assert candidates(world, "staff_a", organization=world.township_b.pk, year=YEAR).status_code == 404


def test_a_bad_year_is_said_in_words(world):
    response = candidates(world, "staff_a", organization=world.township_a.pk, year="20x5")
    assert response.status_code == 200
    assert response.context["form"].errors["year"] and not response.context["rows"]


def test_the_candidate_list_takes_the_same_queries_for_few_and_many_branches(world):
    client = world.page_client("staff_a")
    params = {"organization": world.township_a.pk, "year": YEAR}
    _more_branches(world, 2)
    few = _queries(client, CANDIDATES_URL, params)
    _more_branches(world, 10)
    response = client.get(CANDIDATES_URL, params)
    assert len(response.context["rows"]) >= 12
    assert _queries(client, CANDIDATES_URL, params) == few


# --- the branch page ------------------------------------------------------------------------------------


def test_the_branch_page_links_an_open_rectification(world):
    rectification = RectificationFactory(organization=world.branch_a1)
    response = world.page_client("secretary_a1").get(
        reverse("assessments:branch-page", args=[world.branch_a1.pk])
    )
    body = response.content.decode()
    assert 'id="rectification"' in body
    assert reverse("assessments:rectification-detail", args=[rectification.pk]) in body


def test_the_branch_page_says_nothing_of_a_verified_one(world):
    RectificationFactory(organization=world.branch_a1, status=RectificationStatus.VERIFIED)
    response = world.page_client("secretary_a1").get(
        reverse("assessments:branch-page", args=[world.branch_a1.pk])
    )
    assert 'id="rectification"' not in response.content.decode()


def test_a_candidates_rating_total_reads_with_one_decimal(world):
    rating(world.branch_a1, "59.9")
    body = candidates(world, "staff_a", organization=world.township_a.pk, year=YEAR).content.decode()
    assert "星级评定总分 59.9，0 星" in body
