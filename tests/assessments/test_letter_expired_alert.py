"""The expired transfer letter alert (docs/transfers.md, "Expired letters"): letters issued out of the county,
past their last valid day with neither delivery nor confirmation, one alert per branch, set-based."""

import datetime as dt

import pytest

from assessments.models import AlertKind
from assessments.models import QuotaRun
from assessments.quota.engine import run_quota
from assessments.selectors.quotas import published_alerts
from members.services.transfers import letter_cancel
from members.services.transfers import letter_mark_delivered
from tests.utils.factories import MemberFactory
from tests.utils.factories_transfers import issue

pytestmark = pytest.mark.django_db
ISSUED = dt.date(2026, 5, 1)  # thirty days: valid until 30 May


def run(world, today: dt.date):
    run_quota(QuotaRun.objects.create(organization=world.county, year=today.year), today=today)
    return [
        a
        for a in published_alerts(year=today.year, organization=world.county)
        if a.kind == AlertKind.LETTER_EXPIRED
    ]


def letter(world, branch=None, **data):
    return issue(
        world.users["root"], MemberFactory(branch=branch or world.branch_a1), issued_on=ISSUED, **data
    )


def test_a_letter_is_an_alert_from_the_day_after_its_last_valid_day(world):
    late = letter(world, number="A-1")
    assert run(world, dt.date(2026, 5, 30)) == []
    (alert,) = run(world, dt.date(2026, 6, 2))
    assert alert.organization == world.branch_a1
    assert alert.detail["letters"] == 1 and alert.detail["days_expired"] == 3
    assert alert.detail["expired"][0]["number"] == "A-1"
    assert alert.detail["expired"][0]["id"] == late.pk


def test_delivered_cancelled_and_foreign_letters_raise_none(world):
    actor = world.users["root"]
    letter_mark_delivered(actor=actor, letter=letter(world), on=ISSUED)
    letter_cancel(actor=actor, letter=letter(world), on=ISSUED, reason="未外出")
    letter(world, branch=world.branch_z1)  # the other county: outside the run
    assert run(world, dt.date(2026, 7, 1)) == []


def test_one_alert_per_branch_counts_its_letters(world):
    for branch in (world.branch_a1, world.branch_a1, world.branch_b1):
        letter(world, branch=branch)
    alerts = {a.organization_id: a.detail["letters"] for a in run(world, dt.date(2026, 7, 1))}
    assert alerts == {world.branch_a1.pk: 2, world.branch_b1.pk: 1}
