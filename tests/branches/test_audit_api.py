"""Audit endpoints: security events and change history, scoped to the county, read-only, exported."""

import datetime as dt
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from branches.models import SecurityEvent
from branches.models import SecurityEventKind
from branches.models import StaffRole
from branches.scope.roles import Role
from branches.services import organization_update
from branches.services import security_event_record
from tests.utils.factories import StaffRoleFactory
from tests.utils.factories import UserFactory
from tests.utils.scope import ScopeSuite

pytestmark = pytest.mark.django_db


class TestSecurityEventScope(ScopeSuite):
    basename = "security-events"
    writer = "county_admin"
    supports_create = False

    def make_object(self, world, organization):
        return security_event_record(
            kind=SecurityEventKind.EXPORT, user=world.users["staff_a"], organization=organization
        )


class TestChangeHistoryScope(ScopeSuite):
    basename = "change-history"
    writer = "county_admin"
    supports_create = False

    def make_object(self, world, organization):
        role = StaffRoleFactory(user=UserFactory(), organization=organization, role=Role.VIEWER)
        return StaffRole.history.filter(id=role.pk).latest("history_id")

    def detail_url(self, obj):
        return reverse("change-history-detail", args=[f"branches-staffrole-{obj.pk}"])

    def listed_ids(self, world, who):
        response = world.client(who).get(self.list_url(), {"page_size": 500})
        assert response.status_code == 200, response.content
        prefix = "branches-staffrole-"
        return {
            int(row["id"][len(prefix) :])
            for row in response.json()["results"]
            if row["id"].startswith(prefix)
        }


def events(client, **params):
    response = client.get(reverse("security-events-list"), params)
    assert response.status_code == 200, response.content
    return response.json()["results"]


def test_events_without_an_organization_are_seen_by_superusers_only(world):
    orphan = security_event_record(kind=SecurityEventKind.LOGIN_FAILED, username="ghost")
    assert orphan.organization is None
    assert orphan.pk not in {row["id"] for row in events(world.client("county_admin"))}
    assert orphan.pk in {row["id"] for row in events(world.client("root"))}


@pytest.mark.parametrize("who", ["staff_a", "secretary_a1", "viewer_a", "nobody"])
def test_only_county_admins_see_events(world, who):
    security_event_record(kind=SecurityEventKind.EXPORT, user=world.users[who], organization=world.branch_a1)
    assert events(world.client(who)) == []


def test_event_filters_by_kind_user_and_dates(world):
    admin = world.client("county_admin")
    login = security_event_record(kind=SecurityEventKind.LOGIN, user=world.users["staff_a"])
    export = security_event_record(kind=SecurityEventKind.EXPORT, user=world.users["staff_b"])
    assert [r["id"] for r in events(admin, kind="login")] == [login.pk]
    assert [r["id"] for r in events(admin, user="staff_b")] == [export.pk]
    today = timezone.localdate().isoformat()
    assert {r["id"] for r in events(admin, since=today, until=today)} >= {login.pk, export.pk}
    yesterday = (timezone.localdate() - dt.timedelta(days=2)).isoformat()
    assert events(admin, until=yesterday) == []


@pytest.mark.parametrize(
    "params", [{"kind": "nonsense"}, {"since": "2026-13-01"}, {"since": "2026-05-02", "until": "2026-05-01"}]
)
def test_bad_filters_answer_400_with_a_message(world, params):
    response = world.client("county_admin").get(reverse("security-events-list"), params)
    assert response.status_code == 400
    assert response.json()


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_security_events_cannot_be_written_through_the_api(world, method):
    event = security_event_record(kind=SecurityEventKind.EXPORT, user=world.users["staff_a"])
    client = world.client("root")
    url = reverse("security-events-detail", args=[event.pk])
    target = reverse("security-events-list") if method == "post" else url
    response = getattr(client, method)(target, {"username": "forged"}, format="json")
    assert response.status_code == 405
    assert SecurityEvent.objects.get(pk=event.pk).username == "staff_a"


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_change_history_cannot_be_written_through_the_api(world, method):
    client = world.client("root")
    response = getattr(client, method)(reverse("change-history-list"), {}, format="json")
    assert response.status_code == 405


def test_change_history_says_who_changed_what(world):
    organization_update(
        actor=world.users["county_admin"], organization=world.branch_a1, name="东一新村党支部"
    )
    rows = world.client("county_admin").get(
        reverse("change-history-list"), {"model": "branches.organization"}
    )
    row = rows.json()["results"][0]
    assert row["user"] == "county_admin" and row["action"] == "changed"
    assert row["object_repr"] == "东一新村党支部"
    names = {c["field"]: (c["old"], c["new"]) for c in row["changes"]}
    assert ("东一村党支部", "东一新村党支部") in names.values()


def test_change_history_of_another_county_is_not_listed(world):
    organization_update(actor=world.users["root"], organization=world.branch_z1, name="改名")
    rows = world.client("county_admin").get(
        reverse("change-history-list"), {"model": "branches.organization"}
    )
    assert all(row["object_id"] != world.branch_z1.pk for row in rows.json()["results"])
    rows = world.client("root").get(reverse("change-history-list"), {"model": "branches.organization"})
    assert any(row["object_id"] == world.branch_z1.pk for row in rows.json()["results"])


def test_change_history_list_query_count_does_not_grow_with_rows_of_the_same_models(world):
    client = world.client("county_admin")
    organization_update(actor=world.users["root"], organization=world.branch_a2, short_name="x")
    StaffRoleFactory(user=UserFactory(), organization=world.branch_a1)
    client.get(reverse("change-history-list"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("change-history-list"))
    for index in range(10):
        organization_update(actor=world.users["root"], organization=world.branch_a2, short_name=f"x{index}")
        StaffRoleFactory(user=UserFactory(), organization=world.branch_a1)
    with CaptureQueriesContext(connection) as many:
        assert client.get(reverse("change-history-list")).status_code == 200
    assert len(many) == len(few)


def test_personal_data_changes_show_only_that_they_changed():
    from branches.selectors.audit import _changes
    from branches.selectors.audit import tracked_models

    member = next(t for t in tracked_models() if t.label == "members.member")

    class Row:
        history_type = "~"

    old, new = Row(), Row()
    for record in (old, new):
        for concrete in member.history._meta.concrete_fields:
            setattr(record, concrete.attname, None)
    old.id_number, new.id_number = "11010119900307123X", "110101199003071248"
    old.phone, new.phone = "13812345678", "13912345678"
    changes = _changes(member, new, old)
    text = str(changes)
    assert "11010119900307123X" not in text and "13812345678" not in text and "139" not in text
    assert len(changes) == 2


def _sheet(response):
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return list(workbook.active.values)


def test_security_event_export_is_scoped_and_recorded(world):
    security_event_record(kind=SecurityEventKind.LOGIN, user=world.users["staff_a"])
    security_event_record(kind=SecurityEventKind.LOGIN, username="=cmd()", organization=world.other_county)
    response = world.client("county_admin").get(reverse("security-events-export"), {"kind": "login"})
    assert response.status_code == 200
    rows = _sheet(response)
    assert len(rows) == 2 and rows[1][2] == "staff_a"
    export = SecurityEvent.objects.filter(kind=SecurityEventKind.EXPORT).get()
    assert export.detail["model"] == "audit.security-events" and export.detail["rows"] == 1
    assert export.detail["filters"] == {"kind": "login"}


def test_change_history_export_escapes_formulas(world):
    organization_update(actor=world.users["county_admin"], organization=world.branch_a1, name="=1+1")
    response = world.client("county_admin").get(reverse("change-history-export"))
    rows = _sheet(response)
    assert any(row[3] == "'=1+1" for row in rows[1:])
