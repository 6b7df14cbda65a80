"""Cross-appointment (交叉任职) and 一肩挑, derived from post rows: selector, API fields and filter."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from members.models import CadrePost
from members.selectors.cadres import ConcurrentPosts
from members.selectors.cadres import cross_appointments
from tests.utils.factories import MemberFactory
from tests.utils.factories import OrganizationFactory
from tests.utils.factories_cadres import CadreFactory

pytestmark = pytest.mark.django_db

D = dt.date
P = CadrePost
ON = D(2023, 6, 1)


def post(organization, post, *, member=None, name=None, birth_date=None, **dates):
    person = {"member": member} if member else {"name": name, "birth_date": birth_date}
    return CadreFactory(organization=organization, post=post, **person, **dates)


def found(world, on=ON, organizations=None):
    organizations = organizations or [world.branch_a1, world.branch_a2, world.branch_b1]
    return cross_appointments(organizations=organizations, on=on)


def test_secretary_who_is_also_village_director_is_one_shoulder(world):
    member = MemberFactory(branch=world.branch_a1, name="一肩挑")
    secretary = post(world.branch_a1, P.SECRETARY, member=member)
    director = post(world.branch_a1, P.VILLAGE_DIRECTOR, member=member)
    [appointment] = found(world)
    assert appointment.is_one_shoulder and appointment.name == "一肩挑"
    assert appointment.branch_posts == (secretary,) and appointment.village_posts == (director,)


def test_a_members_non_member_row_with_the_same_name_and_birth_date_is_the_same_person(world):
    member = MemberFactory(branch=world.branch_a1, name="李")
    post(world.branch_a1, P.DEPUTY_SECRETARY, member=member)
    post(world.branch_a1, P.VILLAGE_COMMITTEE, name="李", birth_date=member.birth_date)
    [appointment] = found(world)
    assert not appointment.is_one_shoulder and appointment.member_id == member.pk


def test_non_member_village_committee_member_on_the_branch_committee_is_cross_appointed(world):
    # A non-member cannot hold a branch post, but rows entered without the member link still count.
    post(world.branch_a1, P.BRANCH_COMMITTEE, name="周", birth_date=D(1980, 1, 1))
    post(world.branch_a1, P.VILLAGE_DEPUTY_DIRECTOR, name="周", birth_date=D(1980, 1, 1))
    [appointment] = found(world)
    assert appointment.member_id is None and len(appointment.posts) == 2


def test_two_village_committee_posts_alone_are_not_cross_appointment(world):
    post(world.branch_a1, P.VILLAGE_DIRECTOR, name="郑", birth_date=D(1980, 1, 1), ended_on=D(2022, 1, 1))
    post(world.branch_a1, P.VILLAGE_COMMITTEE, name="郑", birth_date=D(1980, 1, 1))
    assert found(world) == []


def test_an_ended_term_counts_only_up_to_its_last_day(world):
    member = MemberFactory(branch=world.branch_a1)
    post(world.branch_a1, P.SECRETARY, member=member, started_on=D(2018, 1, 1), ended_on=ON)
    post(world.branch_a1, P.VILLAGE_DIRECTOR, member=member, started_on=D(2018, 1, 1))
    assert len(found(world, on=ON)) == 1
    assert found(world, on=ON + dt.timedelta(days=1)) == []


def test_a_term_starting_later_does_not_count_before_it_starts(world):
    member = MemberFactory(branch=world.branch_a1)
    post(world.branch_a1, P.SECRETARY, member=member, started_on=D(2018, 1, 1))
    post(world.branch_a1, P.VILLAGE_DIRECTOR, member=member, started_on=ON)
    assert found(world, on=ON - dt.timedelta(days=1)) == []
    assert len(found(world, on=ON)) == 1


def test_posts_in_two_villages_are_not_cross_appointment(world):
    member = MemberFactory(branch=world.branch_a1)
    post(world.branch_a1, P.SECRETARY, member=member)
    post(world.branch_a2, P.VILLAGE_DIRECTOR, name=member.name, birth_date=member.birth_date)
    assert found(world) == []


def test_namesakes_are_different_people(world):
    first = MemberFactory(branch=world.branch_a1, name="王伟")
    second = MemberFactory(branch=world.branch_a1, name="王伟", birth_date=first.birth_date)
    post(world.branch_a1, P.SECRETARY, member=first)
    post(world.branch_a1, P.VILLAGE_DIRECTOR, member=second)
    post(world.branch_a1, P.VILLAGE_COMMITTEE, name="王伟", birth_date=D(1990, 1, 1))
    assert found(world) == []


def test_cross_appointments_of_many_villages_take_one_query(world):
    villages = [OrganizationFactory(parent=world.township_a) for _ in range(5)]
    for village in villages:
        member = MemberFactory(branch=village)
        post(village, P.SECRETARY, member=member)
        post(village, P.VILLAGE_DIRECTOR, member=member)
    with CaptureQueriesContext(connection) as queries:
        result = found(world, organizations=villages)
    assert len(result) == 5 and len(queries) == 1


def test_concurrent_posts_name_the_other_side_only(world):
    member = MemberFactory(branch=world.branch_a1)
    secretary = post(world.branch_a1, P.SECRETARY, member=member)
    director = post(world.branch_a1, P.VILLAGE_DIRECTOR, member=member)
    instructor_like = post(world.branch_a1, P.GROUP_LEADER, member=member)
    index = ConcurrentPosts([secretary, director, instructor_like], on=ON)
    assert index.of(secretary) == (director,) and index.of(director) == (secretary,)
    assert index.of(instructor_like) == ()
    assert index.is_one_shoulder(secretary) and index.is_one_shoulder(director)


# --- the API ----------------------------------------------------------------------------------------


def rows(response):
    assert response.status_code == 200, response.content
    return {row["id"]: row for row in response.json()["results"]}


@pytest.fixture
def one_shoulder_pair(world):
    member = MemberFactory(branch=world.branch_a1, name="一肩挑")
    return (
        post(world.branch_a1, P.SECRETARY, member=member),
        post(world.branch_a1, P.VILLAGE_DIRECTOR, member=member),
    )


def test_list_rows_carry_concurrent_posts_and_one_shoulder(world, one_shoulder_pair):
    secretary, director = one_shoulder_pair
    committee = post(world.branch_a1, P.VILLAGE_COMMITTEE, name="别人", birth_date=D(1990, 1, 1))
    listed = rows(world.client("staff_a").get(reverse("cadre-list")))
    assert listed[secretary.pk]["is_one_shoulder"] is True
    assert [p["id"] for p in listed[secretary.pk]["concurrent_posts"]] == [director.pk]
    assert listed[director.pk]["concurrent_posts"][0]["post"] == "secretary"
    assert listed[committee.pk]["is_one_shoulder"] is False and listed[committee.pk]["concurrent_posts"] == []


def test_detail_carries_the_same_fields(world, one_shoulder_pair):
    secretary, _ = one_shoulder_pair
    row = world.client("staff_a").get(reverse("cadre-detail", args=[secretary.pk])).json()
    assert row["is_one_shoulder"] is True and len(row["concurrent_posts"]) == 1


def test_one_shoulder_filter(world, one_shoulder_pair):
    other = post(world.branch_a1, P.VILLAGE_COMMITTEE, name="别人", birth_date=D(1990, 1, 1))
    client = world.client("staff_a")
    assert set(rows(client.get(reverse("cadre-list"), {"one_shoulder": "true"}))) == {
        row.pk for row in one_shoulder_pair
    }
    assert set(rows(client.get(reverse("cadre-list"), {"one_shoulder": "false"}))) == {other.pk}


def test_one_shoulder_filter_matches_a_non_member_director_row(world):
    member = MemberFactory(branch=world.branch_a1)
    secretary = post(world.branch_a1, P.SECRETARY, member=member)
    director = post(world.branch_a1, P.VILLAGE_DIRECTOR, name=member.name, birth_date=member.birth_date)
    listed = rows(world.client("staff_a").get(reverse("cadre-list"), {"one_shoulder": "true"}))
    assert set(listed) == {secretary.pk, director.pk}
    assert listed[director.pk]["is_one_shoulder"] is True


def test_cross_appointment_is_judged_on_the_day_asked(world):
    member = MemberFactory(branch=world.branch_a1)
    secretary = post(world.branch_a1, P.SECRETARY, member=member, started_on=D(2018, 1, 1), ended_on=ON)
    post(world.branch_a1, P.VILLAGE_DIRECTOR, member=member, started_on=D(2018, 1, 1))
    client = world.client("staff_a")
    assert rows(client.get(reverse("cadre-list"), {"one_shoulder": "true"})) == {}
    then = rows(client.get(reverse("cadre-list"), {"one_shoulder": "true", "on": ON.isoformat()}))
    assert secretary.pk in then and then[secretary.pk]["is_one_shoulder"] is True
    today_rows = rows(client.get(reverse("cadre-list")))
    assert today_rows[secretary.pk]["is_one_shoulder"] is False


def test_cross_appointment_fields_cost_one_query_per_page_whatever_the_rows(world):
    client = world.client("staff_a")

    def pairs(n):
        for _ in range(n):
            member = MemberFactory(branch=world.branch_a1)
            post(world.branch_a1, P.DEPUTY_SECRETARY, member=member)
            post(world.branch_a1, P.VILLAGE_COMMITTEE, member=member)

    pairs(1)
    client.get(reverse("cadre-list"))
    with CaptureQueriesContext(connection) as few:
        listed = rows(client.get(reverse("cadre-list")))
    assert all(row["concurrent_posts"] for row in listed.values())
    pairs(8)
    with CaptureQueriesContext(connection) as many:
        listed = rows(client.get(reverse("cadre-list")))
    assert len(listed) == 18 and all(len(row["concurrent_posts"]) == 1 for row in listed.values())
    assert len(many) == len(few)
    cross_queries = [q for q in many.captured_queries if "members_cadre" in q["sql"]]
    assert len(cross_queries) == 3  # count, page, cross-appointment index
