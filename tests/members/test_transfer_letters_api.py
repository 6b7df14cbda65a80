"""The transfer letters API (docs/transfers.md): issue by posting, receive, deliver, confirm and cancel as
actions, the list's filters, and the generic scope suite (its query-count test covers the list)."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from members.models import LetterStatus
from members.models import Member
from members.models import MemberStatus
from members.models import TransferLetter
from tests.utils.factories import MemberFactory
from tests.utils.factories import id_number_for
from tests.utils.factories_transfers import ISSUED
from tests.utils.factories_transfers import issue
from tests.utils.factories_transfers import receive
from tests.utils.scope_records import MemberRecordScopeSuite

pytestmark = pytest.mark.django_db


class TestTransferLetterScope(MemberRecordScopeSuite):
    basename = "transferletter"
    create_fields = {
        "to_organization_name": "外县某村党支部",
        "issued_on": "2026-03-02",
        "dues_paid_up_to": "2026-02",
    }

    def make_object(self, world, organization):
        return issue(world.users["root"], MemberFactory(branch=organization))


def test_issue_answers_the_letter_with_its_register_number_and_validity(world):
    member = MemberFactory(branch=world.branch_a1)
    body = {
        "member": member.pk,
        "to_organization_name": "市内某街道党工委",
        "within_city": True,
        "issued_on": "2026-03-02",
        "dues_paid_up_to": "2026-02",
    }
    response = world.client("secretary_a1").post(reverse("transferletter-list"), body, format="json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert (data["number"], data["valid_days"], data["valid_until"]) == ("2026-001", 10, "2026-03-11")
    assert (data["dues_paid_up_to"], data["state"], data["direction"]) == ("2026-02-01", "expired", "out")


def test_too_long_a_validity_is_a_400_naming_the_field(world):
    body = {
        "member": MemberFactory(branch=world.branch_a1).pk,
        "to_organization_name": "外省某村党支部",
        "issued_on": "2026-01-15",
        "valid_days": 91,
        "dues_paid_up_to": "2026-01",
    }
    response = world.client("secretary_a1").post(
        reverse("transferletter-list"), body, format="json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 400
    assert "at most 90 days" in response.json()["valid_days"][0]
    assert not TransferLetter.objects.exists()


def test_deliver_confirm_and_cancel_actions(world):
    client, actor = world.client("secretary_a1"), world.users["secretary_a1"]
    delivered = issue(actor, MemberFactory(branch=world.branch_a1))
    url = reverse("transferletter-deliver", args=[delivered.pk])
    response = client.post(url, {"on": "2026-03-05"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "delivered"
    delivered.member.refresh_from_db()
    assert delivered.member.status == MemberStatus.TRANSFERRED_OUT
    response = client.post(reverse("transferletter-confirm", args=[delivered.pk]), {"on": "2026-03-06"})
    assert response.json()["status"] == "confirmed"
    cancelled = issue(actor, MemberFactory(branch=world.branch_a1))
    response = client.post(reverse("transferletter-cancel", args=[cancelled.pk]), {"on": "2026-03-03"})
    assert response.status_code == 400 and "reason" in response.json()
    response = client.post(
        reverse("transferletter-cancel", args=[cancelled.pk]), {"on": "2026-03-03", "reason": "未外出"}
    )
    assert response.json()["status"] == "cancelled"


def test_a_viewer_cannot_confirm(world):
    letter = issue(world.users["secretary_a1"], MemberFactory(branch=world.branch_a1))
    response = world.client("viewer_a").post(
        reverse("transferletter-confirm", args=[letter.pk]), {"on": "2026-03-03"}
    )
    assert response.status_code == 403
    letter.refresh_from_db()
    assert letter.status == LetterStatus.ISSUED


def test_receive_registers_the_letter_and_the_member(world):
    body = {
        "to_organization": world.branch_a1.pk,
        "number": "外转-12",
        "from_organization_name": "外县某村党支部",
        "issued_on": "2026-03-01",
        "dues_paid_up_to": "2026-03",
        "accepted_on": "2026-03-09",
        "member": {
            "name": "转入者",
            "id_number": id_number_for(dt.date(1985, 5, 5), 13),
            "education": "bachelor",
            "category": "full",
            "joined_on": "2008-07-01",
            "confirmed_on": "2009-07-01",
            "occupation": "enterprise",
        },
    }
    response = world.client("secretary_a1").post(reverse("transferletter-receive"), body, format="json")
    assert response.status_code == 201, response.content
    member = Member.objects.get(pk=response.json()["member"])
    assert (member.branch, member.name) == (world.branch_a1, "转入者")
    body["member"]["joined_on"] = "not a date"
    body["number"] = "外转-13"
    response = world.client("secretary_a1").post(reverse("transferletter-receive"), body, format="json")
    assert response.status_code == 400 and "joined_on" in response.json()["member"]


def test_receive_into_a_foreign_branch_is_refused(world):
    body = {
        "to_organization": world.branch_b1.pk,
        "number": "1",
        "from_organization_name": "某",
        "issued_on": "2026-03-01",
        "dues_paid_up_to": "2026-03",
        "accepted_on": "2026-03-02",
        "member": {},
    }
    response = world.client("secretary_a1").post(reverse("transferletter-receive"), body, format="json")
    assert response.status_code == 400
    assert "to_organization" in response.json()


def test_list_filters_by_state_direction_and_year(world):
    actor = world.users["secretary_a1"]
    expired = issue(actor, MemberFactory(branch=world.branch_a1))
    fresh = issue(actor, MemberFactory(branch=world.branch_a1), issued_on=timezone.localdate())
    received = receive(actor, world.branch_a1)
    client = world.client("secretary_a1")

    def ids(**query):
        return {row["id"] for row in client.get(reverse("transferletter-list"), query).json()["results"]}

    assert ids(status="expired") == {expired.pk}
    assert ids(status="issued") == {fresh.pk}
    assert ids(direction="in") == {received.pk}
    assert ids(year=2026) >= {expired.pk, received.pk}
    assert client.get(reverse("transferletter-list"), {"status": "nonsense"}).status_code == 400


def test_the_transfer_action_takes_a_letter_number(world):
    member = MemberFactory(branch=world.branch_a1)
    body = {"to_branch": world.branch_a2.pk, "on": ISSUED.isoformat(), "letter_number": "县内-1"}
    response = world.client("staff_a").post(reverse("member-transfer", args=[member.pk]), body, format="json")
    assert response.status_code == 200, response.content
    assert member.transfer_letters.get().number == "县内-1"
