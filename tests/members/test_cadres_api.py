"""/api/v1/cadres/ and the cadre admin: scope, filters, actions, permissions, history."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from members.models import Cadre
from members.models import CadrePost
from tests.utils.api import assert_action_hidden
from tests.utils.api import patch_back_masked_phone
from tests.utils.api import post_import_file
from tests.utils.api import result_ids
from tests.utils.api import template_csv
from tests.utils.assertions import admin_edits
from tests.utils.assertions import admin_refuses
from tests.utils.assertions import admin_saves
from tests.utils.assertions import assert_admin_pages_open
from tests.utils.assertions import assert_changelist_scoped
from tests.utils.factories import MemberFactory
from tests.utils.factories_cadres import CadreFactory
from tests.utils.factories_cadres import ReserveCadreFactory
from tests.utils.factories_entry import cadre_form
from tests.utils.scope_records import OrganizationRecordScopeSuite

pytestmark = pytest.mark.django_db

D = dt.date
P = CadrePost


class TestCadreScope(OrganizationRecordScopeSuite):
    basename = "cadre"
    factory = CadreFactory

    create_fields = {
        "post": "village_director",
        "name": "张主任",
        "gender": "male",
        "birth_date": "1978-04-05",
        "started_on": "2021-01-15",
    }


def test_appointing_a_member_through_the_api_fills_the_person(world):
    member = MemberFactory(branch=world.branch_a1, name="李书记")
    payload = {
        "organization": world.branch_a1.pk,
        "post": "secretary",
        "member": member.pk,
        "started_on": "2021-01-15",
    }
    response = world.client("secretary_a1").post(reverse("cadre-list"), payload, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["name"] == "李书记" and response.json()["is_serving"] is True


def test_a_refused_appointment_is_a_400_naming_the_field(world):
    CadreFactory(organization=world.branch_a1, post=P.VILLAGE_DIRECTOR, name="赵主任")
    payload = TestCadreScope().create_payload(world, world.branch_a1)
    response = world.client("staff_a").post(reverse("cadre-list"), payload, format="json")
    assert response.status_code == 400
    assert "赵主任" in " ".join(response.json()["started_on"])


def test_a_member_post_without_a_member_is_a_400(world):
    payload = {**TestCadreScope().create_payload(world, world.branch_a1), "post": "secretary"}
    response = world.client("staff_a").post(reverse("cadre-list"), payload, format="json")
    assert response.status_code == 400 and "member" in response.json()


def test_a_member_outside_the_writers_scope_reads_as_missing(world):
    foreign = MemberFactory(branch=world.branch_b1)
    payload = {**TestCadreScope().create_payload(world, world.branch_a1), "member": foreign.pk}
    response = world.client("staff_a").post(reverse("cadre-list"), payload, format="json")
    assert response.status_code == 400 and "member" in response.json()


def test_viewer_cannot_edit_or_end_a_term(world):
    cadre = CadreFactory(organization=world.branch_a1)
    client = world.client("viewer_a")
    assert (
        client.patch(reverse("cadre-detail", args=[cadre.pk]), {"phone": "1"}, format="json").status_code
        == 403
    )
    end = client.post(reverse("cadre-end-term", args=[cadre.pk]), {"on": "2024-01-01", "reason": "换届"})
    assert end.status_code == 403
    cadre.refresh_from_db()
    assert cadre.version == 1 and cadre.ended_on is None


def test_secretary_edits_only_own_branch(world):
    own = CadreFactory(organization=world.branch_a1)
    other = CadreFactory(organization=world.branch_a2)
    client = world.client("secretary_a1")
    assert (
        client.patch(reverse("cadre-detail", args=[own.pk]), {"phone": "1"}, format="json").status_code == 200
    )
    assert (
        client.patch(reverse("cadre-detail", args=[other.pk]), {"phone": "1"}, format="json").status_code
        == 404
    )


def test_staff_of_township_b_cannot_end_a_term_in_a(world):
    cadre = CadreFactory(organization=world.branch_a1)
    end_term = {"on": "2024-01-01", "reason": "换届"}
    assert_action_hidden(world.client("staff_b"), "cadre-end-term", cadre, end_term)


def test_end_term_action(world):
    cadre = CadreFactory(organization=world.branch_a1)
    url = reverse("cadre-end-term", args=[cadre.pk])
    client = world.client("staff_a")
    assert client.post(url, {"on": "2024-01-14"}).status_code == 400
    response = client.post(url, {"on": "2024-01-14", "reason": "换届", "version": 1})
    assert response.status_code == 200, response.content
    assert response.json()["ended_on"] == "2024-01-14" and response.json()["is_serving"] is False
    stale = client.post(url, {"on": "2024-01-15", "reason": "换届", "version": 1})
    assert stale.status_code == 409


def test_stale_update_is_a_conflict(world):
    cadre = CadreFactory(organization=world.branch_a1)
    client = world.client("staff_a")
    url = reverse("cadre-detail", args=[cadre.pk])
    assert client.patch(url, {"phone": "1", "version": 1}, format="json").status_code == 200
    assert client.patch(url, {"phone": "2", "version": 1}, format="json").status_code == 409


@pytest.fixture
def roster(world):
    today = timezone.localdate()
    member = MemberFactory(branch=world.branch_a1, name="李书记")
    return {
        "secretary": CadreFactory(organization=world.branch_a1, post=P.SECRETARY, member=member),
        "old_director": CadreFactory(
            organization=world.branch_a1,
            post=P.VILLAGE_DIRECTOR,
            name="王老主任",
            started_on=D(2015, 1, 1),
            ended_on=D(2021, 1, 14),
        ),
        "ends_today": CadreFactory(organization=world.branch_a2, post=P.VILLAGE_COMMITTEE, ended_on=today),
        "first_secretary": CadreFactory(
            organization=world.branch_a2,
            post=P.FIRST_SECRETARY,
            member=MemberFactory(branch=world.branch_a2),
            sending_unit="县财政局",
        ),
        "foreign": CadreFactory(organization=world.branch_b1),
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"post": "secretary"}, {"secretary"}),
        ({"post": ["secretary", "first_secretary"]}, {"secretary", "first_secretary"}),
        ({"current": "true"}, {"secretary", "ends_today", "first_secretary"}),
        ({"current": "false"}, {"old_director"}),
        ({"on": "2020-06-01"}, {"old_director"}),
        ({"search": "老主任"}, {"old_director"}),
    ],
)
def test_cadre_filters(world, roster, query, expected):
    listed = result_ids(world.client("staff_a").get(reverse("cadre-list"), query))
    assert listed == {roster[name].pk for name in expected}


def test_organization_and_within_filters(world, roster):
    client = world.client("county_admin")
    by_organization = result_ids(client.get(reverse("cadre-list"), {"organization": world.branch_a2.pk}))
    assert by_organization == {roster["ends_today"].pk, roster["first_secretary"].pk}
    within = result_ids(client.get(reverse("cadre-list"), {"within": world.township_b.pk}))
    assert within == {roster["foreign"].pk}
    refused = world.client("staff_a").get(reverse("cadre-list"), {"within": world.township_b.pk})
    assert refused.status_code == 400


def test_ordering_and_pagination(world, roster):
    client = world.client("staff_a")
    response = client.get(reverse("cadre-list"), {"ordering": "-started_on", "page_size": 2})
    body = response.json()
    assert body["count"] == 4 and len(body["results"]) == 2 and body["next"]
    started = [row["started_on"] for row in body["results"]]
    assert started == sorted(started, reverse=True)


def test_bad_filter_values_are_400_not_500(world):
    client = world.client("staff_a")
    assert client.get(reverse("cadre-list"), {"on": "2024-02-30"}).status_code == 400
    assert client.get(reverse("cadre-list"), {"post": "emperor"}).status_code == 400


# --- admin ------------------------------------------------------------------------------------------


def admin_payload(world, **overrides):
    director = {"post": "village_director", "name": "钱主任", "birth_date": "1979-01-01", "education": ""}
    return cadre_form(world.branch_a1, started_on="2021-01-15", **director) | overrides


def test_admin_changelist_is_scoped(world):
    def cadre(organization, name):
        return CadreFactory(organization=organization, name=name)

    assert_changelist_scoped(world, "members_cadre", cadre, own="东村干部", foreign="西村干部")


def test_admin_add_goes_through_the_service_with_history(world):
    admin_saves(world.page_client("staff_a"), reverse("admin:members_cadre_add"), admin_payload(world))
    cadre = Cadre.objects.get()
    assert cadre.history.latest().history_user == world.users["staff_a"]


def test_admin_shows_a_broken_rule_beside_the_form_not_a_500(world):
    CadreFactory(organization=world.branch_a1, post=P.VILLAGE_DIRECTOR, name="赵主任")
    admin_refuses(
        world.page_client("staff_a"), reverse("admin:members_cadre_add"), admin_payload(world), "赵主任"
    )
    assert Cadre.objects.count() == 1


def test_admin_fills_a_members_post_from_the_member(world):
    member = MemberFactory(branch=world.branch_a1, name="孙书记")
    payload = admin_payload(world, post="secretary", member=member.pk, name="", gender="", birth_date="")
    admin_saves(world.page_client("staff_a"), reverse("admin:members_cadre_add"), payload)
    assert Cadre.objects.get().name == "孙书记"


def test_viewer_cannot_add_in_admin(world):
    response = world.page_client("viewer_a").post(reverse("admin:members_cadre_add"), admin_payload(world))
    assert response.status_code == 403
    assert not Cadre.objects.exists()


def test_admin_edit_goes_through_the_service_and_history_page_shows_it(world):
    cadre = CadreFactory(
        organization=world.branch_a1, post=P.VILLAGE_DIRECTOR, name="钱主任", birth_date=D(1979, 1, 1)
    )
    client = world.page_client("staff_a")
    admin_edits(client, "members_cadre", cadre, admin_payload(world, phone="13900000000"))
    assert cadre.phone == "13900000000"
    assert cadre.history.latest().history_user == world.users["staff_a"]
    history = client.get(reverse("admin:members_cadre_history", args=[cadre.pk]))
    assert history.status_code == 200


def test_admin_reserve_pages_open(world):
    reserve = ReserveCadreFactory(organization=world.branch_a1)
    client = world.page_client("staff_a")
    assert_admin_pages_open(client, "members_reservecadre", reserve.pk, also=["add"])
    assert client.get(reverse("admin:members_cadre_add")).status_code == 200


def test_phones_are_masked_for_everyone_until_unmasked(world):
    cadre = CadreFactory(organization=world.branch_a1, phone="13812345678")
    url = reverse("cadre-detail", args=[cadre.pk])
    for who in ("staff_a", "viewer_a", "secretary_a1"):
        assert world.client(who).get(url).json()["phone"] == "138****5678"
    unmasked = world.client("staff_a").post(reverse("cadre-unmask", args=[cadre.pk]))
    assert unmasked.json()["fields"] == {"phone": "13812345678"}
    listed = world.client("viewer_a").get(reverse("cadre-list")).json()["results"]
    assert [row["phone"] for row in listed] == ["138****5678"]


def test_writing_back_a_masked_phone_keeps_the_number(world):
    cadre = CadreFactory(organization=world.branch_a1, phone="13812345678")
    patch_back_masked_phone(world.client("secretary_a1"), reverse("cadre-detail", args=[cadre.pk]), "改")
    cadre.refresh_from_db()
    assert (cadre.phone, cadre.note) == ("13812345678", "改")


def _cadre_csv(client, organization_code):
    values = {
        "所在组织编码": organization_code,
        "职务": "village_committee",
        "姓名": "赵村委",
        "性别": "男",
        "出生日期": "1980-05-01",
        "学历": "初中",
        "任职日期": "2024-01-01",
    }
    return template_csv(client, "cadre", [values]).encode("utf-8")


def _upload(client, body, dry_run):
    return post_import_file(client, "cadre", "cadres.csv", body, dry_run, content_type="text/csv")


def test_cadre_import_endpoint_previews_then_commits_in_scope(world):
    client = world.client("staff_a")
    body = _cadre_csv(client, world.branch_a1.code)
    count = Cadre.objects.count()
    preview = _upload(client, body, "true")
    assert preview.status_code == 200, preview.content
    assert Cadre.objects.count() == count
    committed = _upload(client, body, "false")
    assert committed.status_code == 201, committed.content
    assert Cadre.objects.filter(organization=world.branch_a1, name="赵村委").exists()


def test_cadre_import_endpoint_refuses_a_foreign_branch_and_writes_nothing(world):
    client = world.client("staff_a")
    count = Cadre.objects.count()
    response = _upload(client, _cadre_csv(client, world.branch_b1.code), "false")
    assert response.status_code == 400
    assert Cadre.objects.count() == count


def test_reserve_export_is_an_xlsx_of_the_scoped_list(world):
    response = world.client("staff_a").get(reverse("reservecadre-export"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
