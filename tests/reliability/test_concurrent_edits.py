"""Two people edit one member at the same moment (docs/scale.md): exactly one write lands, the other gets the
conflict and changes nothing. Real concurrency needs real transactions, so this runs on PostgreSQL with two
threads, each with its own connection, released together by a barrier after both have read version 1."""

import threading

import pytest
from django.urls import reverse

from members.models import Member
from tests.utils.factories import MemberFactory
from tests.utils.threads import run_at_once

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def race(world, member, edits: dict[str, dict]) -> dict[str, int]:
    """Each user PATCHes ``edits[user]`` at once; returns each user's HTTP status."""
    both_ready = threading.Barrier(len(edits), timeout=10)
    statuses = {}

    def edit(who, body):
        client = world.client(who)
        url = reverse("member-detail", args=[member.pk])
        version = client.get(url).json()["version"]
        both_ready.wait()
        statuses[who] = client.patch(url, {**body, "version": version}, format="json").status_code

    run_at_once(edit, edits.items())
    return statuses


def test_two_concurrent_edits_of_one_member_exactly_one_wins(require_postgres, world):
    member = MemberFactory(branch=world.branch_a1, address="旧地址")

    statuses = race(
        world, member, {"county_admin": {"address": "县里改的"}, "staff_a": {"address": "镇里改的"}}
    )

    assert sorted(statuses.values()) == [200, 409], statuses
    winner = next(who for who, status in statuses.items() if status == 200)
    member.refresh_from_db()
    assert member.version == 2
    assert member.address == {"county_admin": "县里改的", "staff_a": "镇里改的"}[winner]
    changes = Member.history.filter(id=member.pk, history_type="~")
    assert [change.history_user for change in changes] == [world.users[winner]]


def test_the_loser_learns_who_changed_the_record(require_postgres, world):
    member = MemberFactory(branch=world.branch_a1)
    client = world.client("staff_a")
    url = reverse("member-detail", args=[member.pk])
    stale = client.get(url).json()["version"]
    world.client("county_admin").patch(url, {"address": "先到", "version": stale}, format="json")

    response = client.patch(url, {"address": "后到", "version": stale}, format="json")

    assert response.status_code == 409
    admin = world.users["county_admin"]
    body = response.json()
    assert body["current_version"] == 2
    assert body["changed_by"] in {admin.get_full_name(), admin.username}
    member.refresh_from_db()
    assert member.address == "先到"
