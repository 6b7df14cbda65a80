"""Starting a run where another of the same year already covers the organization: join it while it has
read nothing, queue behind it once it has started; two requests at once make one run (docs/quotas.md)."""

import contextlib
import threading

import pytest

from assessments.models import QuotaRun
from assessments.models import RunState
from assessments.services import quotas
from assessments.services.quotas import quota_run_start
from tests.utils.factories import UserFactory
from tests.utils.threads import run_at_once

pytestmark = pytest.mark.django_db
YEAR = 2025


@pytest.fixture
def root(db):
    return UserFactory(username="root", is_superuser=True)


@pytest.fixture
def not_executed(monkeypatch):
    """Runs stay queued: the tests are about who queues what, not about the computation."""
    monkeypatch.setattr(quotas, "_enqueue", lambda run: None)


def _queued(organization, state=RunState.QUEUED):
    return QuotaRun.objects.create(organization=organization, year=YEAR, state=state)


def test_a_township_request_joins_a_queued_county_run(world, root, not_executed):
    county_run = _queued(world.county)
    run = quota_run_start(actor=root, organization=world.township_a, year=YEAR)
    assert (run.pk, run.joined) == (county_run.pk, True)
    assert QuotaRun.objects.count() == 1


def test_a_request_joins_a_queued_run_over_every_tree_but_not_a_running_one(world, root, not_executed):
    every_tree = _queued(None)
    run = quota_run_start(actor=root, organization=world.branch_a1, year=YEAR)
    assert (run.pk, run.joined) == (every_tree.pk, True)
    QuotaRun.objects.filter(pk=every_tree.pk).update(state=RunState.RUNNING)
    run = quota_run_start(actor=root, organization=world.branch_a1, year=YEAR)
    assert run.pk != every_tree.pk and not run.joined


def test_the_schedule_queues_one_run_over_every_tree_and_joins_it_when_queued(world, not_executed):
    first = quotas.quota_runs_schedule(year=YEAR, trigger="nightly")
    again = quotas.quota_runs_schedule(year=YEAR, trigger="nightly")
    assert [run.organization_id for run in first] == [None]
    assert [run.pk for run in again] == [first[0].pk] and again[0].joined
    assert QuotaRun.objects.count() == 1


def test_a_township_request_queues_behind_a_county_run_already_running(world, root, not_executed):
    county_run = _queued(world.county, RunState.RUNNING)
    run = quota_run_start(actor=root, organization=world.township_a, year=YEAR)
    assert run.pk != county_run.pk and not run.joined
    assert run.state == RunState.QUEUED


def test_a_request_joins_the_run_already_running_for_the_same_organization(world, root, not_executed):
    running = _queued(world.township_a, RunState.RUNNING)
    assert quota_run_start(actor=root, organization=world.township_a, year=YEAR).pk == running.pk


def test_a_county_request_does_not_join_a_township_run(world, root, not_executed):
    township_run = _queued(world.township_a)
    run = quota_run_start(actor=root, organization=world.county, year=YEAR)
    assert run.pk != township_run.pk and not run.joined


def test_a_run_of_another_year_is_not_joined(world, root, not_executed):
    _queued(world.county)
    run = quota_run_start(actor=root, organization=world.county, year=YEAR - 1)
    assert run.year == YEAR - 1 and not run.joined


def test_the_api_says_when_a_request_joined(world, root, not_executed, client):
    county_run = _queued(world.county)
    client.force_login(root)
    answer = client.post(
        "/api/v1/quota-runs/", {"organization": world.township_a.pk, "year": YEAR}, "application/json"
    )
    assert answer.status_code == 202
    assert (answer.json()["id"], answer.json()["joined"]) == (county_run.pk, True)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_requests_at_once_make_one_run(world, root, not_executed, monkeypatch):
    """Both requests look for a run to join and meet at a barrier before either creates one: without the
    lock on the tree's root both find nothing and queue two; with it the second waits, then joins."""
    barrier = threading.Barrier(2, timeout=2)
    looked = quotas._covering_run

    def look_then_meet(organization, year, **options):
        found = looked(organization, year, **options)
        with contextlib.suppress(threading.BrokenBarrierError):  # the other request waits on the lock
            barrier.wait()
        return found

    monkeypatch.setattr(quotas, "_covering_run", look_then_meet)
    runs = []

    def start():
        runs.append(quota_run_start(actor=root, organization=world.county, year=YEAR).pk)

    run_at_once(start, [(), ()], timeout=None)
    assert len(runs) == 2 and runs[0] == runs[1]
    assert QuotaRun.objects.filter(year=YEAR).count() == 1
