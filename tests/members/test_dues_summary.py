"""Dues summaries per branch, township and county (docs/dues.md, "Summaries"): due, paid, rate and arrears
added up in the database per branch and rolled up the tree, in a fixed number of queries whatever the number
of organizations; the API answers them in the caller's scope, and as xlsx."""

import datetime as dt
from decimal import Decimal
from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from branches.models import OrganizationKind
from members.selectors.dues import dues_summary
from members.selectors.dues import summary_months
from tests.utils.factories import MemberFactory
from tests.utils.factories import OrganizationFactory
from tests.utils.factories_dues import declare
from tests.utils.factories_dues import month
from tests.utils.factories_dues import pay
from tests.utils.scope_reports import OrganizationParamScopeSuite

pytestmark = pytest.mark.django_db
YEAR = 2026
JOINED = dt.date(2020, 1, 1)


def paying_branch(world, branch, *, paid_months=(1, 2, 3), count=2, actor="county_admin"):
    """``count`` members at 40 yuan a month, each paying ``paid_months`` of the year."""
    people = MemberFactory.create_batch(count, branch=branch, joined_on=JOINED)
    for person in people:
        declare(world.users[actor], person, year=YEAR, income="4000")
        for number in paid_months:
            pay(world.users[actor], person, month(YEAR, number), "40.00")
    return people


def by_name(rows):
    return {row.organization.name: row for row in rows}


def test_a_month_adds_up_per_branch_township_and_county(world):
    paying_branch(world, world.branch_a1)
    paying_branch(world, world.branch_a2, paid_months=(3,))
    paying_branch(world, world.branch_b1, paid_months=(), count=1)
    rows = by_name(dues_summary(organization=world.county, year=YEAR, month=3))
    a1, a2, b1 = (rows[b.name] for b in (world.branch_a1, world.branch_a2, world.branch_b1))
    assert (a1.members, a1.due, a1.paid, a1.rate, a1.arrears) == (2, Decimal("80"), Decimal("80"), 100, 0)
    assert (b1.due, b1.paid, b1.rate, b1.arrears) == (Decimal("40"), 0, 0, 1)  # three months unpaid
    township = rows[world.township_a.name]
    assert (township.members, township.due, township.paid) == (4, Decimal("160"), Decimal("160"))
    county = rows[world.county.name]
    assert (county.members, county.due, county.paid, county.arrears) == (5, 200, 160, 1)
    assert county.rate == Decimal("80.0")
    assert a2.arrears == 0  # two months unpaid in a row is not yet arrears


def test_a_year_adds_its_months_so_far(world):
    paying_branch(world, world.branch_a1, paid_months=(1, 2), count=1)
    rows = by_name(dues_summary(organization=world.township_a, year=YEAR, month=None))
    months = len(summary_months(YEAR))
    branch = rows[world.branch_a1.name]
    assert (branch.due, branch.paid) == (40 * months, Decimal("80"))
    assert world.county.name not in rows  # the subtree asked, nothing above


def test_an_exempt_member_owes_nothing_and_a_year_without_bases_has_no_rate(world):
    (person,) = MemberFactory.create_batch(1, branch=world.branch_a1, joined_on=JOINED)
    declare(
        world.users["county_admin"],
        person,
        year=YEAR,
        category="hardship",
        exempt=True,
        exemption_decision="村党支部决定",
    )
    rows = by_name(dues_summary(organization=world.branch_a1, year=YEAR, month=3))
    assert (rows[world.branch_a1.name].due, rows[world.branch_a1.name].rate) == (0, None)
    assert rows[world.branch_a1.name].arrears == 0


def _grow(world, townships, branches_each):
    for t in range(townships):
        township = OrganizationFactory(
            parent=world.county, kind=OrganizationKind.TOWNSHIP_COMMITTEE, name=f"新镇{t}"
        )
        for _b in range(branches_each):
            paying_branch(world, OrganizationFactory(parent=township), count=1, paid_months=(3,))


def _queries(world, **asked) -> int:
    with CaptureQueriesContext(connection) as captured:
        dues_summary(organization=world.county, year=YEAR, **asked)
    return len(captured)


@pytest.mark.parametrize("asked", [{"month": 3}, {"month": None}])
def test_queries_do_not_grow_with_the_organizations(world, asked):
    _grow(world, 1, 1)
    small = _queries(world, **asked)
    _grow(world, 3, 4)
    assert _queries(world, **asked) == small


class TestDuesSummaryScope(OrganizationParamScopeSuite):
    url_name = "duespayment-summary"

    def year(self, world):
        return YEAR


def test_the_api_answers_each_organization_and_an_xlsx(world):
    paying_branch(world, world.branch_a1)
    client = world.client("staff_a")
    url = reverse("duespayment-summary")
    query = {"organization": world.township_a.pk, "year": YEAR, "month": 3}
    answer = client.get(url, query).json()
    rows = {row["name"]: row for row in answer["results"]}
    assert rows[world.branch_a1.name] | {"organization": 0} == {
        "organization": 0,
        "name": world.branch_a1.name,
        "kind": world.branch_a1.kind,
        "parent": world.township_a.pk,
        "members": 2,
        "due": "80.00",
        "paid": "80.00",
        "rate": "100.0",
        "arrears": 0,
    }
    assert (answer["year"], answer["month"]) == (YEAR, 3)
    workbook = client.get(url, {**query, "format": "xlsx"})
    assert workbook.status_code == 200
    sheet = load_workbook(BytesIO(b"".join(workbook.streaming_content))).active
    names = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert world.branch_a1.name in names and world.township_a.name in names


@pytest.mark.parametrize("params", [{"month": "13"}, {"month": "x"}, {"format": "pdf"}])
def test_a_bad_month_or_format_is_a_400(world, params):
    query = {"organization": world.township_a.pk, "year": YEAR, **params}
    assert world.client("staff_a").get(reverse("duespayment-summary"), query).status_code == 400
