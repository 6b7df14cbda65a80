"""Admin object pages (change, delete, history, a past version) answer 404 for an object outside the user's
scope, exactly like a missing one (branches/scope/admin.py)."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.utils.factories import MemberFactory
from tests.utils.factories_pipeline import ApplicantFactory
from tests.utils.factories_records import ActivityRoomFactory

pytestmark = pytest.mark.django_db

MAKERS = {
    "members_member": lambda branch: MemberFactory(branch=branch),
    "members_applicant": lambda branch: ApplicantFactory(branch=branch),
    "branches_activityroom": lambda branch: ActivityRoomFactory(organization=branch),
}
PAGES = ["change", "delete", "history"]


def _client(world, who):
    client = Client()
    client.force_login(world.users[who])
    return client


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("model", sorted(MAKERS))
@pytest.mark.parametrize(("who", "foreign"), [("staff_a", "branch_b1"), ("county_admin", "branch_z1")])
def test_a_foreign_object_page_is_a_404_like_a_missing_one(world, model, page, who, foreign):
    obj = MAKERS[model](getattr(world, foreign))
    client = _client(world, who)
    assert client.get(reverse(f"admin:{model}_{page}", args=[obj.pk])).status_code == 404
    assert client.get(reverse(f"admin:{model}_{page}", args=[10**9])).status_code == 404


@pytest.mark.parametrize("model", sorted(MAKERS))
def test_a_foreign_past_version_is_a_404(world, model):
    obj = MAKERS[model](world.branch_b1)
    record = obj.history.first()
    url = reverse(f"admin:{model}_simple_history", args=[obj.pk, record.history_id])
    assert _client(world, "staff_a").get(url).status_code == 404


def test_an_own_object_history_still_opens(world):
    member = MemberFactory(branch=world.branch_a1)
    response = _client(world, "staff_a").get(reverse("admin:members_member_history", args=[member.pk]))
    assert response.status_code == 200
