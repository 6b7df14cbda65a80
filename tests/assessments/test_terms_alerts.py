"""Alerts on the organization rules and the committee terms (docs/terms.md), from the quota run."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assessments.models import AlertKind
from assessments.models import QuotaRun
from assessments.quota.engine import run_quota
from assessments.selectors.quotas import published_alerts
from branches.models import OrganizationKind
from members.models import CadrePost
from members.models import MemberCategory
from tests.utils.factories import MemberFactory
from tests.utils.factories import OrganizationFactory
from tests.utils.factories_cadres import CadreFactory
from tests.utils.factories_terms import TermFactory

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 6, 15)
ORGANIZATION_KINDS = {AlertKind.MEMBERS_FEW, AlertKind.MEMBERS_MANY, AlertKind.COMMITTEE, AlertKind.SECRETARY}
TERM_KINDS = {AlertKind.TERM_ENDS_6M, AlertKind.TERM_ENDS_3M, AlertKind.TERM_OVERDUE}


def alerts(world, today=TODAY, kinds=ORGANIZATION_KINDS):
    run_quota(QuotaRun.objects.create(organization=world.county, year=today.year), today=today)
    return {
        (a.organization_id, a.kind): a.detail
        for a in published_alerts(year=today.year, organization=world.county)
        if a.kind in kinds
    }


def full_members(branch, count):
    return MemberFactory.create_batch(count, branch=branch, joined_on=dt.date(2020, 7, 1))


def leadership(branch, deputies=0, committee=0):
    members = full_members(branch, 1 + deputies + committee)
    posts = [CadrePost.SECRETARY] + [CadrePost.DEPUTY_SECRETARY] * deputies
    posts += [CadrePost.BRANCH_COMMITTEE] * committee
    for member, post in zip(members, posts, strict=True):
        CadreFactory(organization=branch, post=post, member=member, started_on=dt.date(2021, 3, 15))


# --- full members: at least 3, normally at most 50 ---


def test_two_full_members_is_an_alert_with_the_figures_three_is_none(world):
    leadership(world.branch_a1)
    full_members(world.branch_a1, 1)
    leadership(world.branch_a2)
    full_members(world.branch_a2, 2)
    MemberFactory(branch=world.branch_a2, category=MemberCategory.PROBATIONARY, joined_on=dt.date(2026, 1, 5))
    found = alerts(world)
    detail = found[(world.branch_a1.pk, AlertKind.MEMBERS_FEW)]
    assert (detail["full_members"], detail["minimum"], detail["secretaries"]) == (2, 3, 1)
    assert (world.branch_a2.pk, AlertKind.MEMBERS_FEW) not in found  # 3 full; the probationer is not counted


def test_fifty_full_members_is_no_alert_fifty_one_is(world):
    for branch, count in ((world.branch_a1, 50), (world.branch_a2, 51)):
        leadership(branch, deputies=1, committee=3)
        full_members(branch, count - 5)
    found = alerts(world)
    assert (world.branch_a1.pk, AlertKind.MEMBERS_MANY) not in found
    assert found[(world.branch_a2.pk, AlertKind.MEMBERS_MANY)]["full_members"] == 51
    assert (world.branch_a1.pk, AlertKind.COMMITTEE) not in found


def test_members_who_left_or_are_not_yet_confirmed_are_not_counted(world):
    leadership(world.branch_a1, deputies=1)
    MemberFactory(branch=world.branch_a1, status="left", joined_on=dt.date(2020, 7, 1))
    MemberFactory(branch=world.branch_a1, joined_on=dt.date(2025, 7, 1), confirmed_on=dt.date(2026, 7, 1))
    assert alerts(world)[(world.branch_a1.pk, AlertKind.MEMBERS_FEW)]["full_members"] == 2


# --- the committee: 7 or more full members elect 3 to 5; below 7 a secretary ---


def test_six_full_members_with_a_secretary_and_deputy_is_in_rule_seven_needs_a_committee(world):
    leadership(world.branch_a1, deputies=1)
    full_members(world.branch_a1, 4)  # 6 full members
    leadership(world.branch_a2, deputies=1)
    full_members(world.branch_a2, 5)  # 7 full members, a committee of 2
    found = alerts(world)
    assert (world.branch_a1.pk, AlertKind.SECRETARY) not in found
    assert (world.branch_a1.pk, AlertKind.COMMITTEE) not in found
    detail = found[(world.branch_a2.pk, AlertKind.COMMITTEE)]
    assert (detail["full_members"], detail["size"], detail["committee_min"]) == (7, 2, 3)


def test_a_committee_of_three_and_of_five_is_in_rule_six_is_not(world):
    for branch, committee in ((world.branch_a1, 2), (world.branch_a2, 4), (world.branch_b1, 5)):
        leadership(branch, committee=committee)
        full_members(branch, 10 - 1 - committee)
    found = alerts(world)
    assert set(found) == {(world.branch_b1.pk, AlertKind.COMMITTEE)}
    assert found[(world.branch_b1.pk, AlertKind.COMMITTEE)]["size"] == 6


def test_below_seven_a_missing_secretary_or_a_committee_is_an_alert(world):
    full_members(world.branch_a1, 5)  # no secretary
    leadership(world.branch_a2, committee=2)
    full_members(world.branch_a2, 2)  # 5 full members and a committee
    found = alerts(world)
    assert found[(world.branch_a1.pk, AlertKind.SECRETARY)]["secretaries"] == 0
    assert found[(world.branch_a2.pk, AlertKind.SECRETARY)]["committee_members"] == 2


def test_posts_that_ended_before_the_day_do_not_count(world):
    members = full_members(world.branch_a1, 4)
    CadreFactory(
        organization=world.branch_a1,
        post=CadrePost.SECRETARY,
        member=members[0],
        started_on=dt.date(2021, 3, 15),
        ended_on=dt.date(2026, 6, 14),
    )
    assert alerts(world)[(world.branch_a1.pk, AlertKind.SECRETARY)]["secretaries"] == 0


def test_general_branches_and_committees_are_not_held_to_the_branch_rules(world):
    OrganizationFactory(kind=OrganizationKind.GENERAL_BRANCH, parent=world.township_a, code="C1-TA-G")
    found = alerts(world)
    assert {organization for organization, _ in found} == {
        world.branch_a1.pk,
        world.branch_a2.pk,
        world.branch_b1.pk,
    }


# --- terms: reminders at 6 and 3 months, overdue after the last day ---


def term_alerts(world, today, **term):
    TermFactory(organization=world.branch_a1, **term)
    return {kind: detail for (_, kind), detail in alerts(world, today, TERM_KINDS).items()}


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (dt.date(2025, 9, 13), None),  # a day more than 6 months before the last day
        (dt.date(2025, 9, 14), AlertKind.TERM_ENDS_6M),  # exactly 6 months before the last day
        (dt.date(2025, 12, 13), AlertKind.TERM_ENDS_6M),
        (dt.date(2025, 12, 14), AlertKind.TERM_ENDS_3M),  # exactly 3 months before the last day
        (dt.date(2026, 3, 14), AlertKind.TERM_ENDS_3M),  # the last day: still in term
        (dt.date(2026, 3, 15), AlertKind.TERM_OVERDUE),  # the day after
    ],
)
def test_a_term_is_reminded_at_six_and_three_months_and_overdue_after_its_last_day(world, today, expected):
    found = term_alerts(world, today)  # 2021-03-15 for 5 years: last day 2026-03-14
    assert list(found) == ([expected] if expected else [])


def test_the_overdue_alert_gives_the_term_and_its_days(world):
    found = term_alerts(world, dt.date(2026, 4, 13))
    detail = found[AlertKind.TERM_OVERDUE]
    assert (detail["ends_on"], detail["days_left"], detail["kind"]) == ("2026-03-14", -30, "committee")


def test_an_extended_term_is_reminded_from_its_new_end(world):
    found = term_alerts(world, dt.date(2026, 6, 15), extended_to=dt.date(2026, 9, 14))
    assert list(found) == [AlertKind.TERM_ENDS_3M] and found[AlertKind.TERM_ENDS_3M]["extended"] is True


def test_only_the_latest_term_of_an_organization_is_judged(world):
    TermFactory(organization=world.branch_a1, starts_on=dt.date(2016, 3, 15))  # ended 2021-03-14
    found = term_alerts(world, dt.date(2026, 1, 15))
    assert list(found) == [AlertKind.TERM_ENDS_3M]


def test_a_term_starting_after_the_day_is_not_yet_the_current_one(world):
    TermFactory(organization=world.branch_a1, starts_on=dt.date(2026, 6, 16))
    assert list(term_alerts(world, TODAY)) == [AlertKind.TERM_OVERDUE]


# --- set-based: the run's statements do not grow with the organizations ---


def _county(count: int, code: str):
    county = OrganizationFactory(kind=OrganizationKind.COUNTY_COMMITTEE, field="", code=code)
    township = OrganizationFactory(
        kind=OrganizationKind.TOWNSHIP_COMMITTEE, field="", parent=county, code=f"{code}-T"
    )
    for n in range(count):
        branch = OrganizationFactory(parent=township, code=f"{code}-B{n}")
        TermFactory(organization=branch, starts_on=dt.date(2021 - n % 6, 3, 15))
        if n % 3 == 0:
            leadership(branch)
    return county


def _queries(county):
    run = QuotaRun.objects.create(organization=county, year=TODAY.year)
    with CaptureQueriesContext(connection) as captured:
        run_quota(run, today=TODAY)
    return len(captured)


def test_the_alerts_take_the_same_number_of_queries_for_10_and_120_organizations(db):
    assert _queries(_county(8, "S")) == _queries(_county(118, "L"))
