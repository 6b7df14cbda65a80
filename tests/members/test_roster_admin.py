"""The member admin: scoped, masked on every screen, writes through the services."""

import datetime as dt
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from branches.models import SecurityEvent
from branches.models import SecurityEventKind
from members.models import Member
from tests.utils.factories import MemberFactory
from tests.utils.factories import id_number_for
from tests.utils.factories_entry import MEMBER_ADMIN_EXTRAS
from tests.utils.factories_entry import MEMBER_FORM_BLANKS

pytestmark = pytest.mark.django_db


def change_url(member):
    return reverse("admin:members_member_change", args=[member.pk])


def form_data(member, **overrides):
    data = {
        **MEMBER_FORM_BLANKS,
        "name": member.name,
        "gender": member.gender,
        "ethnicity": member.ethnicity,
        "id_number": "",
        "birth_date": member.birth_date.isoformat(),
        "education": member.education,
        "occupation": member.occupation,
        "address": member.address,
        "category": member.category,
        "joined_on": member.joined_on.isoformat(),
        "confirmed_on": member.confirmed_on.isoformat() if member.confirmed_on else "",
        **MEMBER_ADMIN_EXTRAS,
    }
    return data | overrides


@pytest.mark.parametrize("who", ["county_admin", "staff_a"])
def test_changelist_is_scoped_and_masked(world, who):
    own = MemberFactory(branch=world.branch_a1, name="本村党员", phone="13812345678")
    MemberFactory(branch=world.foreign_branch(who), name="外镇党员")
    html = world.page_client(who).get(reverse("admin:members_member_changelist")).content.decode()
    assert "本村党员" in html and "外镇党员" not in html
    assert own.id_number not in html and "13812345678" not in html
    assert own.masked_id_number in html and "138****5678" in html


@pytest.mark.parametrize("who", ["staff_a", "county_admin"])
def test_change_and_view_pages_never_show_full_values(world, who):
    member = MemberFactory(branch=world.branch_a1, phone="13812345678")
    html = world.page_client(who).get(change_url(member)).content.decode()
    assert member.id_number not in html and "13812345678" not in html
    assert member.masked_id_number in html


def test_blank_secret_fields_keep_their_values_and_edits_go_through_the_service(world):
    member = MemberFactory(branch=world.branch_a1, phone="13812345678")
    response = world.page_client("staff_a").post(
        change_url(member), form_data(member, post_duty="矛盾调解岗")
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    member.refresh_from_db()
    assert member.post_duty == "矛盾调解岗" and member.phone == "13812345678" and member.version == 2
    assert member.history.first().history_user == world.users["staff_a"]


def test_a_new_phone_can_be_written_without_seeing_the_old_one(world):
    member = MemberFactory(branch=world.branch_a1, phone="13812345678")
    world.page_client("staff_a").post(change_url(member), form_data(member, phone="13900002222"))
    member.refresh_from_db()
    assert member.phone == "13900002222"


def test_admin_add_goes_through_the_service(world):
    born = dt.date(1992, 2, 2)
    member = Member(
        name="新党员",
        gender="male",
        birth_date=born,
        education="bachelor",
        occupation="farmer",
        category="probationary",
        joined_on=dt.date(2024, 1, 1),
    )
    data = form_data(member, id_number=id_number_for(born, 7), branch=world.branch_a1.pk, confirmed_on="")
    response = world.page_client("staff_a").post(reverse("admin:members_member_add"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    created = Member.objects.get(name="新党员")
    assert created.history.get().history_user == world.users["staff_a"]


def test_history_page_masks_changed_secret_fields(world):
    member = MemberFactory(branch=world.branch_a1, phone="13812345678")
    client = world.page_client("staff_a")
    client.post(change_url(member), form_data(member, phone="13900002222"))
    html = client.get(reverse("admin:members_member_history", args=[member.pk])).content.decode()
    assert "13812345678" not in html and "13900002222" not in html
    assert "139****2222" in html


def test_past_versions_cannot_be_opened_or_reverted_in_the_admin(world):
    member = MemberFactory(branch=world.branch_a1)
    record = member.history.get()
    url = reverse("admin:members_member_simple_history", args=[member.pk, record.history_id])
    assert world.page_client("county_admin").get(url).status_code == 403


def test_foreign_member_in_admin_looks_like_a_missing_one(world):
    foreign = MemberFactory(branch=world.branch_b1)
    client = world.page_client("staff_a")
    missing = client.get(reverse("admin:members_member_change", args=[10**9]))
    assert client.get(change_url(foreign)).status_code == missing.status_code


def test_export_action_is_scoped_and_logged_and_unmasked_only_for_who_may_unmask(world):
    own = MemberFactory(branch=world.branch_a1)
    foreign = MemberFactory(branch=world.branch_b1)
    data = {"action": "export_xlsx", "_selected_action": [own.pk, foreign.pk]}
    response = world.page_client("staff_a").post(reverse("admin:members_member_changelist"), data)
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(b"".join(response.streaming_content))).worksheets[0]
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    # Only township and county staff enter the admin, and they may unmask (docs/scope-and-roles.md).
    assert len(values) == 2 and own.id_number in values[1]
    assert SecurityEvent.objects.get(kind=SecurityEventKind.EXPORT).detail["rows"] == 1
