"""Every admin screen masks registered personal fields (branches/scope/admin.py): list, change form,
read-only view; a personal field left empty on the change form keeps its stored value."""

import pytest
from django.test import Client
from django.urls import reverse

from members.models import Applicant
from tests.utils.factories_cadres import CadreFactory
from tests.utils.factories_pipeline import ApplicantFactory

pytestmark = pytest.mark.django_db

PHONE = "13812345678"
ADDRESS = "甲县东镇东一村三组十二号院"


def _client(world, who):
    client = Client()
    client.force_login(world.users[who])
    return client


@pytest.mark.parametrize("who", ["county_admin", "staff_a"])
def test_applicant_admin_pages_never_show_full_values(world, who):
    applicant = ApplicantFactory(branch=world.branch_a1, phone=PHONE, address=ADDRESS)
    client = _client(world, who)
    for url in (
        reverse("admin:members_applicant_changelist") + "?q=",
        reverse("admin:members_applicant_change", args=[applicant.pk]),
        reverse("admin:members_applicant_history", args=[applicant.pk]),
    ):
        html = client.get(url).content.decode()
        for value in (PHONE, ADDRESS, applicant.id_number):
            assert value not in html, (url, value)


def test_cadre_admin_list_masks_phones(world):
    CadreFactory(organization=world.branch_a1, phone=PHONE)
    html = _client(world, "county_admin").get(reverse("admin:members_cadre_changelist")).content.decode()
    assert PHONE not in html


def test_a_personal_field_left_empty_keeps_its_value(world):
    applicant = ApplicantFactory(branch=world.branch_a1, phone=PHONE, address=ADDRESS)
    client = _client(world, "staff_a")
    url = reverse("admin:members_applicant_change", args=[applicant.pk])
    form = client.get(url).context["adminform"].form
    data = {name: form[name].value() for name in form.fields if name not in {"mentors", "sponsors"}}
    data = {name: "" if value is None else value for name, value in data.items()}
    data.update({"id_number": "", "phone": "", "address": "", "note": "改"})
    response = client.post(url, data)
    assert response.status_code == 302
    applicant = Applicant.objects.get(pk=applicant.pk)
    assert (applicant.phone, applicant.address, applicant.note) == (PHONE, ADDRESS, "改")
