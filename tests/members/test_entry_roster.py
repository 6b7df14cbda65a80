"""The member entry pages: a new member, the model's and the ID number's rules beside their fields in
Chinese, an edit that never sends the full ID number to the browser, the edit conflict, scope."""

import datetime as dt

import pytest
from django.urls import reverse

from members import idnumbers
from members.models import Member
from members.models.roster import ID_NUMBER_MESSAGES
from members.services.roster import member_update
from tests.utils.factories import MemberFactory
from tests.utils.factories_entry import MEMBER_FORM_BLANKS
from tests.utils.factories_entry import assert_conflict
from tests.utils.factories_entry import field_errors
from tests.utils.factories_entry import logged_in
from tests.utils.factories_entry import zh

pytestmark = pytest.mark.django_db
CREATE = reverse("members:member-create")
BORN = dt.date(1985, 6, 7)
ID_NUMBER = idnumbers.build("130123", BORN, 21)


def payload(world, **data):
    return {
        **MEMBER_FORM_BLANKS,
        "name": "新党员",
        "gender": "male",
        "ethnicity": "汉族",
        "id_number": ID_NUMBER,
        "birth_date": BORN.isoformat(),
        "education": "senior_high",
        "category": "probationary",
        "branch": world.branch_a1.pk,
        "joined_on": "2024-07-01",
        "confirmed_on": "",
        "occupation": "farmer",
        "phone": "13812345678",
        **data,
    }


def test_a_new_member_joins_the_secretarys_branch(secretary, world):
    assert secretary.get(CREATE).context["form"].fields["branch"].widget.input_type == "hidden"
    response = secretary.post(CREATE, payload(world))
    assert response.status_code == 302
    member = Member.objects.get()
    assert (member.branch, member.id_number, member.status) == (world.branch_a1, ID_NUMBER, "normal")
    assert member.history.get().history_user == world.users["secretary_a1"]


def test_a_wrong_check_character_is_refused_beside_the_id_number(secretary, world):
    wrong = ID_NUMBER[:17] + ("0" if ID_NUMBER[17] != "0" else "1")
    response = secretary.post(CREATE, payload(world, id_number=wrong))
    assert field_errors(response, "id_number") == [zh(ID_NUMBER_MESSAGES["checksum"])]
    assert not Member.objects.exists()


def test_a_birth_date_unlike_the_id_numbers_is_refused_beside_the_birth_date(secretary, world):
    response = secretary.post(CREATE, payload(world, birth_date="1985-06-08"))
    assert field_errors(response, "birth_date") == [
        zh("The birth date does not match the one inside the ID number.")
    ]


def test_a_secretary_cannot_add_a_member_to_another_branch(secretary, world):
    response = secretary.post(CREATE, payload(world, branch=world.branch_a2.pk))
    assert response.context["form"].errors["branch"]
    assert not Member.objects.exists()


def test_the_edit_never_shows_the_full_id_number_and_keeps_it_when_left_empty(secretary, world):
    member = MemberFactory(branch=world.branch_a1, phone="13912345678")
    url = reverse("members:member-edit", args=[member.pk])
    html = secretary.get(url).content.decode()
    assert member.id_number not in html and "13912345678" not in html
    assert idnumbers.mask(member.id_number) in html
    data = payload(world, name="改名", id_number="", phone="", birth_date=member.birth_date.isoformat())
    data.update(category="full", confirmed_on="2001-07-01", joined_on="2000-07-01", version=1)
    data.pop("branch")
    response = secretary.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    member.refresh_from_db()
    assert (member.name, member.phone, member.version) == ("改名", "13912345678", 2)
    assert idnumbers.parse(member.id_number) == member.id_number


def test_township_staff_see_the_phone_but_not_the_id_number(client, world):
    member = MemberFactory(branch=world.branch_a1, phone="13912345678")
    logged_in(client, world.users["staff_a"])
    html = client.get(reverse("members:member-edit", args=[member.pk])).content.decode()
    assert "13912345678" in html and member.id_number not in html


def test_a_stale_member_edit_is_a_conflict(secretary, world):
    member = MemberFactory(branch=world.branch_a1)
    staff = world.users["staff_a"]
    member_update(actor=staff, member=member, expected_version=1, address="新地址")
    url = reverse("members:member-edit", args=[member.pk])
    data = payload(world, id_number="", birth_date=member.birth_date.isoformat(), version=1)
    data.update(category="full", confirmed_on="2001-07-01", joined_on="2000-07-01")
    response = secretary.post(url, data)
    assert_conflict(response, staff, url)
    member.refresh_from_db()
    assert (member.address, member.version) == ("新地址", 2)


def test_a_member_of_another_township_answers_404(secretary, world):
    member = MemberFactory(branch=world.branch_b1)
    assert secretary.get(reverse("members:member-edit", args=[member.pk])).status_code == 404
