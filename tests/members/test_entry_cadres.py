"""Cadre posts and the reserve roster in the browser: the services' rules beside their fields, the edit
conflict, scope."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from members.models import Cadre
from members.models import CadrePost
from members.models import ReserveCadre
from members.services.cadres import MESSAGES
from members.services.cadres import cadre_update
from members.services.cadres import reserve_update
from tests.utils.factories import MemberFactory
from tests.utils.factories_cadres import CadreFactory
from tests.utils.factories_cadres import ReserveCadreFactory
from tests.utils.factories_entry import assert_conflict
from tests.utils.factories_entry import cadre_form
from tests.utils.factories_entry import field_errors
from tests.utils.factories_entry import reserve_form
from tests.utils.factories_entry import zh

pytestmark = pytest.mark.django_db


def reserve_payload(world, **data):
    return reserve_form(world.branch_a1) | data


def test_a_village_committee_member_is_appointed(secretary, world):
    response = secretary.post(reverse("members:cadre-create"), cadre_form(world.branch_a1))
    assert response.status_code == 302
    cadre = Cadre.objects.get()
    assert (cadre.organization, cadre.name, cadre.post) == (
        world.branch_a1,
        "村委甲",
        CadrePost.VILLAGE_COMMITTEE,
    )


def test_a_member_post_takes_the_members_identity(secretary, world):
    member = MemberFactory(branch=world.branch_a1)
    data = cadre_form(world.branch_a1, post=CadrePost.BRANCH_COMMITTEE, member=member.pk, name="", gender="")
    assert secretary.post(reverse("members:cadre-create"), data).status_code == 302
    assert Cadre.objects.get().name == member.name


def test_a_branch_post_without_a_member_is_refused_beside_the_member(secretary, world):
    response = secretary.post(
        reverse("members:cadre-create"), cadre_form(world.branch_a1, post=CadrePost.DEPUTY_SECRETARY)
    )
    assert field_errors(response, "member") == [
        zh("This post can only be held by a party member; choose the member.")
    ]
    assert not Cadre.objects.exists()


def test_a_second_serving_secretary_is_refused_naming_the_first(secretary, world):
    holder = CadreFactory(
        organization=world.branch_a1, post=CadrePost.SECRETARY, member=MemberFactory(branch=world.branch_a1)
    )
    other = MemberFactory(branch=world.branch_a1)
    data = cadre_form(world.branch_a1, post=CadrePost.SECRETARY, member=other.pk)
    (message,) = field_errors(secretary.post(reverse("members:cadre-create"), data), "started_on")
    assert message == zh(MESSAGES["holder_serving"]) % {"name": holder.name, "started": holder.started_on}
    assert Cadre.objects.count() == 1


def test_a_secretary_cannot_appoint_in_another_branch(secretary, world):
    response = secretary.post(reverse("members:cadre-create"), cadre_form(world.branch_a2))
    assert response.context["form"].errors["organization"]
    assert not Cadre.objects.exists()


def test_a_stale_cadre_edit_is_a_conflict(secretary, world):
    cadre = CadreFactory(organization=world.branch_a1, name="村委乙")
    url = reverse("members:cadre-edit", args=[cadre.pk])
    assert secretary.get(url).context["form"].initial["version"] == 1
    staff = world.users["staff_a"]
    cadre_update(actor=staff, cadre=cadre, expected_version=1, phone="13000000000")
    response = secretary.post(
        url, cadre_form(world.branch_a1, name="村委乙", started_on="2021-01-15", version=1)
    )
    assert_conflict(response, staff, url)


def test_a_cadre_of_another_township_answers_404(secretary, world):
    cadre = CadreFactory(organization=world.branch_b1)
    assert secretary.get(reverse("members:cadre-edit", args=[cadre.pk])).status_code == 404


def test_a_reserve_cadre_enters_the_roster(secretary, world):
    response = secretary.post(reverse("members:reservecadre-create"), reserve_payload(world))
    assert response.status_code == 302
    assert ReserveCadre.objects.get().organization == world.branch_a1


def test_a_roster_date_in_the_future_is_refused_beside_it(secretary, world):
    future = (timezone.localdate() + dt.timedelta(days=40)).isoformat()
    response = secretary.post(
        reverse("members:reservecadre-create"), reserve_payload(world, entered_on=future)
    )
    assert field_errors(response, "entered_on") == [zh(MESSAGES["entered_in_future"])]
    assert not ReserveCadre.objects.exists()


def test_the_same_person_twice_on_the_roster_is_refused_beside_the_name(secretary, world):
    ReserveCadreFactory(organization=world.branch_a1, name="后备甲", birth_date=dt.date(1998, 2, 3))
    response = secretary.post(reverse("members:reservecadre-create"), reserve_payload(world))
    assert field_errors(response, "name") == [zh(MESSAGES["already_in_roster"]) % {"name": "后备甲"}]


def test_a_stale_reserve_edit_is_a_conflict_and_a_current_one_saves(secretary, world):
    reserve = ReserveCadreFactory(organization=world.branch_a1, name="后备乙", birth_date=dt.date(1997, 1, 1))
    url = reverse("members:reservecadre-edit", args=[reserve.pk])
    data = reserve_payload(world, name="后备乙", birth_date="1997-01-01", entered_on="2023-03-01", version=1)
    assert secretary.post(url, {**data, "mentor": "王镇长"}).status_code == 302
    reserve.refresh_from_db()
    assert (reserve.mentor, reserve.version) == ("王镇长", 2)
    staff = world.users["staff_a"]
    reserve_update(actor=staff, reserve=reserve, expected_version=2, phone="13100000000")
    response = secretary.post(url, {**data, "version": 2})
    assert_conflict(response, staff, url)


def test_a_reserve_cadre_of_another_township_answers_404(secretary, world):
    reserve = ReserveCadreFactory(organization=world.branch_b1)
    assert secretary.get(reverse("members:reservecadre-edit", args=[reserve.pk])).status_code == 404
