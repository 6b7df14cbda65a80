"""The same meeting, visit or training entered twice is refused on every path (API, entry page, admin,
import), naming the record already there; a different topic on the same day is a genuine second one, and an
edit is never a duplicate of itself (docs/records.md, "Entered twice")."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from members.models import Meeting
from members.models import MeetingKind
from members.models import Training
from members.models import VisitLog
from members.resources import VisitLogResource
from tests.utils.api import post_import_file
from tests.utils.api import template_csv
from tests.utils.factories_activities import MeetingFactory
from tests.utils.factories_activities import TrainingFactory
from tests.utils.factories_cadres import CadreFactory
from tests.utils.factories_entry import field_errors
from tests.utils.factories_visits import VisitLogFactory
from tests.utils.import_columns import VISIT_HEADERS
from tests.utils.import_files import import_file
from tests.utils.import_files import xlsx_bytes

pytestmark = pytest.mark.django_db

D = dt.date
DAY = D(2024, 3, 15)


@pytest.fixture
def theme_day(world):
    return MeetingFactory(
        organization=world.branch_a1, kind=MeetingKind.THEME_DAY, held_on=DAY, topic="学党章"
    )


def meeting_payload(world, **overrides):
    payload = {
        "organization": world.branch_a1.pk,
        "kind": MeetingKind.THEME_DAY,
        "held_on": DAY.isoformat(),
        "topic": "学党章",
    }
    return payload | overrides


def names_existing(message: str, record, url_name: str) -> bool:
    return str(record.pk) in message and reverse(url_name, args=[record.pk]) in message


# --- meetings -------------------------------------------------------------------------------------------


def test_the_same_meeting_twice_is_a_400_naming_the_existing_one(world, theme_day):
    response = world.client("staff_a").post(reverse("meeting-list"), meeting_payload(world), format="json")
    assert response.status_code == 400, response.content
    (message,) = response.json()["topic"]
    assert names_existing(message, theme_day, "members:meeting-edit")
    assert "2024-03-15" in message
    assert Meeting.objects.count() == 1


def test_a_second_meeting_the_same_day_with_another_topic_is_accepted(world, theme_day):
    payload = meeting_payload(world, topic="重温入党誓词")
    response = world.client("staff_a").post(reverse("meeting-list"), payload, format="json")
    assert response.status_code == 201, response.content
    assert Meeting.objects.count() == 2


def test_another_kind_or_day_is_not_the_same_meeting(world, theme_day):
    client = world.client("staff_a")
    other_kind = meeting_payload(world, kind=MeetingKind.LECTURE)
    other_day = meeting_payload(world, held_on="2024-03-16")
    assert client.post(reverse("meeting-list"), other_kind, format="json").status_code == 201
    assert client.post(reverse("meeting-list"), other_day, format="json").status_code == 201


def test_editing_a_meeting_without_changing_it_is_not_a_duplicate_of_itself(world, theme_day):
    url = reverse("meeting-detail", args=[theme_day.pk])
    response = world.client("staff_a").patch(url, {"topic": "学党章", "minutes": "记录"}, format="json")
    assert response.status_code == 200, response.content


def test_editing_a_meeting_into_another_one_is_refused(world, theme_day):
    other = MeetingFactory(organization=world.branch_a1, kind=MeetingKind.THEME_DAY, held_on=DAY, topic="二")
    url = reverse("meeting-detail", args=[other.pk])
    response = world.client("staff_a").patch(url, {"topic": "学党章"}, format="json")
    assert response.status_code == 400
    assert names_existing(response.json()["topic"][0], theme_day, "members:meeting-edit")


def test_the_entry_page_shows_the_duplicate_beside_the_topic(secretary, world, theme_day):
    data = meeting_payload(world, speaker="", minutes="")
    response = secretary.post(reverse("members:meeting-create"), data)
    assert response.status_code == 200
    (message,) = field_errors(response, "topic")
    assert names_existing(message, theme_day, "members:meeting-edit")
    assert Meeting.objects.count() == 1


def test_the_admin_refuses_the_same_meeting_beside_the_form(world, theme_day):
    data = meeting_payload(world, speaker="", minutes="")
    response = world.page_client("staff_a").post(reverse("admin:members_meeting_add"), data)
    assert response.status_code == 200
    assert reverse("members:meeting-edit", args=[theme_day.pk]) in response.content.decode()
    assert Meeting.objects.count() == 1


def test_the_admin_edit_of_an_unchanged_meeting_saves(world, theme_day):
    data = meeting_payload(world, speaker="", minutes="改")
    url = reverse("admin:members_meeting_change", args=[theme_day.pk])
    response = world.page_client("staff_a").post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]


def _import_meetings(world, rows):
    client = world.client("staff_a")
    body = template_csv(client, "meeting", rows).encode("utf-8")
    response = post_import_file(client, "meeting", "meetings.csv", body, "true", content_type="text/csv")
    return {entry["row"]: entry["errors"] for entry in response.json().get("errors", [])}


def _meeting_row(world, **overrides):
    row = {
        "组织编码": world.branch_a1.code,
        "会议类型": "主题党日",
        "召开日期": "2024-03-15",
        "主题": "学党章",
    }
    return row | overrides


def test_an_import_refuses_a_meeting_already_registered_and_one_twice_in_the_file(world, theme_day):
    rows = [_meeting_row(world), _meeting_row(world, 主题="二"), _meeting_row(world, 主题="二")]
    errors = _import_meetings(world, rows)
    assert set(errors) == {2, 4}
    assert [error["code"] for error in errors[2]] == ["duplicate_in_database"]
    assert names_existing(errors[2][0]["message"], theme_day, "members:meeting-edit")
    assert [error["code"] for error in errors[4]] == ["duplicate_in_file"]
    assert Meeting.objects.count() == 1


def test_an_import_of_other_topics_the_same_day_is_accepted(world, theme_day):
    assert _import_meetings(world, [_meeting_row(world, 主题="二"), _meeting_row(world, 主题="三")]) == {}


# --- visits ---------------------------------------------------------------------------------------------


@pytest.fixture
def visit(world):
    cadre = CadreFactory(organization=world.branch_a1, started_on=D(2021, 1, 15))
    return VisitLogFactory(cadre=cadre, household_name="张三", village_group="一组", visited_on=DAY)


def test_the_same_visit_twice_is_a_400_naming_the_existing_one(world, visit):
    payload = {"cadre": visit.cadre_id, "household_name": " 张三", "village_group": "一组", "visited_on": DAY}
    response = world.client("staff_a").post(reverse("visitlog-list"), payload, format="json")
    assert response.status_code == 400, response.content
    (message,) = response.json()["household_name"]
    assert names_existing(message, visit, "members:visit-edit")
    assert VisitLog.objects.count() == 1


def test_the_same_household_another_day_is_a_new_visit(world, visit):
    payload = {
        "cadre": visit.cadre_id,
        "household_name": "张三",
        "village_group": "一组",
        "visited_on": "2024-03-16",
    }
    response = world.client("staff_a").post(reverse("visitlog-list"), payload, format="json")
    assert response.status_code == 201, response.content


def test_editing_a_visit_without_changing_it_is_not_a_duplicate_of_itself(world, visit):
    url = reverse("visitlog-detail", args=[visit.pk])
    response = world.client("staff_a").patch(
        url, {"household_name": "张三", "concerns": "路灯"}, format="json"
    )
    assert response.status_code == 200, response.content


def test_a_visit_import_names_the_visit_already_logged_and_one_twice_in_the_file(world, visit):
    rows = [
        _visit_row(visit, "张三", "2024-03-15"),
        _visit_row(visit, "李四", "2024-03-15"),
        _visit_row(visit, "李 四", "2024-03-15"),
    ]
    report = _import_visits(world, rows)
    found = {row.row: row.errors for row in report.rows_with_errors}
    assert set(found) == {2, 4}
    assert [error["code"] for error in found[2]] == ["duplicate_in_database"]
    assert names_existing(found[2][0]["message"], visit, "members:visit-edit")
    assert [error["code"] for error in found[4]] == ["duplicate_in_file"]


def test_a_visit_import_stays_one_duplicate_query_per_chunk(world, visit):
    rows = [_visit_row(visit, f"户{n}", "2024-03-15") for n in range(30)]
    _import_visits(world, rows[:3])  # warms the caches a first import fills
    with CaptureQueriesContext(connection) as few:
        _import_visits(world, rows[:3])
    with CaptureQueriesContext(connection) as many:
        _import_visits(world, rows)
    assert len(many) == len(few)


def _visit_row(visit, household, day):
    values = {"所在组织编码": visit.organization.code, "干部姓名": visit.cadre.name, "户主姓名": household}
    values |= {"村民小组": "一组", "走访日期": day}
    return [values.get(header, "") for header in VISIT_HEADERS]


def _import_visits(world, rows):
    content = xlsx_bytes([VISIT_HEADERS, *rows])
    return import_file(VisitLogResource, world.users["staff_a"], content, "v.xlsx", dry_run=True)


# --- trainings ------------------------------------------------------------------------------------------


@pytest.fixture
def training(world):
    return TrainingFactory(organizer=world.branch_a1, held_on=D(2024, 5, 10), topic="党史")


def training_payload(world, **overrides):
    payload = {
        "organizer": world.branch_a1.pk,
        "audience": "members",
        "held_on": "2024-05-10",
        "days": "1",
        "topic": "党史",
    }
    return payload | overrides


def test_the_same_training_twice_is_a_400_naming_the_existing_one(world, training):
    response = world.client("staff_a").post(reverse("training-list"), training_payload(world), format="json")
    assert response.status_code == 400, response.content
    assert names_existing(response.json()["topic"][0], training, "members:training-edit")
    other = training_payload(world, topic="党章")
    assert world.client("staff_a").post(reverse("training-list"), other, format="json").status_code == 201
    assert Training.objects.count() == 2


def test_editing_a_training_without_changing_it_is_not_a_duplicate_of_itself(world, training):
    url = reverse("training-detail", args=[training.pk])
    response = world.client("staff_a").patch(url, {"topic": "党史", "hours": 4}, format="json")
    assert response.status_code == 200, response.content
