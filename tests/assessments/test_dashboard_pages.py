"""The dashboard pages: township or county by kind, scope (404), drill-down to records, query counts."""

import datetime as dt
import json

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from branches.scope.querysets import forget_scope
from members.models import MeetingKind
from tests.utils.factories_activities import MeetingFactory
from tests.utils.factories_dashboard import YEAR
from tests.utils.factories_dashboard import populate_township
from tests.utils.factories_dashboard import publish
from tests.utils.factories_dashboard import village


def page(world, who, organization, **params):
    url = reverse("assessments:dashboard", args=[organization.pk])
    return world.page_client(who).get(url, {"year": YEAR, **params})


def charts(response) -> list[dict]:
    html = response.content.decode()
    start = html.index('<script id="dashboard-charts" type="application/json">')
    body = html[start:].split(">", 1)[1].split("</script>", 1)[0]
    return json.loads(body)


def test_township_page_shows_overview_charts_and_coloured_quota_table(world):
    populate_township(world.township_a, [world.branch_a1, world.branch_a2])
    response = page(world, "staff_a", world.township_a)
    assert response.status_code == 200
    html = response.content.decode()
    assert "assessments/dashboard/township.html" in [t.name for t in response.templates]
    ids = {chart["id"] for chart in charts(response)}
    assert {"chart-fields", "chart-age", "chart-education", "chart-stars", "chart-quota"} <= ids
    for chart_id in ids:
        assert f'id="{chart_id}"' in html
    assert html.count('data-status="red"') == 2
    assert html.count('data-status="amber"') == 2
    assert html.count('data-status="green"') == 2
    drill = reverse("assessments:dashboard-drill", args=[world.branch_a1.pk, "meet.group"])
    assert f'href="{drill}?year={YEAR}"' in html
    assert "vendor/echarts/echarts.min.js" in html and "js/dashboard.js" in html


def test_county_page_compares_townships(world):
    response = page(world, "county_admin", world.county)
    assert response.status_code == 200
    assert "assessments/dashboard/county.html" in [t.name for t in response.templates]
    html = response.content.decode()
    assert world.township_a.name in html and world.township_b.name in html
    assert {"chart-members", "chart-quota", "chart-stars-share"} <= {c["id"] for c in charts(response)}


@pytest.mark.parametrize(
    ("who", "where"),
    [
        ("staff_a", "township_b"),
        ("staff_a", "county"),
        ("secretary_a1", "township_a"),
        ("nobody", "township_a"),
    ],
)
def test_a_dashboard_outside_the_users_scope_answers_404(world, who, where):
    assert page(world, who, getattr(world, where)).status_code == 404
    missing = reverse("assessments:dashboard", args=[10**9])
    assert world.page_client(who).get(missing).status_code == 404


def test_anonymous_is_sent_to_log_in(world):
    response = Client().get(reverse("assessments:dashboard", args=[world.township_a.pk]))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_a_bad_year_falls_back_to_this_year_instead_of_failing(world):
    assert page(world, "staff_a", world.township_a, year="20x5").status_code == 200


def test_drill_down_lists_the_records_behind_a_red_number(world):
    publish(world.township_a, [(world.branch_a1, "meet.group", 12, 2, False)])
    MeetingFactory(
        organization=world.branch_a1,
        kind=MeetingKind.GROUP,
        held_on=dt.date(YEAR, 3, 1),
        topic="一月党小组会",
    )
    MeetingFactory(
        organization=world.branch_a1,
        kind=MeetingKind.GROUP,
        held_on=dt.date(YEAR, 9, 1),
        topic="九月党小组会",
    )
    MeetingFactory(
        organization=world.branch_a1,
        kind=MeetingKind.GROUP,
        held_on=dt.date(YEAR - 1, 9, 1),
        topic="去年的会",
    )
    MeetingFactory(
        organization=world.branch_a1, kind=MeetingKind.ASSEMBLY, held_on=dt.date(YEAR, 9, 1), topic="党员大会"
    )
    url = reverse("assessments:dashboard-drill", args=[world.branch_a1.pk, "meet.group"])
    response = world.page_client("staff_a").get(url, {"year": YEAR})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-status="red"' in html
    assert "一月党小组会" in html and "九月党小组会" in html
    assert "去年的会" not in html and "党员大会" not in html
    assert reverse("assessments:dashboard", args=[world.township_a.pk]) in html  # back to the township


def test_drill_down_is_paginated(world):
    publish(world.township_a, [(world.branch_a1, "meet.group", 12, 30, True)])
    for day in range(30):
        MeetingFactory(
            organization=world.branch_a1, kind=MeetingKind.GROUP, held_on=dt.date(YEAR, 1, 1 + day)
        )
    url = reverse("assessments:dashboard-drill", args=[world.branch_a1.pk, "meet.group"])
    first = world.page_client("staff_a").get(url, {"year": YEAR})
    second = world.page_client("staff_a").get(url, {"year": YEAR, "page": 2})
    assert len(first.context["rows"]) == 25
    assert len(second.context["rows"]) == 5


def test_drill_down_outside_scope_or_of_an_unknown_code_answers_404(world):
    url = reverse("assessments:dashboard-drill", args=[world.branch_b1.pk, "meet.group"])
    assert world.page_client("staff_a").get(url, {"year": YEAR}).status_code == 404
    unknown = reverse("assessments:dashboard-drill", args=[world.branch_a1.pk, "no.such.code"])
    assert world.page_client("staff_a").get(unknown, {"year": YEAR}).status_code == 404


def test_a_secretary_drills_into_their_own_branch_without_a_link_above_it(world):
    publish(world.township_a, [(world.branch_a1, "meet.group", 12, 2, False)])
    url = reverse("assessments:dashboard-drill", args=[world.branch_a1.pk, "meet.group"])
    response = world.page_client("secretary_a1").get(url, {"year": YEAR})
    assert response.status_code == 200
    assert response.context["parent_url"] is None


def _queries(world, organization) -> int:
    forget_scope(world.users["county_admin"])
    client = world.page_client("county_admin")
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("assessments:dashboard", args=[organization.pk]), {"year": YEAR})
    assert response.status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize("where", ["township_a", "county"])
def test_page_query_count_does_not_depend_on_the_number_of_branches(world, where):
    populate_township(world.township_a, [world.branch_a1])
    small = _queries(world, getattr(world, where))
    populate_township(world.township_a, [village(world.township_a, f"村{n}") for n in range(8)])
    assert _queries(world, getattr(world, where)) == small


def test_drill_down_of_visits_lists_the_visit_logs_of_the_year(world):
    from tests.utils.factories_cadres import CadreFactory
    from tests.utils.factories_visits import VisitLogFactory

    publish(world.township_a, [(world.branch_a1, "visit.households", 2, 1, False)])
    cadre = CadreFactory(organization=world.branch_a1, name="张书记")
    VisitLogFactory(cadre=cadre, household_name="王大爷", visited_on=dt.date(YEAR, 4, 1))
    VisitLogFactory(cadre=cadre, household_name="去年户", visited_on=dt.date(YEAR - 1, 4, 1))
    other = CadreFactory(organization=world.branch_a2)
    VisitLogFactory(cadre=other, household_name="别村户", visited_on=dt.date(YEAR, 4, 1))
    url = reverse("assessments:dashboard-drill", args=[world.branch_a1.pk, "visit.households"])
    html = world.page_client("staff_a").get(url, {"year": YEAR}).content.decode()
    assert "王大爷" in html and "张书记" in html
    assert "去年户" not in html and "别村户" not in html


def test_drill_down_of_admissions_lists_the_new_members(world):
    from tests.utils.factories_dashboard import member

    publish(world.township_a, [(world.branch_a1, "dev.branch_min", 1, 1, True)])
    member(world.branch_a1, born=dt.date(1999, 1, 1), name="新党员", joined_on=dt.date(YEAR, 7, 1),
           category="probationary", confirmed_on=None)  # fmt: skip
    member(world.branch_a1, born=dt.date(1970, 1, 1), name="老党员")
    url = reverse("assessments:dashboard-drill", args=[world.branch_a1.pk, "dev.branch_min"])
    html = world.page_client("staff_a").get(url, {"year": YEAR}).content.decode()
    assert "新党员" in html and "老党员" not in html
    assert 'data-status="green"' in html


def test_overview_numbers_link_to_the_lists_behind_them_when_those_pages_exist(world):
    from django.urls import NoReverseMatch

    html = page(world, "staff_a", world.township_a).content.decode()
    try:
        members = reverse("members:member-list")
    except NoReverseMatch:
        members = None
    if members is None:
        assert "within=" not in html
    else:
        assert (
            f'href="{members}?within={world.township_a.pk}&amp;status=normal&amp;status=lost_contact"' in html
        )
        listing = world.page_client("staff_a").get(
            members, {"within": world.township_a.pk, "status": ["normal", "lost_contact"]}
        )
        assert listing.status_code == 200
