"""A Celery worker killed during a quota run (docs/scale.md): the previous results stay published, the
dead run is marked failed when its task comes back from the broker, and a rerun completes.

Real processes throughout: the worker is ``celery worker`` on Redis against the test's PostgreSQL database.
To be sure the kill lands mid-run, the test holds the run's tree lock (the advisory lock runs of one tree
and year take) so the worker's run waits inside its computation; then the worker gets SIGKILL.
"""

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import psycopg2
import pytest
from django.conf import settings
from django.db import connection

from assessments.models import QuotaPublication
from assessments.models import QuotaResult
from assessments.models import QuotaRun
from assessments.models import RunState
from assessments.services.quotas import quota_run_start

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]

BASE_DIR = Path(__file__).resolve().parents[2]
YEAR = 2026
WAIT = 90


def start_worker(queue: str, log_path: Path) -> subprocess.Popen:
    database = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "partybuild.settings.base",
        "DATABASE_URL": f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}",
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "CELERY_RESULT_BACKEND": settings.CELERY_RESULT_BACKEND,
        # An unacknowledged task returns to the queue after 2 s instead of an hour.
        "CELERY_VISIBILITY_TIMEOUT": "2",
    }
    command = [
        sys.executable, "-m", "celery", "-A", "partybuild", "worker", "--pool=solo", "--concurrency=1",
        "--without-heartbeat", "--without-gossip", "--without-mingle",
        "--queues", queue, "--hostname", f"{queue}-{uuid.uuid4().hex[:6]}@%h", "--loglevel=INFO",
    ]  # fmt: skip
    log = log_path.open("ab")
    return subprocess.Popen(
        command, cwd=BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )


def stop(worker: subprocess.Popen) -> None:
    if worker.poll() is None:
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(timeout=10)


def wait_for(run: QuotaRun, states: set, log_path: Path) -> QuotaRun:
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        run.refresh_from_db()
        if run.state in states:
            return run
        time.sleep(0.2)
    pytest.fail(f"run {run.pk} stayed {run.state}, wanted {states}; worker log:\n{log_path.read_text()}")


def published(year: int) -> tuple[dict, set]:
    """Which run each organization's figures come from, and the figures themselves."""
    runs = dict(QuotaPublication.objects.filter(year=year).values_list("organization_id", "run_id"))
    figures = QuotaResult.objects.filter(year=year).values_list("organization_id", "code", "actual", "met")
    return runs, set(figures)


def hold_tree_lock(organization, year: int):
    database = connection.settings_dict
    holder = psycopg2.connect(
        dbname=database["NAME"], user=database["USER"], host=database["HOST"], port=database["PORT"]
    )
    holder.autocommit = True
    root = int(organization.path.strip("/").split("/")[0])
    with holder.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s, %s)", (root, year))
    return holder


def return_unacknowledged_tasks():
    """What the broker's housekeeping does (kombu's Redis transport): put back in their queue the tasks
    delivered more than the visibility timeout ago and never acknowledged. Workers do it themselves on a
    throttled timer; the test does it too so it does not depend on that timer."""
    from partybuild.celery import app

    with app.connection_for_write(transport_options={"visibility_timeout": 2}) as conn:
        conn.default_channel.qos.restore_visible(num=100, interval=1)


def wait_for_redelivery(run: QuotaRun, log_path: Path) -> QuotaRun:
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        return_unacknowledged_tasks()
        run.refresh_from_db()
        if run.state in {RunState.FAILED, RunState.SUCCEEDED}:
            return run
        time.sleep(1)
    pytest.fail(f"run {run.pk} stayed {run.state} after its worker died; worker log:\n{log_path.read_text()}")


def send(run: QuotaRun, queue: str):
    from partybuild.celery import app

    app.send_task("assessments.quota_run", args=[run.pk], queue=queue)


def test_killed_worker_leaves_previous_results_and_a_rerun_completes(
    require_postgres, require_redis, world, tmp_path
):
    admin = world.users["county_admin"]
    first = quota_run_start(actor=admin, organization=world.county, year=YEAR)  # eager: runs in-process
    first.refresh_from_db()
    assert first.state == RunState.SUCCEEDED
    before = published(YEAR)
    assert before[1] and set(before[0].values()) == {first.pk}

    queue, log_path = f"kill-{uuid.uuid4().hex[:10]}", tmp_path / "worker.log"
    doomed = QuotaRun.objects.create(organization=world.county, year=YEAR, requested_by=admin)
    lock = hold_tree_lock(world.county, YEAR)
    worker = start_worker(queue, log_path)
    try:
        send(doomed, queue)
        wait_for(doomed, {RunState.RUNNING}, log_path)
        time.sleep(0.5)  # the worker is now waiting for the tree lock, inside the run
        stop(worker)
        lock.close()

        doomed.refresh_from_db()
        assert doomed.state == RunState.RUNNING
        assert published(YEAR) == before, "the killed run must not have published anything"

        worker = start_worker(queue, log_path)  # the task comes back from Redis to this worker
        doomed = wait_for_redelivery(doomed, log_path)
        assert doomed.state == RunState.FAILED
        assert doomed.error
        assert published(YEAR) == before

        rerun = QuotaRun.objects.create(organization=world.county, year=YEAR, requested_by=admin)
        send(rerun, queue)
        rerun = wait_for(rerun, {RunState.SUCCEEDED, RunState.FAILED}, log_path)
    finally:
        stop(worker)
        lock.close()

    assert rerun.state == RunState.SUCCEEDED, rerun.error
    runs, figures = published(YEAR)
    assert set(runs.values()) == {rerun.pk}
    assert figures == before[1]
