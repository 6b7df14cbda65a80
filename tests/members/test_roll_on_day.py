"""The roll of an organization on a day (docs/records.md, "On the roll on a day"): every record naming members
is judged by the day it happened, however late it is entered. A member transferred from branch B (a1) to
branch C (a2) on 19 June belongs to C from that day on, to B the day before."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from assessments.services.appraisals import appraisal_record
from branches.tabular.importing import import_table
from members.models import CadrePost
from members.models import Meeting
from members.models import MeetingKind
from members.models import MemberStatus
from members.models import Training
from members.resources import MeetingResource
from members.selectors.roster import off_roll_on
from members.selectors.roster import roll_on
from members.services import activities as services
from members.services.cadres import cadre_appoint
from members.services.roster import member_change_status
from members.services.roster import member_transfer
from tests.utils.factories import MemberFactory
from tests.utils.factories_entry import logged_in
from tests.utils.import_files import csv_bytes
from tests.utils.import_files import upload

pytestmark = pytest.mark.django_db

MOVED = dt.date(2024, 6, 19)
BEFORE, AFTER = MOVED - dt.timedelta(days=1), MOVED + dt.timedelta(days=1)
DIED = dt.date(2024, 9, 10)


@pytest.fixture
def moved(world):
    """Joined long ago in B, transferred to C on 19 June (entered now, after every meeting below)."""
    member = MemberFactory(branch=world.branch_a1, name="转接党员")
    return member_transfer(actor=world.users["staff_a"], member=member, to_branch=world.branch_a2, on=MOVED)


def meeting(world, branch, day, attendees=(), topic="党课"):
    return services.meeting_record(
        actor=world.users["staff_a"],
        organization=branch,
        kind=MeetingKind.LECTURE,
        topic=topic,
        held_on=day,
        attendees=attendees,
    )


def accepted(call) -> bool:
    try:
        call()
    except ValidationError:
        return False
    return True


# --- the selector -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "in_b", "in_c"), [(BEFORE, True, False), (MOVED, False, True), (AFTER, False, True)]
)
def test_the_roll_follows_the_transfer_from_its_day(world, moved, day, in_b, in_c):
    assert (moved in roll_on(world.branch_a1, day)) is in_b
    assert (moved in roll_on(world.branch_a2, day)) is in_c
    assert moved in roll_on(world.township_a, day)


@pytest.mark.parametrize(("day", "on_roll"), [(DIED - dt.timedelta(days=1), True), (DIED, False)])
def test_a_status_change_takes_the_member_off_the_roll_from_its_day(world, day, on_roll):
    member = MemberFactory(branch=world.branch_a1)
    member_change_status(
        actor=world.users["staff_a"], member=member, status=MemberStatus.DECEASED, on=DIED, reason="病故"
    )
    assert (member in roll_on(world.branch_a1, day)) is on_roll


@pytest.mark.parametrize(("day", "on_roll"), [(dt.date(2024, 7, 1), True), (dt.date(2024, 6, 30), False)])
def test_a_member_is_on_the_roll_from_the_day_they_joined(world, day, on_roll):
    member = MemberFactory(branch=world.branch_a1, joined_on=dt.date(2024, 7, 1), confirmed_on=None)
    assert (member in roll_on(world.branch_a1, day)) is on_roll


def test_the_first_later_event_tells_where_a_member_stood(world):
    member = MemberFactory(branch=world.branch_a1)
    staff = world.users["staff_a"]
    member_transfer(actor=staff, member=member, to_branch=world.branch_a2, on=dt.date(2024, 3, 1))
    member_change_status(
        actor=staff, member=member, status="lost_contact", on=dt.date(2024, 4, 1), reason="外出"
    )
    member_transfer(actor=staff, member=member, to_branch=world.branch_a1, on=dt.date(2024, 5, 1))
    member_change_status(actor=staff, member=member, status="left", on=dt.date(2024, 6, 1), reason="退党")
    rolls = {
        day: [branch for branch in (world.branch_a1, world.branch_a2) if member in roll_on(branch, day)]
        for day in (dt.date(2024, 2, 29), dt.date(2024, 3, 1), dt.date(2024, 4, 1), dt.date(2024, 5, 1))
    }
    assert rolls == {
        dt.date(2024, 2, 29): [world.branch_a1],
        dt.date(2024, 3, 1): [world.branch_a2],
        dt.date(2024, 4, 1): [world.branch_a2],  # lost contact is still on the roll
        dt.date(2024, 5, 1): [world.branch_a1],
    }
    assert member not in roll_on(world.township_a, dt.date(2024, 6, 1))


@pytest.mark.parametrize("size", [1, 40])
def test_the_roll_is_one_query_whatever_its_size(world, django_assert_num_queries, size):
    members = MemberFactory.create_batch(size, branch=world.branch_a1)
    for member in members[::2]:
        member_transfer(actor=world.users["staff_a"], member=member, to_branch=world.branch_a2, on=MOVED)
    with django_assert_num_queries(1):
        assert len(list(roll_on(world.branch_a1, BEFORE))) == size
    with django_assert_num_queries(1):
        assert roll_on(world.branch_a2, MOVED).count() == len(members[::2])
    with django_assert_num_queries(1):
        assert len(off_roll_on(world.branch_a1, MOVED, [m.pk for m in members])) == len(members[::2])


# --- meetings: services, API, entry page, import ------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "at_b", "at_c"), [(BEFORE, True, False), (MOVED, False, True), (AFTER, False, True)]
)
def test_a_meeting_accepts_the_member_on_the_roll_of_its_day(world, moved, day, at_b, at_c):
    assert accepted(lambda: meeting(world, world.branch_a1, day, [moved])) is at_b
    assert accepted(lambda: meeting(world, world.branch_a2, day, [moved])) is at_c


def test_a_lecture_at_b_entered_after_the_transfer_accepts_him_and_c_refuses_him(world, moved):
    lecture = meeting(world, world.branch_a1, dt.date(2024, 4, 12), [moved])
    assert list(lecture.attendees.all()) == [moved]
    with pytest.raises(ValidationError) as refused:
        meeting(world, world.branch_a2, dt.date(2024, 3, 26), [moved])
    (message,) = refused.value.message_dict["attendees"]
    assert "转接党员" in message and "2024-03-26" in message


def test_members_expected_is_the_roll_on_the_day_held(world, moved):
    MemberFactory.create_batch(2, branch=world.branch_a2)
    assert meeting(world, world.branch_a2, dt.date(2024, 3, 26)).members_expected == 2
    assert meeting(world, world.branch_a2, MOVED).members_expected == 3
    assert meeting(world, world.branch_a1, BEFORE).members_expected == 1
    assert meeting(world, world.branch_a1, MOVED).members_expected == 0


def test_an_edit_moving_the_meeting_to_another_day_judges_its_attendees_on_it(world, moved):
    lecture = meeting(world, world.branch_a1, BEFORE, [moved])
    services.meeting_update(actor=world.users["staff_a"], meeting=lecture, topic="党课（改）")
    with pytest.raises(ValidationError):
        services.meeting_update(actor=world.users["staff_a"], meeting=lecture, held_on=MOVED)


def test_the_api_judges_a_back_dated_meeting_on_its_day(world, moved):
    client = world.client("staff_a")
    payload = {"organization": world.branch_a1.pk, "kind": "lecture", "topic": "补录党课"}
    response = client.post(
        reverse("meeting-list"), {**payload, "held_on": "2024-04-12", "attendees": [moved.pk]}, format="json"
    )
    assert response.status_code == 201, response.content
    assert (response.json()["members_expected"], response.json()["attendee_count"]) == (1, 1)
    payload |= {"organization": world.branch_a2.pk, "held_on": "2024-03-26", "attendees": [moved.pk]}
    response = client.post(reverse("meeting-list"), payload, format="json")
    assert response.status_code == 400
    assert "转接党员" in str(response.json())


def _shown(response) -> set[int]:
    return {pk for pk, _label in response.context["form"].fields["attendees"].widget.choices}


def test_the_entry_checklist_shows_the_roll_of_the_meetings_day(client, world, moved):
    logged_in(client, world.users["staff_a"])
    create = reverse("members:meeting-create")
    assert moved.pk in _shown(
        client.get(create, {"organization": world.branch_a1.pk, "held_on": "2024-06-18"})
    )
    assert moved.pk not in _shown(
        client.get(create, {"organization": world.branch_a1.pk, "held_on": "2024-06-19"})
    )
    assert moved.pk not in _shown(client.get(create, {"organization": world.branch_a1.pk}))  # today's roll
    assert moved.pk in _shown(client.get(create, {"organization": world.branch_a2.pk}))
    page = client.get(create).content.decode()
    assert 'name="held_on"' in page and "hx-include" in page


def test_the_entry_page_records_a_back_dated_meeting(client, world, moved):
    logged_in(client, world.users["staff_a"])
    data = {"organization": world.branch_a1.pk, "kind": "lecture", "held_on": "2024-04-12", "topic": "补录"}
    response = client.post(
        reverse("members:meeting-create"), {**data, "speaker": "", "minutes": "", "attendees": [moved.pk]}
    )
    assert response.status_code == 302
    assert list(Meeting.objects.get().attendees.all()) == [moved]
    edit = client.get(reverse("members:meeting-edit", args=[Meeting.objects.get().pk]))
    assert moved.pk in _shown(edit)


def test_an_import_counts_each_meeting_on_its_own_day(world, moved):
    MemberFactory(branch=world.branch_a2)
    header = ["组织编码", "会议类型", "召开日期", "主题"]
    rows = [
        [world.branch_a1.code, "党课", "2024-06-18", "一"],
        [world.branch_a1.code, "党课", "2024-06-19", "二"],
        [world.branch_a2.code, "党课", "2024-06-18", "三"],
        [world.branch_a2.code, "党课", "2024-06-19", "四"],
    ]
    actor = world.users["staff_a"]
    report = import_table(
        actor=actor,
        resource=MeetingResource(actor=actor),
        upload=upload(csv_bytes([header, *rows]), "meetings.csv"),
        dry_run=False,
    )
    assert report.committed, report.as_dict()
    expected = dict(Meeting.objects.values_list("topic", "members_expected"))
    assert expected == {"一": 1, "二": 0, "三": 1, "四": 2}
    history = Meeting.history.filter(topic="四").get()
    assert (history.members_expected, history.history_user) == (2, actor)


# --- trainings, appraisals, cadre posts ---------------------------------------------------------------


@pytest.mark.parametrize(("day", "at_b", "at_c"), [(BEFORE, True, False), (MOVED, False, True)])
def test_a_training_takes_members_on_the_organizers_roll_on_its_first_day(world, moved, day, at_b, at_c):
    def train(organizer):
        return services.training_record(
            actor=world.users["staff_a"],
            organizer=organizer,
            audience="members",
            held_on=day,
            days=3,
            topic=f"冬训{organizer.pk}",
            member_attendees=[moved],
        )

    assert accepted(lambda: train(world.branch_a1)) is at_b
    assert accepted(lambda: train(world.branch_a2)) is at_c
    assert Training.objects.count() == 1


@pytest.mark.parametrize(("day", "branch"), [(BEFORE, "branch_a1"), (MOVED, "branch_a2")])
def test_an_appraisal_belongs_to_the_branch_of_its_day(world, moved, day, branch):
    appraisal = appraisal_record(
        actor=world.users["staff_a"], member=moved, year=2024, grade="qualified", appraised_on=day
    )
    assert appraisal.branch == getattr(world, branch)


@pytest.mark.parametrize(("day", "ok"), [(DIED - dt.timedelta(days=1), True), (DIED, False)])
def test_an_appraisal_needs_the_member_on_the_roll_on_its_day(world, day, ok):
    member = MemberFactory(branch=world.branch_a1)
    member_change_status(
        actor=world.users["staff_a"], member=member, status=MemberStatus.DECEASED, on=DIED, reason="病故"
    )
    call = lambda: appraisal_record(  # noqa: E731
        actor=world.users["staff_a"], member=member, year=2024, grade="qualified", appraised_on=day
    )
    assert accepted(call) is ok


@pytest.mark.parametrize(("day", "at_b", "at_c"), [(BEFORE, True, False), (MOVED, False, True)])
def test_a_branch_post_needs_the_member_on_the_roll_when_the_term_starts(world, moved, day, at_b, at_c):
    def appoint(branch):
        return cadre_appoint(
            actor=world.users["staff_a"],
            organization=branch,
            post=CadrePost.BRANCH_COMMITTEE,
            member=moved,
            started_on=day,
            ended_on=day,
        )

    assert accepted(lambda: appoint(world.branch_a1)) is at_b
    assert accepted(lambda: appoint(world.branch_a2)) is at_c
