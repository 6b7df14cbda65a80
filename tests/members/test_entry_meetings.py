"""The meeting entry pages: the attendance checklist of the branch roll (queries independent of its size),
a service rule beside its field, the edit conflict, and scope."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from members.models import Meeting
from members.models import MeetingKind
from members.models import MemberStatus
from members.services.activities import meeting_record
from members.services.activities import meeting_update
from tests.utils.factories import MemberFactory
from tests.utils.factories_entry import assert_off_roll_refusal
from tests.utils.factories_entry import entry_branch
from tests.utils.factories_entry import field_errors
from tests.utils.factories_entry import logged_in
from tests.utils.factories_entry import meeting_form
from tests.utils.factories_entry import zh

pytestmark = pytest.mark.django_db
CREATE = reverse("members:meeting-create")
OFF_ROLL = (
    "Not on the roll of %(organization)s or a branch under it on %(day)s, so cannot be recorded as "
    "attending: %(names)s."
)


@pytest.fixture
def branch(world):
    return entry_branch(world.branch_a1, roll=4)


def test_the_checklist_lists_the_roll_and_the_branch_is_not_a_choice(secretary, world, branch):
    gone = MemberFactory(branch=world.branch_a1, status=MemberStatus.DECEASED)
    MemberFactory(branch=world.branch_a2)
    response = secretary.get(CREATE)
    assert response.status_code == 200
    form = response.context["form"]
    shown = {pk for pk, _label in form.fields["attendees"].widget.choices}
    assert shown == {member.pk for member in branch.members}
    assert gone.pk not in shown
    assert form.fields["organization"].widget.input_type == "hidden"
    assert form.initial["organization"] == world.branch_a1.pk
    assert form.initial["held_on"] == timezone.localdate()
    html = response.content.decode()
    assert html.count('name="attendees"') == 4


def test_a_meeting_is_recorded_with_its_attendance(secretary, world, branch):
    present = [member.pk for member in branch.members[:3]]
    response = secretary.post(CREATE, meeting_form(organization=world.branch_a1.pk, attendees=present))
    assert response.status_code == 302
    assert response.url == reverse("assessments:branch-page", args=[world.branch_a1.pk])
    meeting = Meeting.objects.get()
    assert sorted(meeting.attendees.values_list("pk", flat=True)) == sorted(present)
    assert (meeting.attendee_count, meeting.members_expected) == (3, 4)
    assert meeting.history.first().history_user == world.users["secretary_a1"]


def test_the_secretary_cannot_record_a_meeting_of_another_branch(secretary, world, branch):
    response = secretary.post(CREATE, meeting_form(organization=world.branch_a2.pk))
    assert response.status_code == 200
    assert not Meeting.objects.exists()
    assert response.context["form"].errors["organization"]


def test_someone_off_the_roll_is_refused_beside_the_checklist_in_chinese(secretary, world, branch):
    outsider = MemberFactory(branch=world.branch_a1, status=MemberStatus.LEFT)
    response = secretary.post(CREATE, meeting_form(organization=world.branch_a1.pk, attendees=[outsider.pk]))
    assert response.status_code == 200
    assert_off_roll_refusal(response, "attendees", OFF_ROLL, world.branch_a1, outsider)
    assert not Meeting.objects.exists()


def test_a_meeting_in_the_future_is_refused_beside_the_date(secretary, world, branch):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    response = secretary.post(
        CREATE, meeting_form(organization=world.branch_a1.pk, held_on=tomorrow.isoformat())
    )
    assert field_errors(response, "held_on") == [zh("The date cannot be in the future.")]


def test_the_edit_shows_who_attended_and_a_stale_one_changes_nothing(secretary, world, branch):
    actor = world.users["secretary_a1"]
    meeting = meeting_record(
        actor=actor, kind=MeetingKind.LECTURE, topic="党课", attendees=branch.members[:2]
    )
    url = reverse("members:meeting-edit", args=[meeting.pk])
    form = secretary.get(url).context["form"]
    assert sorted(form.initial["attendees"], key=lambda m: m.pk) == branch.members[:2]
    staff = world.users["staff_a"]
    meeting_update(actor=staff, meeting=meeting, expected_version=1, topic="党课（改）")
    response = secretary.post(
        url,
        meeting_form(
            organization=world.branch_a1.pk,
            kind=MeetingKind.LECTURE,
            topic="我的修改",
            attendees=[m.pk for m in branch.members],
            version=1,
        ),
    )
    assert response.status_code == 200
    assert (staff.get_full_name() or staff.get_username()) in response.context["conflict"]
    meeting.refresh_from_db()
    assert (meeting.topic, meeting.attendee_count, meeting.version) == ("党课（改）", 2, 2)


def test_the_edit_with_the_current_version_saves(secretary, world, branch):
    actor = world.users["secretary_a1"]
    meeting = meeting_record(
        actor=actor, kind=MeetingKind.LECTURE, topic="党课", attendees=branch.members[:2]
    )
    url = reverse("members:meeting-edit", args=[meeting.pk])
    everyone = [m.pk for m in branch.members]
    response = secretary.post(
        url,
        meeting_form(
            organization=world.branch_a1.pk, kind="lecture", topic="党课", attendees=everyone, version=1
        ),
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert (meeting.attendee_count, meeting.version) == (4, 2)


def test_a_meeting_of_another_township_answers_404(secretary, world):
    MemberFactory(branch=world.branch_b1)
    meeting = meeting_record(
        actor=world.users["root"], organization=world.branch_b1, kind="lecture", topic="x"
    )
    url = reverse("members:meeting-edit", args=[meeting.pk])
    assert secretary.get(url).status_code == 404


def test_township_staff_choose_the_branch_and_the_checklist_follows_it(client, world, branch):
    other = MemberFactory(branch=world.branch_a2)
    logged_in(client, world.users["staff_a"])
    response = client.get(CREATE)
    form = response.context["form"]
    assert set(form.fields["organization"].queryset) == {world.branch_a1, world.branch_a2}
    assert 'hx-select-oob="#field-attendees"' in response.content.decode()
    response = client.get(CREATE, {"organization": world.branch_a2.pk})
    shown = {pk for pk, _label in response.context["form"].fields["attendees"].widget.choices}
    assert shown == {other.pk}


def _queries_of_the_form(client, world, roll: int) -> int:
    MemberFactory.create_batch(roll, branch=world.branch_a1)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(CREATE)
    assert response.status_code == 200
    assert response.content.decode().count('name="attendees"') >= roll
    return len(captured)


def test_the_form_takes_the_same_queries_for_a_roll_of_5_and_of_60(world):
    from django.test import Client

    small, large = Client(), Client()
    logged_in(small, world.users["secretary_a1"])
    first = _queries_of_the_form(small, world, 5)
    logged_in(large, world.users["secretary_a1"])
    second = _queries_of_the_form(large, world, 55)
    assert first == second
    assert first <= 20
