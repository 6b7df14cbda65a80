"""``/api/v1/members/``: scope, filters, masking, unmask, events, transfer and status change."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from branches.models import SecurityEvent
from branches.models import SecurityEventKind
from members.models import Member
from members.models import MemberEvent
from tests.utils.factories import MemberFactory
from tests.utils.factories import id_number_for
from tests.utils.factories_roster import mobile_member
from tests.utils.scope import ScopeSuite

pytestmark = pytest.mark.django_db


def today():
    """The server's today, read when the test runs (a run may cross midnight in the county's time zone)."""
    return timezone.localdate()


class TestMemberScope(ScopeSuite):
    basename = "member"

    def make_object(self, world, organization):
        return MemberFactory(branch=organization)

    def create_payload(self, world, organization):
        born = dt.date(1991, 5, 17)
        return {
            "name": "赵新",
            "gender": "male",
            "id_number": id_number_for(born, 33),
            "birth_date": born.isoformat(),
            "education": "junior_college",
            "category": "probationary",
            "branch": organization.pk,
            "joined_on": "2024-06-30",
            "occupation": "enterprise",
        }

    def move_payload(self, world, organization):
        return {"branch": organization.pk}


def url(name, *args):
    return reverse(f"member-{name}", args=args)


def results(response):
    assert response.status_code == 200, response.content
    return response.json()["results"]


# --- masking ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["county_admin", "staff_a", "secretary_a1", "viewer_a", "root"])
def test_lists_and_details_are_masked_for_every_role(world, who):
    member = MemberFactory(branch=world.branch_a1, phone="13812345678")
    client = world.client(who)
    listed = results(client.get(url("list")))[0]
    detail = client.get(url("detail", member.pk)).json()
    for shown in (listed, detail):
        assert shown["id_number"] == f"{member.id_number[:6]}********{member.id_number[14:]}"
        assert shown["phone"] == "138****5678"
    assert member.id_number not in str(client.get(url("list")).content)


def test_create_answers_with_masked_values(world):
    payload = TestMemberScope().create_payload(world, world.branch_a1) | {"phone": "13900001111"}
    response = world.client("secretary_a1").post(url("list"), payload, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["phone"] == "139****1111"
    assert "********" in response.json()["id_number"]
    assert Member.objects.get().phone == "13900001111"


def test_full_width_digits_in_an_id_number_are_normalized(world):
    payload = TestMemberScope().create_payload(world, world.branch_a1)
    typed = payload["id_number"][:17].translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    payload["id_number"] = typed + payload["id_number"][17].lower()
    response = world.client("secretary_a1").post(url("list"), payload, format="json")
    assert response.status_code == 201, response.content
    assert (
        Member.objects.get().id_number
        == TestMemberScope().create_payload(world, world.branch_a1)["id_number"]
    )


@pytest.mark.parametrize("who", ["county_admin", "staff_a"])
def test_unmask_shows_full_values_and_is_a_security_event(world, who):
    member = MemberFactory(branch=world.branch_a1, phone="13812345678")
    response = world.client(who).post(url("unmask", member.pk))
    assert response.status_code == 200
    assert response.json() == {"id": member.pk, "id_number": member.id_number, "phone": "13812345678"}
    event = SecurityEvent.objects.get(kind=SecurityEventKind.UNMASK)
    assert event.user == world.users[who] and event.detail["member"] == member.pk


@pytest.mark.parametrize(("who", "status"), [("secretary_a1", 403), ("viewer_a", 403), ("staff_b", 404)])
def test_unmask_is_refused_to_others_and_not_logged(world, who, status):
    member = MemberFactory(branch=world.branch_a1)
    response = world.client(who).post(url("unmask", member.pk))
    assert response.status_code == status
    assert member.id_number not in str(response.content)
    assert not SecurityEvent.objects.filter(kind=SecurityEventKind.UNMASK).exists()


# --- ID numbers never in URLs -----------------------------------------------------------------------------


def test_search_matches_names_and_refuses_an_id_number_in_the_query_string(world):
    member = MemberFactory(branch=world.branch_a1, name="王建国")
    MemberFactory(branch=world.branch_a1, name="李四")
    client = world.client("staff_a")
    assert [m["id"] for m in results(client.get(url("list"), {"search": "建国"}))] == [member.pk]
    # Refused whatever the number, held or not, whole or a part: the answer says nothing about it.
    for number in (member.id_number, id_number_for(dt.date(1970, 1, 1), 999), member.id_number[:8]):
        response = client.get(url("list"), {"search": number})
        assert response.status_code == 400 and "search" in response.json()


def test_find_by_id_takes_the_full_number_in_the_body_within_scope(world):
    own = MemberFactory(branch=world.branch_a1)
    foreign = MemberFactory(branch=world.branch_b1)
    client = world.client("secretary_a1")
    found = client.post(url("find-by-id"), {"id_number": own.id_number.lower()}, format="json").json()
    assert [m["id"] for m in found["results"]] == [own.pk]
    assert "********" in found["results"][0]["id_number"]
    assert (
        client.post(url("find-by-id"), {"id_number": foreign.id_number}, format="json").json()["results"]
        == []
    )
    partial = client.post(url("find-by-id"), {"id_number": own.id_number[:10]}, format="json")
    assert partial.json()["results"] == []


def test_find_by_id_is_not_a_get(world):
    assert world.client("staff_a").get(url("find-by-id")).status_code == 405


# --- filters and ordering ---------------------------------------------------------------------------------


def test_filters(world):
    a = MemberFactory(
        branch=world.branch_a1, category="probationary", confirmed_on=None, education="bachelor"
    )
    b = mobile_member(
        world.branch_a2,
        gender="female",
        id_number=id_number_for(dt.date(1970, 2, 2), 2),
        birth_date=dt.date(1970, 2, 2),
    )
    c = MemberFactory(branch=world.branch_b1, status="lost_contact", post_duty="政策宣传岗")
    client = world.client("county_admin")

    def ids(**query):
        return {m["id"] for m in results(client.get(url("list"), query))}

    assert ids(branch=world.branch_a1.pk) == {a.pk}
    assert ids(within=world.township_a.pk) == {a.pk, b.pk}
    assert ids(category="probationary") == {a.pk}
    assert ids(status="lost_contact") == {c.pk}
    assert ids(gender="female") == {b.pk}
    assert ids(education="bachelor") == {a.pk}
    assert ids(is_mobile="true") == {b.pk}
    assert ids(has_post_duty="true") == {c.pk}
    assert ids(occupation="migrant_worker") == {b.pk}


def test_within_a_foreign_organization_is_refused(world):
    MemberFactory(branch=world.branch_b1)
    response = world.client("staff_a").get(url("list"), {"within": world.township_b.pk})
    assert response.status_code == 400


def test_ordering_and_pagination(world):
    for name in ["丙", "甲", "乙"]:
        MemberFactory(branch=world.branch_a1, name=name)
    response = world.client("staff_a").get(url("list"), {"ordering": "-name", "page_size": 2})
    body = response.json()
    assert body["count"] == 3 and len(body["results"]) == 2 and body["next"]
    assert [m["name"] for m in body["results"]] == sorted(["丙", "甲", "乙"], reverse=True)[:2]


# --- transfer, status change, events ----------------------------------------------------------------------


def test_patching_the_branch_points_to_the_transfer_action(world):
    member = MemberFactory(branch=world.branch_a1)
    response = world.client("staff_a").patch(
        url("detail", member.pk), {"branch": world.branch_a2.pk}, format="json"
    )
    assert response.status_code == 400 and "branch" in response.json()
    member.refresh_from_db()
    assert member.branch == world.branch_a1


def test_patching_the_status_points_to_the_status_action(world):
    member = MemberFactory(branch=world.branch_a1)
    response = world.client("staff_a").patch(url("detail", member.pk), {"status": "deceased"}, format="json")
    assert response.status_code == 400 and "status" in response.json()


def test_patch_edits_mobile_member_fields(world):
    member = MemberFactory(branch=world.branch_a1)
    payload = {"is_mobile": True, "mobile_destination": "江苏省苏州市", "post_duty": "", "version": 1}
    response = world.client("secretary_a1").patch(url("detail", member.pk), payload, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["mobile_destination"] == "江苏省苏州市" and response.json()["version"] == 2


def test_stale_patch_answers_409(world):
    member = MemberFactory(branch=world.branch_a1)
    client = world.client("staff_a")
    client.patch(url("detail", member.pk), {"name": "一", "version": 1}, format="json")
    response = client.patch(url("detail", member.pk), {"name": "二", "version": 1}, format="json")
    assert response.status_code == 409


def test_transfer_action_and_events_endpoint(world):
    member = MemberFactory(branch=world.branch_a1)
    client = world.client("staff_a")
    payload = {"to_branch": world.branch_a2.pk, "on": today().isoformat(), "reason": "随子女迁居"}
    response = client.post(url("transfer", member.pk), payload, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["branch"] == world.branch_a2.pk
    events = client.get(url("events", member.pk)).json()["results"]
    assert [(e["kind"], e["from_branch_name"], e["to_branch_name"], e["recorded_by"]) for e in events] == [
        ("transfer", "东一村党支部", "东二社区党支部", "staff_a")
    ]


def test_transfer_to_a_foreign_branch_is_refused(world):
    member = MemberFactory(branch=world.branch_a1)
    payload = {"to_branch": world.branch_b1.pk, "on": today().isoformat()}
    response = world.client("staff_a").post(url("transfer", member.pk), payload, format="json")
    assert response.status_code == 400 and "to_branch" in response.json()
    assert not MemberEvent.objects.exists()


def test_secretary_cannot_transfer_out_of_own_branch(world):
    member = MemberFactory(branch=world.branch_a1)
    payload = {"to_branch": world.branch_a2.pk, "on": today().isoformat()}
    response = world.client("secretary_a1").post(url("transfer", member.pk), payload, format="json")
    assert response.status_code in {400, 403}
    member.refresh_from_db()
    assert member.branch == world.branch_a1


def test_change_status_action(world):
    member = MemberFactory(branch=world.branch_a1)
    client = world.client("secretary_a1")
    payload = {"status": "deceased", "on": today().isoformat(), "reason": "病故"}
    response = client.post(url("change-status", member.pk), payload, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "deceased"
    events = client.get(url("events", member.pk)).json()["results"]
    assert [(e["from_status"], e["to_status"], e["reason"]) for e in events] == [
        ("normal", "deceased", "病故")
    ]


def test_change_status_without_reason_is_a_400_naming_the_field(world):
    member = MemberFactory(branch=world.branch_a1)
    payload = {"status": "left", "on": today().isoformat()}
    response = world.client("staff_a").post(url("change-status", member.pk), payload, format="json")
    assert response.status_code == 400 and "reason" in response.json()


def test_events_of_a_foreign_member_answer_404(world):
    member = MemberFactory(branch=world.branch_b1)
    assert world.client("staff_a").get(url("events", member.pk)).status_code == 404


def test_viewer_cannot_change_status(world):
    member = MemberFactory(branch=world.branch_a1)
    payload = {"status": "left", "on": today().isoformat(), "reason": "x"}
    assert (
        world.client("viewer_a").post(url("change-status", member.pk), payload, format="json").status_code
        == 403
    )


def test_members_cannot_be_deleted(world):
    member = MemberFactory(branch=world.branch_a1)
    assert world.client("county_admin").delete(url("detail", member.pk)).status_code == 405
    assert Member.objects.filter(pk=member.pk).exists()
