"""Contact points: a township leader's contact village for a year, one lecture, one check, one activity
and at least 90 days there; the API, admin, import and export."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from branches.models import OrganizationField
from branches.scope.querysets import OutOfScope
from members.models import ContactPoint
from members.models import MemberStatus
from members.selectors import activities as selectors
from members.services import activities as services
from tests.utils.api import post_import_file
from tests.utils.api import result_ids
from tests.utils.api import template_csv
from tests.utils.assertions import assert_admin_pages_open
from tests.utils.factories import MemberFactory
from tests.utils.factories import OrganizationFactory
from tests.utils.factories_activities import ContactPointFactory
from tests.utils.factories_activities import township_leader
from tests.utils.factories_activities import township_organ
from tests.utils.scope_records import OrganizationRecordScopeSuite

pytestmark = pytest.mark.django_db

D = dt.date
URL = "contactpoint-list"


class TestContactPointScope(OrganizationRecordScopeSuite):
    basename = "contactpoint"
    factory = ContactPointFactory
    supports_delete = True

    def create_payload(self, world, organization):
        return {"leader": township_leader(organization).pk, "organization": organization.pk, "year": 2024}


def record(world, who="staff_a", village=None, leader=None, **data):
    village = village or world.branch_a1
    leader = leader or township_leader(village)
    return services.contact_point_record(
        actor=world.users[who], leader=leader, organization=village, year=data.pop("year", 2024), **data
    )


def test_a_township_leader_takes_a_village_of_the_township(world):
    point = record(world, lecture_on=D(2024, 3, 1), days_spent=20)
    assert point.organization == world.branch_a1
    assert point.history.latest().history_user == world.users["staff_a"]


def test_a_leader_from_another_township_is_refused_by_name(world):
    stranger = township_leader(world.branch_b1, name="西镇领导")
    with pytest.raises(ValidationError) as refused:
        record(world, "county_admin", leader=stranger)
    message = " ".join(refused.value.message_dict["leader"])
    assert "西镇领导" in message and world.township_a.name in message
    assert not ContactPoint.objects.exists()


def test_a_leader_off_the_roll_is_refused(world):
    leader = township_leader(world.branch_a1, status=MemberStatus.TRANSFERRED_OUT)
    with pytest.raises(ValidationError) as refused:
        record(world, leader=leader)
    assert "leader" in refused.value.message_dict


def test_the_contact_village_is_a_village_or_community_branch(world):
    with pytest.raises(ValidationError) as refused:
        record(world, village=world.township_a, leader=township_leader(world.branch_a1))
    assert "organization" in refused.value.message_dict
    school = OrganizationFactory(parent=world.township_a, field=OrganizationField.SCHOOL)
    with pytest.raises(ValidationError):
        record(world, village=school, leader=township_leader(world.branch_a1))
    assert record(world, village=world.branch_a2).pk  # a community


def test_a_village_directly_under_the_county_has_no_township_leader(world):
    village = OrganizationFactory(parent=world.county)
    with pytest.raises(ValidationError) as refused:
        record(world, "county_admin", village=village, leader=MemberFactory(branch=village))
    assert "organization" in refused.value.message_dict


def test_one_point_per_leader_village_and_year(world):
    leader = township_leader(world.branch_a1, name="孔镇长")
    record(world, leader=leader)
    with pytest.raises(ValidationError) as refused:
        record(world, leader=leader)
    assert "孔镇长" in " ".join(refused.value.message_dict["year"])
    assert record(world, leader=leader, year=2023).pk
    assert record(world, leader=leader, village=world.branch_a2).pk


def test_dates_fall_within_the_year_and_not_in_the_future(world):
    with pytest.raises(ValidationError) as refused:
        record(world, check_on=D(2023, 12, 31))
    assert "check_on" in refused.value.message_dict
    with pytest.raises(ValidationError):
        record(world, year=2099, activity_on=D(2099, 1, 1))


def test_a_secretary_cannot_see_a_township_leader(world):
    with pytest.raises(ValidationError) as refused:
        record(world, "secretary_a1")
    assert "leader" in refused.value.message_dict


def test_staff_cannot_record_in_another_township(world):
    with pytest.raises(OutOfScope):
        record(world, "staff_a", village=world.branch_b1)


def test_update_rechecks_the_leader(world):
    point = record(world)
    stranger = township_leader(world.branch_b1)
    with pytest.raises(ValidationError):
        services.contact_point_update(actor=world.users["county_admin"], contact_point=point, leader=stranger)
    updated = services.contact_point_update(actor=world.users["staff_a"], contact_point=point, days_spent=95)
    assert updated.days_spent == 95 and updated.version == 2


@pytest.mark.parametrize(
    ("lecture", "check", "activity", "days", "complete"),
    [
        (True, True, True, 90, True),
        (True, True, True, 89, False),
        (False, True, True, 120, False),
        (True, False, True, 120, False),
        (True, True, False, 120, False),
    ],
)
def test_complete_needs_the_lecture_the_check_the_activity_and_90_days(
    world, lecture, check, activity, days, complete
):
    point = ContactPointFactory(
        organization=world.branch_a1,
        lecture_on=D(2024, 3, 1) if lecture else None,
        check_on=D(2024, 5, 1) if check else None,
        activity_on=D(2024, 7, 1) if activity else None,
        days_spent=days,
    )
    row = selectors.contact_point_progress(points=ContactPoint.objects.filter(pk=point.pk)).get()
    assert row.complete is complete and row.days_met is (days >= 90)
    assert selectors.contact_point_flags(point)["complete"] is complete


def test_progress_is_one_query_for_any_number_of_points(world):
    for village in (world.branch_a1, world.branch_a2, world.branch_b1):
        ContactPointFactory(organization=village, days_spent=100)
    with CaptureQueriesContext(connection) as queries:
        rows = list(selectors.contact_point_progress(points=ContactPoint.objects.all()))
    assert len(queries) == 1 and len(rows) == 3


# --- API ----------------------------------------------------------------------------------------------


def test_api_create_shows_the_flags(world):
    payload = {
        **TestContactPointScope().create_payload(world, world.branch_a1),
        "lecture_on": "2024-03-01",
        "check_on": "2024-04-01",
        "activity_on": "2024-05-01",
        "days_spent": 90,
    }
    response = world.client("staff_a").post(reverse(URL), payload, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["complete"] is True and body["leader_branch_name"] == township_organ(world.township_a).name


def test_api_duplicate_is_a_400_in_words(world):
    point = ContactPointFactory(organization=world.branch_a1)
    payload = {"leader": point.leader.pk, "organization": world.branch_a1.pk, "year": point.year}
    response = world.client("staff_a").post(reverse(URL), payload, format="json")
    assert response.status_code == 400 and response.json()["year"]


def test_contact_point_filters(world):
    done = ContactPointFactory(
        organization=world.branch_a1,
        lecture_on=D(2024, 3, 1),
        check_on=D(2024, 3, 2),
        activity_on=D(2024, 3, 3),
        days_spent=100,
    )
    open_ = ContactPointFactory(organization=world.branch_a2, year=2023, days_spent=10)
    client = world.client("staff_a")
    assert result_ids(client.get(reverse(URL), {"complete": "true"})) == {done.pk}
    assert result_ids(client.get(reverse(URL), {"complete": "false"})) == {open_.pk}
    assert result_ids(client.get(reverse(URL), {"year": 2023})) == {open_.pk}
    assert result_ids(client.get(reverse(URL), {"leader": done.leader.pk})) == {done.pk}
    assert result_ids(client.get(reverse(URL), {"organization": world.branch_a2.pk})) == {open_.pk}
    assert result_ids(client.get(reverse(URL), {"within": world.township_a.pk})) == {done.pk, open_.pk}
    ordered = client.get(reverse(URL), {"ordering": "-days_spent"}).json()["results"]
    assert [row["id"] for row in ordered] == [done.pk, open_.pk]
    assert ordered[0]["complete"] is True and ordered[1]["days_met"] is False


def test_admin_add_and_refusal_beside_the_form(world):
    client = Client()
    client.force_login(world.users["staff_a"])
    leader = township_leader(world.branch_a1)
    payload = {
        "leader": leader.pk,
        "organization": world.branch_a1.pk,
        "year": 2024,
        "lecture_on": "",
        "check_on": "",
        "activity_on": "",
        "days_spent": 5,
        "note": "",
    }
    assert client.post(reverse("admin:members_contactpoint_add"), payload).status_code == 302
    point = ContactPoint.objects.get()
    assert point.history.latest().history_user == world.users["staff_a"]
    again = client.post(reverse("admin:members_contactpoint_add"), payload)
    assert again.status_code == 200 and ContactPoint.objects.count() == 1
    assert_admin_pages_open(client, "members_contactpoint", point.pk, also=["changelist"])


def _upload(client, rows, dry_run="false"):
    body = template_csv(client, "contactpoint", rows).encode("utf-8")
    return post_import_file(client, "contactpoint", "points.csv", body, dry_run)


def test_import_checks_the_leader_and_duplicates(world):
    leader = township_leader(world.branch_a1)
    stranger = township_leader(world.branch_b1)
    row = {
        "联系村党组织编码": world.branch_a1.code,
        "联系领导身份证号": leader.id_number,
        "年度": "2024",
        "驻村天数": "90",
    }
    client = world.client("county_admin")
    bad = _upload(client, [row, row, {**row, "联系领导身份证号": stranger.id_number}])
    assert bad.status_code == 400 and [e["row"] for e in bad.json()["errors"]] == [3, 4]
    good = _upload(client, [row, {**row, "联系村党组织编码": world.branch_a2.code}])
    assert good.status_code == 201, good.content
    assert ContactPoint.objects.count() == 2


def test_export_masks_the_leaders_id_number_for_a_viewer(world):
    from io import BytesIO

    from openpyxl import load_workbook

    point = ContactPointFactory(organization=world.branch_a1, days_spent=100)

    def exported(who):
        response = world.client(who).get(reverse("contactpoint-export"))
        rows = list(
            load_workbook(BytesIO(b"".join(response.streaming_content))).active.iter_rows(values_only=True)
        )
        return dict(zip(rows[0], rows[1], strict=True))

    assert exported("staff_a")["联系领导身份证号"] == point.leader.id_number
    masked = exported("viewer_a")
    assert masked["联系领导身份证号"] != point.leader.id_number and "*" in masked["联系领导身份证号"]
    assert masked["是否完成"] == "否" and masked["联系领导"] == point.leader.name
