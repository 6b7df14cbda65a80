"""The out-of-contact alert (docs/mobile-members.md): a member away not contacted for six months, set-based
in the quota run; contact exactly six months before ``ref`` is in time, one day more is not."""

import datetime as dt

import pytest

from assessments.models import AlertKind
from assessments.models import QuotaRun
from assessments.quota.engine import run_quota
from assessments.selectors.quotas import published_alerts
from members.selectors.mobile import out_of_contact_before
from members.services.mobile import away_record_end
from tests.utils.factories_mobile import contact
from tests.utils.factories_mobile import send_away

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 6, 15)


def silent_alerts(world, today=TODAY):
    run_quota(QuotaRun.objects.create(organization=world.county, year=today.year), today=today)
    return [
        a
        for a in published_alerts(year=today.year, organization=world.county)
        if a.kind == AlertKind.OUT_OF_CONTACT
    ]


def test_six_months_to_the_day_is_in_time_one_day_more_is_not(world):
    root = world.users["root"]
    in_time = send_away(root, branch=world.branch_a1, left_on=dt.date(2025, 1, 1))
    contact(root, in_time, dt.date(2025, 12, 15))  # 15 June − 6 months: still in time
    late = send_away(root, branch=world.branch_a1, left_on=dt.date(2025, 1, 1))
    contact(root, late, dt.date(2025, 12, 14))
    (alert,) = silent_alerts(world)
    assert alert.organization_id == world.branch_a1.pk
    assert alert.detail["members"] == 1
    assert [row["id"] for row in alert.detail["silent"]] == [late.member_id]
    assert alert.detail["days_silent"] == (TODAY - dt.date(2025, 12, 14)).days


def test_no_contact_counts_from_the_day_left_and_a_member_back_is_no_alert(world):
    root = world.users["root"]
    send_away(root, branch=world.branch_a1, left_on=dt.date(2025, 12, 15))  # in time
    back = send_away(root, branch=world.branch_b1, left_on=dt.date(2024, 1, 1))
    away_record_end(actor=root, away=back, back_on=dt.date(2026, 1, 2))
    assert silent_alerts(world) == []
    send_away(root, branch=world.branch_b1, left_on=dt.date(2025, 12, 14))
    assert [a.organization_id for a in silent_alerts(world)] == [world.branch_b1.pk]


def test_the_cutoff_clamps_to_the_months_end():
    assert out_of_contact_before(dt.date(2026, 8, 31)) == dt.date(2026, 2, 28)
    assert out_of_contact_before(dt.date(2028, 8, 31)) == dt.date(2028, 2, 29)
