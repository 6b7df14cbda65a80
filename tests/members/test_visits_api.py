"""/api/v1/visits/, household-counts/ and the visit log admin: scope, quick entry, filters, actions, query
counts."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from members.models import CadrePost
from members.models import VisitLog
from tests.utils.api import post_import_file
from tests.utils.api import template_csv
from tests.utils.assertions import admin_edits
from tests.utils.assertions import admin_refuses
from tests.utils.assertions import admin_saves
from tests.utils.assertions import assert_changelist_scoped
from tests.utils.factories import MemberFactory
from tests.utils.factories_cadres import CadreFactory
from tests.utils.factories_entry import visit_form
from tests.utils.factories_visits import VisitLogFactory
from tests.utils.scope_records import CadreRecordScopeSuite

pytestmark = pytest.mark.django_db

D = dt.date
P = CadrePost
LIST = "visitlog-list"
COUNTS = "visitlog-household-counts"


class TestVisitLogScope(CadreRecordScopeSuite):
    basename = "visitlog"
    supports_delete = True
    factory = VisitLogFactory
    create_fields = {"household_name": "张三", "village_group": "一组", "visited_on": "2024-03-01"}


def results(response):
    assert response.status_code == 200, response.content
    return response.json()["results"]


def ids(response):
    return {row["id"] for row in results(response)}


# --- quick entry --------------------------------------------------------------------------------------


def test_a_secretary_logs_a_visit_with_one_field(world):
    member = MemberFactory(branch=world.branch_a1, name="钱书记")
    post = CadreFactory(organization=world.branch_a1, post=P.SECRETARY, member=member)
    response = world.client("secretary_a1").post(reverse(LIST), {"household_name": "孙七"}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["cadre"] == post.pk and body["cadre_name"] == "钱书记"
    assert body["visited_on"] == timezone.localdate().isoformat()
    assert body["organization"] == world.branch_a1.pk and body["recorded_by"] == "secretary_a1"


def test_staff_without_a_cadre_get_a_400_on_the_cadre_field(world):
    response = world.client("staff_a").post(reverse(LIST), {"household_name": "孙七"}, format="json")
    assert response.status_code == 400 and "cadre" in response.json()


def test_a_visit_before_the_term_is_a_400_naming_the_term(world):
    cadre = CadreFactory(organization=world.branch_a1, started_on=D(2021, 1, 15))
    payload = {"cadre": cadre.pk, "household_name": "孙七", "visited_on": "2021-01-14"}
    response = world.client("staff_a").post(reverse(LIST), payload, format="json")
    assert response.status_code == 400
    assert "2021-01-15" in " ".join(response.json()["visited_on"])


def test_the_branch_and_household_key_cannot_be_written(world):
    visit = VisitLogFactory(cadre=CadreFactory(organization=world.branch_a1))
    url = reverse("visitlog-detail", args=[visit.pk])
    response = world.client("staff_a").patch(
        url, {"organization": world.branch_b1.pk, "household_key": "x"}, format="json"
    )
    assert response.status_code == 200
    visit.refresh_from_db()
    assert visit.organization == world.branch_a1 and visit.household_key != "x"


def test_an_update_with_a_stale_version_is_a_conflict(world):
    visit = VisitLogFactory(cadre=CadreFactory(organization=world.branch_a1))
    url = reverse("visitlog-detail", args=[visit.pk])
    client = world.client("staff_a")
    assert client.patch(url, {"concerns": "路灯", "version": 1}, format="json").status_code == 200
    assert client.patch(url, {"concerns": "水渠", "version": 1}, format="json").status_code == 409


# --- resolve ------------------------------------------------------------------------------------------


def test_resolve_action(world):
    visit = VisitLogFactory(cadre=CadreFactory(organization=world.branch_a1), concerns="路灯坏了")
    url = reverse("visitlog-resolve", args=[visit.pk])
    client = world.client("secretary_a1")
    assert client.post(url, {"resolved_on": "2024-03-05"}).status_code == 400
    response = client.post(url, {"resolved_on": "2024-03-05", "follow_up": "已更换路灯", "version": 1})
    assert response.status_code == 200, response.content
    assert response.json()["is_open"] is False and response.json()["resolved_on"] == "2024-03-05"
    again = client.post(url, {"resolved_on": "2024-03-06", "follow_up": "再次"})
    assert again.status_code == 400


def test_resolve_defaults_to_today(world):
    visit = VisitLogFactory(cadre=CadreFactory(organization=world.branch_a1), concerns="路灯坏了")
    response = world.client("staff_a").post(
        reverse("visitlog-resolve", args=[visit.pk]), {"follow_up": "已修"}
    )
    assert response.json()["resolved_on"] == timezone.localdate().isoformat()


@pytest.mark.parametrize(("who", "status"), [("viewer_a", 403), ("staff_b", 404)])
def test_resolve_is_refused_to_readers_and_other_townships(world, who, status):
    visit = VisitLogFactory(cadre=CadreFactory(organization=world.branch_a1), concerns="路灯坏了")
    response = world.client(who).post(reverse("visitlog-resolve", args=[visit.pk]), {"follow_up": "已修"})
    assert response.status_code == status
    visit.refresh_from_db()
    assert visit.resolved_on is None


# --- filters, search, ordering ------------------------------------------------------------------------


@pytest.fixture
def logs(world):
    a1 = CadreFactory(organization=world.branch_a1)
    a2 = CadreFactory(organization=world.branch_a2)
    return {
        "old": VisitLogFactory(cadre=a1, household_name="张三", visited_on=D(2023, 12, 31)),
        "new_year": VisitLogFactory(
            cadre=a1, household_name="李四", visited_on=D(2024, 1, 1), concerns="路灯"
        ),
        "resolved": VisitLogFactory(
            cadre=a2,
            household_name="张五",
            visited_on=D(2024, 6, 1),
            concerns="水渠",
            resolved_on=D(2024, 6, 3),
        ),
        "a1": a1,
        "a2": a2,
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"year": 2024}, {"new_year", "resolved"}),
        ({"year": 2023}, {"old"}),
        ({"visited_after": "2024-01-01"}, {"new_year", "resolved"}),
        ({"visited_before": "2023-12-31"}, {"old"}),
        ({"open": "true"}, {"new_year"}),
        ({"open": "false"}, {"old", "resolved"}),
        ({"search": "张"}, {"old", "resolved"}),
    ],
)
def test_visit_filters(world, logs, query, expected):
    assert ids(world.client("staff_a").get(reverse(LIST), query)) == {logs[name].pk for name in expected}


def test_cadre_organization_and_within_filters(world, logs):
    client = world.client("county_admin")
    assert ids(client.get(reverse(LIST), {"cadre": logs["a2"].pk})) == {logs["resolved"].pk}
    assert ids(client.get(reverse(LIST), {"organization": world.branch_a1.pk})) == {
        logs["old"].pk,
        logs["new_year"].pk,
    }
    assert len(ids(client.get(reverse(LIST), {"within": world.township_a.pk}))) == 3
    assert client.get(reverse(LIST), {"within": world.branch_z1.pk}).status_code == 400


def test_ordering_and_pagination(world, logs):
    client = world.client("staff_a")
    rows = results(client.get(reverse(LIST), {"ordering": "visited_on"}))
    assert [row["id"] for row in rows] == [logs["old"].pk, logs["new_year"].pk, logs["resolved"].pk]
    page = client.get(reverse(LIST), {"page_size": 2}).json()
    assert page["count"] == 3 and len(page["results"]) == 2 and page["next"]


@pytest.mark.parametrize(
    "query", [{"year": "abc"}, {"year": "20245"}, {"visited_after": "2024-13-01"}, {"cadre": "x"}]
)
def test_bad_filter_values_are_400_not_500(world, query):
    assert world.client("staff_a").get(reverse(LIST), query).status_code == 400


def test_filtered_list_query_count_does_not_grow_with_rows(world, logs):
    client = world.client("staff_a")
    query = {"year": 2024, "within": world.township_a.pk, "open": "false", "ordering": "-visited_on"}
    client.get(reverse(LIST), query)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse(LIST), query)
    for n in range(5):
        VisitLogFactory(cadre=CadreFactory(organization=world.branch_a2), visited_on=D(2024, 2, n + 1))
    with CaptureQueriesContext(connection) as many:
        client.get(reverse(LIST), query)
    assert len(many) == len(few)


def test_the_list_picks_its_page_before_looking_up_the_posts(world, logs):
    client = world.client("county_admin")
    with CaptureQueriesContext(connection) as queries:
        rows = client.get(reverse(LIST), {"year": 2024}).json()["results"]
    head = 'SELECT "members_visitlog"."id"'
    page = [q["sql"] for q in queries.captured_queries if q["sql"].startswith(head)]
    assert len(page) == 1 and '"members_cadre"' not in page[0]
    assert rows and all(row["cadre_name"] for row in rows)


# --- household counts ---------------------------------------------------------------------------------


def test_household_counts_per_cadre_with_target(world):
    busy = CadreFactory(organization=world.branch_a1, name="勤快")
    idle = CadreFactory(organization=world.branch_a2, name="未走访")
    for n in range(50):
        VisitLogFactory(cadre=busy, household_name=f"户{n}", visited_on=D(2024, 1, 1) + dt.timedelta(days=n))
    VisitLogFactory(cadre=busy, household_name="户0", visited_on=D(2024, 6, 1), concerns="路灯")
    CadreFactory(organization=world.branch_b1)
    response = world.client("staff_a").get(
        reverse(COUNTS), {"organization": world.township_a.pk, "year": 2024}
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["year"], body["target"], body["per"]) == (2024, 50, "cadre")
    by_name = {row["name"]: row for row in body["results"]}
    assert set(by_name) == {"勤快", "未走访"}
    assert (by_name["勤快"]["households"], by_name["勤快"]["visit_count"]) == (50, 51)
    assert (by_name["勤快"]["open_concerns"], by_name["勤快"]["met"]) == (1, True)
    assert (by_name["未走访"]["households"], by_name["未走访"]["met"], by_name["未走访"]["target"]) == (
        0,
        False,
        50,
    )
    assert by_name["未走访"]["organization"] == idle.organization_id


def test_household_counts_per_person_merge_a_secretary_director(world):
    member = MemberFactory(branch=world.branch_a1, name="钱书记")
    secretary = CadreFactory(organization=world.branch_a1, post=P.SECRETARY, member=member)
    director = CadreFactory(organization=world.branch_a1, post=P.VILLAGE_DIRECTOR, member=member)
    VisitLogFactory(cadre=secretary, household_name="张三", visited_on=D(2024, 3, 1))
    VisitLogFactory(cadre=director, household_name="李四", visited_on=D(2024, 3, 1))
    client = world.client("secretary_a1")
    query = {"organization": world.branch_a1.pk, "year": 2024}
    per_cadre = client.get(reverse(COUNTS), query).json()["results"]
    assert len(per_cadre) == 2 and {row["person_households"] for row in per_cadre} == {2}
    (person,) = client.get(reverse(COUNTS), {**query, "per": "person"}).json()["results"]
    assert person["households"] == 2 and [p["post"] for p in person["posts"]] == [
        "secretary",
        "village_director",
    ]


@pytest.mark.parametrize(
    "query", [{}, {"organization": "x"}, {"year": "20x4"}, {"year": "1800"}, {"per": "village"}]
)
def test_household_counts_refuse_bad_parameters(world, query):
    if query and "organization" not in query:
        query = {"organization": world.township_a.pk, **query}
    assert world.client("staff_a").get(reverse(COUNTS), query).status_code == 400


def test_household_counts_of_a_foreign_organization_answer_404(world):
    CadreFactory(organization=world.branch_b1)
    response = world.client("staff_a").get(reverse(COUNTS), {"organization": world.branch_b1.pk})
    assert response.status_code == 404


def test_household_counts_default_to_this_year(world):
    cadre = CadreFactory(organization=world.branch_a1)
    VisitLogFactory(cadre=cadre, visited_on=timezone.localdate())
    (row,) = (
        world.client("staff_a").get(reverse(COUNTS), {"organization": world.branch_a1.pk}).json()["results"]
    )
    assert row["households"] == 1


@pytest.mark.parametrize("per", ["cadre", "person"])
def test_household_counts_query_count_does_not_grow_with_cadres(world, per):
    client = world.client("staff_a")
    query = {"organization": world.township_a.pk, "year": 2024, "per": per}

    def add_village_cadres():
        for branch in (world.branch_a1, world.branch_a2):
            cadre = CadreFactory(organization=branch)
            VisitLogFactory(cadre=cadre, visited_on=D(2024, 5, 1))

    add_village_cadres()
    client.get(reverse(COUNTS), query)
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse(COUNTS), query).status_code == 200
    for _ in range(4):
        add_village_cadres()
    with CaptureQueriesContext(connection) as many:
        assert len(client.get(reverse(COUNTS), query).json()["results"]) == 10
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]


# --- import and export through the API ----------------------------------------------------------------


def _upload(client, body, dry_run):
    return post_import_file(client, "visitlog", "visits.csv", body, dry_run, content_type="text/csv")


def _visit_csv(client, organization_code, cadre_name):
    values = {
        "所在组织编码": organization_code,
        "干部姓名": cadre_name,
        "户主姓名": "周八",
        "走访日期": "2024-03-01",
    }
    return template_csv(client, "visitlog", [values]).encode()


def test_import_endpoint_previews_then_commits(world):
    CadreFactory(organization=world.branch_a1, name="赵委员")
    client = world.client("staff_a")
    body = _visit_csv(client, world.branch_a1.code, "赵委员")
    assert _upload(client, body, "true").status_code == 200
    assert not VisitLog.objects.exists()
    assert _upload(client, body, "false").status_code == 201
    assert VisitLog.objects.get().household_name == "周八"


def test_import_endpoint_refuses_a_cadre_of_another_township(world):
    CadreFactory(organization=world.branch_b1, name="西村委员")
    client = world.client("staff_a")
    response = _upload(client, _visit_csv(client, world.branch_b1.code, "西村委员"), "false")
    assert response.status_code == 400
    assert not VisitLog.objects.exists()


def test_export_is_an_xlsx_of_the_scoped_filtered_list(world, logs):
    response = world.client("staff_a").get(reverse("visitlog-export"), {"year": 2024})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")


# --- admin --------------------------------------------------------------------------------------------


def admin_payload(cadre, **overrides):
    return visit_form(cadre, household_name="吴九", visited_on="2024-03-01") | overrides


def test_admin_changelist_is_scoped(world):
    def visit(organization, household_name):
        return VisitLogFactory(cadre=CadreFactory(organization=organization), household_name=household_name)

    assert_changelist_scoped(world, "members_visitlog", visit, own="东村户主", foreign="西村户主")


def test_admin_add_goes_through_the_service_with_history(world):
    cadre = CadreFactory(organization=world.branch_a1)
    admin_saves(world.page_client("staff_a"), reverse("admin:members_visitlog_add"), admin_payload(cadre))
    visit = VisitLog.objects.get()
    assert visit.organization == world.branch_a1 and visit.household_key == "二组|吴九"
    assert visit.history.get().history_user == world.users["staff_a"]


def test_admin_shows_the_term_rule_beside_the_form_not_a_500(world):
    cadre = CadreFactory(organization=world.branch_a1, started_on=D(2021, 1, 15))
    payload = admin_payload(cadre, visited_on="2020-01-01")
    admin_refuses(world.page_client("staff_a"), reverse("admin:members_visitlog_add"), payload, "2021-01-15")
    assert not VisitLog.objects.exists()


def test_admin_edit_and_delete_go_through_the_services(world):
    cadre = CadreFactory(organization=world.branch_a1)
    client = world.page_client("staff_a")
    client.post(reverse("admin:members_visitlog_add"), admin_payload(cadre))
    visit = VisitLog.objects.get()
    admin_edits(client, "members_visitlog", visit, admin_payload(cadre, concerns="路灯"))
    assert visit.concerns == "路灯"
    response = client.post(reverse("admin:members_visitlog_delete", args=[visit.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not VisitLog.objects.exists()
    assert [h.history_type for h in VisitLog.history.order_by("history_date")] == ["+", "~", "-"]


def test_viewer_cannot_add_in_admin(world):
    cadre = CadreFactory(organization=world.branch_a1)
    response = world.page_client("viewer_a").post(reverse("admin:members_visitlog_add"), admin_payload(cadre))
    assert response.status_code == 403
    assert not VisitLog.objects.exists()
