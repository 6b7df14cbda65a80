"""/api/v1/activity-rooms/, /room-investments/, /room-targets/, /reviews/, /financial-disclosures/: scope,
annotated lists, writes through the services, optimistic locking, deletes, import and export actions."""

import datetime as dt
from decimal import Decimal
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from branches.models import ActivityRoom
from branches.models import FinancialDisclosure
from branches.models import ReviewRecord
from branches.models import RoomInvestment
from branches.models import SecurityEvent
from branches.models import SecurityEventKind
from branches.models import StandardizedRoomTarget
from tests.utils.factories_records import ActivityRoomFactory
from tests.utils.factories_records import FinancialDisclosureFactory
from tests.utils.factories_records import ReviewRecordFactory
from tests.utils.factories_records import RoomInvestmentFactory
from tests.utils.factories_records import StandardizedRoomTargetFactory
from tests.utils.import_files import upload
from tests.utils.import_files import xlsx_bytes
from tests.utils.scope import ScopeSuite
from tests.utils.scope_records import OrganizationRecordScopeSuite

pytestmark = pytest.mark.django_db

D = dt.date


class TestActivityRoomScope(OrganizationRecordScopeSuite):
    basename = "activityroom"
    supports_delete = True
    create_fields = {"name": "村党员活动室", "area_m2": "80.5"}

    def make_object(self, world, organization):
        room = ActivityRoomFactory(organization=organization)
        RoomInvestmentFactory(room=room)
        return room


class TestRoomInvestmentScope(ScopeSuite):
    basename = "roominvestment"
    supports_delete = True

    def make_object(self, world, organization):
        return RoomInvestmentFactory(room__organization=organization)

    def create_payload(self, world, organization):
        room = ActivityRoomFactory(organization=organization)
        return {
            "room": room.pk,
            "amount_yuan": "3000.00",
            "source": "county",
            "invested_on": "2024-03-01",
            "purpose": "更新远程教育终端",
        }

    def move_payload(self, world, organization):
        return {"room": ActivityRoomFactory(organization=organization).pk}


class TestRoomTargetScope(ScopeSuite):
    """Targets are set by the county on townships: the suite's branches stand for their townships."""

    basename = "standardizedroomtarget"
    writer = "county_admin"
    supports_delete = True

    def make_object(self, world, organization):
        return StandardizedRoomTargetFactory(organization=organization.parent)

    def create_payload(self, world, organization):
        return {"organization": organization.parent_id, "year": 2100, "target": 15}

    def move_payload(self, world, organization):
        return {"organization": organization.parent_id}


class TestReviewRecordScope(OrganizationRecordScopeSuite):
    basename = "reviewrecord"
    factory = ReviewRecordFactory
    supports_delete = True
    create_fields = {
        "kind": "branch_report",
        "held_on": "2024-06-28",
        "topic": "党支部上半年党建工作报告",
        "participants": 25,
    }


class TestFinancialDisclosureScope(OrganizationRecordScopeSuite):
    basename = "financialdisclosure"
    factory = FinancialDisclosureFactory
    supports_delete = True
    create_fields = {"year": 2024, "period": 2, "disclosed_on": "2025-01-10"}


def results(response):
    assert response.status_code == 200, response.content
    return response.json()["results"]


# --- activity rooms -------------------------------------------------------------------------------------


def test_room_list_shows_facilities_count_and_investments_total(world):
    room = ActivityRoomFactory(organization=world.branch_a1, has_signage=True, has_tables_chairs=True)
    RoomInvestmentFactory(room=room, amount_yuan=Decimal("1200.50"))
    RoomInvestmentFactory(room=room, amount_yuan=Decimal("800.00"))
    bare = ActivityRoomFactory(organization=world.branch_a2)
    rows = {row["id"]: row for row in results(world.client("staff_a").get(reverse("activityroom-list")))}
    assert (rows[room.pk]["facilities_count"], rows[room.pk]["investments_total"]) == (2, "2000.50")
    assert (rows[bare.pk]["facilities_count"], rows[bare.pk]["investments_total"]) == (0, "0.00")


def test_rooms_sort_by_investments_and_filter_by_facilities(world):
    poor = ActivityRoomFactory(organization=world.branch_a1, name="甲")
    rich = ActivityRoomFactory(organization=world.branch_a1, name="乙", has_signage=True)
    RoomInvestmentFactory(room=rich, amount_yuan=Decimal("9000"))
    RoomInvestmentFactory(room=poor, amount_yuan=Decimal("100"))
    client = world.client("staff_a")
    ordered = results(client.get(reverse("activityroom-list"), {"ordering": "-investments_total"}))
    assert [row["id"] for row in ordered] == [rich.pk, poor.pk]
    equipped = results(client.get(reverse("activityroom-list"), {"min_facilities": 1}))
    assert [row["id"] for row in equipped] == [rich.pk]


def test_secretary_registers_a_standardized_room_and_the_answer_has_the_totals(world):
    payload = {
        "organization": world.branch_a1.pk,
        "name": "东一村党群服务中心",
        "area_m2": "150.0",
        "is_standardized": True,
        "standardized_on": "2023-11-20",
        "has_audio_visual": True,
    }
    response = world.client("secretary_a1").post(reverse("activityroom-list"), payload, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["facilities_count"], body["investments_total"], body["version"]) == (1, "0.00", 1)
    room = ActivityRoom.objects.get(pk=body["id"])
    assert room.history.get().history_user == world.users["secretary_a1"]


def test_standardized_room_without_its_date_is_a_400_on_the_date(world):
    payload = {"organization": world.branch_a1.pk, "name": "活动室", "area_m2": "80", "is_standardized": True}
    response = world.client("staff_a").post(reverse("activityroom-list"), payload, format="json")
    assert response.status_code == 400 and "standardized_on" in response.json()
    assert not ActivityRoom.objects.exists()


def test_stale_room_update_is_a_conflict_and_if_match_a_precondition(world):
    room = ActivityRoomFactory(organization=world.branch_a1)
    client = world.client("staff_a")
    url = reverse("activityroom-detail", args=[room.pk])
    assert client.get(url)["ETag"] == '"1"'
    assert client.patch(url, {"address": "村委会二楼", "version": 1}, format="json").status_code == 200
    assert client.patch(url, {"address": "旧址", "version": 1}, format="json").status_code == 409
    assert client.patch(url, {"address": "旧址"}, format="json", HTTP_IF_MATCH='"1"').status_code == 412
    room.refresh_from_db()
    assert (room.address, room.version) == ("村委会二楼", 2)


def test_a_room_with_investments_is_not_deleted(world):
    room = RoomInvestmentFactory(room__organization=world.branch_a1).room
    client = world.client("staff_a")
    response = client.delete(reverse("activityroom-detail", args=[room.pk]))
    assert response.status_code == 400 and "investments" in response.json()
    assert ActivityRoom.objects.filter(pk=room.pk).exists()


def test_viewer_cannot_delete_a_room(world):
    room = ActivityRoomFactory(organization=world.branch_a1)
    assert world.client("viewer_a").delete(reverse("activityroom-detail", args=[room.pk])).status_code == 403
    assert ActivityRoom.objects.filter(pk=room.pk).exists()


def test_deleting_a_room_leaves_a_history_row_naming_who(world):
    room = ActivityRoomFactory(organization=world.branch_a1)
    assert world.client("staff_a").delete(reverse("activityroom-detail", args=[room.pk])).status_code == 204
    deleted = ActivityRoom.history.get(id=room.pk, history_type="-")
    assert deleted.history_user == world.users["staff_a"]


# --- investments ----------------------------------------------------------------------------------------


def test_zero_investment_is_a_400_in_the_services_words(world):
    room = ActivityRoomFactory(organization=world.branch_a1)
    payload = {**TestRoomInvestmentScope().create_payload(world, world.branch_a1), "room": room.pk}
    response = world.client("staff_a").post(
        reverse("roominvestment-list"), {**payload, "amount_yuan": "0"}, format="json"
    )
    assert response.status_code == 400
    assert "zero" in " ".join(response.json()["amount_yuan"]) or "零" in " ".join(
        response.json()["amount_yuan"]
    )
    assert not RoomInvestment.objects.exists()


def test_investments_filter_by_room_and_organization(world):
    mine = RoomInvestmentFactory(room__organization=world.branch_a1)
    other = RoomInvestmentFactory(room__organization=world.branch_a2)
    client = world.client("staff_a")
    by_room = results(client.get(reverse("roominvestment-list"), {"room": mine.room_id}))
    by_org = results(client.get(reverse("roominvestment-list"), {"organization": world.branch_a2.pk}))
    assert [row["id"] for row in by_room] == [mine.pk]
    assert [row["id"] for row in by_org] == [other.pk]
    assert by_room[0]["organization"] == world.branch_a1.pk


def test_editing_an_investment_keeps_history(world):
    investment = RoomInvestmentFactory(room__organization=world.branch_a1)
    url = reverse("roominvestment-detail", args=[investment.pk])
    response = world.client("secretary_a1").patch(url, {"amount_yuan": "6500.00"}, format="json")
    assert response.status_code == 200, response.content
    assert investment.history.latest().history_user == world.users["secretary_a1"]
    assert investment.history.latest().amount_yuan == Decimal("6500.00")


# --- targets --------------------------------------------------------------------------------------------


def test_target_list_counts_the_townships_standardized_rooms(world):
    ActivityRoomFactory(organization=world.branch_a1, standardized_on=D(2023, 12, 31))
    ActivityRoomFactory(organization=world.branch_a2, standardized_on=D(2024, 1, 1))
    ActivityRoomFactory(organization=world.branch_b1, standardized_on=D(2023, 3, 1))
    met = StandardizedRoomTargetFactory(organization=world.township_a, year=2024, target=2)
    short = StandardizedRoomTargetFactory(organization=world.township_a, year=2023, target=2)
    rows = {
        row["id"]: row for row in results(world.client("staff_a").get(reverse("standardizedroomtarget-list")))
    }
    assert (rows[met.pk]["standardized_count"], rows[met.pk]["met"]) == (2, True)
    assert (rows[short.pk]["standardized_count"], rows[short.pk]["met"]) == (1, False)


def test_targets_filter_by_met(world):
    ActivityRoomFactory(organization=world.branch_a1, standardized_on=D(2023, 6, 1))
    met = StandardizedRoomTargetFactory(organization=world.township_a, year=2023, target=1)
    StandardizedRoomTargetFactory(organization=world.township_b, year=2023, target=1)
    listed = results(world.client("county_admin").get(reverse("standardizedroomtarget-list"), {"met": True}))
    assert [row["id"] for row in listed] == [met.pk]


def test_county_admin_sets_a_target_and_the_answer_has_the_count(world):
    ActivityRoomFactory(organization=world.branch_a1, standardized_on=D(2023, 6, 1))
    payload = {"organization": world.township_a.pk, "year": 2023, "target": 15}
    response = world.client("county_admin").post(
        reverse("standardizedroomtarget-list"), payload, format="json"
    )
    assert response.status_code == 201, response.content
    assert (response.json()["standardized_count"], response.json()["met"]) == (1, False)
    target = StandardizedRoomTarget.objects.get()
    assert target.history.get().history_user == world.users["county_admin"]


@pytest.mark.parametrize("who", ["staff_a", "secretary_a1", "viewer_a"])
def test_only_the_county_sets_targets(world, who):
    payload = {"organization": world.township_a.pk, "year": 2024, "target": 15}
    response = world.client(who).post(reverse("standardizedroomtarget-list"), payload, format="json")
    assert response.status_code in {403, 400}
    if who != "secretary_a1":  # the secretary cannot even see the township: a 400 "does not exist"
        assert response.status_code == 403
    assert not StandardizedRoomTarget.objects.exists()


def test_township_staff_cannot_change_its_target(world):
    target = StandardizedRoomTargetFactory(organization=world.township_a, year=2024, target=15)
    url = reverse("standardizedroomtarget-detail", args=[target.pk])
    assert world.client("staff_a").patch(url, {"target": 3}, format="json").status_code == 403
    target.refresh_from_db()
    assert target.target == 15


def test_a_target_on_a_branch_is_a_400(world):
    payload = {"organization": world.branch_a1.pk, "year": 2024, "target": 15}
    response = world.client("county_admin").post(
        reverse("standardizedroomtarget-list"), payload, format="json"
    )
    assert response.status_code == 400 and "organization" in response.json()


def test_a_second_target_for_the_same_year_is_a_400_saying_so(world):
    StandardizedRoomTargetFactory(organization=world.township_a, year=2024, target=15)
    payload = {"organization": world.township_a.pk, "year": 2024, "target": 10}
    response = world.client("county_admin").post(
        reverse("standardizedroomtarget-list"), payload, format="json"
    )
    assert response.status_code == 400
    assert world.township_a.name in " ".join(response.json()["year"])


# --- reviews and disclosures ----------------------------------------------------------------------------


def test_review_with_more_satisfied_than_participants_is_a_400(world):
    payload = {
        **TestReviewRecordScope().create_payload(world, world.branch_a1),
        "kind": "member_review",
        "participants": 30,
        "satisfied": 31,
    }
    response = world.client("staff_a").post(reverse("reviewrecord-list"), payload, format="json")
    assert response.status_code == 400 and "satisfied" in response.json()


def test_reviews_filter_by_kind_and_year(world):
    report = ReviewRecordFactory(organization=world.branch_a1, kind="committee_report", held_on=D(2024, 6, 1))
    ReviewRecordFactory(organization=world.branch_a1, kind="member_review", held_on=D(2024, 12, 1))
    ReviewRecordFactory(organization=world.branch_a1, kind="committee_report", held_on=D(2023, 12, 31))
    listed = results(
        world.client("staff_a").get(reverse("reviewrecord-list"), {"kind": "committee_report", "year": 2024})
    )
    assert [row["id"] for row in listed] == [report.pk]


def test_stale_review_update_is_a_conflict(world):
    record = ReviewRecordFactory(organization=world.branch_a1)
    client = world.client("staff_a")
    url = reverse("reviewrecord-detail", args=[record.pk])
    assert client.patch(url, {"participants": 22, "version": 1}, format="json").status_code == 200
    assert client.patch(url, {"participants": 23, "version": 1}, format="json").status_code == 409


def test_second_half_disclosure_dated_30_june_is_a_400_on_the_date(world):
    payload = {"organization": world.branch_a1.pk, "year": 2024, "period": 2, "disclosed_on": "2024-06-30"}
    response = world.client("staff_a").post(reverse("financialdisclosure-list"), payload, format="json")
    assert response.status_code == 400 and "disclosed_on" in response.json()


def test_a_disclosure_already_made_is_a_400_saying_so(world):
    FinancialDisclosureFactory(organization=world.branch_a1, year=2024, period=1, disclosed_on=D(2024, 7, 5))
    payload = {"organization": world.branch_a1.pk, "year": 2024, "period": 1, "disclosed_on": "2024-07-10"}
    response = world.client("staff_a").post(reverse("financialdisclosure-list"), payload, format="json")
    assert response.status_code == 400
    assert world.branch_a1.name in " ".join(response.json()["period"])
    assert FinancialDisclosure.objects.count() == 1


def test_disclosure_delete_keeps_a_history_row(world):
    disclosure = FinancialDisclosureFactory(organization=world.branch_a1)
    url = reverse("financialdisclosure-detail", args=[disclosure.pk])
    assert world.client("secretary_a1").delete(url).status_code == 204
    assert (
        FinancialDisclosure.history.get(id=disclosure.pk, history_type="-").history_user
        == world.users["secretary_a1"]
    )


# --- import and export actions --------------------------------------------------------------------------


@pytest.mark.parametrize("basename", ["activityroom", "reviewrecord", "financialdisclosure"])
@pytest.mark.parametrize("file_format", ["xlsx", "csv"])
def test_each_import_has_a_template(world, basename, file_format):
    url = reverse(f"{basename}-import-template")
    response = world.client("staff_a").get(url, {"file_format": file_format})
    assert response.status_code == 200
    content = b"".join(response.streaming_content)
    if file_format == "csv":
        assert content.decode("utf-8-sig").split(",")[0] in {"所在组织编码", "所在支部编码"}
    else:
        header = next(load_workbook(BytesIO(content)).worksheets[0].iter_rows(values_only=True))
        assert header[0] in {"所在组织编码", "所在支部编码"}


def test_review_import_through_the_api_commits_all_rows(world):
    rows = [
        ["所在支部编码", "类型", "日期", "主题", "参加人数", "满意及以上票数"],
        ["C1-TA-1", "党员评议村委会干部", "2024-12-20", "年度民主评议", 30, 28],
        ["C1-TA-2", "村委会向党支部述职", "2024-06-20", "上半年述职", 12, ""],
    ]
    response = world.client("staff_a").post(
        reverse("reviewrecord-import"),
        {"file": upload(xlsx_bytes(rows), "r.xlsx"), "dry_run": "false"},
        format="multipart",
    )
    assert response.status_code == 201, response.content
    assert ReviewRecord.objects.count() == 2


def test_disclosure_export_is_scoped_and_recorded(world):
    FinancialDisclosureFactory(organization=world.branch_a1, year=2024, period=1)
    FinancialDisclosureFactory(organization=world.branch_b1, year=2024, period=1)
    response = world.client("staff_a").get(reverse("financialdisclosure-export"))
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(b"".join(response.streaming_content))).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 2 and rows[1][0] == "C1-TA-1" and rows[1][3] == "上半年"
    event = SecurityEvent.objects.get(kind=SecurityEventKind.EXPORT)
    assert event.detail["rows"] == 1 and event.detail["model"] == "branches.financialdisclosure"


def test_room_export_carries_the_totals(world):
    room = ActivityRoomFactory(organization=world.branch_a1, has_signage=True)
    RoomInvestmentFactory(room=room, amount_yuan=Decimal("300"))
    response = world.client("staff_a").get(reverse("activityroom-export"))
    sheet = load_workbook(BytesIO(b"".join(response.streaming_content))).worksheets[0]
    header, row = sheet.iter_rows(values_only=True)
    shown = dict(zip(header, row, strict=True))
    assert shown["设施项数"] == 1 and Decimal(str(shown["累计投入(元)"])) == Decimal("300")
