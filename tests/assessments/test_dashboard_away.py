"""The members-away card of the township and county dashboards (docs/mobile-members.md): members away today
and those out of contact, for each organization right below."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.utils.factories_mobile import contact
from tests.utils.factories_mobile import send_away

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("where", "below", "other"),
    [("county", "township_a", "township_b"), ("township_a", "branch_a1", "branch_a2")],
)
def test_the_dashboard_counts_members_away_and_out_of_contact_for_each_organization_below(
    world, where, below, other
):
    today = timezone.localdate()
    actor = world.users["county_admin"]
    send_away(actor, branch=world.branch_a1, left_on=today - dt.timedelta(days=400))
    heard = send_away(actor, branch=world.branch_a1, left_on=today - dt.timedelta(days=400))
    contact(actor, heard, today - dt.timedelta(days=10))
    organization = getattr(world, where)
    response = world.page_client("county_admin").get(reverse("assessments:dashboard", args=[organization.pk]))
    rows = {row["organization"].pk: row for row in response.context["away"]["rows"]}
    counts = {pk: (row["away"], row["out_of_contact"]) for pk, row in rows.items()}
    assert counts[getattr(world, below).pk] == (2, 1)
    assert counts[getattr(world, other).pk] == (0, 0)
    html = response.content.decode()
    card = html[html.index('id="away-summary"') :]
    assert getattr(world, below).name in card
    assert f"?within={organization.pk}&amp;out_of_contact=true" in card
