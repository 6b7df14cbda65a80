"""Calling a member (docs/security.md, "Calling a member"): whoever keeps the records of the member's branch —
its secretary, the township staff and the county administrators above — may reveal the phone alone, as a
security event, and gets a tel: link; a viewer is refused (403) and a member outside the scope is missing
(404). The page and the API call the same service."""

import pytest
from django.urls import reverse

from branches.models import SecurityEvent
from branches.models import SecurityEventKind
from tests.utils.factories import MemberFactory

pytestmark = pytest.mark.django_db
PHONE = "13912345678"
ALLOWED = ["secretary_a1", "staff_a", "county_admin", "root"]


@pytest.fixture
def member(world):
    return MemberFactory(branch=world.branch_a1, phone=PHONE, address="甲县东镇东一村三组十二号院")


def reveal_url(member):
    return reverse("members:member-phone", args=[member.pk])


def api_url(member):
    return reverse("member-phone", args=[member.pk])


def unmask_events():
    return list(SecurityEvent.objects.filter(kind=SecurityEventKind.UNMASK))


@pytest.mark.parametrize("who", ALLOWED)
def test_the_branch_records_keepers_reveal_the_phone_as_a_logged_tel_link(world, member, who):
    response = world.page_client(who).post(reveal_url(member), HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert f'href="tel:{PHONE}"' in html
    assert member.id_number not in html and "三组十二号院" not in html
    (event,) = unmask_events()
    assert event.user == world.users[who] and event.organization == world.branch_a1
    assert event.detail == {
        "model": "members.member",
        "record": member.pk,
        "fields": ["phone"],
        "purpose": "call",
    }


def test_without_scripts_the_whole_archive_comes_back_with_the_number(world, member):
    response = world.page_client("secretary_a1").post(reveal_url(member))
    html = response.content.decode()
    assert response.status_code == 200 and 'id="archive-record"' in html and f'href="tel:{PHONE}"' in html


@pytest.mark.parametrize(("who", "status"), [("viewer_a", 403), ("staff_b", 404), ("nobody", 403)])
def test_others_are_refused_and_nothing_is_logged(world, member, who, status):
    response = world.page_client(who).post(reveal_url(member))
    assert response.status_code == status
    assert PHONE not in response.content.decode()
    assert unmask_events() == []


def test_a_secretary_cannot_reveal_another_branchs_member(world):
    other = MemberFactory(branch=world.branch_a2, phone=PHONE)
    assert world.page_client("secretary_a1").post(reveal_url(other)).status_code == 404
    assert unmask_events() == []


def test_the_reveal_is_a_post(world, member):
    assert world.page_client("secretary_a1").get(reveal_url(member)).status_code == 405


def test_the_button_is_shown_exactly_to_those_the_action_admits(world, member):
    archive = reverse("members:member-archive", args=[member.pk])
    for who, shown in (("secretary_a1", True), ("staff_a", True), ("viewer_a", False)):
        html = world.page_client(who).get(archive).content.decode()
        assert ('id="member-phone-show"' in html) is shown, who
        assert PHONE not in html
    assert unmask_events() == []


def test_a_member_without_a_phone_offers_no_button(world):
    member = MemberFactory(branch=world.branch_a1, phone="")
    archive = reverse("members:member-archive", args=[member.pk])
    assert 'id="member-phone-show"' not in world.page_client("secretary_a1").get(archive).content.decode()


@pytest.mark.parametrize(
    ("who", "status"), [*((who, 200) for who in ALLOWED), ("viewer_a", 403), ("staff_b", 404)]
)
def test_the_api_applies_the_same_rule(world, member, who, status):
    response = world.client(who).post(api_url(member))
    assert response.status_code == status
    if status == 200:
        assert response.json() == {"id": member.pk, "phone": PHONE}
        assert len(unmask_events()) == 1
    else:
        assert PHONE not in response.content.decode() and unmask_events() == []
