"""Admin screens of an organization's own records: scope, rules on the form, writes and deletes through the
services with history, xlsx export of a selection."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from branches.models import FinancialDisclosure
from branches.models import ReviewRecord
from branches.models import SecurityEvent
from branches.models import SecurityEventKind
from branches.models import StandardizedRoomTarget
from tests.utils.factories_records import ActivityRoomFactory
from tests.utils.factories_records import FinancialDisclosureFactory
from tests.utils.factories_records import RoomInvestmentFactory
from tests.utils.factories_records import StandardizedRoomTargetFactory

pytestmark = pytest.mark.django_db


def test_room_changelist_is_scoped_and_shows_the_totals(world):
    own = ActivityRoomFactory(organization=world.branch_a1, name="东一村活动室", has_signage=True)
    RoomInvestmentFactory(room=own, amount_yuan=Decimal("4321.00"))
    ActivityRoomFactory(organization=world.branch_b1, name="西一村活动室")
    response = world.page_client("staff_a").get(reverse("admin:branches_activityroom_changelist"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "东一村活动室" in html and "西一村活动室" not in html
    assert "4321" in html


def test_a_review_added_in_the_admin_goes_through_the_service_with_history(world):
    data = {
        "organization": world.branch_a1.pk,
        "kind": "member_review",
        "held_on": "2024-12-20",
        "topic": "民主评议",
        "participants": "30",
        "satisfied": "30",
        "summary": "",
    }
    response = world.page_client("staff_a").post(reverse("admin:branches_reviewrecord_add"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert ReviewRecord.objects.get().history.get().history_user == world.users["staff_a"]


def test_the_admin_form_shows_a_broken_rule_and_writes_nothing(world):
    data = {
        "organization": world.branch_a1.pk,
        "year": "2024",
        "period": "2",
        "disclosed_on": "2024-06-30",
        "income_yuan": "",
        "expenditure_yuan": "",
        "content": "",
    }
    response = world.page_client("staff_a").post(reverse("admin:branches_financialdisclosure_add"), data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["disclosed_on"]
    assert not FinancialDisclosure.objects.exists()


def test_a_disclosure_already_made_shows_the_services_message_in_the_admin(world):
    FinancialDisclosureFactory(
        organization=world.branch_a1, year=2024, period=2, disclosed_on=dt.date(2025, 1, 2)
    )
    data = {"organization": world.branch_a1.pk, "year": "2024", "period": "2", "disclosed_on": "2025-01-05"}
    response = world.page_client("staff_a").post(reverse("admin:branches_financialdisclosure_add"), data)
    assert response.status_code == 200
    assert world.branch_a1.name in " ".join(response.context["adminform"].form.errors["period"])


def test_township_staff_cannot_add_a_target_in_the_admin(world):
    assert (
        world.page_client("staff_a").get(reverse("admin:branches_standardizedroomtarget_add")).status_code
        == 403
    )


def test_county_admin_sets_a_target_on_a_township_only(world):
    client = world.page_client("county_admin")
    form = client.get(reverse("admin:branches_standardizedroomtarget_add")).context["adminform"].form
    assert set(form.fields["organization"].queryset) == {world.township_a, world.township_b}
    data = {"organization": world.township_a.pk, "year": "2024", "target": "15"}
    response = client.post(reverse("admin:branches_standardizedroomtarget_add"), data)
    assert response.status_code == 302
    target = StandardizedRoomTarget.objects.get()
    assert target.history.get().history_user == world.users["county_admin"]


def test_target_changelist_shows_the_count_against_the_target(world):
    ActivityRoomFactory(organization=world.branch_a1, standardized_on=dt.date(2024, 2, 1))
    StandardizedRoomTargetFactory(organization=world.township_a, year=2024, target=1)
    response = world.page_client("county_admin").get(
        reverse("admin:branches_standardizedroomtarget_changelist")
    )
    assert response.status_code == 200 and "icon-yes" in response.content.decode()


def test_deleting_in_the_admin_goes_through_the_service_with_history(world):
    disclosure = FinancialDisclosureFactory(organization=world.branch_a1)
    url = reverse("admin:branches_financialdisclosure_delete", args=[disclosure.pk])
    response = world.page_client("staff_a").post(url, {"post": "yes"})
    assert response.status_code == 302
    deleted = FinancialDisclosure.history.get(id=disclosure.pk, history_type="-")
    assert deleted.history_user == world.users["staff_a"]


def test_export_action_writes_the_selection_and_records_it(world):
    disclosure = FinancialDisclosureFactory(organization=world.branch_a1)
    response = world.page_client("staff_a").post(
        reverse("admin:branches_financialdisclosure_changelist"),
        {"action": "export_xlsx", "_selected_action": [disclosure.pk]},
    )
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxml")
    assert SecurityEvent.objects.get(kind=SecurityEventKind.EXPORT).detail["rows"] == 1
