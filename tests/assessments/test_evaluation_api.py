"""/api/v1/joint-evaluations/…: the generic scope suites of the five endpoints, the cycle's rules and
transitions, and who sees which grades and scores (raters, the rated, viewers, the county)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments.models import CycleState
from assessments.models import EvaluationCycle
from assessments.models import EvaluationGrade
from assessments.models import EvaluationRater
from assessments.models import RaterGroup
from assessments.models import SecretaryGrade
from branches.models import SecurityEvent
from branches.models import SecurityEventKind
from tests.utils.factories import OrganizationFactory
from tests.utils.factories import UserFactory
from tests.utils.factories_evaluation import EvaluationCycleFactory
from tests.utils.factories_evaluation import EvaluationRaterFactory
from tests.utils.factories_evaluation import EvaluationScoreFactory
from tests.utils.factories_evaluation import SecretaryGradeFactory
from tests.utils.factories_evaluation import StatementFactory
from tests.utils.factories_evaluation import cycle_of
from tests.utils.factories_evaluation import next_year
from tests.utils.factories_quotas import root_county
from tests.utils.scope import ScopeSuite
from tests.utils.scope_records import OrganizationRecordScopeSuite

pytestmark = pytest.mark.django_db

G = EvaluationGrade


# --- the generic scope suites -------------------------------------------------------------------------------


class TestEvaluationCycleScope(ScopeSuite):
    basename = "joint-evaluation"
    writer = "county_admin"
    viewer_refusals = frozenset({400})  # the viewer cannot see the county committee to name it

    def make_object(self, world, organization):
        return EvaluationCycleFactory(county=root_county(organization), year=next_year())

    def create_payload(self, world, organization):
        return {"county": root_county(organization).pk, "year": 2100}

    def move_payload(self, world, organization):
        return {"county": root_county(organization).pk}


class TestStatementScope(OrganizationRecordScopeSuite):
    basename = "joint-evaluation-statement"

    def make_object(self, world, organization):
        return StatementFactory(organization=organization, cycle=cycle_of(organization, year=next_year()))

    def create_payload(self, world, organization):
        cycle = cycle_of(organization, year=next_year())
        return {"cycle": cycle.pk, "organization": organization.pk, "text": "述职报告"}


class TestEvaluationRaterScope(ScopeSuite):
    basename = "joint-evaluation-rater"
    writer = "county_admin"
    supports_delete = True

    def make_object(self, world, organization):
        return EvaluationRaterFactory(
            organization=organization, cycle=cycle_of(organization, year=next_year())
        )

    def create_payload(self, world, organization):
        cycle = cycle_of(organization, year=next_year())
        user = UserFactory()
        return {
            "cycle": cycle.pk,
            "user": user.pk,
            "group": RaterGroup.MASS_REPRESENTATIVE,
            "organization": organization.pk,
        }


class TestSecretaryGradeScope(ScopeSuite):
    basename = "joint-evaluation-grade"
    writer = "county_admin"
    viewer_refusals = frozenset({400})  # the appointment named is not the viewer's

    def make_object(self, world, organization):
        cycle = cycle_of(organization, year=next_year())
        rater = EvaluationRaterFactory(cycle=cycle, organization=organization)
        return SecretaryGradeFactory(rater=rater, organization=organization)

    def create_payload(self, world, organization):
        cycle = EvaluationCycleFactory(county=world.county, year=2100)
        rater, _ = EvaluationRater.objects.get_or_create(
            cycle=cycle,
            user=world.users["county_admin"],
            organization=world.county,
            defaults={"group": RaterGroup.TOWNSHIP_OFFICIAL},
        )
        return {"rater": rater.pk, "organization": organization.pk, "grade": G.GOOD}


class TestEvaluationScoreScope(ScopeSuite):
    basename = "joint-evaluation-score"
    supports_create = False

    def make_object(self, world, organization):
        cycle = cycle_of(organization, year=next_year(), state=CycleState.PUBLISHED)
        return EvaluationScoreFactory(organization=organization, cycle=cycle)


# --- helpers ------------------------------------------------------------------------------------------------


def url(name, obj=None):
    return reverse(f"joint-evaluation{name}", args=[obj.pk] if obj is not None else None)


def listed(world_or_client, name, **params):
    response = world_or_client.get(url(name), {"page_size": 500, **params})
    assert response.status_code == 200, response.content
    return response.json()["results"]


def rater_user(world, organization, group=RaterGroup.MASS_REPRESENTATIVE, cycle=None):
    """A user with no role at all, appointed over ``organization``."""
    cycle = cycle or cycle_of(organization)
    rater = EvaluationRaterFactory(cycle=cycle, organization=organization, group=group)
    client = world.client(None)
    client.force_authenticate(rater.user)
    return rater, client


# --- cycles -------------------------------------------------------------------------------------------------


def test_a_new_cycle_takes_the_default_window_and_weights(world):
    response = world.client("county_admin").post(
        url("-list"), {"county": world.county.pk, "year": 2026}, format="json"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["opens_on"], body["statements_due_on"], body["closes_on"]) == (
        "2026-11-01",
        "2026-12-15",
        "2026-12-31",
    )
    assert (body["weight_evaluation"], body["weight_examination"], body["good_from"]) == (40, 60, 90)
    assert body["state"] == CycleState.OPEN
    assert SecurityEvent.objects.filter(
        kind=SecurityEventKind.POLICY_CHANGED, organization=world.county
    ).exists()


def test_cycle_rules_are_checked_and_one_cycle_per_county_and_year(world):
    client = world.client("county_admin")
    bad = client.post(
        url("-list"),
        {"county": world.county.pk, "year": 2026, "weight_evaluation": 50, "weight_examination": 60},
        format="json",
    )
    assert bad.status_code == 400 and "weight_examination" in bad.json()
    thresholds = client.post(
        url("-list"), {"county": world.county.pk, "year": 2026, "good_from": 80}, format="json"
    )
    assert thresholds.status_code == 400 and "fairly_good_from" in thresholds.json()
    assert (
        client.post(url("-list"), {"county": world.county.pk, "year": 2026}, format="json").status_code == 201
    )
    again = client.post(url("-list"), {"county": world.county.pk, "year": 2026}, format="json")
    assert again.status_code == 400 and "year" in again.json()
    assert EvaluationCycle.objects.count() == 1


def test_a_cycle_is_not_opened_by_a_township(world):
    response = world.client("county_admin").post(
        url("-list"), {"county": world.township_a.pk, "year": 2026}, format="json"
    )
    assert response.status_code == 400 and "county" in response.json()


def test_township_staff_and_secretaries_read_the_cycle_but_cannot_change_it(world):
    cycle = EvaluationCycleFactory(county=world.county)
    for who in ("staff_a", "secretary_a1", "viewer_a"):
        assert world.client(who).get(url("-detail", cycle)).status_code == 200
        response = world.client(who).patch(url("-detail", cycle), {"good_from": 95}, format="json")
        assert response.status_code == 403, who
    assert world.client("nobody").get(url("-detail", cycle)).status_code == 404


def test_a_rater_without_any_role_sees_the_cycle_they_rate(world):
    cycle = EvaluationCycleFactory(county=world.county)
    _rater, client = rater_user(world, world.branch_a1, cycle=cycle)
    assert [row["id"] for row in listed(client, "-list")] == [cycle.pk]


def test_close_compute_publish(world):
    cycle = EvaluationCycleFactory(county=world.county)
    client = world.client("county_admin")
    assert client.post(url("-publish", cycle)).status_code == 400  # still open
    assert client.post(url("-close", cycle)).json()["state"] == CycleState.CLOSED
    refused = client.post(url("-publish", cycle))
    assert refused.status_code == 400 and "state" in refused.json()  # nothing computed
    computed = client.post(url("-compute", cycle))
    assert computed.status_code == 200 and computed.json()["scores"] == 6
    published = client.post(url("-publish", cycle)).json()
    assert published["state"] == CycleState.PUBLISHED
    assert published["published_by"] == world.users["county_admin"].pk and published["published_at"]
    event = SecurityEvent.objects.filter(kind=SecurityEventKind.POLICY_CHANGED).first()
    assert event.detail["state"] == CycleState.PUBLISHED
    assert client.post(url("-compute", cycle)).status_code == 400  # final
    assert client.patch(url("-detail", cycle), {"good_from": 95}, format="json").status_code == 400


def test_only_the_county_computes_and_publishes(world):
    cycle = EvaluationCycleFactory(county=world.county, state=CycleState.CLOSED)
    EvaluationScoreFactory(cycle=cycle, organization=world.branch_a1)
    for action in ("-compute", "-publish", "-close"):
        assert world.client("staff_a").post(url(action, cycle)).status_code == 403
    cycle.refresh_from_db()
    assert cycle.state == CycleState.CLOSED


def test_a_stale_version_does_not_publish(world):
    cycle = EvaluationCycleFactory(county=world.county, state=CycleState.CLOSED)
    EvaluationScoreFactory(cycle=cycle, organization=world.branch_a1)
    response = world.client("county_admin").post(url("-publish", cycle), {"version": 7}, format="json")
    assert response.status_code == 409


# --- grades -------------------------------------------------------------------------------------------------


def test_a_second_grade_replaces_the_first_and_history_keeps_both(world):
    rater, client = rater_user(world, world.township_a)
    first = client.post(
        url("-grade-list"), {"rater": rater.pk, "organization": world.branch_a1.pk, "grade": G.GOOD}
    )
    assert first.status_code == 201, first.content
    second = client.post(
        url("-grade-list"), {"rater": rater.pk, "organization": world.branch_a1.pk, "grade": G.AVERAGE}
    )
    assert second.status_code == 200 and second.json()["id"] == first.json()["id"]
    grade = SecretaryGrade.objects.get()
    assert grade.grade == G.AVERAGE
    assert [h.grade for h in grade.history.order_by("history_date")] == [G.GOOD, G.AVERAGE]
    assert {h.history_user_id for h in grade.history.all()} == {rater.user_id}


def test_a_rater_cannot_grade_outside_their_subtree(world):
    rater, client = rater_user(world, world.township_a)
    for organization in (world.branch_b1, world.branch_z1):
        response = client.post(
            url("-grade-list"), {"rater": rater.pk, "organization": organization.pk, "grade": G.GOOD}
        )
        assert response.status_code == 404
    missing = client.post(url("-grade-list"), {"rater": rater.pk, "organization": 10**9, "grade": G.GOOD})
    assert missing.status_code == 404
    assert not SecretaryGrade.objects.exists()


def test_a_rater_cannot_use_someone_elses_appointment(world):
    rater, _client = rater_user(world, world.township_a)
    response = world.client("staff_a").post(
        url("-grade-list"), {"rater": rater.pk, "organization": world.branch_a1.pk, "grade": G.GOOD}
    )
    assert response.status_code == 400 and "rater" in response.json()


def test_a_rater_cannot_grade_their_own_branch(world):
    cycle = cycle_of(world.branch_a1)
    rater = EvaluationRaterFactory(
        cycle=cycle, organization=world.township_a, user=world.users["secretary_a1"]
    )
    response = world.client("secretary_a1").post(
        url("-grade-list"), {"rater": rater.pk, "organization": world.branch_a1.pk, "grade": G.GOOD}
    )
    assert response.status_code == 400 and "organization" in response.json()
    ok = world.client("secretary_a1").post(
        url("-grade-list"), {"rater": rater.pk, "organization": world.branch_a2.pk, "grade": G.GOOD}
    )
    assert ok.status_code == 201


def test_grades_only_while_the_cycle_is_open(world):
    cycle = cycle_of(world.branch_a1, state=CycleState.CLOSED)
    rater, client = rater_user(world, world.township_a, cycle=cycle)
    response = client.post(
        url("-grade-list"), {"rater": rater.pk, "organization": world.branch_a1.pk, "grade": G.GOOD}
    )
    assert response.status_code == 400 and "cycle" in response.json()


def test_only_evaluated_secretaries_are_graded(world):
    school = OrganizationFactory(parent=world.township_a, field="school")
    rater, client = rater_user(world, world.township_a)
    response = client.post(
        url("-grade-list"), {"rater": rater.pk, "organization": school.pk, "grade": G.GOOD}
    )
    assert response.status_code == 400 and "organization" in response.json()


def test_a_grade_must_be_one_of_the_four(world):
    rater, client = rater_user(world, world.township_a)
    response = client.post(
        url("-grade-list"), {"rater": rater.pk, "organization": world.branch_a1.pk, "grade": "excellent"}
    )
    assert response.status_code == 400 and "grade" in response.json()


# --- who sees what ------------------------------------------------------------------------------------------


def test_a_rater_sees_only_their_own_grades_and_their_subjects(world):
    cycle = cycle_of(world.branch_a1)
    mine, client = rater_user(world, world.township_a, cycle=cycle)
    other = EvaluationRaterFactory(cycle=cycle, organization=world.township_a)
    own = SecretaryGradeFactory(rater=mine, organization=world.branch_a1)
    SecretaryGradeFactory(rater=other, organization=world.branch_a1)
    assert [row["id"] for row in listed(client, "-grade-list")] == [own.pk]
    assert [row["id"] for row in listed(client, "-rater-list")] == [mine.pk]
    subjects = client.get(url("-rater-subjects", mine)).json()
    assert {row["organization"]: row["grade"] for row in subjects} == {
        world.township_a.pk: "",
        world.branch_a1.pk: G.GOOD,
        world.branch_a2.pk: "",
    }
    assert listed(client, "-score-list") == []


def test_grades_are_hidden_from_everyone_but_the_county_and_the_rater(world):
    cycle = cycle_of(world.branch_a1, state=CycleState.PUBLISHED)
    grade = SecretaryGradeFactory(
        rater=EvaluationRaterFactory(cycle=cycle, organization=world.branch_a1), organization=world.branch_a1
    )
    for who in ("staff_a", "secretary_a1", "viewer_a", "nobody", "staff_b"):
        assert listed(world.client(who), "-grade-list") == [], who
        assert world.client(who).get(url("-grade-detail", grade)).status_code == 404
    assert [row["id"] for row in listed(world.client("county_admin"), "-grade-list")] == [grade.pk]


def test_the_rated_secretary_sees_no_score_until_the_county_publishes(world):
    cycle = cycle_of(world.branch_a1, state=CycleState.CLOSED)
    score = EvaluationScoreFactory(cycle=cycle, organization=world.branch_a1)
    for who in ("secretary_a1", "staff_a", "viewer_a"):
        assert listed(world.client(who), "-score-list") == [], who
        assert world.client(who).get(url("-score-detail", score)).status_code == 404
    assert [row["id"] for row in listed(world.client("county_admin"), "-score-list")] == [score.pk]

    response = world.client("county_admin").post(url("-publish", cycle))
    assert response.status_code == 200, response.content
    for who in ("secretary_a1", "staff_a", "viewer_a"):
        rows = listed(world.client(who), "-score-list")
        assert [row["id"] for row in rows] == [score.pk], who
    assert listed(world.client("staff_b"), "-score-list") == []  # out of scope even when published
    assert world.client("staff_b").get(url("-score-detail", score)).status_code == 404


def test_scores_filter_by_cycle_level_and_township(world):
    cycle = cycle_of(world.branch_a1)
    a1 = EvaluationScoreFactory(cycle=cycle, organization=world.branch_a1, township=world.township_a)
    EvaluationScoreFactory(cycle=cycle, organization=world.branch_b1, township=world.township_b)
    EvaluationScoreFactory(cycle=cycle, organization=world.township_a, level="township")
    client = world.client("county_admin")
    assert len(listed(client, "-score-list", cycle=cycle.pk)) == 3
    assert len(listed(client, "-score-list", level="village")) == 2
    assert [row["id"] for row in listed(client, "-score-list", township=world.township_a.pk)] == [a1.pk]


def test_statements_are_read_in_scope_and_by_the_raters_of_the_subtree(world):
    cycle = cycle_of(world.branch_a1)
    a1 = StatementFactory(cycle=cycle, organization=world.branch_a1)
    b1 = StatementFactory(cycle=cycle, organization=world.branch_b1)
    assert [row["id"] for row in listed(world.client("staff_a"), "-statement-list")] == [a1.pk]
    _rater, client = rater_user(world, world.township_b, cycle=cycle)
    assert [row["id"] for row in listed(client, "-statement-list")] == [b1.pk]
    assert client.get(url("-statement-detail", a1)).status_code == 404


def test_list_endpoints_answer_a_rater_in_a_fixed_number_of_queries(world):
    cycle = cycle_of(world.branch_a1)
    rater, client = rater_user(world, world.township_a, cycle=cycle)

    def counts():
        found = {}
        for name in ("-list", "-statement-list", "-rater-list", "-grade-list", "-score-list"):
            with CaptureQueriesContext(connection) as queries:
                listed(client, name)
            found[name] = len(queries)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url("-rater-subjects", rater)).status_code == 200
        found["subjects"] = len(queries)
        return found

    StatementFactory(cycle=cycle, organization=world.township_a)
    SecretaryGradeFactory(rater=rater, organization=world.township_a)
    counts()
    few = counts()
    for organization in (world.branch_a1, world.branch_a2):
        StatementFactory(cycle=cycle, organization=organization)
        SecretaryGradeFactory(rater=rater, organization=organization)
        EvaluationRaterFactory(cycle=cycle, organization=organization, user=rater.user)
    many = counts()
    assert few == many


def test_a_township_staff_member_is_not_a_county_admin_for_raters(world):
    cycle = cycle_of(world.branch_a1)
    response = world.client("staff_a").post(
        url("-rater-list"),
        {
            "cycle": cycle.pk,
            "user": world.users["nobody"].pk,
            "group": "mass_representative",
            "organization": world.branch_a1.pk,
        },
        format="json",
    )
    assert response.status_code == 403


def test_removing_a_rater_takes_their_grades_with_history(world):
    cycle = cycle_of(world.branch_a1)
    rater = EvaluationRaterFactory(cycle=cycle, organization=world.township_a)
    grade = SecretaryGradeFactory(rater=rater, organization=world.branch_a1)
    assert world.client("county_admin").delete(url("-rater-detail", rater)).status_code == 204
    assert not SecretaryGrade.objects.exists()
    assert grade.history.filter(history_type="-").exists()
    assert EvaluationRater.history.filter(id=rater.pk, history_type="-").exists()


def test_a_rater_is_appointed_once_per_subtree(world):
    cycle = cycle_of(world.branch_a1)
    payload = {
        "cycle": cycle.pk,
        "user": world.users["nobody"].pk,
        "group": "mass_representative",
        "organization": world.township_a.pk,
    }
    client = world.client("county_admin")
    assert client.post(url("-rater-list"), payload, format="json").status_code == 201
    again = client.post(url("-rater-list"), payload, format="json")
    assert again.status_code == 400 and "user" in again.json()


# --- exports ------------------------------------------------------------------------------------------------


def _sheet_rows(response):
    from io import BytesIO

    from openpyxl import load_workbook

    assert response.status_code == 200
    workbook = load_workbook(BytesIO(b"".join(response.streaming_content)))
    return [row for row in workbook.active.iter_rows(values_only=True) if any(row)]


def test_scores_export_to_xlsx_with_the_same_secrecy_as_the_list(world):
    cycle = cycle_of(world.branch_a1)
    EvaluationScoreFactory(
        cycle=cycle, organization=world.branch_a1, township=world.township_a, final_score=91
    )
    export = reverse("joint-evaluation-score-export")
    rows = _sheet_rows(world.client("county_admin").get(export))
    header = next(i for i, row in enumerate(rows) if "组织编码" in row)
    body = rows[header + 1 :]
    assert len(body) == 1
    record = dict(zip(rows[header], body[0], strict=False))
    assert record["组织名称"] == world.branch_a1.name and record["综合等次"] == "较好"
    assert record["所属乡镇"] == world.township_a.name
    staff_rows = _sheet_rows(world.client("staff_a").get(export))
    assert not any(world.branch_a1.name in [str(c) for c in row] for row in staff_rows)


def test_statements_export_to_xlsx(world):
    cycle = cycle_of(world.branch_a1)
    StatementFactory(cycle=cycle, organization=world.branch_a1, late=True)
    StatementFactory(cycle=cycle, organization=world.branch_b1)
    rows = _sheet_rows(world.client("staff_a").get(reverse("joint-evaluation-statement-export")))
    names = [cell for row in rows for cell in row]
    assert world.branch_a1.name in names and world.branch_b1.name not in names
    assert "是" in names
