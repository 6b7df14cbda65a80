"""The pages of members working away (docs/mobile-members.md): the list with each member's last contact, the
phone pages that record leaving, coming back and a contact, the archive's sections and the branch page's
counts — each a fixed number of queries whatever the number of members away."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from members.models import AwayContact
from members.models import AwayRecord
from members.models import Member
from members.selectors.mobile import out_of_contact_before
from tests.utils.factories import MemberFactory
from tests.utils.factories_mobile import contact
from tests.utils.factories_mobile import send_away

pytestmark = pytest.mark.django_db
LIST = reverse("members:awayrecord-list")


def silent_since(today=None):
    """A day just before the cutoff: a member heard from then is out of contact today."""
    return out_of_contact_before(today or timezone.localdate()) - dt.timedelta(days=1)


def test_the_list_shows_members_away_with_their_last_contact_out_of_contact_first(world):
    root = world.users["root"]
    recent = send_away(root, branch=world.branch_a1, left_on=dt.date(2024, 1, 1))
    contact(root, recent, timezone.localdate())
    silent = send_away(root, branch=world.branch_a1, left_on=silent_since())
    html = world.page_client("secretary_a1").get(LIST).content.decode()
    assert html.index(silent.member.name) < html.index(recent.member.name)
    assert f"{timezone.localdate():%Y-%m-%d}" in html
    page = world.page_client("staff_a").get(LIST, {"out_of_contact": "true", "within": world.branch_a1.pk})
    html = page.content.decode()
    assert silent.member.name in html and recent.member.name not in html


def test_the_list_takes_the_same_queries_for_1_and_7_members_away(world):
    client = world.page_client("staff_a")
    send_away(world.users["root"], branch=world.branch_a1)
    client.get(LIST)
    with CaptureQueriesContext(connection) as few:
        assert client.get(LIST).status_code == 200
    for _ in range(6):
        away = send_away(world.users["root"], branch=world.branch_a2)
        contact(world.users["root"], away, dt.date(2025, 5, 1))
    with CaptureQueriesContext(connection) as many:
        assert client.get(LIST).status_code == 200
    assert len(many) == len(few)


def test_a_secretary_records_leaving_a_contact_and_coming_back(world):
    member = MemberFactory(branch=world.branch_a1, joined_on=dt.date(2010, 1, 1))
    client = world.page_client("secretary_a1")
    today = timezone.localdate()
    left = {
        "member": member.pk,
        "destination": "广东省东莞市",
        "work_unit": "东莞某五金厂",
        "contact_name": "李明",
        "contact_phone": "13912345678",
        "host_organization": "东莞长安镇流动党员党支部",
        "left_on": f"{today - dt.timedelta(days=30):%Y-%m-%d}",
    }
    assert client.post(reverse("members:awayrecord-create"), left).status_code == 302
    away = AwayRecord.objects.get(member=member)
    assert Member.objects.get(pk=member.pk).is_mobile
    said = {"away": away.pk, "contacted_on": f"{today:%Y-%m-%d}", "way": "phone", "note": "工作稳定"}
    assert client.post(reverse("members:awaycontact-create"), said).status_code == 302
    assert Member.objects.get(pk=member.pk).mobile_last_contact_on == today
    back = {"back_on": f"{today:%Y-%m-%d}", "version": away.version}
    assert client.post(reverse("members:awayrecord-back", args=[away.pk]), back).status_code == 302
    assert not Member.objects.get(pk=member.pk).is_mobile
    assert AwayContact.objects.count() == 1


def test_a_contact_before_leaving_is_refused_with_the_day_left(world):
    away = send_away(world.users["root"], branch=world.branch_a1, left_on=dt.date(2025, 3, 1))
    body = {"away": away.pk, "contacted_on": "2025-02-28", "way": "phone"}
    response = world.page_client("secretary_a1").post(reverse("members:awaycontact-create"), body)
    assert response.status_code == 200
    assert "2025-03-01" in response.content.decode()
    assert not AwayContact.objects.exists()


def test_a_foreign_spell_answers_404_on_the_entry_pages(world):
    foreign = send_away(world.users["root"], branch=world.branch_b1)
    client = world.page_client("secretary_a1")
    assert client.get(reverse("members:awayrecord-edit", args=[foreign.pk])).status_code == 404
    assert client.get(reverse("members:awayrecord-back", args=[foreign.pk])).status_code == 404
    body = {"away": foreign.pk, "contacted_on": "2025-06-01", "way": "phone"}
    assert client.post(reverse("members:awaycontact-create"), body).status_code == 200
    assert not AwayContact.objects.exists()


def test_the_archive_shows_the_spells_and_the_contacts(world):
    away = send_away(world.users["root"], branch=world.branch_a1)
    contact(world.users["root"], away, dt.date(2025, 6, 1), note="春节回乡")
    html = world.page_client("staff_a").get(reverse("members:member-archive", args=[away.member_id])).content
    html = html.decode()
    assert 'id="archive-away"' in html and 'id="archive-away_contacts"' in html
    assert "苏州工业园区流动党员党支部" in html and "春节回乡" in html
    assert "13800001234" not in html


def branch_page_queries(world, n: int) -> tuple[int, dict]:
    for _ in range(n):
        send_away(world.users["root"], branch=world.branch_a1, left_on=silent_since())
    client = world.page_client("secretary_a1")
    url = reverse("assessments:branch-page", args=[world.branch_a1.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    return len(queries), response.context["away"]


def test_the_branch_page_counts_members_away_and_out_of_contact_in_fixed_queries(world):
    few, counts = branch_page_queries(world, 1)
    assert counts == {"away": 1, "out_of_contact": 1}
    contact(world.users["root"], AwayRecord.objects.get(), timezone.localdate())
    many, counts = branch_page_queries(world, 5)
    assert counts == {"away": 6, "out_of_contact": 5}
    assert few == many
