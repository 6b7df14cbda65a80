"""The organization picker (branches/picker.py): its search answers only organizations of the caller's scope,
the widget renders no list of organizations, and without script a typed code or exact name chooses."""

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from branches.filters import StaffRoleFilter
from branches.models import Organization
from branches.models import OrganizationKind
from branches.picker import OrganizationPicker
from branches.picker import PickerSource
from branches.views.picker import PICK_LIMIT
from tests.utils.factories import OrganizationFactory

pytestmark = pytest.mark.django_db

URL = reverse("branches:organization-pick")


def picked(world, who, **params) -> set[int]:
    response = world.page_client(who).get(URL, params)
    assert response.status_code == 200, response.content
    return {row["pk"] for row in response.context["organizations"]}


# --- the search: scope ------------------------------------------------------------------------------------


def test_anonymous_is_sent_to_the_login_page(client, world):
    response = client.get(URL, {"q": "镇"})
    assert response.status_code == 302 and "login" in response["Location"]


def test_a_user_without_a_role_is_offered_nothing(world):
    assert picked(world, "nobody") == set()


def test_township_staff_are_offered_their_subtree_only(world):
    offered = picked(world, "staff_a")
    assert offered == {world.township_a.pk, world.branch_a1.pk, world.branch_a2.pk}


def test_a_county_admin_is_not_offered_another_county(world):
    offered = picked(world, "county_admin", q="镇")
    assert world.township_a.pk in offered and world.township_b.pk in offered
    assert world.township_z.pk not in offered


def test_a_foreign_organization_is_not_offered_even_by_its_exact_code(world):
    assert picked(world, "staff_a", q=world.branch_b1.code) == set()


def test_the_capability_narrows_the_scope(world):
    assert picked(world, "viewer_a") == {world.township_a.pk, world.branch_a1.pk, world.branch_a2.pk}
    assert picked(world, "viewer_a", capability="records") == set()


# --- the search: matching --------------------------------------------------------------------------------


def test_a_name_part_or_a_code_prefix_matches(world):
    assert picked(world, "staff_a", q="二社区") == {world.branch_a2.pk}
    assert picked(world, "staff_a", q="c1-ta-") == {world.branch_a1.pk, world.branch_a2.pk}
    assert picked(world, "staff_a", q="TA-1") == set()  # a code matches from its start only


def test_the_text_box_is_searched_under_its_own_name(world):
    assert picked(world, "staff_a", organization_text="东一") == {world.branch_a1.pk}


def test_kinds_and_active_narrow_the_offer(world):
    OrganizationFactory(name="东三村党支部", parent=world.township_a, dissolved_on="2020-01-01")
    kinds = {"kind": [OrganizationKind.TOWNSHIP_COMMITTEE]}
    assert picked(world, "staff_a", **kinds) == {world.township_a.pk}
    assert len(picked(world, "staff_a", q="东")) == 4
    assert len(picked(world, "staff_a", q="东", active="1")) == 3


def test_at_most_the_limit_is_offered_and_the_rest_is_announced(world):
    for number in range(PICK_LIMIT + 1):
        OrganizationFactory(name=f"东镇{number}号党支部", parent=world.township_a)
    response = world.page_client("staff_a").get(URL, {"q": "号党支部"})
    assert len(response.context["organizations"]) == PICK_LIMIT
    assert response.context["more"] is True
    exactly = world.page_client("staff_a").get(URL, {"q": "0号党支部"})
    assert exactly.context["more"] is False


@pytest.mark.parametrize(
    "params", [{"capability": "everything"}, {"kind": "village"}, {"field": "moon"}, {"active": "yes"}]
)
def test_a_parameter_outside_its_values_answers_400(world, params):
    assert world.page_client("staff_a").get(URL, params).status_code == 400


def test_a_text_over_the_limit_answers_400(world, settings):
    response = world.page_client("staff_a").get(URL, {"q": "东" * (settings.FILTER_MAX_TEXT + 1)})
    assert response.status_code == 400


def test_the_answer_costs_the_same_queries_for_few_and_many_organizations(world):
    client = world.page_client("staff_a")
    client.get(URL, {"q": "党"})
    with CaptureQueriesContext(connection) as few:
        client.get(URL, {"q": "党"})
    for number in range(30):
        OrganizationFactory(name=f"东镇{number}号党支部", parent=world.township_a)
    with CaptureQueriesContext(connection) as many:
        client.get(URL, {"q": "党"})
    assert len(many) == len(few)


# --- the widget -------------------------------------------------------------------------------------------


def staff_filter(world, who="staff_a", **data):
    request = type("Request", (), {"user": world.users[who]})()
    query = QueryDict(mutable=True)
    for name, value in data.items():
        query[name] = value
    return StaffRoleFilter(query, queryset=Organization.objects.none(), request=request)


def test_the_filter_renders_a_text_box_and_no_list_of_organizations(world):
    html = str(staff_filter(world).form["organization"])
    assert "<option" not in html and "<select" not in html
    assert 'type="hidden" name="organization"' in html and 'name="organization_text"' in html
    assert reverse("branches:organization-pick") in html and "hx-get" in html


def test_a_chosen_organization_shows_its_name(world):
    html = str(staff_filter(world, organization=str(world.branch_a1.pk)).form["organization"])
    assert world.branch_a1.name in html and f'value="{world.branch_a1.pk}"' in html


def test_a_foreign_id_shows_no_name_and_is_not_a_valid_choice(world):
    form = staff_filter(world, organization=str(world.branch_b1.pk)).form
    assert world.branch_b1.name not in str(form["organization"])
    assert not form.is_valid() and "organization" in form.errors


@pytest.mark.parametrize("typed", ["code", "name"])
def test_without_script_a_typed_code_or_exact_name_chooses(world, typed):
    text = getattr(world.branch_a2, typed)
    form = staff_filter(world, organization_text=text).form
    assert form.is_valid(), form.errors
    assert form.cleaned_data["organization"] == world.branch_a2


def test_without_script_a_foreign_or_ambiguous_text_is_not_a_valid_choice(world):
    OrganizationFactory(name=world.branch_a1.name, parent=world.township_a)
    for text in (world.branch_b1.code, world.branch_a1.name):
        form = staff_filter(world, organization_text=text).form
        assert not form.is_valid() and "organization" in form.errors, text


def test_an_edited_text_wins_over_the_id_left_from_before(world):
    left = {"organization": str(world.branch_a1.pk)}
    kept = staff_filter(world, **left, organization_text=world.branch_a1.name).form
    edited = staff_filter(world, **left, organization_text=world.branch_a2.code).form
    emptied = staff_filter(world, **left, organization_text="").form
    assert kept.is_valid() and kept.cleaned_data["organization"] == world.branch_a1
    assert edited.is_valid() and edited.cleaned_data["organization"] == world.branch_a2
    assert emptied.is_valid() and emptied.cleaned_data["organization"] is None


def test_the_api_id_alone_still_chooses(world):
    response = world.client("staff_a").get(reverse("staffrole-list"), {"organization": world.branch_a1.pk})
    assert response.status_code == 200


def test_the_picker_url_names_its_source():
    source = PickerSource("records", kinds=("branch",), active=True)
    widget = OrganizationPicker(source)
    assert widget.source.query() == "capability=records&kind=branch&active=1"
