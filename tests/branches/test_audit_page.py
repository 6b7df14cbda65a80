"""The audit page and the admin: county admins browse; nobody edits or deletes a security event."""

import pytest
from django.test import Client
from django.urls import reverse

from branches.models import SecurityEvent
from branches.models import SecurityEventKind
from branches.services import organization_update
from branches.services import security_event_record

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_county_admin_sees_both_tabs_scoped(world):
    security_event_record(kind=SecurityEventKind.EXPORT, user=world.users["staff_a"])
    security_event_record(kind=SecurityEventKind.EXPORT, username="outsider", organization=world.other_county)
    client = client_for(world.users["county_admin"])
    page = client.get(reverse("branches:audit")).content.decode()
    assert "staff_a" in page and "outsider" not in page
    organization_update(actor=world.users["county_admin"], organization=world.branch_a1, short_name="东一")
    page = client.get(reverse("branches:audit"), {"tab": "history"}).content.decode()
    assert "东一村党支部" in page and "county_admin" in page


@pytest.mark.parametrize("who", ["staff_a", "secretary_a1", "viewer_a", "nobody"])
def test_others_are_refused(world, who):
    assert client_for(world.users[who]).get(reverse("branches:audit")).status_code == 403


def test_bad_dates_show_an_error_not_a_500(world):
    client = client_for(world.users["county_admin"])
    response = client.get(reverse("branches:audit"), {"since": "2026-05-02", "until": "2026-05-01"})
    assert response.status_code == 200
    assert response.context["form"].errors


def test_page_has_no_inline_script_or_style(world):
    organization_update(actor=world.users["county_admin"], organization=world.branch_a1, short_name="东一")
    client = client_for(world.users["county_admin"])
    for tab in ("events", "history"):
        page = client.get(reverse("branches:audit"), {"tab": tab}).content.decode()
        assert "style=" not in page and "<script>" not in page and " on" + "click=" not in page


def test_export_button_carries_the_filters(world):
    client = client_for(world.users["county_admin"])
    response = client.get(reverse("branches:audit"), {"kind": "login", "user": "staff_a"})
    assert response.context["export_url"] == reverse("security-events-export") + "?kind=login&user=staff_a"
    assert client.get(response.context["export_url"]).status_code == 200


def test_admin_cannot_change_or_delete_security_events(world):
    event = security_event_record(kind=SecurityEventKind.EXPORT, user=world.users["staff_a"])
    client = client_for(world.users["root"])
    change = reverse("admin:branches_securityevent_change", args=[event.pk])
    response = client.post(change, {"username": "forged", "kind": "login"})
    assert response.status_code in (302, 403) or "forged" not in response.content.decode()
    delete = reverse("admin:branches_securityevent_delete", args=[event.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    changelist = reverse("admin:branches_securityevent_changelist")
    client.post(changelist, {"action": "delete_selected", "_selected_action": [event.pk], "post": "yes"})
    assert SecurityEvent.objects.get(pk=event.pk).username == "staff_a"
    assert client.get(reverse("admin:branches_securityevent_add")).status_code == 403
