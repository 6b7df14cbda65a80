"""/api/v1/trainings/ and the training admin: scope, levels, attendees, filters, import and export."""

import datetime as dt

import pytest
from django.urls import reverse

from members.models import CadrePost
from members.models import Training
from members.models import TrainingLevel
from tests.utils.api import post_import_file
from tests.utils.api import result_ids
from tests.utils.api import template_csv
from tests.utils.assertions import admin_refuses
from tests.utils.assertions import assert_admin_pages_open
from tests.utils.factories import MemberFactory
from tests.utils.factories_activities import TrainingFactory
from tests.utils.factories_cadres import CadreFactory
from tests.utils.factories_entry import training_form
from tests.utils.scope import ScopeSuite

pytestmark = pytest.mark.django_db

URL = "training-list"
D = dt.date


class TestTrainingScope(ScopeSuite):
    basename = "training"
    supports_delete = True

    def make_object(self, world, organization):
        return TrainingFactory(
            organizer=organization,
            member_attendees=MemberFactory.create_batch(2, branch=organization),
            cadre_attendees=[CadreFactory(organization=organization)],
        )

    def create_payload(self, world, organization):
        return {
            "organizer": organization.pk,
            "audience": "members",
            "held_on": "2024-05-01",
            "days": "1.5",
            "topic": "党员冬训",
        }

    def move_payload(self, world, organization):
        return {"organizer": organization.pk}


def test_township_staff_holds_a_township_training_with_attendees(world):
    member = MemberFactory(branch=world.branch_a1)
    cadre = CadreFactory(
        organization=world.branch_a2, post=CadrePost.SECRETARY, member=MemberFactory(branch=world.branch_a2)
    )
    payload = {
        "organizer": world.township_a.pk,
        "audience": "secretaries",
        "held_on": "2024-03-01",
        "days": "2",
        "hours": 16,
        "topic": "书记培训班",
        "member_attendees": [member.pk],
        "cadre_attendees": [cadre.pk],
        "villager_count": 3,
        "level": "county",
    }
    response = world.client("staff_a").post(reverse(URL), payload, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["level"], body["attendee_total"], body["organizer_name"]) == ("township", 5, "东镇党委")


def test_a_secretary_holds_village_trainings_only(world):
    payload = TestTrainingScope().create_payload(world, world.branch_a1)
    client = world.client("secretary_a1")
    assert client.post(reverse(URL), payload, format="json").json()["level"] == "village"
    township = {**payload, "organizer": world.township_a.pk}
    # The township is not among the organizations a secretary sees: a choice that does not exist.
    assert client.post(reverse(URL), township, format="json").status_code == 400
    assert Training.objects.count() == 1


def test_an_attendee_outside_the_organizer_is_a_400_naming_them(world):
    other = MemberFactory(branch=world.branch_a2, name="东二党员")
    payload = {**TestTrainingScope().create_payload(world, world.branch_a1), "member_attendees": [other.pk]}
    response = world.client("staff_a").post(reverse(URL), payload, format="json")
    assert response.status_code == 400
    assert "东二党员" in " ".join(response.json()["member_attendees"])


def test_half_a_day_is_the_minimum(world):
    payload = {**TestTrainingScope().create_payload(world, world.branch_a1), "days": "0.4"}
    response = world.client("staff_a").post(reverse(URL), payload, format="json")
    assert response.status_code == 400 and "days" in response.json()


@pytest.fixture
def trainings(world):
    member = MemberFactory(branch=world.branch_a1)
    cadre = CadreFactory(organization=world.branch_a1)
    return {
        "county": TrainingFactory(
            organizer=world.county, audience="secretaries", held_on=D(2024, 3, 1), topic="县级书记班"
        ),
        "township": TrainingFactory(
            organizer=world.township_a,
            audience="two_committees",
            held_on=D(2024, 4, 1),
            cadre_attendees=[cadre],
        ),
        "village": TrainingFactory(
            organizer=world.branch_a1, held_on=D(2023, 11, 1), member_attendees=[member]
        ),
        "foreign": TrainingFactory(organizer=world.branch_b1, held_on=D(2024, 4, 1)),
        "member": member,
        "cadre": cadre,
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"level": "township"}, {"township"}),
        ({"level": ["county", "village"]}, {"county", "village", "foreign"}),
        ({"audience": "secretaries"}, {"county"}),
        ({"year": 2023}, {"village"}),
        ({"held_after": "2024-03-02"}, {"township", "foreign"}),
        ({"held_before": "2024-03-01", "held_after": "2024-03-01"}, {"county"}),
        ({"search": "书记班"}, {"county"}),
        ({"within": "township_a"}, {"township", "village"}),
        ({"organization": "branch_a1"}, {"village"}),
        ({"organizer": "county"}, {"county"}),
    ],
)
def test_training_filters(world, trainings, query, expected):
    query = {
        key: getattr(world, value).pk if key in {"within", "organization", "organizer"} else value
        for key, value in query.items()
    }
    listed = result_ids(world.client("county_admin").get(reverse(URL), query))
    assert listed == {trainings[name].pk for name in expected}


def test_attendee_filters(world, trainings):
    client = world.client("staff_a")
    assert result_ids(client.get(reverse(URL), {"member": trainings["member"].pk})) == {
        trainings["village"].pk
    }
    assert result_ids(client.get(reverse(URL), {"cadre": trainings["cadre"].pk})) == {
        trainings["township"].pk
    }


def test_staff_see_the_county_trainings_above_them_only_when_in_scope(world, trainings):
    listed = result_ids(world.client("staff_a").get(reverse(URL)))
    assert listed == {trainings["township"].pk, trainings["village"].pk}


def test_ordering_and_pagination(world, trainings):
    body = world.client("county_admin").get(reverse(URL), {"ordering": "held_on", "page_size": 3}).json()
    assert body["count"] == 4 and body["next"]
    assert body["results"][0]["id"] == trainings["village"].pk


def test_bad_filter_values_are_400(world):
    client = world.client("staff_a")
    assert client.get(reverse(URL), {"level": "province"}).status_code == 400
    assert client.get(reverse(URL), {"held_after": "yesterday"}).status_code == 400


def test_patch_with_a_stale_version_is_a_conflict(world):
    training = TrainingFactory(organizer=world.branch_a1)
    url = reverse("training-detail", args=[training.pk])
    client = world.client("secretary_a1")
    assert client.patch(url, {"hours": 4, "version": 1}, format="json").status_code == 200
    assert client.patch(url, {"hours": 5, "version": 1}, format="json").status_code == 409


# --- admin ----------------------------------------------------------------------------------------


def admin_payload(world, **overrides):
    return training_form(world.township_a, held_on="2024-03-01", topic="乡镇党员培训") | overrides


def test_admin_add_derives_the_level_through_the_service(world):
    member = MemberFactory(branch=world.branch_a2)
    response = world.page_client("staff_a").post(
        reverse("admin:members_training_add"), admin_payload(world, member_attendees=[member.pk])
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    training = Training.objects.get()
    assert training.level == TrainingLevel.TOWNSHIP and list(training.member_attendees.all()) == [member]
    assert training.history.latest().history_user == world.users["staff_a"]


def test_admin_shows_an_attendee_outside_the_organizer_beside_the_form(world):
    member = MemberFactory(branch=world.branch_a2, name="东二李")
    payload = admin_payload(world, organizer=world.branch_a1.pk, member_attendees=[member.pk])
    admin_refuses(world.page_client("staff_a"), reverse("admin:members_training_add"), payload, "东二李")
    assert not Training.objects.exists()


def test_admin_pages_open(world):
    training = TrainingFactory(organizer=world.branch_a1)
    client = world.page_client("staff_a")
    assert_admin_pages_open(client, "members_training", training.pk, also=["changelist", "add"])


# --- import and export ----------------------------------------------------------------------------


def _upload(client, rows, dry_run):
    body = template_csv(client, "training", rows).encode("gb18030")
    return post_import_file(client, "training", "trainings.csv", body, dry_run, content_type="text/csv")


def test_import_derives_the_level_and_refuses_bad_days(world):
    client = world.client("staff_a")
    row = {
        "主办组织编码": world.township_a.code,
        "培训对象": "村两委成员",
        "开班日期": "2024-03-01",
        "培训天数": "1.5",
        "培训主题": "两委培训",
    }
    bad = _upload(client, [row, {**row, "培训天数": "0.25"}], "false")
    assert bad.status_code == 400 and [e["row"] for e in bad.json()["errors"]] == [3]
    assert not Training.objects.exists()
    village = {**row, "主办组织编码": world.branch_a1.code, "培训对象": "党员", "学时": "4"}
    good = _upload(client, [row, village], "false")
    assert good.status_code == 201, good.content
    levels = dict(Training.objects.values_list("organizer__code", "level"))
    assert levels == {world.township_a.code: "township", world.branch_a1.code: "village"}


def test_export_has_attendee_counts(world, trainings):
    from io import BytesIO

    from openpyxl import load_workbook

    response = world.client("staff_a").get(reverse("training-export"))
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    by_topic = {row[header.index("培训主题")]: row for row in rows[1:]}
    township = by_topic[trainings["township"].topic]
    assert township[header.index("培训层级")] == "乡镇级"
    assert township[header.index("参训干部人数")] == 1 and township[header.index("参训党员人数")] == 0
