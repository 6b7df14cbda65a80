"""An ID number held by a record the actor cannot see is answered exactly like an invalid number, on every
path, and the attempt is a security event (members/services/identity.py, docs/security.md)."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from branches.models import SecurityEvent
from branches.models import SecurityEventKind
from branches.tabular.importing import import_table
from members import idnumbers
from members.models import Member
from members.resources import MemberResource
from members.services.pipeline import ON_THE_ROLL
from tests.utils.factories import MemberFactory
from tests.utils.factories_entry import MEMBER_ADMIN_EXTRAS
from tests.utils.factories_entry import MEMBER_FORM_BLANKS
from tests.utils.factories_entry import zh
from tests.utils.factories_pipeline import ApplicantFactory
from tests.utils.factories_pipeline import registration
from tests.utils.import_files import member_rows
from tests.utils.import_files import member_values
from tests.utils.import_files import upload
from tests.utils.import_files import xlsx_bytes

pytestmark = pytest.mark.django_db

BORN = dt.date(1985, 6, 7)
FOREIGN_ID = idnumbers.build("130123", BORN, 41)
OWN_ID = idnumbers.build("130123", BORN, 42)
NEW_ID = idnumbers.build("130123", BORN, 43)


# A row consistent but for its ID number: joined at 25, confirmed a year later.
JOINED = {"入党日期": "2010-07-01", "转正日期": "2011-07-01"}


def wrong_check(number: str) -> str:
    return number[:17] + ("0" if number[17] != "0" else "1")


def refusals():
    return SecurityEvent.objects.filter(kind=SecurityEventKind.ID_NUMBER_REFUSED)


def assert_refusal_logged(world, who, number, count=1):
    events = list(refusals())
    assert len(events) == count
    for event in events:
        assert event.user == world.users[who]
        assert event.organization is not None
        assert number not in str(event.detail)


def member_payload(world, number, **extra):
    return {
        "name": "赵新",
        "gender": "male",
        "id_number": number,
        "birth_date": BORN.isoformat(),
        "education": "junior_college",
        "category": "probationary",
        "branch": world.branch_a1.pk,
        "joined_on": "2024-06-30",
        "occupation": "enterprise",
        **extra,
    }


def applicant_payload(world, number):
    return registration(world.branch_a1, id_number=number, gender="male", birth_date=BORN.isoformat())


# --- API ----------------------------------------------------------------------------------------------------


def test_api_member_create_with_a_foreign_number_reads_as_invalid(world):
    MemberFactory(branch=world.branch_z1, id_number=FOREIGN_ID)
    client = world.client("secretary_a1")
    invalid = client.post(reverse("member-list"), member_payload(world, wrong_check(NEW_ID)), format="json")
    refused = client.post(reverse("member-list"), member_payload(world, FOREIGN_ID), format="json")
    assert invalid.status_code == refused.status_code == 400
    assert refused.json() == invalid.json()
    assert_refusal_logged(world, "secretary_a1", FOREIGN_ID)
    assert refusals().get().organization == world.branch_a1


def test_api_member_create_with_a_visible_number_keeps_the_clear_answer(world):
    MemberFactory(branch=world.branch_a1, id_number=OWN_ID)
    client = world.client("secretary_a1")
    invalid = client.post(reverse("member-list"), member_payload(world, wrong_check(NEW_ID)), format="json")
    duplicate = client.post(reverse("member-list"), member_payload(world, OWN_ID), format="json")
    assert duplicate.status_code == 400
    assert duplicate.json()["id_number"] != invalid.json()["id_number"]
    assert not refusals().exists()


def test_api_member_edit_to_a_foreign_number_reads_as_invalid(world):
    MemberFactory(branch=world.branch_b1, id_number=FOREIGN_ID)
    member = MemberFactory(branch=world.branch_a1)
    client = world.client("secretary_a1")
    url = reverse("member-detail", args=[member.pk])
    invalid = client.patch(url, {"id_number": wrong_check(NEW_ID)}, format="json")
    refused = client.patch(url, {"id_number": FOREIGN_ID}, format="json")
    assert refused.status_code == 400 and refused.json() == invalid.json()
    assert_refusal_logged(world, "secretary_a1", FOREIGN_ID)


@pytest.mark.parametrize("holder", ["member", "applicant"])
def test_api_applicant_register_with_a_foreign_number_reads_as_invalid(world, holder):
    if holder == "member":
        MemberFactory(branch=world.branch_z1, id_number=FOREIGN_ID, birth_date=BORN)
    else:
        ApplicantFactory(branch=world.branch_b1, id_number=FOREIGN_ID, birth_date=BORN)
    client = world.client("secretary_a1")
    invalid = client.post(
        reverse("applicant-list"), applicant_payload(world, wrong_check(NEW_ID)), format="json"
    )
    refused = client.post(reverse("applicant-list"), applicant_payload(world, FOREIGN_ID), format="json")
    assert refused.status_code == 400 and refused.json() == invalid.json()
    assert_refusal_logged(world, "secretary_a1", FOREIGN_ID)


def test_api_applicant_register_of_a_visible_member_says_so(world):
    MemberFactory(branch=world.branch_a1, id_number=OWN_ID, birth_date=BORN)
    refused = world.client("secretary_a1").post(
        reverse("applicant-list"), applicant_payload(world, OWN_ID), format="json"
    )
    assert refused.status_code == 400
    assert refused.json()["id_number"] == [zh(ON_THE_ROLL)]


# --- import -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("dry_run", [True, False])
def test_import_row_with_a_foreign_number_reads_as_invalid(world, dry_run):
    MemberFactory(branch=world.branch_z1, id_number=FOREIGN_ID)
    actor = world.users["secretary_a1"]
    rows = member_rows(
        [
            member_values(
                "C1-TA-1", 1, 身份证号=wrong_check(NEW_ID), 出生日期=BORN.isoformat(), 性别="男", **JOINED
            ),
            member_values("C1-TA-1", 2, 身份证号=FOREIGN_ID, 出生日期=BORN.isoformat(), 性别="男", **JOINED),
        ]
    )
    report = import_table(
        actor=actor,
        resource=MemberResource(actor=actor),
        upload=upload(xlsx_bytes(rows)),
        dry_run=dry_run,
    )
    invalid, refused = report.rows_with_errors
    assert refused.errors == invalid.errors
    assert not Member.objects.filter(branch=world.branch_a1).exists()
    assert_refusal_logged(world, "secretary_a1", FOREIGN_ID)


def test_import_row_with_a_visible_number_keeps_the_clear_answer(world):
    MemberFactory(branch=world.branch_a1, id_number=OWN_ID)
    actor = world.users["secretary_a1"]
    # OWN_ID's 17th digit is even: a woman's number.
    rows = member_rows(
        [member_values("C1-TA-1", 1, 身份证号=OWN_ID, 出生日期=BORN.isoformat(), 性别="女", **JOINED)]
    )
    report = import_table(actor=actor, resource=MemberResource(actor=actor), upload=upload(xlsx_bytes(rows)))
    assert [e["code"] for e in report.rows_with_errors[0].errors] == ["duplicate_in_database"]
    assert not refusals().exists()


# --- browser entry and admin --------------------------------------------------------------------------------


def _browser_payload(world, number):
    return member_payload(world, number, ethnicity="汉族", confirmed_on="", **MEMBER_FORM_BLANKS)


def test_entry_form_with_a_foreign_number_reads_as_invalid(client, world):
    MemberFactory(branch=world.branch_b1, id_number=FOREIGN_ID)
    client.force_login(world.users["secretary_a1"])
    create = reverse("members:member-create")
    invalid = client.post(create, _browser_payload(world, wrong_check(NEW_ID)))
    refused = client.post(create, _browser_payload(world, FOREIGN_ID))
    assert refused.context["form"].errors == invalid.context["form"].errors
    assert refused.context["form"].errors["id_number"]
    assert_refusal_logged(world, "secretary_a1", FOREIGN_ID)


def test_admin_add_with_a_foreign_number_reads_as_invalid(world):
    MemberFactory(branch=world.branch_b1, id_number=FOREIGN_ID)
    client = Client()
    client.force_login(world.users["staff_a"])
    data = {**_browser_payload(world, FOREIGN_ID), **MEMBER_ADMIN_EXTRAS}
    refused = client.post(reverse("admin:members_member_add"), data)
    invalid = client.post(reverse("admin:members_member_add"), {**data, "id_number": wrong_check(NEW_ID)})
    assert refused.status_code == invalid.status_code == 200
    assert refused.context["adminform"].form.errors == invalid.context["adminform"].form.errors
    assert_refusal_logged(world, "staff_a", FOREIGN_ID)
