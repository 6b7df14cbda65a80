"""The people pickers (members/picker.py): a form with many people to choose from searches instead of listing
them, a form with few keeps its select box (it works offline); the searches answer only people of the
caller's scope, and without script a typed name that names one person chooses them."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from members import picker
from members.models import Cadre
from members.models import CadrePost
from tests.utils.factories import MemberFactory
from tests.utils.factories_cadres import CadreFactory
from tests.utils.factories_entry import cadre_form

pytestmark = pytest.mark.django_db

MEMBERS = reverse("members:member-pick")
CADRES = reverse("members:visit-cadre-pick")


def offered(world, who, url=MEMBERS, **params) -> set[int]:
    response = world.page_client(who).get(url, params)
    assert response.status_code == 200, response.content
    return {row["pk"] for row in response.context["rows"]}


@pytest.fixture
def people(world):
    return {
        "a1": MemberFactory(branch=world.branch_a1, name="张三"),
        "a2": MemberFactory(branch=world.branch_a2, name="张四"),
        "b1": MemberFactory(branch=world.branch_b1, name="张五"),
        "z1": MemberFactory(branch=world.branch_z1, name="张六"),
    }


# --- the member search: scope ----------------------------------------------------------------------------


def test_anonymous_is_sent_to_the_login_page(client, world):
    response = client.get(MEMBERS, {"q": "张"})
    assert response.status_code == 302 and "login" in response["Location"]


def test_a_user_without_a_role_is_offered_no_one(world, people):
    assert offered(world, "nobody") == set()


def test_township_staff_are_offered_their_subtree_only(world, people):
    assert offered(world, "staff_a", q="张") == {people["a1"].pk, people["a2"].pk}


def test_a_county_admin_is_not_offered_another_countys_members_even_by_exact_name(world, people):
    assert offered(world, "county_admin", q="张六") == set()
    assert offered(world, "county_admin", q="张") == {people[k].pk for k in ("a1", "a2", "b1")}


def test_the_capability_narrows_the_members_offered(world, people):
    assert offered(world, "viewer_a", q="张") == {people["a1"].pk, people["a2"].pk}
    assert offered(world, "viewer_a", q="张", capability="records") == set()


@pytest.mark.parametrize("params", [{"capability": "everything"}, {"q": "张" * 500}])
def test_a_bad_search_is_refused_with_a_message(world, params):
    response = world.page_client("staff_a").get(MEMBERS, params)
    assert response.status_code == 400 and "搜索" in response.content.decode()


def test_the_member_search_costs_the_same_queries_for_more_members(world, people):
    client = world.page_client("county_admin")
    client.get(MEMBERS, {"q": "张"})
    with CaptureQueriesContext(connection) as few:
        client.get(MEMBERS, {"q": "张"})
    MemberFactory.create_batch(15, branch=world.branch_b1, name="张七")
    with CaptureQueriesContext(connection) as many:
        response = client.get(MEMBERS, {"q": "张"})
    assert len(many) == len(few) and response.context["more"]


# --- the visit's cadre search ----------------------------------------------------------------------------


def test_the_visit_cadre_search_offers_serving_cadres_the_user_keeps_records_for(world):
    today = timezone.localdate()
    own = CadreFactory(organization=world.branch_a1, post=CadrePost.SECRETARY, name="李一")
    CadreFactory(organization=world.branch_b1, post=CadrePost.SECRETARY, name="李二")
    CadreFactory(organization=world.branch_a2, name="李三", ended_on=today - timezone.timedelta(days=1))
    assert offered(world, "staff_a", CADRES, q="李") == {own.pk}
    assert offered(world, "viewer_a", CADRES, q="李") == set()


# --- the forms: a select box when few, a search when many ------------------------------------------------


def test_a_form_with_few_members_keeps_its_select_box(world, people):
    html = world.page_client("county_admin").get(reverse("members:cadre-create")).content.decode()
    assert f'<option value="{people["a1"].pk}">' in html and MEMBERS not in html


def test_a_form_with_many_members_searches_and_lists_none(world, people, monkeypatch):
    monkeypatch.setattr(picker, "SELECT_AT_MOST", 2)
    html = world.page_client("county_admin").get(reverse("members:cadre-create")).content.decode()
    assert MEMBERS in html and f'value="{people["a1"].pk}">' not in html


def test_the_visit_form_searches_cadres_when_there_are_many(world, monkeypatch):
    monkeypatch.setattr(picker, "SELECT_AT_MOST", 1)
    for name in ("李一", "李二"):
        CadreFactory(organization=world.branch_a1, post=CadrePost.VILLAGE_COMMITTEE, name=name)
    html = world.page_client("staff_a").get(reverse("members:visit-create")).content.decode()
    assert CADRES in html and "<option" not in html.split('name="cadre"')[1].split("</div>")[0]


def cadre_payload(world, **data):
    """A branch committee post whose person is the member the form picks."""
    person = {"name": "", "gender": "", "birth_date": "", "education": ""}
    return cadre_form(world.branch_a1, post=CadrePost.BRANCH_COMMITTEE, **person, **data)


def test_without_script_a_typed_name_naming_one_member_chooses_them(world, people, monkeypatch):
    monkeypatch.setattr(picker, "SELECT_AT_MOST", 1)
    data = cadre_payload(world, member="", member_text="张三")
    response = world.page_client("staff_a").post(reverse("members:cadre-create"), data)
    assert response.status_code == 302 and Cadre.objects.get().member == people["a1"]


def test_a_typed_name_naming_two_members_is_refused_and_nothing_is_saved(world, people, monkeypatch):
    monkeypatch.setattr(picker, "SELECT_AT_MOST", 1)
    MemberFactory(branch=world.branch_a2, name="张三")
    data = cadre_payload(world, member="", member_text="张三")
    response = world.page_client("staff_a").post(reverse("members:cadre-create"), data)
    assert response.status_code == 200 and response.context["form"].errors["member"]
    assert not Cadre.objects.exists()


def test_a_chosen_member_out_of_scope_is_refused_whatever_the_text_says(world, people, monkeypatch):
    monkeypatch.setattr(picker, "SELECT_AT_MOST", 1)
    data = cadre_payload(world, member=people["z1"].pk, member_text="张六")
    response = world.page_client("staff_a").post(reverse("members:cadre-create"), data)
    assert response.context["form"].errors["member"] and not Cadre.objects.exists()
