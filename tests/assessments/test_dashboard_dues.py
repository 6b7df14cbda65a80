"""The dues card of the township and county dashboards (docs/dues.md, "Summaries"): this month's dues of
the organization and of each one right below it, with the Excel link of the API's summary (the year). The
dashboard sends the card's heading and link at once and loads its figures from a page of their own."""

import datetime as dt
import re
from html import unescape

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.utils.factories import MemberFactory
from tests.utils.factories_dues import declare
from tests.utils.factories_dues import pay

pytestmark = pytest.mark.django_db


def card_of(html: str) -> str:
    start = html.index('id="dues-summary"')
    return html[start : html.index("</section>", start)]


def figures_url(card: str) -> str:
    return unescape(re.search(r'hx-get="([^"]+)"', card).group(1))


@pytest.mark.parametrize(("where", "below"), [("county", "township_a"), ("township_a", "branch_a1")])
def test_the_dashboard_shows_this_months_dues_of_each_organization_below(world, where, below):
    today = timezone.localdate()
    year = today.year
    member = MemberFactory(branch=world.branch_a1, joined_on=dt.date(2020, 1, 1))
    declare(world.users["county_admin"], member, year=year, income="4000")
    pay(world.users["county_admin"], member, today.replace(day=1), "40.00", paid_on=today)
    organization = getattr(world, where)
    client = world.page_client("county_admin")
    page = client.get(reverse("assessments:dashboard", args=[organization.pk]))
    pending = card_of(page.content.decode())
    assert f"{today:%Y-%m}" in pending and "40.00" not in pending
    assert f"summary/?organization={organization.pk}&amp;year={year}&amp;format=xlsx" in pending

    card = card_of(client.get(figures_url(pending)).content.decode())
    assert getattr(world, below).name in card and "40.00" in card and f"{today:%Y-%m}" in card
    assert f"summary/?organization={organization.pk}&amp;year={year}&amp;format=xlsx" in card
    assert "hx-get" not in card  # the figures replace the card once, and load nothing more


def test_a_past_years_card_adds_up_its_december(world):
    year = timezone.localdate().year - 1
    member = MemberFactory(branch=world.branch_a1, joined_on=dt.date(2020, 1, 1))
    declare(world.users["county_admin"], member, year=year, income="4000")
    pay(world.users["county_admin"], member, dt.date(year, 11, 1), "40.00", paid_on=dt.date(year, 11, 5))
    url = reverse("assessments:dashboard-dues", args=[world.township_a.pk])
    november_only = card_of(world.page_client("staff_a").get(url, {"year": year}).content.decode())
    assert f"{year}-12" in november_only and "100.0%" not in november_only  # December due, not paid
    pay(world.users["county_admin"], member, dt.date(year, 12, 1), "40.00", paid_on=dt.date(year, 12, 5))
    card = card_of(world.page_client("staff_a").get(url, {"year": year}).content.decode())
    assert "100.0%" in card


@pytest.mark.parametrize(
    ("who", "where"),
    [("staff_a", "township_b"), ("staff_a", "county"), ("secretary_a1", "township_a"), ("nobody", "county")],
)
def test_the_cards_figures_outside_the_users_scope_answer_404(world, who, where):
    url = reverse("assessments:dashboard-dues", args=[getattr(world, where).pk])
    assert world.page_client(who).get(url).status_code == 404
    missing = reverse("assessments:dashboard-dues", args=[10**9])
    assert world.page_client(who).get(missing).status_code == 404


def test_anonymous_asking_for_the_cards_figures_is_sent_to_log_in(world):
    response = Client().get(reverse("assessments:dashboard-dues", args=[world.county.pk]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_bad_year_gives_this_years_card_instead_of_failing(world):
    url = reverse("assessments:dashboard-dues", args=[world.township_a.pk])
    response = world.page_client("staff_a").get(url, {"year": "20x5"})
    assert response.status_code == 200 and f"{timezone.localdate():%Y-%m}" in response.content.decode()
