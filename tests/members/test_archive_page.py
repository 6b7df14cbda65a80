"""The member archive page (/people/members/<id>/): every section, masked personal fields, the reader's
scope (404 outside it, records held outside it left out), meetings attended and missed by the roll on the
day, and a fixed number of queries whatever the length of the history."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from members.models import MeetingKind
from members.models import MemberEventKind
from members.selectors.archive import ATTENDED
from members.selectors.archive import MISSED
from members.selectors.archive import member_archive
from tests.utils.factories import MemberFactory
from tests.utils.factories_activities import MeetingFactory
from tests.utils.factories_activities import TrainingFactory
from tests.utils.factories_archive import FULL_ADDRESS
from tests.utils.factories_archive import FULL_PHONE
from tests.utils.factories_archive import member_with_history
from tests.utils.factories_entry import zh
from tests.utils.factories_roster import MemberEventFactory

pytestmark = pytest.mark.django_db


def archive_url(member):
    return reverse("members:member-archive", args=[member.pk])


def tables(user, member) -> dict:
    return {table.key: table for table in member_archive(user=user, member=member).tables}


def test_every_section_of_the_history_is_on_the_page(world):
    member = member_with_history(world.branch_a1, world.branch_a2, 2)
    html = world.page_client("staff_a").get(archive_url(member)).content.decode()
    for section in ("record", "events", "development", "meetings", "trainings", "posts", "study"):
        assert f'id="archive-{section}"' in html
    assert 'id="archive-contact_points"' in html and 'id="archive-appraisals"' in html
    assert "工作调动" in html and world.branch_a2.name in html  # the transfer and its reason
    assert zh(MISSED) in html and zh(ATTENDED) in html


def test_personal_fields_are_masked_for_everyone_even_those_who_may_unmask(world):
    member = member_with_history(world.branch_a1, world.branch_a2, 1)
    for who in ("county_admin", "staff_a", "secretary_a1", "viewer_a"):
        html = world.page_client(who).get(archive_url(member)).content.decode()
        assert member.id_number not in html and FULL_PHONE not in html and FULL_ADDRESS not in html, who
        assert member.masked_id_number in html and "139****5678" in html, who


@pytest.mark.parametrize(("who", "status"), [("secretary_a1", 404), ("staff_a", 404), ("nobody", 403)])
def test_a_member_outside_the_readers_scope_answers_like_a_missing_one(world, who, status):
    foreign = MemberFactory(branch=world.branch_b1)
    client = world.page_client(who)
    assert client.get(archive_url(foreign)).status_code == status
    assert client.get(reverse("members:member-archive", args=[10**9])).status_code == status


def test_readers_open_the_archive_and_anonymous_users_log_in_first(world, client):
    member = MemberFactory(branch=world.branch_a1)
    for who in ("county_admin", "staff_a", "secretary_a1", "viewer_a", "root"):
        assert world.page_client(who).get(archive_url(member)).status_code == 200, who
    response = client.get(archive_url(member))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_the_page_costs_the_same_queries_for_a_short_and_a_long_history(world):
    short = member_with_history(world.branch_a1, world.branch_a2, 1, name="甲")
    long = member_with_history(world.branch_a1, world.branch_a2, 6, name="乙")
    client = world.page_client("staff_a")
    client.get(archive_url(short))  # warm the per-process caches
    counts = []
    for member in (short, long):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(archive_url(member)).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
    assert counts[0] <= 22, counts
    # Six attended, six missed, and the two meetings of the short history's branch-mate held meanwhile.
    assert len(tables(world.users["staff_a"], long)["meetings"].rows) == 14


def test_meetings_missed_are_whole_branch_meetings_of_the_branch_the_member_was_on_the_roll_of(world):
    member = MemberFactory(branch=world.branch_a1, joined_on=dt.date(2010, 7, 1))
    moved = dt.date(2024, 6, 1)
    MemberEventFactory(
        member=member, kind=MemberEventKind.TRANSFER, occurred_on=moved, from_branch=world.branch_a2,
        to_branch=world.branch_a1, from_status="", to_status="",
    )  # fmt: skip
    before_old = MeetingFactory(organization=world.branch_a2, held_on=dt.date(2024, 5, 10), topic="旧支部会")
    MeetingFactory(organization=world.branch_a2, held_on=dt.date(2024, 7, 10), topic="转出后旧支部会")
    MeetingFactory(organization=world.branch_a1, held_on=dt.date(2024, 5, 10), topic="转入前新支部会")
    on_the_day = MeetingFactory(organization=world.branch_a1, held_on=moved, topic="转入当天")
    MeetingFactory(organization=world.branch_a1, kind=MeetingKind.COMMITTEE, held_on=moved, topic="支委会")
    MeetingFactory(organization=world.branch_a1, held_on=dt.date(2009, 1, 1), topic="入党前")
    attended = MeetingFactory(
        organization=world.branch_a1, kind=MeetingKind.COMMITTEE, held_on=dt.date(2024, 8, 1),
        topic="列席支委会", attendees=[member],
    )  # fmt: skip
    rows = tables(world.users["staff_a"], member)["meetings"].rows
    shown = {row[2]: str(row[4]) for row in rows}
    assert shown == {
        before_old.topic: str(MISSED),
        on_the_day.topic: str(MISSED),
        attended.topic: str(ATTENDED),
    }


def test_records_held_outside_the_readers_scope_are_left_out(world):
    member = MemberFactory(branch=world.branch_a1)
    TrainingFactory(organizer=world.county, topic="县级培训", member_attendees=[member])
    TrainingFactory(organizer=world.branch_a1, topic="村级培训", member_attendees=[member])
    topics = {
        who: {row[1] for row in tables(world.users[who], member)["trainings"].rows}
        for who in ("county_admin", "secretary_a1")
    }
    assert topics == {"county_admin": {"县级培训", "村级培训"}, "secretary_a1": {"村级培训"}}
