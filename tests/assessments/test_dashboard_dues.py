"""The dues card of the township and county dashboards (docs/dues.md, "Summaries"): this month's dues of
the organization and of each one right below it, with the Excel link of the API's summary (the year)."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.utils.factories import MemberFactory
from tests.utils.factories_dues import declare
from tests.utils.factories_dues import pay

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("where", "below"), [("county", "township_a"), ("township_a", "branch_a1")])
def test_the_dashboard_shows_this_months_dues_of_each_organization_below(world, where, below):
    today = timezone.localdate()
    year = today.year
    member = MemberFactory(branch=world.branch_a1, joined_on=dt.date(2020, 1, 1))
    declare(world.users["county_admin"], member, year=year, income="4000")
    pay(world.users["county_admin"], member, today.replace(day=1), "40.00", paid_on=today)
    organization = getattr(world, where)
    page = world.page_client("county_admin").get(reverse("assessments:dashboard", args=[organization.pk]))
    html = page.content.decode()
    card = html[html.index('id="dues-summary"') :]
    assert getattr(world, below).name in card and "40.00" in card and f"{today:%Y-%m}" in card
    assert f"summary/?organization={organization.pk}&amp;year={year}&amp;format=xlsx" in card
