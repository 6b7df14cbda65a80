import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assessments.models import Alert
from assessments.models import QuotaPolicy
from assessments.models import QuotaPublication
from assessments.models import QuotaResult
from assessments.models import QuotaRun
from assessments.models import RunState
from assessments.quota import engine
from assessments.quota.statements import Period
from assessments.quota.statements import Statements
from assessments.selectors.quotas import published_alerts
from assessments.selectors.quotas import published_results
from assessments.services.quotas import quota_run_execute
from assessments.services.quotas import quota_run_start
from assessments.services.quotas import quota_runs_fail_stale
from branches.models import Organization
from branches.models import OrganizationKind
from tests.utils.factories import MemberFactory
from tests.utils.factories import OrganizationFactory
from tests.utils.factories import UserFactory

pytestmark = pytest.mark.django_db
PAST = dt.date(2026, 3, 1)


@pytest.fixture
def root(db):
    return UserFactory(username="root", is_superuser=True)


def _county_with_branches(count: int, code: str):
    county = OrganizationFactory(kind=OrganizationKind.COUNTY_COMMITTEE, field="", code=code)
    township = OrganizationFactory(
        kind=OrganizationKind.TOWNSHIP_COMMITTEE, field="", parent=county, code=f"{code}-T"
    )
    branches = [OrganizationFactory(parent=township, code=f"{code}-B{n}") for n in range(count)]
    for branch in branches[:3]:
        MemberFactory(branch=branch, joined_on=dt.date(2025, 7, 1), confirmed_on=dt.date(2026, 1, 1))
    return county


def _queries_of_a_run(county, year=2025):
    run = QuotaRun.objects.create(organization=county, year=year)
    with CaptureQueriesContext(connection) as captured:
        quota_run_execute(run.pk, today=PAST)
    run.refresh_from_db()
    assert run.state == RunState.SUCCEEDED, run.error
    return len(captured)


def test_a_run_issues_the_same_number_of_queries_for_10_and_200_organizations(db):
    small = _queries_of_a_run(_county_with_branches(8, "S"))
    large = _queries_of_a_run(_county_with_branches(198, "L"))
    assert small == large


def test_run_computes_every_rural_branch_indicator(world, root):
    run = quota_run_start(actor=root, organization=world.county, year=2025)
    run.refresh_from_db()
    assert run.state == RunState.SUCCEEDED and run.progress == 100
    codes = set(published_results(year=2025, organization=world.branch_a1).values_list("code", flat=True))
    assert {
        "dev.branch_min",
        "train.secretary",
        "visit.households",
        "meet.assembly",
        "review.disclosures",
    } <= codes
    assert run.counts["organizations"] == 6
    assert not published_results(year=2025, organization=world.other_county).exists()


def _finished(actor, organization):
    run = quota_run_start(actor=actor, organization=organization, year=2025)
    run.refresh_from_db()
    return run


def test_rerunning_rewrites_only_the_results_that_changed(world, root):
    first = _finished(root, world.county)
    MemberFactory(branch=world.branch_a1, joined_on=dt.date(2025, 5, 1), confirmed_on=dt.date(2026, 5, 1))
    second = _finished(root, world.county)
    results = published_results(year=2025, organization=world.county)
    admissions = results.get(organization=world.branch_a1, code="dev.branch_min")
    assert admissions.run_id == second.pk and admissions.actual == 1
    assert results.get(organization=world.branch_a2, code="dev.branch_min").run_id == first.pk
    assert QuotaResult.objects.filter(year=2025).count() == second.counts["results"]
    assert 0 < second.counts["changed"] == QuotaResult.objects.filter(run=second).count()
    third = _finished(root, world.county)
    assert third.counts["changed"] == 0 and not QuotaResult.objects.filter(run=third).exists()


def test_a_rerun_deletes_the_results_an_organization_no_longer_has(world, root):
    _finished(root, world.county)
    assert published_results(year=2025, organization=world.branch_a2).exists()
    Organization.objects.filter(pk=world.branch_a2.pk).update(dissolved_on=dt.date(2025, 3, 1))
    rerun = _finished(root, world.county)
    assert not QuotaResult.objects.filter(organization=world.branch_a2, year=2025).exists()
    assert rerun.counts["changed"] > 0


def test_a_rerun_deletes_a_dissolved_branchs_results_while_a_new_branch_takes_as_many(world, root):
    """As many results gone as new ones: the rerun still finds the gone ones."""
    _finished(root, world.county)
    held = QuotaResult.objects.filter(year=2025).count()
    Organization.objects.filter(pk=world.branch_a2.pk).update(dissolved_on=dt.date(2025, 3, 1))
    newcomer = OrganizationFactory(parent=world.township_a, code="C1-TA-3", field=world.branch_a2.field)
    _finished(root, world.county)
    assert not QuotaResult.objects.filter(organization=world.branch_a2, year=2025).exists()
    assert QuotaResult.objects.filter(organization=newcomer, year=2025).exists()
    assert QuotaResult.objects.filter(year=2025).count() == held


def test_a_branch_refresh_leaves_the_rest_of_the_county_as_it_was(world, root):
    _finished(root, world.county)
    before = dict(QuotaResult.objects.filter(year=2025).values_list("pk", "run_id"))
    refresh = _finished(root, world.branch_a1)
    after = dict(QuotaResult.objects.filter(year=2025).values_list("pk", "run_id"))
    assert after == before and refresh.counts["changed"] == 0 and refresh.counts["results"] > 0


def test_a_run_that_fails_as_it_publishes_leaves_the_previous_figures(world, root, monkeypatch):
    first = quota_run_start(actor=root, organization=world.county, year=2025)
    before = set(published_results(year=2025).values_list("pk", "run_id", "actual"))
    MemberFactory(branch=world.branch_a1, joined_on=dt.date(2025, 5, 1), confirmed_on=dt.date(2026, 5, 1))

    def broken(run):
        raise RuntimeError("connection lost")

    monkeypatch.setattr(engine, "publish", broken)
    failed = quota_run_start(actor=root, organization=world.county, year=2025)
    failed.refresh_from_db()
    assert failed.state == RunState.FAILED and "connection lost" in failed.error
    assert set(published_results(year=2025).values_list("pk", "run_id", "actual")) == before
    assert set(QuotaPublication.objects.values_list("run_id", flat=True)) == {first.pk}


def test_a_failing_run_is_marked_failed_and_leaves_the_previous_results(world, root, monkeypatch):
    first = quota_run_start(actor=root, organization=world.county, year=2025)
    before = published_results(year=2025).count()

    def broken(statements):
        raise RuntimeError("disk full")

    monkeypatch.setattr(engine, "STAGES", (*engine.STAGES[:3], ("broken", broken)))
    failed = quota_run_start(actor=root, organization=world.county, year=2025)
    failed.refresh_from_db()
    assert failed.state == RunState.FAILED and "disk full" in failed.error
    assert published_results(year=2025).count() == before
    assert set(published_results(year=2025).values_list("run_id", flat=True)) == {first.pk}
    assert not QuotaResult.objects.filter(run=failed).exists()


def test_a_task_redelivered_after_its_worker_died_marks_the_run_failed(world, root):
    run = QuotaRun.objects.create(organization=world.county, year=2025, state=RunState.RUNNING)
    quota_run_execute(run.pk)
    run.refresh_from_db()
    assert run.state == RunState.FAILED and run.error
    again = quota_run_start(actor=root, organization=world.county, year=2025)
    again.refresh_from_db()
    assert again.state == RunState.SUCCEEDED


def test_runs_silent_for_an_hour_are_failed(world):
    from django.utils import timezone

    stale = QuotaRun.objects.create(
        organization=world.county,
        year=2025,
        state=RunState.RUNNING,
        heartbeat_at=timezone.now() - dt.timedelta(minutes=61),
    )
    alive = QuotaRun.objects.create(
        organization=world.township_a,
        year=2025,
        state=RunState.RUNNING,
        heartbeat_at=timezone.now() - dt.timedelta(minutes=59),
    )
    assert quota_runs_fail_stale() == 1
    stale.refresh_from_db()
    alive.refresh_from_db()
    assert (stale.state, alive.state) == (RunState.FAILED, RunState.RUNNING)


def test_starting_a_run_already_queued_returns_it(world, root):
    queued = QuotaRun.objects.create(organization=world.county, year=2025)
    assert quota_run_start(actor=root, organization=world.county, year=2025).pk == queued.pk


def test_a_township_run_publishes_only_its_subtree(world, root):
    county_run = quota_run_start(actor=root, organization=world.county, year=2025)
    township_run = quota_run_start(actor=root, organization=world.township_a, year=2025)
    published = dict(QuotaPublication.objects.filter(year=2025).values_list("organization", "run"))
    assert published[world.branch_a1.pk] == township_run.pk and published[world.branch_b1.pk] == county_run.pk
    assert published[world.county.pk] == county_run.pk


def test_missing_policy_is_created_with_the_defaults(world, root):
    quota_run_start(actor=root, organization=world.township_a, year=2025)
    policy = QuotaPolicy.objects.get(county=world.county, year=2025)
    assert (policy.visit_households, policy.meet_committee, policy.dev_young_share) == (50, 12, 70)


def test_the_policy_targets_are_used(world, root):
    from assessments.services.quotas import quota_policy_create

    quota_policy_create(actor=root, county=world.county, year=2025, meet_assembly=6)
    quota_run_start(actor=root, organization=world.county, year=2025)
    result = published_results(year=2025, organization=world.branch_a1).get(code="meet.assembly")
    assert result.target == 6


def test_alerts_are_derived_and_published(world, root):
    quota_run_start(actor=root, organization=world.county, year=2025)
    kinds = set(published_alerts(year=2025).values_list("kind", flat=True))
    assert {"dev.two_years_none", "reserve.young", "train.per_level"} <= kinds


def test_rollups_count_branches_meeting_each_indicator(world, root):
    MemberFactory(branch=world.branch_a1, joined_on=dt.date(2025, 5, 1), confirmed_on=dt.date(2026, 5, 1))
    quota_run_start(actor=root, organization=world.county, year=2025)
    rollup = published_results(year=2025).get(organization=world.township_a, code="rollup.dev.branch_min")
    assert (rollup.target, rollup.actual, rollup.met) == (2, 1, False)
    assert float(rollup.detail["share"]) == 50.0


def _work_tables() -> set[str]:
    """The engine's work tables (``qt<run id>_<name>``) this connection can see."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT relname FROM pg_class WHERE relname ~ '^qt[0-9]+_'")
        else:
            cursor.execute("SELECT name FROM sqlite_temp_master WHERE name LIKE 'qt%'")
        return {row[0] for row in cursor.fetchall()}


def test_a_run_leaves_no_work_table_behind(world, root):
    seen = []
    run = QuotaRun.objects.create(organization=world.county, year=2025)
    engine.compute(run, today=PAST, on_stage=lambda done, total, label: seen.append(_work_tables()))
    assert any(f"qt{run.pk}_res" in tables for tables in seen)  # they existed during the run
    assert _work_tables() == set()


def test_a_failing_run_leaves_no_work_table_behind(world, root, monkeypatch):
    def broken(statements):
        raise RuntimeError("disk full")

    monkeypatch.setattr(engine, "STAGES", (*engine.STAGES[:2], ("broken", broken)))
    failed = quota_run_start(actor=root, organization=world.county, year=2025)
    failed.refresh_from_db()
    assert failed.state == RunState.FAILED
    assert _work_tables() == set()


def test_two_runs_have_their_own_work_tables(world):
    """Runs of different scopes may work side by side: on PostgreSQL their tables are real tables."""
    first = QuotaRun.objects.create(organization=world.township_a, year=2025)
    second = QuotaRun.objects.create(organization=world.township_b, year=2025)
    names = {}
    for run in (first, second):
        engine.compute(
            run,
            today=PAST,
            on_stage=lambda done, total, label, run=run: names.setdefault(run.pk, _work_tables()),
        )
    assert names[first.pk] and names[second.pk] and not names[first.pk] & names[second.pk]


def test_a_run_is_one_transaction(world, root):
    """After the claim, compute and publish are one transaction: nothing of the run commits before its end."""
    run = QuotaRun.objects.create(organization=world.county, year=2025)
    with CaptureQueriesContext(connection) as captured:
        quota_run_execute(run.pk, today=PAST)
    statements = [query["sql"] for query in captured.captured_queries]
    inserts = [
        n for n, text in enumerate(statements) if text.startswith("INSERT INTO assessments_quotaresult")
    ]
    assert len(inserts) == 1  # every result in one statement
    publication = max(
        n for n, text in enumerate(statements) if text.startswith("INSERT INTO assessments_quotapublication")
    )
    # Inside the test's transaction the run's transaction is a savepoint: opened before the engine's first
    # statement (a work table) and released only after the publication.
    first_table = min(n for n, text in enumerate(statements) if re.match(r"CREATE \w+ TABLE qt\d+_", text))
    opened = max(n for n, text in enumerate(statements[:first_table]) if text.startswith("SAVEPOINT"))
    released = statements.index(f"RELEASE SAVEPOINT {statements[opened].split()[-1]}")
    assert opened < inserts[0] < publication < released


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_progress_shows_to_other_sessions_while_the_run_is_open(monkeypatch):
    """The run is one long transaction; its progress still reaches the API through its own connection."""
    from django.db import transaction

    monkeypatch.setattr(engine.Progress, "QUIET_FOR", 0)  # this small run would be over before reporting

    county = _county_with_branches(3, "P")
    run = QuotaRun.objects.create(organization=county, year=2025, state=RunState.RUNNING)
    seen = []

    def look(done, total, label):
        other = connection.get_new_connection(connection.get_connection_params())
        try:
            with other.cursor() as cursor:
                cursor.execute("SELECT progress, stage FROM assessments_quotarun WHERE id = %s", [run.pk])
                seen.append(cursor.fetchone())
        finally:
            other.close()

    with transaction.atomic():
        engine.compute(run, today=PAST, on_stage=look)
    progress = [value for value, _ in seen]
    assert progress == sorted(progress) and progress[0] > 0 and progress[-1] < 100
    assert seen[-1][1] == engine.STAGES[-1][0]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_run_over_before_the_quiet_period_reports_no_progress_on_the_way(monkeypatch):
    monkeypatch.setattr(engine.Progress, "QUIET_FOR", 3600)
    county = _county_with_branches(3, "Q")
    run = QuotaRun.objects.create(organization=county, year=2025, state=RunState.RUNNING)
    counts = engine.compute(run, today=PAST)
    run.refresh_from_db()
    assert counts["organizations"] == 5 and run.progress == 0 and run.stage == ""


@pytest.mark.django_db(transaction=True)
def test_a_run_past_the_quiet_period_reports_each_stage(monkeypatch):
    monkeypatch.setattr(engine.Progress, "QUIET_FOR", 0)
    county = _county_with_branches(3, "R")
    run = QuotaRun.objects.create(organization=county, year=2025, state=RunState.RUNNING)
    engine.compute(run, today=PAST)
    run.refresh_from_db()
    assert run.progress > 0 and run.stage == engine.STAGES[-1][0]


@pytest.mark.postgres
def test_progress_never_waits_on_the_runs_own_transaction(world):
    """Progress goes through a second connection: when the run's transaction holds the runs table (here a
    lock; in the benchmark's tests, a TRUNCATE), it must give up at once rather than wait for a transaction
    that waits for it."""
    run = QuotaRun.objects.create(organization=world.county, year=2025)
    with connection.cursor() as cursor:
        cursor.execute("LOCK TABLE assessments_quotarun IN SHARE ROW EXCLUSIVE MODE")
    counts = engine.compute(run, today=PAST)
    assert counts["organizations"] == 6


# --- who may start a run ---------------------------------------------------------------------------------


def test_a_branch_secretary_may_refresh_their_own_branch_alone(world):
    run = quota_run_start(actor=world.users["secretary_a1"], organization=world.branch_a1, year=2025)

    run.refresh_from_db()
    assert run.organization == world.branch_a1
    assert run.requested_by == world.users["secretary_a1"]
    assert run.state == RunState.SUCCEEDED


@pytest.mark.parametrize("target", ["township_a", "branch_a2", "branch_b1"])
def test_a_branch_secretary_may_not_run_a_committee_or_another_branch(world, target):
    from branches.scope.querysets import OutOfScope

    with pytest.raises(OutOfScope):
        quota_run_start(actor=world.users["secretary_a1"], organization=getattr(world, target), year=2025)
    assert not QuotaRun.objects.exists()


def test_a_viewer_may_not_refresh_even_a_branch_in_view(world):
    from branches.scope.querysets import OutOfScope

    with pytest.raises(OutOfScope):
        quota_run_start(actor=world.users["viewer_a"], organization=world.branch_a1, year=2025)


def test_the_schedule_sweeps_what_a_dead_worker_left_and_nothing_published(world, root, monkeypatch):
    from assessments.services import quotas

    kept = _finished(root, world.county)
    kept_alerts = Alert.objects.filter(run=kept).count()
    left = QuotaRun.objects.create(organization=world.township_a, year=2025, state=RunState.SUCCEEDED)
    Alert.objects.create(run=left, year=2025, kind="meet.overdue", organization=world.branch_a1, detail={})
    monkeypatch.setattr(quotas, "_enqueue", lambda run: None)  # the sweep is the schedule's, not the run's
    quotas.quota_runs_schedule(year=2025, trigger="nightly")
    assert not Alert.objects.filter(run=left).exists()
    assert Alert.objects.filter(run=kept).count() == kept_alerts
    assert QuotaResult.objects.filter(year=2025).count() == kept.counts["results"] > 0


@pytest.mark.postgres
def test_a_run_refreshes_a_tables_statistics_from_a_tenth_of_its_rows_changed(db):
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMP TABLE counted AS SELECT generate_series(1, 100) AS n")
        cursor.execute("ANALYZE counted")
        cursor.execute("INSERT INTO counted SELECT generate_series(101, 150)")

        def statistics():
            cursor.execute("SELECT reltuples FROM pg_class WHERE oid = 'counted'::regclass")
            return cursor.fetchone()[0]

        engine.analyze_if_changed_much("counted", 9)
        assert statistics() == 100
        engine.analyze_if_changed_much("counted", 10)
        assert statistics() == 150


@pytest.mark.postgres
def test_planner_settings_hold_for_the_statements_inside_and_no_further(db):
    def setting(cursor):
        cursor.execute(
            "SELECT current_setting('parallel_setup_cost'), current_setting('parallel_tuple_cost')"
        )
        return cursor.fetchone()

    with connection.cursor() as cursor:
        before = setting(cursor)
        statements = Statements(cursor, Period(run_id=1, year=2025, today=PAST))
        with statements.planner([("parallel_setup_cost", "0"), ("parallel_tuple_cost", "0.001")]):
            inside = setting(cursor)
        after = setting(cursor)
        with Statements(cursor, Period(run_id=2, year=2025, today=PAST), subtree=True).planner(
            [("parallel_setup_cost", "0")]
        ):
            in_a_subtree_run = setting(cursor)
    assert inside == ("0", "0.001") and before != inside
    assert after == before == in_a_subtree_run
