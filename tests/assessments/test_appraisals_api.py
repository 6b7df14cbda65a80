"""/api/v1/appraisals/: scope, the bulk meeting record, the roll-up, filters, import and export, admin."""

import io

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from assessments.models import MemberAppraisal
from branches.models import SecurityEvent
from branches.models import SecurityEventKind
from tests.utils.api import post_import_file
from tests.utils.api import result_ids
from tests.utils.factories import MemberFactory
from tests.utils.factories_assessments import YEAR
from tests.utils.factories_assessments import MemberAppraisalFactory
from tests.utils.factories_assessments import probationary_member
from tests.utils.import_files import csv_bytes
from tests.utils.scope_records import MemberRecordScopeSuite

pytestmark = pytest.mark.django_db

DAY = f"{YEAR}-12-20"


class TestAppraisalScope(MemberRecordScopeSuite):
    basename = "memberappraisal"
    supports_delete = True
    create_fields = {"year": YEAR, "grade": "qualified", "appraised_on": DAY}

    def make_object(self, world, organization):
        return MemberAppraisalFactory(member__branch=organization)


def test_create_answers_the_derived_fields(world):
    member = MemberFactory(branch=world.branch_a1)
    payload = {"member": member.pk, "year": YEAR, "grade": "excellent", "appraised_on": DAY}
    MemberAppraisalFactory.create_batch(2, member__branch=world.branch_a1)
    response = world.client("secretary_a1").post(reverse("memberappraisal-list"), payload, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["branch"], body["stars"], body["grade"], body["version"]) == (
        world.branch_a1.pk,
        5,
        "excellent",
        1,
    )


def test_refusals_are_400s_naming_the_field(world):
    client = world.client("secretary_a1")
    url = reverse("memberappraisal-list")
    probationer = probationary_member(world.branch_a1)
    response = client.post(
        url, {"member": probationer.pk, "year": YEAR, "grade": "basic", "appraised_on": DAY}, format="json"
    )
    assert response.status_code == 400 and "grade" in response.json()
    member = MemberFactory(branch=world.branch_a1)
    capped = client.post(url, {"member": member.pk, "year": YEAR, "grade": "excellent", "appraised_on": DAY})
    assert capped.status_code == 400 and "grade" in capped.json()  # 1 of 1 graded
    assert client.post(url, {"member": member.pk, "year": "x", "appraised_on": DAY}).status_code == 400
    assert not MemberAppraisal.objects.exists()


def test_viewer_and_foreign_staff_cannot_write(world):
    appraisal = MemberAppraisalFactory(member__branch=world.branch_a1)
    url = reverse("memberappraisal-detail", args=[appraisal.pk])
    assert world.client("viewer_a").patch(url, {"note": "x"}, format="json").status_code == 403
    assert world.client("staff_b").patch(url, {"note": "x"}, format="json").status_code == 404
    assert world.client("viewer_a").delete(url).status_code == 403
    appraisal.refresh_from_db()
    assert appraisal.version == 1 and appraisal.note == ""


def test_edit_is_optimistic_locked_and_recomputes_stars(world):
    MemberAppraisalFactory.create_batch(3, member__branch=world.branch_a1)
    appraisal = MemberAppraisalFactory(member__branch=world.branch_a1)
    url = reverse("memberappraisal-detail", args=[appraisal.pk])
    client = world.client("secretary_a1")
    response = client.patch(url, {"grade": "excellent", "version": 1}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["stars"] == 5 and response["ETag"] == '"2"'
    stale = client.patch(url, {"grade": "basic", "version": 1}, format="json")
    assert stale.status_code == 409
    moved = client.patch(url, {"member": MemberFactory(branch=world.branch_a1).pk}, format="json")
    assert moved.status_code == 400


def test_delete_leaves_a_history_row(world):
    appraisal = MemberAppraisalFactory(member__branch=world.branch_a1, grade="", participated=False, stars=0)
    response = world.client("secretary_a1").delete(reverse("memberappraisal-detail", args=[appraisal.pk]))
    assert response.status_code == 204
    last = MemberAppraisal.history.filter(id=appraisal.pk).first()
    assert last.history_type == "-" and last.history_user == world.users["secretary_a1"]


def test_filters(world):
    excellent = MemberAppraisalFactory(member__branch=world.branch_a1, grade="excellent", stars=5)
    qualified = MemberAppraisalFactory(member__branch=world.branch_a2)
    absent = MemberAppraisalFactory(member__branch=world.branch_a1, grade="", participated=False, stars=0)
    earlier = MemberAppraisalFactory(member__branch=world.branch_a1, year=YEAR - 1)
    client = world.client("staff_a")
    url = reverse("memberappraisal-list")
    assert result_ids(client.get(url, {"branch": world.branch_a1.pk})) == {
        excellent.pk,
        absent.pk,
        earlier.pk,
    }
    assert result_ids(client.get(url, {"within": world.township_a.pk, "year": YEAR})) == {
        excellent.pk,
        qualified.pk,
        absent.pk,
    }
    assert result_ids(client.get(url, {"grade": ["excellent", "qualified"], "year": YEAR})) == {
        excellent.pk,
        qualified.pk,
    }
    assert result_ids(client.get(url, {"participated": "false"})) == {absent.pk}
    assert result_ids(client.get(url, {"graded": "false"})) == {absent.pk}
    assert result_ids(client.get(url, {"stars_min": 5})) == {excellent.pk}
    assert client.get(url, {"within": world.township_b.pk}).status_code == 400  # not theirs to name


# --- record-many -------------------------------------------------------------------------------------


def test_record_many_from_a_phone(world):
    members = [MemberFactory(branch=world.branch_a1) for _ in range(3)]
    probationer = probationary_member(world.branch_a1)
    payload = {
        "branch": world.branch_a1.pk,
        "year": YEAR,
        "appraised_on": DAY,
        "entries": [
            {"member": members[0].pk, "grade": "excellent"},
            {"member": members[1].pk, "grade": "qualified"},
            {"member": members[2].pk, "grade": "basic", "note": "学习不够"},
            {"member": probationer.pk},
        ],
    }
    response = world.client("secretary_a1").post(
        reverse("memberappraisal-record-many"), payload, format="json"
    )
    assert response.status_code == 201, response.content
    assert sorted(row["stars"] for row in response.json()) == [0, 2, 4, 5]


def test_record_many_refusal_lists_what_is_wrong_and_writes_nothing(world):
    members = [MemberFactory(branch=world.branch_a1) for _ in range(3)]
    payload = {
        "branch": world.branch_a1.pk,
        "year": YEAR,
        "appraised_on": DAY,
        "entries": [{"member": m.pk, "grade": "excellent"} for m in members],
    }
    client = world.client("secretary_a1")
    response = client.post(reverse("memberappraisal-record-many"), payload, format="json")
    assert response.status_code == 400 and "entries" in response.json()
    payload["entries"] = []
    assert client.post(reverse("memberappraisal-record-many"), payload, format="json").status_code == 400
    payload["branch"] = world.branch_b1.pk
    payload["entries"] = [{"member": members[0].pk, "grade": "qualified"}]
    assert client.post(reverse("memberappraisal-record-many"), payload, format="json").status_code == 400
    viewer = world.client("viewer_a")
    payload["branch"] = world.branch_a1.pk
    assert viewer.post(reverse("memberappraisal-record-many"), payload, format="json").status_code == 403
    assert not MemberAppraisal.objects.exists()


def test_record_many_query_count_does_not_grow_with_members(world):
    client = world.client("secretary_a1")

    def send(count):
        members = [MemberFactory(branch=world.branch_a1) for _ in range(count)]
        payload = {
            "branch": world.branch_a1.pk,
            "year": YEAR,
            "appraised_on": DAY,
            "entries": [{"member": m.pk, "grade": "qualified"} for m in members],
        }
        with CaptureQueriesContext(connection) as queries:
            assert (
                client.post(reverse("memberappraisal-record-many"), payload, format="json").status_code == 201
            )
        MemberAppraisal.objects.all().delete()
        return len(queries)

    send(2)
    assert send(3) == send(12)


# --- roll-up -------------------------------------------------------------------------------------------


def test_rollup_endpoint(world):
    for stars in (4, 3, 2):
        MemberAppraisalFactory(member__branch=world.branch_a1, stars=stars)
    client = world.client("viewer_a")
    response = client.get(
        reverse("memberappraisal-rollup"), {"organization": world.township_a.pk, "year": YEAR}
    )
    assert response.status_code == 200, response.content
    first = response.json()[0]
    assert first["organization"] == world.township_a.pk
    assert (first["rated"], first["at_three_or_more"], first["share"], first["target"], first["met"]) == (
        3,
        2,
        66.67,
        90,
        False,
    )
    foreign = client.get(reverse("memberappraisal-rollup"), {"organization": world.county.pk, "year": YEAR})
    assert foreign.status_code == 400
    assert client.get(reverse("memberappraisal-rollup"), {"year": YEAR}).status_code == 400


def test_rollup_query_count_does_not_grow_with_branches(world):
    from tests.utils.factories import OrganizationFactory

    client = world.client("county_admin")
    url = reverse("memberappraisal-rollup")
    MemberAppraisalFactory(member__branch=world.branch_a1)
    client.get(url, {"organization": world.county.pk, "year": YEAR})  # warm the user's scope cache
    with CaptureQueriesContext(connection) as few:
        client.get(url, {"organization": world.county.pk, "year": YEAR})
    for _ in range(5):
        MemberAppraisalFactory(member__branch=OrganizationFactory(parent=world.township_b))
    with CaptureQueriesContext(connection) as many:
        assert len(client.get(url, {"organization": world.county.pk, "year": YEAR}).json()) == 9
    assert len(many) == len(few)


# --- import and export ---------------------------------------------------------------------------------


def _import(client, rows, dry_run):
    body = csv_bytes([["身份证号", "评议年度", "评定等次", "评议日期", "备注"], *rows], bom=True)
    return post_import_file(
        client, "memberappraisal", "appraisals.csv", body, dry_run, content_type="text/csv"
    )


def test_import_previews_then_writes_with_stars(world):
    members = [MemberFactory(branch=world.branch_a1) for _ in range(3)]
    rows = [
        [m.id_number, YEAR, grade, DAY, ""]
        for m, grade in zip(members, ["优秀", "合格", "基本合格"], strict=True)
    ]
    client = world.client("secretary_a1")
    preview = _import(client, rows, "true")
    assert preview.status_code == 200, preview.content
    assert preview.json()["error_rows"] == 0 and not MemberAppraisal.objects.exists()
    committed = _import(client, rows, "false")
    assert committed.status_code == 201, committed.content
    assert sorted(MemberAppraisal.objects.values_list("stars", flat=True)) == [2, 4, 5]
    assert MemberAppraisal.history.filter(history_user=world.users["secretary_a1"]).count() == 3


def test_import_row_errors_and_the_cap_on_the_whole_file(world):
    members = [MemberFactory(branch=world.branch_a1) for _ in range(3)]
    probationer = probationary_member(world.branch_a1)
    foreign = MemberFactory(branch=world.branch_a2)
    client = world.client("secretary_a1")
    rows = [[probationer.id_number, YEAR, "合格", DAY, ""], [foreign.id_number, YEAR, "合格", DAY, ""]]
    report = _import(client, rows, "false")
    assert report.status_code == 400
    assert [row["row"] for row in report.json()["errors"]] == [2, 3]
    capped = _import(client, [[m.id_number, YEAR, "优秀", DAY, ""] for m in members], "false")
    assert capped.status_code == 400 and "file" in capped.json()
    assert not MemberAppraisal.objects.exists()


def test_export_masks_id_numbers_and_is_a_security_event(world):
    appraisal = MemberAppraisalFactory(member__branch=world.branch_a1)
    MemberAppraisalFactory(member__branch=world.branch_b1)
    response = world.client("secretary_a1").get(reverse("memberappraisal-export"))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 2 and rows[0][0] == "身份证号"
    assert rows[1][0] != appraisal.member.id_number and "*" in rows[1][0]
    assert rows[1][1] == appraisal.member.name and "合格" in rows[1]
    event = SecurityEvent.objects.get(kind=SecurityEventKind.EXPORT)
    assert event.detail["rows"] == 1


# --- admin -----------------------------------------------------------------------------------------


def test_admin_records_through_the_service_and_shows_the_cap(world):
    client = Client()
    client.force_login(world.users["root"])
    member = MemberFactory(branch=world.branch_a1)
    url = reverse("admin:assessments_memberappraisal_add")
    form = {
        "member": member.pk,
        "year": YEAR,
        "participated": "on",
        "grade": "excellent",
        "appraised_on": DAY,
    }
    refused = client.post(url, form)
    assert refused.status_code == 200 and not MemberAppraisal.objects.exists()
    form["grade"] = "qualified"
    assert client.post(url, form).status_code == 302
    appraisal = MemberAppraisal.objects.get()
    assert appraisal.stars == 4 and appraisal.history.first().history_user == world.users["root"]
    listing = client.get(reverse("admin:assessments_memberappraisal_changelist"))
    assert listing.status_code == 200


def test_import_template_names_the_columns(world):
    response = world.client("secretary_a1").get(
        reverse("memberappraisal-import-template"), {"file_format": "csv"}
    )
    assert response.status_code == 200
    header = b"".join(response.streaming_content).decode("utf-8-sig").splitlines()[0].split(",")
    assert header == ["身份证号", "评议年度", "是否参加评议", "评定等次", "评议日期", "备注"]
