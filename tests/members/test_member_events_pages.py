"""The transfer, status change and probation extension pages, linked from the member archive: each calls its
service (members/services/roster.py), shows every error of one submission at once and writes nothing then,
keeps to the role table (out of scope 404; the extension needs ``review``, 403) and returns to the archive."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from members.models import Member
from members.models import MemberEvent
from members.models import MemberEventKind
from tests.utils.factories import MemberFactory
from tests.utils.factories import OrganizationFactory
from tests.utils.factories_entry import field_errors
from tests.utils.factories_entry import zh

pytestmark = pytest.mark.django_db


def today():
    """The server's today, read when the test runs (a run may cross midnight in the county's time zone)."""
    return timezone.localdate()


def tomorrow():
    return today() + dt.timedelta(days=1)


def url(name, member):
    return reverse(f"members:member-{name}", args=[member.pk])


def archive(member):
    return reverse("members:member-archive", args=[member.pk])


def probationary(branch):
    return MemberFactory(
        branch=branch, category="probationary", confirmed_on=None, joined_on=today() - dt.timedelta(days=200)
    )


@pytest.fixture
def member(world):
    return MemberFactory(branch=world.branch_a1, name="王德明")


# --- transfer ---------------------------------------------------------------------------------------------


def test_township_staff_transfer_a_member_and_come_back_to_the_archive(world, member):
    client = world.page_client("staff_a")
    data = {
        "to_branch": world.branch_a2.pk,
        "on": today().isoformat(),
        "reason": "搬迁",
        "version": member.version,
    }
    response = client.post(url("transfer", member), data)
    assert response.status_code == 302 and response["Location"] == archive(member)
    member.refresh_from_db()
    event = MemberEvent.objects.get(member=member)
    assert member.branch == world.branch_a2
    assert (event.kind, event.from_branch, event.to_branch, event.reason) == (
        MemberEventKind.TRANSFER, world.branch_a1, world.branch_a2, "搬迁",
    )  # fmt: skip
    assert world.branch_a2.name in client.get(archive(member)).content.decode()


def test_every_error_of_a_transfer_comes_back_at_once_and_nothing_moves(world, member):
    response = world.page_client("staff_a").post(url("transfer", member), {"to_branch": "", "on": tomorrow()})
    assert response.status_code == 200
    assert field_errors(response, "to_branch") and field_errors(response, "on") == [
        zh("The date cannot be in the future.")
    ]
    assert len(response.context["error_summary"]) == 2
    assert 'id="error-summary"' in response.content.decode()
    member.refresh_from_db()
    assert member.branch == world.branch_a1 and not MemberEvent.objects.exists()


def test_the_branches_offered_are_the_actors_others_in_the_members_county(world, member):
    OrganizationFactory(parent=world.township_a, dissolved_on=dt.date(2020, 1, 1), name="已撤销村党支部")
    offered = world.page_client("county_admin").get(url("transfer", member)).context["form"]
    choices = {o.pk for o in offered.fields["to_branch"].queryset}
    assert choices == {world.branch_a2.pk, world.branch_b1.pk}
    root = world.page_client("root").get(url("transfer", member)).context["form"]
    assert world.branch_z1 not in root.fields["to_branch"].queryset  # another county: a status change


def test_a_transfer_into_a_branch_not_offered_is_refused_beside_the_field(world, member):
    response = world.page_client("staff_a").post(
        url("transfer", member), {"to_branch": world.branch_b1.pk, "on": today().isoformat()}
    )
    assert field_errors(response, "to_branch")
    assert Member.objects.get(pk=member.pk).branch == world.branch_a1


def test_the_archive_offers_the_transfer_only_to_those_with_a_branch_to_move_to(world, member):
    shown = {
        who: 'id="archive-transfer"' in world.page_client(who).get(archive(member)).content.decode()
        for who in ("staff_a", "secretary_a1", "viewer_a")
    }
    assert shown == {"staff_a": True, "secretary_a1": False, "viewer_a": False}


@pytest.mark.parametrize(("who", "status"), [("viewer_a", 404), ("staff_b", 404), ("nobody", 404)])
def test_those_who_may_not_change_the_member_do_not_find_the_pages(world, member, who, status):
    for name in ("transfer", "change-status", "extend-probation"):
        assert world.page_client(who).get(url(name, member)).status_code == status, name


# --- status change ----------------------------------------------------------------------------------------


def test_the_secretary_records_lost_contact_with_the_reason(world, member):
    data = {
        "status": "lost_contact",
        "on": today().isoformat(),
        "reason": "外出务工失联",
        "version": member.version,
    }
    response = world.page_client("secretary_a1").post(url("change-status", member), data)
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.status == "lost_contact"
    assert MemberEvent.objects.get(member=member).reason == "外出务工失联"


def test_a_status_change_without_status_reason_or_a_real_date_lists_three_errors(world, member):
    response = world.page_client("secretary_a1").post(url("change-status", member), {"on": tomorrow()})
    assert field_errors(response, "status") == [zh("Choose the new status.")]
    assert field_errors(response, "reason") == [zh("Give the reason for the status change.")]
    assert field_errors(response, "on") == [zh("The date cannot be in the future.")]
    assert len(response.context["error_summary"]) == 3
    assert Member.objects.get(pk=member.pk).status == "normal"


def test_the_current_status_is_not_offered(world, member):
    form = world.page_client("secretary_a1").get(url("change-status", member)).context["form"]
    assert "normal" not in dict(form.fields["status"].choices)


# --- probation extension ----------------------------------------------------------------------------------


def test_township_staff_extend_a_probation_and_the_secretary_is_refused(world):
    member = probationary(world.branch_a1)
    data = {
        "months": 6,
        "on": today().isoformat(),
        "reason": "考察期表现需进一步观察",
        "version": member.version,
    }
    assert world.page_client("secretary_a1").post(url("extend-probation", member), data).status_code == 403
    assert (
        'id="archive-extend"' not in world.page_client("secretary_a1").get(archive(member)).content.decode()
    )
    assert 'id="archive-extend"' in world.page_client("staff_a").get(archive(member)).content.decode()
    response = world.page_client("staff_a").post(url("extend-probation", member), data)
    assert response.status_code == 302
    assert Member.objects.get(pk=member.pk).probation_extension_months == 6


def test_an_extension_out_of_range_without_a_reason_lists_both_errors(world):
    member = probationary(world.branch_a1)
    response = world.page_client("staff_a").post(
        url("extend-probation", member), {"months": 3, "on": today()}
    )
    assert field_errors(response, "months") == [zh("An extension lasts from 6 to 12 months.")]
    assert field_errors(response, "reason") == [zh("Give the reason for the extension.")]
    assert Member.objects.get(pk=member.pk).probation_extension_months is None
