"""/api/v1/meetings/ and the meeting admin: scope, quick entry, attendance, filters, import and export."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from members.models import Meeting
from members.models import MeetingKind
from tests.utils.api import post_import_file
from tests.utils.api import template_csv
from tests.utils.assertions import admin_edits
from tests.utils.assertions import admin_refuses
from tests.utils.assertions import admin_saves
from tests.utils.assertions import assert_changelist_scoped
from tests.utils.factories import MemberFactory
from tests.utils.factories_activities import MeetingFactory
from tests.utils.factories_entry import meeting_form
from tests.utils.scope_records import OrganizationRecordScopeSuite

pytestmark = pytest.mark.django_db

URL = "meeting-list"


class TestMeetingScope(OrganizationRecordScopeSuite):
    basename = "meeting"
    supports_delete = True
    create_fields = {"kind": "assembly", "held_on": "2024-03-01", "topic": "学习"}

    def make_object(self, world, organization):
        return MeetingFactory(
            organization=organization, attendees=MemberFactory.create_batch(2, branch=organization)
        )


def ids(response):
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def test_quick_entry_by_a_secretary_is_one_request_with_defaults(world):
    members = MemberFactory.create_batch(4, branch=world.branch_a1)
    payload = {"kind": "lecture", "topic": "讲党课", "attendees": [m.pk for m in members[:3]]}
    response = world.client("secretary_a1").post(reverse(URL), payload, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["organization"] == world.branch_a1.pk
    assert body["held_on"] == timezone.localdate().isoformat()
    assert (body["members_expected"], body["attendee_count"], body["attendance_rate"]) == (4, 3, 0.75)
    assert sorted(body["attendee_names"]) == sorted(m.name for m in members[:3])


def test_township_staff_without_organization_gets_a_clear_400(world):
    response = world.client("staff_a").post(
        reverse(URL), {"kind": "assembly", "topic": "大会"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["organization"]
    assert not Meeting.objects.exists()


def post_group_meeting(world, attendees, topic="小组会"):
    """Township staff record a group meeting of branch_a1 with ``attendees``."""
    payload = {"organization": world.branch_a1.pk, "kind": "group", "topic": topic, "attendees": attendees}
    return world.client("staff_a").post(reverse(URL), payload, format="json")


def test_an_attendee_from_another_branch_is_a_400_naming_them(world):
    other = MemberFactory(branch=world.branch_a2, name="赵五")
    response = post_group_meeting(world, [other.pk])
    assert response.status_code == 400
    assert "赵五" in " ".join(response.json()["attendees"])


def test_an_attendee_the_user_cannot_see_reads_as_missing(world):
    foreign = MemberFactory(branch=world.branch_b1)
    response = post_group_meeting(world, [foreign.pk])
    assert response.status_code == 400 and "attendees" in response.json()


@pytest.mark.parametrize("attendees", ["1", [True], ["x"], {"a": 1}])
def test_malformed_attendee_lists_are_400_not_500(world, attendees):
    response = post_group_meeting(world, attendees, topic="会")
    assert response.status_code == 400


def test_attendee_ids_are_read_in_one_query_not_one_per_id(world):
    client = world.client("staff_a")
    payload = {"organization": world.branch_a1.pk, "kind": "assembly"}
    few_members = MemberFactory.create_batch(1, branch=world.branch_a1)
    few_ids = [m.pk for m in few_members]
    client.post(reverse(URL), {**payload, "topic": "会一", "attendees": few_ids}, format="json")
    with CaptureQueriesContext(connection) as few:
        client.post(reverse(URL), {**payload, "topic": "会二", "attendees": few_ids}, format="json")
    many_members = MemberFactory.create_batch(12, branch=world.branch_a1)
    with CaptureQueriesContext(connection) as many:
        response = client.post(
            reverse(URL),
            {**payload, "topic": "会三", "attendees": [m.pk for m in many_members]},
            format="json",
        )
    assert response.status_code == 201
    # The attendee history rows are one bulk insert; nothing grows with the number of attendees.
    assert len(many) == len(few)


def test_patch_attendees_recounts_and_future_date_is_refused(world):
    members = MemberFactory.create_batch(5, branch=world.branch_a1)
    meeting = MeetingFactory(organization=world.branch_a1)
    client = world.client("secretary_a1")
    url = reverse("meeting-detail", args=[meeting.pk])
    response = client.patch(url, {"attendees": [m.pk for m in members[:2]], "version": 1}, format="json")
    assert response.status_code == 200, response.content
    assert (response.json()["attendee_count"], response.json()["attendance_rate"]) == (2, 0.4)
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    assert client.patch(url, {"held_on": tomorrow}, format="json").status_code == 400
    assert client.patch(url, {"topic": "旧", "version": 1}, format="json").status_code == 409


def test_delete_by_a_writer_and_refused_for_a_viewer(world):
    meeting = MeetingFactory(organization=world.branch_a1)
    url = reverse("meeting-detail", args=[meeting.pk])
    assert world.client("viewer_a").delete(url).status_code == 403
    assert world.client("secretary_a1").delete(url).status_code == 204
    assert not Meeting.objects.exists()


@pytest.fixture
def meetings(world):
    member = MemberFactory(branch=world.branch_a1)
    return {
        "assembly": MeetingFactory(
            organization=world.branch_a1, held_on=dt.date(2024, 1, 10), topic="学习党章", attendees=[member]
        ),
        "lecture": MeetingFactory(
            organization=world.branch_a2, kind=MeetingKind.LECTURE, held_on=dt.date(2024, 6, 1), topic="党课"
        ),
        "old": MeetingFactory(organization=world.branch_a1, held_on=dt.date(2023, 12, 31), topic="年终总结"),
        "foreign": MeetingFactory(organization=world.branch_b1, held_on=dt.date(2024, 2, 2)),
        "member": member,
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"kind": "lecture"}, {"lecture"}),
        ({"year": 2024}, {"assembly", "lecture"}),
        ({"held_after": "2024-01-10", "held_before": "2024-05-31"}, {"assembly"}),
        ({"search": "党章"}, {"assembly"}),
        ({"month": 12}, {"old"}),
    ],
)
def test_meeting_filters(world, meetings, query, expected):
    assert set(ids(world.client("staff_a").get(reverse(URL), query))) == {meetings[n].pk for n in expected}


def test_organization_within_and_attendee_filters(world, meetings):
    client = world.client("county_admin")
    by_org = set(ids(client.get(reverse(URL), {"organization": world.branch_a1.pk})))
    assert by_org == {meetings["assembly"].pk, meetings["old"].pk}
    assert set(ids(client.get(reverse(URL), {"within": world.township_b.pk}))) == {meetings["foreign"].pk}
    attended = set(ids(client.get(reverse(URL), {"attendee": meetings["member"].pk})))
    assert attended == {meetings["assembly"].pk}
    assert world.client("staff_a").get(reverse(URL), {"within": world.township_b.pk}).status_code == 400


def test_ordering_and_pagination(world, meetings):
    response = world.client("staff_a").get(reverse(URL), {"ordering": "-held_on", "page_size": 2})
    body = response.json()
    assert body["count"] == 3 and len(body["results"]) == 2 and body["next"]
    assert [row["id"] for row in body["results"]] == [meetings["lecture"].pk, meetings["assembly"].pk]


def test_bad_filter_values_are_400_not_500(world):
    client = world.client("staff_a")
    assert client.get(reverse(URL), {"held_after": "2024-02-30"}).status_code == 400
    assert client.get(reverse(URL), {"kind": "party"}).status_code == 400
    assert client.get(reverse(URL), {"year": "abc"}).status_code == 400


def test_list_shows_attendance_for_each_row(world, meetings):
    rows = world.client("staff_a").get(reverse(URL), {"organization": world.branch_a1.pk}).json()["results"]
    by_id = {row["id"]: row for row in rows}
    assert by_id[meetings["assembly"].pk]["attendees"] == [meetings["member"].pk]
    assert by_id[meetings["old"].pk]["attendance_rate"] is None


# --- admin ----------------------------------------------------------------------------------------


def admin_payload(world, **overrides):
    assembly = {"kind": "assembly", "held_on": "2024-03-01", "topic": "支部大会"}
    return meeting_form(organization=world.branch_a1.pk, **assembly) | overrides


def test_admin_add_goes_through_the_service(world):
    members = MemberFactory.create_batch(2, branch=world.branch_a1)
    payload = admin_payload(world, attendees=[members[0].pk])
    admin_saves(world.page_client("staff_a"), reverse("admin:members_meeting_add"), payload)
    meeting = Meeting.objects.get()
    assert (meeting.members_expected, meeting.attendee_count) == (2, 1)
    assert meeting.history.latest().history_user == world.users["staff_a"]


def test_admin_shows_a_refused_attendee_beside_the_form(world):
    other = MemberFactory(branch=world.branch_a2, name="钱六")
    payload = admin_payload(world, attendees=[other.pk])
    admin_refuses(world.page_client("staff_a"), reverse("admin:members_meeting_add"), payload, "钱六")
    assert not Meeting.objects.exists()


def test_admin_edit_and_pages_open(world):
    meeting = MeetingFactory(organization=world.branch_a1)
    client = world.page_client("staff_a")
    admin_edits(client, "members_meeting", meeting, admin_payload(world, topic="改过"))
    assert meeting.topic == "改过"
    assert client.get(reverse("admin:members_meeting_history", args=[meeting.pk])).status_code == 200
    assert client.get(reverse("admin:members_meeting_changelist")).status_code == 200


def test_admin_changelist_is_scoped(world):
    def meeting(organization, topic):
        return MeetingFactory(organization=organization, topic=topic)

    assert_changelist_scoped(world, "members_meeting", meeting, own="东村会议", foreign="西村会议")


def test_admin_delete_goes_through_the_service(world):
    meeting = MeetingFactory(organization=world.branch_a1)
    url = reverse("admin:members_meeting_delete", args=[meeting.pk])
    response = world.page_client("staff_a").post(url, {"post": "yes"})
    assert response.status_code == 302
    assert Meeting.history.filter(history_type="-").get().history_user == world.users["staff_a"]


# --- import and export ----------------------------------------------------------------------------


def _csv(client, rows):
    return template_csv(client, "meeting", rows).encode("utf-8")


def _upload(client, body, dry_run):
    return post_import_file(client, "meeting", "meetings.csv", body, dry_run, content_type="text/csv")


def _row(world, organization=None, **overrides):
    organization = organization or world.branch_a1
    row = {"组织编码": organization.code, "会议类型": "党小组会", "召开日期": "2024-04-01", "主题": "学习"}
    return {**row, **overrides}


def test_import_previews_then_commits_with_members_expected(world):
    MemberFactory.create_batch(3, branch=world.branch_a1)
    MemberFactory(branch=world.branch_a2)
    client = world.client("staff_a")
    body = _csv(
        client, [_row(world), _row(world, world.branch_a2, 会议类型="支委会"), _row(world, 主题="二")]
    )
    preview = _upload(client, body, "true")
    assert preview.status_code == 200 and preview.json()["valid_rows"] == 3, preview.content
    assert not Meeting.objects.exists()
    committed = _upload(client, body, "false")
    assert committed.status_code == 201, committed.content
    expected = dict(Meeting.objects.values_list("organization__code", "members_expected").distinct())
    assert expected == {world.branch_a1.code: 3, world.branch_a2.code: 1}
    assert Meeting.objects.filter(kind=MeetingKind.COMMITTEE).count() == 1
    assert Meeting.history.filter(history_user=world.users["staff_a"]).count() == 3


def test_import_refuses_every_row_when_one_is_wrong(world):
    client = world.client("staff_a")
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    rows = [
        _row(world),
        _row(world, world.branch_b1),
        _row(world, 召开日期=tomorrow),
        _row(world, world.township_a),
        _row(world, 会议类型="茶话会"),
    ]
    response = _upload(client, _csv(client, rows), "false")
    assert response.status_code == 400
    errors = {entry["row"]: entry["errors"] for entry in response.json()["errors"]}
    assert set(errors) == {3, 4, 5, 6}
    assert not Meeting.objects.exists()


def test_export_is_an_xlsx_of_the_scoped_filtered_list(world, meetings):
    from io import BytesIO

    from openpyxl import load_workbook

    response = world.client("staff_a").get(reverse("meeting-export"), {"year": 2024})
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("组织编码", "组织名称", "会议类型", "召开日期")
    assert sorted(row[2] for row in rows[1:]) == ["党课", "支部党员大会"]
