"""The dashboard's numbers on a small hand-built township, and a query count that ignores its size."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assessments.models import AlertKind
from assessments.selectors.dashboard import county_dashboard
from assessments.selectors.dashboard import township_dashboard
from assessments.selectors.dashboard_counts import quota_status
from branches.models import Organization
from branches.models import OrganizationField
from branches.models import OrganizationKind
from members.models import Education
from members.models import Gender
from members.models import MemberCategory
from members.models import MemberStatus
from tests.utils.factories_cadres import ReserveCadreFactory
from tests.utils.factories_dashboard import TODAY
from tests.utils.factories_dashboard import YEAR
from tests.utils.factories_dashboard import member
from tests.utils.factories_dashboard import populate_township
from tests.utils.factories_dashboard import publish
from tests.utils.factories_dashboard import village
from tests.utils.factories_ratings import StarRatingFactory
from tests.utils.factories_records import ActivityRoomFactory
from tests.utils.factories_records import StandardizedRoomTargetFactory


@pytest.mark.parametrize(
    ("target", "actual", "met", "status"),
    [
        (4, 4, True, "green"),
        (12, 6, False, "amber"),  # exactly half the target: amber
        (12, Decimal("5.99"), False, "red"),
        (1, 0, False, "red"),
        (1, None, False, "red"),
        (None, None, None, "none"),
        (100, None, None, "none"),
    ],
)
def test_quota_status_colours_at_the_half_target_boundary(target, actual, met, status):
    assert quota_status(target=target, actual=actual, met=met) == status


@pytest.fixture
def township(world):
    """township_a: a1 (village), a2 (community), a3 (institution), a4 (village); b1 of township_b as noise."""
    a1, a2 = world.branch_a1, world.branch_a2
    Organization.objects.filter(pk=a1.pk).update(households=300, population=1000)
    Organization.objects.filter(pk=a2.pk).update(households=500, population=2000)
    a3 = village(world.township_a, "机关党支部", field=OrganizationField.INSTITUTION)
    a4 = village(world.township_a, "四村党支部", households=100, population=400)
    village(world.township_a, "已撤销村党支部", households=999).__class__.objects.filter(
        name="已撤销村党支部"
    ).update(dissolved_on=dt.date(2024, 6, 1))

    member(a1, born=dt.date(1990, 1, 1))  # 34 on 31 December 2024
    member(a1, born=dt.date(1989, 1, 1))  # 35: still "35 or under"
    member(
        a1, born=dt.date(1988, 12, 31), gender=Gender.FEMALE, education=Education.BACHELOR,
        category=MemberCategory.PROBATIONARY, joined_on=dt.date(2024, 5, 1), confirmed_on=None,
    )  # fmt: skip  # 36, a new member this year
    member(a1, born=dt.date(1970, 1, 1), status=MemberStatus.LEFT, joined_on=dt.date(2024, 2, 1))
    member(a2, born=dt.date(1963, 12, 31))  # 61
    member(a2, born=dt.date(1964, 1, 1), education=Education.SENIOR_HIGH)  # 60
    member(world.branch_b1, born=dt.date(1990, 1, 1), joined_on=dt.date(2024, 3, 1))

    StarRatingFactory(organization=a1, year=YEAR, stars=5)
    StarRatingFactory(organization=a2, year=YEAR, stars=0)
    StarRatingFactory(organization=world.branch_b1, year=YEAR, stars=5)
    StarRatingFactory(organization=a3, year=YEAR - 1, stars=5)  # another year

    StandardizedRoomTargetFactory(organization=world.township_a, year=YEAR, target=2)
    ActivityRoomFactory(organization=a1, standardized_on=dt.date(2024, 6, 1))
    ActivityRoomFactory(organization=a2, standardized_on=dt.date(2025, 1, 2))  # certified next year

    ReserveCadreFactory(organization=a1, birth_date=dt.date(1989, 1, 1))  # 35: covers a1
    ReserveCadreFactory(organization=a4, birth_date=dt.date(1988, 12, 31))  # 36: a4 not covered

    publish(
        world.township_a,
        [
            (a1, "meet.assembly", 4, 4, True),
            (a1, "meet.committee", 12, 6, False),
            (a1, "meet.group", 12, Decimal("5.99"), False),
            (a2, "dev.branch_min", 1, 0, False),
            (a2, "train.rotation", 100, None, None),
            (world.township_a, "rollup.meet.assembly", 2, 1, False),
        ],
        alerts=[(a1, AlertKind.MEETINGS_OVERDUE), (a2, AlertKind.NO_YOUNG_RESERVE)],
    )
    publish(world.township_b, [(world.branch_b1, "meet.group", 12, 0, False)],
            alerts=[(world.branch_b1, AlertKind.MEETINGS_OVERDUE)])  # fmt: skip
    return world


def test_township_overview_counts_villages_members_and_new_members(township):
    data = township_dashboard(user=township.users["staff_a"], organization=township.township_a, year=YEAR,
                              today=TODAY)  # fmt: skip
    summary = data["summary"]
    assert data["kind"] == "township"
    assert data["reference_day"] == "2024-12-31"
    assert summary["villages"] == 2
    assert summary["households"] == 900
    assert summary["population"] == 3400
    assert summary["branches"] == 4
    assert summary["branches_by_field"] == {"village": 2, "community": 1, "institution": 1}
    assert summary["members"] == 5
    assert summary["members_by_category"] == {"full": 4, "probationary": 1}
    assert summary["members_by_gender"] == {"male": 4, "female": 1}
    assert summary["members_by_age"] == {"35-": 2, "36-45": 1, "46-55": 0, "56-60": 1, "61+": 1}
    assert summary["members_by_education"]["junior_high"] == 3
    assert summary["members_by_education"]["bachelor"] == 1
    assert summary["members_by_education"]["senior_high"] == 1
    assert summary["new_members"] == 2  # the one who left since counts: joined this year


def test_township_quota_colours_stars_rooms_reserve_and_alerts(township):
    data = township_dashboard(user=township.users["staff_a"], organization=township.township_a, year=YEAR,
                              today=TODAY)  # fmt: skip
    summary = data["summary"]
    assert summary["quota"] == {"green": 1, "amber": 1, "red": 2, "none": 1, "total": 5}
    assert summary["stars"] == {"0": 1, "1": 0, "2": 0, "3": 0, "4": 0, "5": 1, "unrated": 2}
    assert summary["stars_share"] == 25.0
    assert summary["stars_target"] == 85
    assert summary["stars_meets_target"] is False
    assert summary["rooms"] == {"standardized": 1, "target": 2, "met": False}
    assert summary["reserve"] == {"villages": 2, "covered": 1, "share": 50.0}
    assert summary["alerts"] == 2
    assert {alert["organization"]["id"] for alert in data["alerts"]} == {
        township.branch_a1.pk,
        township.branch_a2.pk,
    }


def test_township_quota_table_has_a_row_per_branch_and_a_column_per_indicator(township):
    data = township_dashboard(user=township.users["staff_a"], organization=township.township_a, year=YEAR,
                              today=TODAY)  # fmt: skip
    table = data["quota_table"]
    codes = [column["code"] for column in table["codes"]]
    assert codes == ["dev.branch_min", "meet.assembly", "meet.committee", "meet.group", "train.rotation"]
    rows = {row["name"]: row for row in table["branches"]}
    assert set(rows) == {"东一村党支部", "东二社区党支部", "机关党支部", "四村党支部"}
    a1 = [cell and cell["status"] for cell in rows["东一村党支部"]["results"]]
    assert a1 == [None, "green", "amber", "red", None]
    assert rows["东一村党支部"]["red"] == 1
    assert rows["东二社区党支部"]["red"] == 1
    group = next(column for column in table["codes"] if column["code"] == "meet.group")
    assert (group["red"], group["amber"], group["green"]) == (1, 0, 0)


def test_county_dashboard_compares_its_townships(township):
    data = county_dashboard(user=township.users["county_admin"], organization=township.county, year=YEAR,
                            today=TODAY)  # fmt: skip
    assert data["kind"] == "county"
    by_name = {row["organization"]["name"]: row for row in data["townships"]}
    assert list(by_name) == ["东镇党委", "西镇党委"]
    east, west = by_name["东镇党委"], by_name["西镇党委"]
    assert (east["members"], west["members"]) == (5, 1)
    assert (east["new_members"], west["new_members"]) == (2, 1)
    assert west["quota"]["red"] == 1
    assert (east["alerts"], west["alerts"]) == (2, 1)
    assert west["stars"]["5"] == 1
    assert data["summary"]["members"] == 6
    assert data["summary"]["branches"] == 5
    assert data["summary"]["quota"]["red"] == 3
    assert data["summary"]["rooms"] == {"standardized": 1, "target": 2, "met": False}


def test_a_branch_gets_its_own_small_dashboard(township):
    data = township_dashboard(user=township.users["secretary_a1"], organization=township.branch_a1, year=YEAR,
                              today=TODAY)  # fmt: skip
    assert data["kind"] == "branch"
    assert data["summary"]["members"] == 3
    assert data["summary"]["reserve"] == {"villages": 1, "covered": 1, "share": 100.0}
    assert [row["name"] for row in data["quota_table"]["branches"]] == ["东一村党支部"]


def _queries(function, **kwargs) -> int:
    with CaptureQueriesContext(connection) as captured:
        function(**kwargs)
    return len(captured.captured_queries)


@pytest.mark.parametrize("dashboard", [township_dashboard, county_dashboard])
def test_query_count_does_not_depend_on_the_number_of_branches(world, dashboard):
    organization = world.township_a if dashboard is township_dashboard else world.county
    user = world.users["county_admin"]
    populate_township(world.township_a, [village(world.township_a, f"村{n}") for n in range(2)])
    small = _queries(dashboard, user=user, organization=organization, year=YEAR, today=TODAY)
    populate_township(world.township_b, [village(world.township_b, f"西村{n}") for n in range(8)])
    more = [village(world.township_a, f"新村{n}") for n in range(6)]
    populate_township(world.township_a, more)
    large = _queries(dashboard, user=user, organization=organization, year=YEAR, today=TODAY)
    assert small == large
    assert large <= 12


def test_other_years_and_foreign_townships_stay_out(township):
    empty = township_dashboard(user=township.users["staff_a"], organization=township.township_a,
                               year=YEAR - 3, today=TODAY)  # fmt: skip
    assert empty["summary"]["quota"]["total"] == 0
    assert empty["summary"]["alerts"] == 0
    assert empty["summary"]["new_members"] == 0
    assert empty["quota_table"]["codes"] == []
    kinds = {OrganizationKind.TOWNSHIP_COMMITTEE}
    assert township.township_b.kind in kinds


def test_age_bands_read_as_words_in_chinese():
    from django.utils import translation

    from assessments.selectors.dashboard import age_band_label

    with translation.override("zh-hans"):
        assert [age_band_label(None, 35), age_band_label(36, 45), age_band_label(61, None)] == [
            "35岁及以下",
            "36–45岁",
            "61岁及以上",
        ]
