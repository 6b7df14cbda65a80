"""The activity room pages (/org/): a room of the secretary's branch, the model's rules beside their fields,
the edit conflict, scope."""

import pytest
from django.urls import reverse

from branches.models import ActivityRoom
from branches.services.records import MESSAGES
from branches.services.records import activity_room_create
from branches.services.records import activity_room_update
from tests.utils.factories_entry import assert_conflict
from tests.utils.factories_entry import field_errors
from tests.utils.factories_entry import logged_in
from tests.utils.factories_entry import zh

pytestmark = pytest.mark.django_db
CREATE = reverse("branches:activityroom-create")


def payload(world, **data):
    return {
        "organization": world.branch_a1.pk,
        "name": "党员活动室",
        "address": "村委会二楼",
        "area_m2": "80",
        "built_year": "2015",
        "renovated_year": "",
        "standardized_on": "",
        **data,
    }


def test_a_room_of_the_secretarys_branch_is_recorded(secretary, world):
    assert secretary.get(CREATE).context["form"].fields["organization"].widget.input_type == "hidden"
    response = secretary.post(CREATE, payload(world, has_signage="on"))
    assert response.status_code == 302
    assert response.url == reverse("assessments:branch-page", args=[world.branch_a1.pk])
    room = ActivityRoom.objects.get()
    assert (room.organization, room.has_signage, room.has_archive_cabinet) == (world.branch_a1, True, False)


def test_a_standardized_room_without_its_date_is_refused_beside_the_date(secretary, world):
    response = secretary.post(CREATE, payload(world, is_standardized="on"))
    assert field_errors(response, "standardized_on") == [
        zh("A standardized room needs the date it was certified.")
    ]
    assert not ActivityRoom.objects.exists()


def test_a_second_room_with_the_same_name_is_refused_beside_the_name(secretary, world):
    activity_room_create(
        actor=world.users["secretary_a1"], organization=world.branch_a1, name="党员活动室", area_m2=50
    )
    (message,) = field_errors(secretary.post(CREATE, payload(world)), "name")
    assert message == zh(MESSAGES["room_name_taken"]) % {
        "organization": world.branch_a1,
        "name": "党员活动室",
    }


def test_a_secretary_cannot_record_a_room_of_another_branch(secretary, world):
    response = secretary.post(CREATE, payload(world, organization=world.branch_a2.pk))
    assert response.context["form"].errors["organization"]
    assert not ActivityRoom.objects.exists()


def test_the_edit_saves_and_a_stale_one_is_a_conflict(secretary, world):
    room = activity_room_create(
        actor=world.users["secretary_a1"], organization=world.branch_a1, name="活动室", area_m2=50
    )
    url = reverse("branches:activityroom-edit", args=[room.pk])
    assert secretary.post(url, payload(world, name="活动室", area_m2="60", version=1)).status_code == 302
    room.refresh_from_db()
    assert (room.area_m2, room.version) == (60, 2)
    staff = world.users["staff_a"]
    activity_room_update(actor=staff, activity_room=room, expected_version=2, address="新址")
    assert_conflict(secretary.post(url, payload(world, name="活动室", version=2)), staff, url)
    room.refresh_from_db()
    assert room.address == "新址"


def test_a_room_of_another_township_answers_404(secretary, world):
    room = activity_room_create(
        actor=world.users["root"], organization=world.branch_b1, name="外镇", area_m2=50
    )
    assert secretary.get(reverse("branches:activityroom-edit", args=[room.pk])).status_code == 404


def test_a_viewer_has_no_room_entry_page(client, world):
    logged_in(client, world.users["viewer_a"])
    assert client.get(CREATE).status_code == 404
