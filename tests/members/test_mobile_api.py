"""The mobile-member API (docs/mobile-members.md): spells away and contacts through the services, the
generic scope suite for each endpoint, and a list that answers with the last contact."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from members.models import AwayRecord
from members.models import Member
from members.selectors.mobile import out_of_contact_before
from tests.utils.factories import MemberFactory
from tests.utils.factories_mobile import contact
from tests.utils.factories_mobile import send_away
from tests.utils.scope import ScopeSuite

pytestmark = pytest.mark.django_db


class TestAwayRecordScope(ScopeSuite):
    basename = "awayrecord"

    def make_object(self, world, organization):
        return send_away(world.users["root"], branch=organization)

    def create_payload(self, world, organization):
        member = MemberFactory(branch=organization, joined_on=dt.date(2010, 1, 1))
        return {"member": member.pk, "destination": "广东省深圳市", "left_on": "2025-05-01"}


class TestAwayContactScope(ScopeSuite):
    basename = "awaycontact"

    def make_object(self, world, organization):
        away = send_away(world.users["root"], branch=organization)
        return contact(world.users["root"], away, dt.date(2025, 6, 1))

    def create_payload(self, world, organization):
        away = send_away(world.users["root"], branch=organization)
        return {"away": away.pk, "contacted_on": "2025-06-01", "way": "phone", "note": "电话问候"}


def test_listed_with_last_contact_and_masked_phone(world):
    away = send_away(world.users["secretary_a1"], branch=world.branch_a1)
    contact(world.users["secretary_a1"], away, dt.date(2025, 4, 2))
    contact(world.users["secretary_a1"], away, dt.date(2025, 9, 9))
    response = world.client("secretary_a1").get(reverse("awayrecord-list"))
    (row,) = response.json()["results"]
    assert row["last_contact_on"] == "2025-09-09"
    assert row["contact_phone"] == "138****1234"
    assert row["out_of_contact"] == (dt.date(2025, 9, 9) < out_of_contact_before(timezone.localdate()))


def test_patching_back_on_ends_the_spell(world):
    away = send_away(world.users["secretary_a1"], branch=world.branch_a1)
    client = world.client("secretary_a1")
    response = client.patch(
        reverse("awayrecord-detail", args=[away.pk]), {"back_on": "2025-12-01"}, format="json"
    )
    assert response.status_code == 200, response.content
    away.refresh_from_db()
    assert away.back_on == dt.date(2025, 12, 1)
    assert not Member.objects.get(pk=away.member_id).is_mobile


def test_a_second_open_spell_is_a_400_naming_the_first(world):
    away = send_away(world.users["secretary_a1"], branch=world.branch_a1)
    body = {"member": away.member_id, "destination": "浙江省杭州市", "left_on": "2025-06-01"}
    response = world.client("secretary_a1").post(reverse("awayrecord-list"), body, format="json")
    assert response.status_code == 400
    assert "江苏省苏州市" in str(response.json())
    assert AwayRecord.objects.count() == 1
