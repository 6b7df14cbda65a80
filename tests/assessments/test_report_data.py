"""The joint evaluation report's data: what it counts, who may see it, and its fixed number of queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from assessments.models import AlertKind
from assessments.models import CycleState
from assessments.models import EvaluationGrade
from assessments.selectors.joint_report import ReportNotFound
from assessments.selectors.joint_report import ReportNotPublished
from assessments.selectors.joint_report import joint_evaluation_report
from branches.scope.querysets import forget_scope
from branches.scope.roles import Role
from tests.utils.factories import StaffRoleFactory
from tests.utils.factories import UserFactory
from tests.utils.factories_reports import build_county
from tests.utils.factories_reports import evaluation_cycle
from tests.utils.factories_reports import fill_report
from tests.utils.factories_reports import published_report_county
from tests.utils.factories_reports import world_report


@pytest.fixture
def admin_of():
    def make(organization, role=Role.COUNTY_ADMIN, username="admin"):
        user = UserFactory(username=username)
        StaffRoleFactory(user=user, organization=organization, role=role)
        return user

    return make


@pytest.mark.django_db
def test_summary_counts_follow_the_data(admin_of):
    # 2 townships x 6 villages: village i = 0..11
    built, cycle = published_report_county(townships=2, villages_per_township=6)
    report = joint_evaluation_report(user=admin_of(built.county), organization=built.county, year=2025)
    summary = report.summary
    assert summary["branches"] == 12
    # stars = i % 6 -> 3, 4, 5 for i in {3,4,5,9,10,11}
    assert summary["three_star_branches"] == 6
    assert summary["three_star_share"] == 50.0
    assert summary["three_star_target"] == 85
    assert summary["three_star_target_met"] is False
    assert (summary["development_branches"], summary["development_met"]) == (12, 6)
    assert summary["development_share"] == 50.0
    assert (summary["visit_branches"], summary["visit_branches_met"]) == (12, 6)
    # 4 persons per branch; even branches 4 of 4, odd 1 of 4 -> 30 of 48
    assert (summary["visit_cadres"], summary["visit_cadres_met"]) == (48, 30)
    assert summary["visit_cadre_share"] == 62.5
    alerts = {row["kind"]: row["count"] for row in summary["alerts"]}
    assert alerts == {AlertKind.MEETINGS_OVERDUE: 3, AlertKind.NO_ADMISSION: 3}
    assert summary["alerts_total"] == 6
    villages = summary["grade_distribution"]["village"]
    assert villages == {"good": 3, "fairly_good": 3, "average": 3, "poor": 3, "none": 0}
    assert summary["grade_distribution"]["county"]["good"] == 1
    # statements: county (0 on time), townships (1 late, 2 missing), villages 4/4/4
    assert summary["statements"] == {"on_time": 5, "late": 5, "missing": 5}


@pytest.mark.django_db
def test_weak_branches_say_why(admin_of):
    built, cycle = published_report_county(townships=1, villages_per_township=8)
    report = joint_evaluation_report(user=admin_of(built.county), organization=built.county, year=2025)
    weak = {row["name"]: row["reasons"] for row in report.summary["weak_branches"]}
    v = [village.name for village in built.villages]
    assert weak[v[0]] == ["rectification_open", "unrated"]
    assert weak[v[6]] == ["unrated"]
    assert weak[v[7]] == ["rectification_open"]
    assert v[1] not in weak
    assert len(weak) == 3


@pytest.mark.django_db
def test_three_star_share_at_the_target_boundary(admin_of):
    built = build_county(townships=1, villages_per_township=6)
    cycle = evaluation_cycle(built.county)
    # stars 0,1,2,3,4,5 -> 3 of 6 = 50 %: a target of 50 is met, 51 is not
    fill_report(
        cycle, county=built.county, townships=built.townships, villages=built.villages, three_star_target=50
    )
    user = admin_of(built.county)
    assert joint_evaluation_report(user=user, organization=built.county, year=2025).summary[
        "three_star_target_met"
    ]
    from assessments.models import RatingPolicy

    RatingPolicy.objects.filter(county=built.county).update(three_star_target=51)
    assert not joint_evaluation_report(user=user, organization=built.county, year=2025).summary[
        "three_star_target_met"
    ]


@pytest.mark.django_db
def test_township_tables_hold_their_villages_in_rank_order_with_the_secretary_row(admin_of):
    built, cycle = published_report_county(townships=2, villages_per_township=3)
    report = joint_evaluation_report(user=admin_of(built.county), organization=built.county, year=2025)
    assert [section.name for section in report.townships] == ["第1镇党委", "第2镇党委"]
    first = report.townships[0]
    assert [row.name for row in first.villages] == ["第1镇1村党支部", "第1镇2村党支部", "第1镇3村党支部"]
    assert [row.rank_in_township for row in first.villages] == [1, 2, 3]
    assert first.secretary_row.level == "township"
    assert first.secretary_row.secretary == "书记1"
    row = first.villages[1]
    assert row.statement == "late"
    assert row.grade == EvaluationGrade.FAIRLY_GOOD
    assert row.evaluation_score == 85.0
    assert row.stars == 1
    assert report.county_row.name == "报告县委"


@pytest.mark.django_db
def test_a_township_report_holds_only_its_subtree(admin_of):
    built, cycle = published_report_county(townships=2, villages_per_township=3)
    township = built.townships[1]
    staff = admin_of(township, role=Role.TOWNSHIP_STAFF, username="staff")
    report = joint_evaluation_report(user=staff, organization=township, year=2025)
    assert [section.name for section in report.townships] == ["第2镇党委"]
    assert report.county_row is None
    assert report.summary["branches"] == 3
    assert report.summary["grade_distribution"]["county"]["good"] == 0


@pytest.mark.django_db
def test_a_township_outside_the_users_scope_is_not_found(admin_of):
    built, cycle = published_report_county(townships=2, villages_per_township=1)
    staff = admin_of(built.townships[0], role=Role.TOWNSHIP_STAFF, username="staff")
    with pytest.raises(ReportNotFound):
        joint_evaluation_report(user=staff, organization=built.townships[1], year=2025)
    with pytest.raises(ReportNotFound):
        joint_evaluation_report(user=staff, organization=built.county, year=2025)


@pytest.mark.django_db
def test_a_year_without_a_cycle_is_not_found(admin_of):
    built, cycle = published_report_county(townships=1, villages_per_township=1)
    with pytest.raises(ReportNotFound, match="2024"):
        joint_evaluation_report(user=admin_of(built.county), organization=built.county, year=2024)


@pytest.mark.django_db
def test_a_branch_is_not_a_report_organization(admin_of):
    built, cycle = published_report_county(townships=1, villages_per_township=1)
    with pytest.raises(ReportNotFound):
        joint_evaluation_report(user=admin_of(built.county), organization=built.villages[0], year=2025)


@pytest.mark.django_db
@pytest.mark.parametrize("state", [CycleState.OPEN, CycleState.CLOSED])
def test_before_publishing_only_the_county_admin_sees_the_report(admin_of, state):
    built, cycle = published_report_county(townships=1, villages_per_township=2, state=state)
    township = built.townships[0]
    county_admin = admin_of(built.county)
    assert joint_evaluation_report(user=county_admin, organization=township, year=2025).published is False
    for role in (Role.TOWNSHIP_STAFF, Role.VIEWER):
        user = admin_of(township, role=role, username=f"u-{role}")
        with translation.override("en"), pytest.raises(ReportNotPublished, match="not published"):
            joint_evaluation_report(user=user, organization=township, year=2025)
    viewer_of_county = admin_of(built.county, role=Role.VIEWER, username="county-viewer")
    with pytest.raises(ReportNotPublished):
        joint_evaluation_report(user=viewer_of_county, organization=built.county, year=2025)


@pytest.mark.django_db
def test_after_publishing_township_staff_and_viewers_see_their_township(world):
    world_report(world)
    for who in ("staff_a", "viewer_a"):
        report = joint_evaluation_report(user=world.users[who], organization=world.township_a, year=2025)
        assert report.published
        assert [row.name for row in report.townships[0].villages] == ["东一村党支部", "东二社区党支部"]


def _queries(user, organization):
    forget_scope(user)
    with CaptureQueriesContext(connection) as captured:
        joint_evaluation_report(user=user, organization=organization, year=2025)
    return len(captured)


@pytest.mark.django_db
def test_the_number_of_queries_does_not_grow_with_the_county(admin_of):
    small, _ = published_report_county(townships=1, villages_per_township=2, code="S")
    large, _ = published_report_county(townships=5, villages_per_township=12, code="L")
    few = _queries(admin_of(small.county, username="a1"), small.county)
    many = _queries(admin_of(large.county, username="a2"), large.county)
    assert few == many
    assert many <= 14


@pytest.mark.django_db
def test_a_township_report_runs_the_same_queries(admin_of):
    built, _ = published_report_county(townships=3, villages_per_township=4)
    user = admin_of(built.county)
    assert _queries(user, built.townships[0]) == _queries(user, built.county)
