"""Personal fields of applicants, cadres and reserve cadres answer masked for every role; full values only
through ``POST …/{id}/unmask/`` for roles holding ``unmask``, each a security event."""

import pytest
from django.urls import reverse

from branches.models import SecurityEvent
from branches.models import SecurityEventKind
from tests.utils.api import patch_back_masked_phone
from tests.utils.factories_cadres import CadreFactory
from tests.utils.factories_cadres import ReserveCadreFactory
from tests.utils.factories_pipeline import ApplicantFactory

pytestmark = pytest.mark.django_db

PHONE = "13812345678"


def test_a_secretary_sees_an_applicants_phone_masked(world):
    applicant = ApplicantFactory(branch=world.branch_a1, phone=PHONE, address="甲县东镇东一村三组十二号")
    client = world.client("secretary_a1")
    row = client.get(reverse("applicant-detail", args=[applicant.pk])).json()
    assert row["phone"] == "138****5678"
    assert row["address"] == "甲县东镇东一****"
    listed = client.get(reverse("applicant-list")).json()["results"]
    assert [r["phone"] for r in listed] == ["138****5678"]


@pytest.mark.parametrize("who", ["county_admin", "staff_a", "viewer_a"])
def test_staff_and_viewers_see_applicant_phones_masked_too(world, who):
    ApplicantFactory(branch=world.branch_a1, phone=PHONE)
    listed = world.client(who).get(reverse("applicant-list")).json()["results"]
    assert [r["phone"] for r in listed] == ["138****5678"]


@pytest.mark.parametrize("who", ["county_admin", "staff_a"])
def test_unmask_answers_full_values_and_is_a_security_event(world, who):
    applicant = ApplicantFactory(branch=world.branch_a1, phone=PHONE)
    response = world.client(who).post(reverse("applicant-unmask", args=[applicant.pk]))
    assert response.status_code == 200
    assert response.json()["fields"] == {"address": "", "id_number": applicant.id_number, "phone": PHONE}
    event = SecurityEvent.objects.get(kind=SecurityEventKind.UNMASK)
    assert event.user == world.users[who] and event.organization == world.branch_a1
    assert event.detail == {
        "model": "members.applicant",
        "record": applicant.pk,
        "fields": ["address", "id_number", "phone"],
    }


@pytest.mark.parametrize(("who", "status"), [("secretary_a1", 403), ("viewer_a", 403), ("staff_b", 404)])
def test_unmask_is_refused_without_the_capability_and_not_logged(world, who, status):
    applicant = ApplicantFactory(branch=world.branch_a1, phone=PHONE)
    response = world.client(who).post(reverse("applicant-unmask", args=[applicant.pk]))
    assert response.status_code == status
    assert PHONE not in response.content.decode()
    assert not SecurityEvent.objects.filter(kind=SecurityEventKind.UNMASK).exists()


@pytest.mark.parametrize(
    ("basename", "factory"), [("cadre", CadreFactory), ("reservecadre", ReserveCadreFactory)]
)
def test_cadre_and_reserve_phones_unmask_one_record_at_a_time(world, basename, factory):
    record = factory(organization=world.branch_a1, phone=PHONE)
    client = world.client("staff_a")
    assert client.get(reverse(f"{basename}-detail", args=[record.pk])).json()["phone"] == "138****5678"
    response = client.post(reverse(f"{basename}-unmask", args=[record.pk]))
    assert response.json() == {"id": record.pk, "fields": {"phone": PHONE}}
    assert SecurityEvent.objects.filter(kind=SecurityEventKind.UNMASK).count() == 1


def test_writing_back_a_masked_applicant_phone_keeps_the_number(world):
    applicant = ApplicantFactory(branch=world.branch_a1, phone=PHONE)
    url = reverse("applicant-detail", args=[applicant.pk])
    patch_back_masked_phone(world.client("secretary_a1"), url, "改")
    applicant.refresh_from_db()
    assert applicant.phone == PHONE and applicant.note == "改"
