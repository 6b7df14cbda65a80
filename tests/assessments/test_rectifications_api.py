"""/api/v1/rectifications/: scope, workflow actions by role and scope, notes, candidates, export, admin."""

import datetime as dt
import io
import itertools

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from assessments.models import Rectification
from assessments.models import RectificationNote
from assessments.models import RectificationStatus
from branches.models import OrganizationKind
from tests.utils.factories import OrganizationFactory
from tests.utils.factories_assessments import YEAR
from tests.utils.factories_assessments import RectificationFactory
from tests.utils.factories_assessments import RectificationNoteFactory
from tests.utils.factories_assessments import instructor
from tests.utils.factories_assessments import rating
from tests.utils.scope import ScopeSuite

pytestmark = pytest.mark.django_db

YEARS = itertools.count(2001)


def future(days=90):
    return (timezone.localdate() + dt.timedelta(days=days)).isoformat()


def today():
    return timezone.localdate().isoformat()


class TestRectificationScope(ScopeSuite):
    basename = "rectification"

    def make_object(self, world, organization):
        rectification = RectificationFactory(organization=organization, year=next(YEARS))
        RectificationNoteFactory(rectification=rectification)
        return rectification

    def create_payload(self, world, organization):
        return {
            "organization": organization.pk,
            "year": YEAR,
            "plan": "调整班子，规范三会一课",
            "responsible_leader": "王镇长",
            "instructor": instructor(organization).pk,
            "deadline": future(),
            "reasons": ["unrated"],
        }


def act(world, who, rectification, name, data=None):
    url = reverse(f"rectification-{name}", args=[rectification.pk])
    return world.client(who).post(url, data or {}, format="json")


def test_open_answers_reasons_with_messages(world):
    payload = TestRectificationScope().create_payload(world, world.branch_a1)
    del payload["reasons"]
    response = world.client("staff_a").post(reverse("rectification-list"), payload, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert [reason["code"] for reason in body["reasons"]] == ["secretary_vacant", "unrated"]
    assert all(reason["message"] for reason in body["reasons"])
    assert (body["status"], body["opened_by"], body["note_count"]) == (
        "open",
        world.users["staff_a"].first_name,
        0,
    )


@pytest.mark.parametrize(("who", "status"), [("secretary_a1", 403), ("viewer_a", 403), ("staff_b", 400)])
def test_who_may_not_open(world, who, status):
    payload = TestRectificationScope().create_payload(world, world.branch_a1)
    response = world.client(who).post(reverse("rectification-list"), payload, format="json")
    assert response.status_code == status, response.content
    assert not Rectification.objects.exists()


def test_open_refusals_are_400s_naming_the_field(world):
    client = world.client("staff_a")
    payload = TestRectificationScope().create_payload(world, world.branch_a1)
    past = client.post(reverse("rectification-list"), {**payload, "deadline": today()}, format="json")
    assert past.status_code == 400 and "deadline" in past.json()
    foreign = instructor(world.branch_b1)
    unseen = client.post(reverse("rectification-list"), {**payload, "instructor": foreign.pk}, format="json")
    assert unseen.status_code == 400 and "instructor" in unseen.json()
    wrong = client.post(reverse("rectification-list"), {**payload, "reasons": ["nope"]}, format="json")
    assert wrong.status_code == 400 and "reasons" in wrong.json()
    assert client.post(reverse("rectification-list"), payload, format="json").status_code == 201
    again = client.post(reverse("rectification-list"), payload, format="json")
    assert again.status_code == 400 and "organization" in again.json()


def test_every_transition_by_role(world):
    rectification = RectificationFactory(organization=world.branch_a1)
    # Notes: the branch's secretary and the township; not a viewer, not another township.
    assert (
        act(world, "viewer_a", rectification, "notes", {"written_on": today(), "text": "x"}).status_code
        == 403
    )
    assert (
        act(world, "staff_b", rectification, "notes", {"written_on": today(), "text": "x"}).status_code == 404
    )
    note = act(world, "secretary_a1", rectification, "notes", {"written_on": today(), "text": "召开党员大会"})
    assert note.status_code == 201, note.content
    assert note.json()["author"] == world.users["secretary_a1"].first_name
    # Request the close: the township only.
    assert act(world, "secretary_a1", rectification, "request-close", {"summary": "完成"}).status_code == 403
    assert act(world, "staff_b", rectification, "request-close", {"summary": "完成"}).status_code == 404
    assert act(world, "county_admin", rectification, "verify", {"verified_on": today()}).status_code == 400
    closing = act(world, "staff_a", rectification, "request-close", {"summary": "完成", "version": 1})
    assert closing.status_code == 200 and closing.json()["status"] == "close_requested"
    assert act(world, "staff_a", rectification, "request-close", {"summary": "再"}).status_code == 400
    # Verify: the county only.
    for who, status in (("staff_a", 403), ("secretary_a1", 403), ("viewer_a", 403), ("staff_b", 404)):
        assert act(world, who, rectification, "verify", {"verified_on": today()}).status_code == status
    verified = act(world, "county_admin", rectification, "verify", {"verified_on": today()})
    assert verified.status_code == 200 and verified.json()["status"] == "verified"
    assert verified.json()["verified_by"] == world.users["county_admin"].first_name
    assert (
        act(world, "secretary_a1", rectification, "notes", {"written_on": today(), "text": "x"}).status_code
        == 400
    )
    # Reopen: the county only, with a reason.
    assert act(world, "staff_a", rectification, "reopen", {"reason": "回潮"}).status_code == 403
    assert act(world, "county_admin", rectification, "reopen", {}).status_code == 400
    reopened = act(world, "county_admin", rectification, "reopen", {"reason": "问题回潮"})
    assert reopened.status_code == 200 and reopened.json()["status"] == "open"
    assert reopened.json()["note_count"] == 2
    assert act(world, "county_admin", rectification, "reopen", {"reason": "再"}).status_code == 400


def test_a_foreign_county_admin_sees_nothing(world):
    rectification = RectificationFactory(
        organization=world.branch_z1, status=RectificationStatus.CLOSE_REQUESTED
    )
    assert act(world, "county_admin", rectification, "verify", {"verified_on": today()}).status_code == 404


def test_stale_step_is_a_409(world):
    rectification = RectificationFactory(organization=world.branch_a1)
    response = act(world, "staff_a", rectification, "request-close", {"summary": "完成", "version": 4})
    assert response.status_code == 409


def test_notes_list_oldest_first(world):
    rectification = RectificationFactory(organization=world.branch_a1)
    later = RectificationNoteFactory(rectification=rectification, written_on=dt.date(YEAR, 9, 1))
    earlier = RectificationNoteFactory(rectification=rectification, written_on=dt.date(YEAR, 3, 1))
    response = world.client("viewer_a").get(reverse("rectification-notes", args=[rectification.pk]))
    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [earlier.pk, later.pk]
    assert (
        world.client("staff_b").get(reverse("rectification-notes", args=[rectification.pk])).status_code
        == 404
    )


def test_edit_by_the_township_only(world):
    rectification = RectificationFactory(organization=world.branch_a1)
    url = reverse("rectification-detail", args=[rectification.pk])
    assert world.client("secretary_a1").patch(url, {"plan": "改"}, format="json").status_code == 403
    response = world.client("staff_a").patch(url, {"plan": "新方案", "version": 1}, format="json")
    assert response.status_code == 200 and response.json()["plan"] == "新方案"
    moved = world.client("staff_a").patch(url, {"organization": world.branch_a2.pk}, format="json")
    assert moved.status_code == 400
    assert (
        world.client("staff_a").patch(url, {"status": "verified"}, format="json").json()["status"] == "open"
    )


def test_a_partial_edit_answers_the_whole_record_with_its_empty_instructor(world):
    rectification = RectificationFactory(organization=world.branch_a1, instructor=None)
    url = reverse("rectification-detail", args=[rectification.pk])
    body = world.client("staff_a").patch(url, {}, format="json").json()
    assert (body["instructor"], body["instructor_name"]) == (None, None)
    assert set(body) == set(world.client("staff_a").get(url).json())


def test_filters(world):
    open_a1 = RectificationFactory(organization=world.branch_a1)
    closing_a2 = RectificationFactory(
        organization=world.branch_a2, status=RectificationStatus.CLOSE_REQUESTED
    )
    earlier = RectificationFactory(organization=world.branch_a1, year=YEAR - 1, deadline=dt.date(YEAR, 6, 30))
    client = world.client("county_admin")
    url = reverse("rectification-list")

    def listed(**params):
        response = client.get(url, params)
        assert response.status_code == 200, response.content
        return {row["id"] for row in response.json()["results"]}

    assert listed(organization=world.branch_a1.pk) == {open_a1.pk, earlier.pk}
    assert listed(within=world.township_a.pk, year=YEAR) == {open_a1.pk, closing_a2.pk}
    assert listed(status="close_requested") == {closing_a2.pk}
    assert listed(overdue="true") == {earlier.pk}
    assert listed(within=world.township_b.pk) == set()


# --- candidates ------------------------------------------------------------------------------------------


def test_candidates_endpoint(world):
    rating(world.branch_a1, 75)
    rating(world.branch_a2, 95)
    opened = RectificationFactory(organization=world.branch_a2)
    response = world.client("viewer_a").get(
        reverse("rectification-candidates"), {"organization": world.township_a.pk, "year": YEAR}
    )
    assert response.status_code == 200, response.content
    rows = {row["organization"]: row for row in response.json()["results"]}
    assert [r["code"] for r in rows[world.branch_a1.pk]["reasons"]] == ["lowest_share", "secretary_vacant"]
    assert rows[world.branch_a1.pk]["rating_total"] == "75.0" and rows[world.branch_a1.pk]["stars"] == 3
    assert rows[world.branch_a1.pk]["parent_name"] == world.township_a.name
    assert (rows[world.branch_a2.pk]["rectification"], rows[world.branch_a2.pk]["rectification_status"]) == (
        opened.pk,
        "open",
    )


def test_candidates_refusals(world):
    url = reverse("rectification-candidates")
    client = world.client("staff_a")
    assert client.get(url, {"organization": world.county.pk, "year": YEAR}).status_code == 400  # not theirs
    assert client.get(url, {"organization": world.branch_a1.pk, "year": YEAR}).status_code == 400  # a branch
    assert client.get(url, {"organization": world.township_a.pk}).status_code == 400
    assert client.get(url, {"organization": world.township_a.pk, "year": "x"}).status_code == 400
    assert world.client(None).get(url, {"organization": world.township_a.pk, "year": YEAR}).status_code in {
        401,
        403,
    }


def test_candidates_query_count_is_fixed_from_2_to_8_branches(world):
    area = OrganizationFactory(kind=OrganizationKind.TOWNSHIP_COMMITTEE, field="", parent=world.county)
    client = world.client("county_admin")
    url = reverse("rectification-candidates")
    query = {"organization": area.pk, "year": YEAR}
    client.get(url, query)  # warm the user's scope cache

    def count(branches):
        for number in range(branches - len(area.children.all())):
            rating(OrganizationFactory(parent=area), 70 + number)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url, query)
        assert response.json()["count"] == branches
        return len(queries)

    assert count(2) == count(8)


# --- export and admin ----------------------------------------------------------------------------------


def test_export_is_the_scoped_filtered_list(world):
    RectificationFactory(organization=world.branch_a1)
    RectificationFactory(organization=world.branch_b1)
    response = world.client("staff_a").get(reverse("rectification-export"), {"status": "open"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 2 and rows[1][1] == world.branch_a1.name and rows[1][3] == "整顿中"
    assert rows[1][4] == "未评星"


def test_admin_opens_through_the_service(world):
    client = Client()
    client.force_login(world.users["root"])
    guide = instructor(world.branch_a2)
    form = {
        "organization": world.branch_a1.pk,
        "year": YEAR,
        "plan": "方案",
        "responsible_leader": "王镇长",
        "instructor": guide.pk,
        "deadline": timezone.localdate().isoformat(),
        "notes-TOTAL_FORMS": "0",
        "notes-INITIAL_FORMS": "0",
    }
    url = reverse("admin:assessments_rectification_add")
    refused = client.post(url, form)
    assert refused.status_code == 200 and not Rectification.objects.exists()
    form["deadline"] = future()
    assert client.post(url, form).status_code == 302
    rectification = Rectification.objects.get()
    assert rectification.opened_by == world.users["root"] and rectification.reasons
    page = client.get(reverse("admin:assessments_rectification_change", args=[rectification.pk]))
    assert page.status_code == 200
    assert not RectificationNote.objects.exists()
