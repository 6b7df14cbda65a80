"""Load test (docs/scale.md): headless locust against gunicorn (set up by gunicorn.conf.py, as production
runs it, with 2 workers) on PostgreSQL over loopback — a mix of dashboard, list and entry requests
(tests/perf/locustfile.py). Zero failed requests is asserted; the throughput and the latency percentiles are
printed, not asserted.

Background tasks run as in production when a broker is configured (``CELERY_BROKER_URL``): the web processes
send them through it to a Celery worker (2 processes, as docker-compose.yml starts it) that the test starts
on a queue of its own and stops at the end, so a visit's branch refresh runs beside the requests, not inside
them. Without a broker they run in the web processes after the commit, as in ``make demo``. The printed
summary names the mode.

- ``benchmark``: the demo county (``seed_demo``) in its own database, 50 users for 60 s:
  ``LOAD_DATABASE_URL=postgres://postgres@127.0.0.1:5432/partybuild_load``
  ``CELERY_BROKER_URL=redis://127.0.0.1:6379/0 .venv/bin/pytest tests/perf/test_load.py -m benchmark -s``
- in the normal suite: 5 users for 10 s against the test database, so the harness cannot rot.
"""

import csv
import datetime as dt
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

import pytest
from django.db import connection
from kombu import Connection
from kombu import Exchange
from kombu import Queue

from members.models import CadrePost
from tests.utils.factories import MemberFactory
from tests.utils.factories_cadres import CadreFactory

BASE_DIR = Path(__file__).resolve().parents[2]
LOCUSTFILE = Path(__file__).with_name("locustfile.py")
WORLD_USERS = {"county_admin": "county", "staff_a": "township", "secretary_a1": "secretary"}
DEMO_USERS = {"county": "county", "township": "township", "secretary": "secretary"}
WORKER_CONCURRENCY = 2  # docker-compose.yml's default
DRAIN_TIMEOUT = 300  # seconds the worker may take, after the load, for the tasks still queued
# Run in a separate process against the load database: the benchmark's database is not the test's.
ISSUE_TOKENS = """
import sys, django
django.setup()
from django.contrib.auth import get_user_model
from knox.models import AuthToken
users = {user.username: user for user in get_user_model().objects.filter(username__in=sys.argv[1::2])}
pairs = zip(sys.argv[1::2], sys.argv[2::2])
print(",".join(f"{AuthToken.objects.create(user=users[name])[1]}:{kind}" for name, kind in pairs))
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def url_of(settings_dict) -> str:
    return f"postgres://{settings_dict['USER']}@{settings_dict['HOST']}:{settings_dict['PORT']}/{settings_dict['NAME']}"


def service_env(
    database_url: str, settings_module: str = "partybuild.settings.base", queue: str = ""
) -> dict:
    """The environment of a process the test starts. With ``queue``, tasks go through the broker to that
    queue (the test settings run them eagerly unless told not to); without, the process runs them itself."""
    tasks = {"CELERY_BROKER_URL": ""}
    if queue:
        tasks = {
            "CELERY_BROKER_URL": os.environ["CELERY_BROKER_URL"],
            "CELERY_TASK_DEFAULT_QUEUE": queue,
            "CELERY_TASK_ALWAYS_EAGER": "false",
        }
    return {**os.environ, "DJANGO_SETTINGS_MODULE": settings_module, "DATABASE_URL": database_url, **tasks}


def start_gunicorn(
    database_url: str, port: int, log_path: Path, settings_module: str, queue: str
) -> subprocess.Popen:
    command = [
        sys.executable, "-m", "gunicorn", "partybuild.wsgi:application", "--config", "gunicorn.conf.py",
        "--workers", "2", "--bind", f"127.0.0.1:{port}", "--log-level", "warning",
    ]  # fmt: skip
    server = subprocess.Popen(
        command,
        cwd=BASE_DIR,
        env=service_env(database_url, settings_module, queue),
        stdout=log_path.open("wb"),
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/", timeout=10)  # noqa: S310 - loopback
            return server
        except OSError:
            if server.poll() is not None:
                break
            time.sleep(0.5)
    server.terminate()
    server.wait(timeout=30)
    pytest.fail(f"gunicorn did not come up:\n{log_path.read_text()[-3000:]}")


def start_worker(database_url: str, settings_module: str, queue: str, log_path: Path) -> subprocess.Popen:
    """A Celery worker as docker-compose.yml runs it (prefork, 2 processes), consuming ``queue`` only: no
    other worker on the same Redis takes the web processes' tasks, and it takes no one else's."""
    command = [
        sys.executable, "-m", "celery", "-A", "partybuild", "worker", f"--concurrency={WORKER_CONCURRENCY}",
        "--without-heartbeat", "--without-gossip", "--without-mingle",
        "--queues", queue, "--hostname", f"{queue}@%h",
    ]  # fmt: skip
    env = {**service_env(database_url, settings_module, queue), "LOG_LEVEL": "INFO"}  # INFO: each task's fate
    with log_path.open("wb") as log:
        return subprocess.Popen(
            command, cwd=BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )


def worker_tally(log_path: Path) -> dict:
    """Tasks the worker received, and how many of them ended, from its log (Celery's INFO lines)."""
    written = log_path.read_text(errors="replace")
    return {
        "received": written.count("] received"),
        "succeeded": written.count("] succeeded in "),
        "failed": written.count("] raised "),
    }


def drain_and_stop(worker: subprocess.Popen, queue: str, log_path: Path) -> dict:
    """Wait until the worker has run everything sent to ``queue``, stop it (warm shutdown, as the worker
    smoke test does) and delete the queue; what it ran and how long the backlog took after the load."""
    started = time.monotonic()
    try:
        with Connection(os.environ["CELERY_BROKER_URL"]) as broker:
            # Declared with the exchange Celery gives it, so deleting it also deletes the binding.
            entity = Queue(queue, Exchange(queue), routing_key=queue, channel=broker.default_channel)
            entity.declare()
            while time.monotonic() - started < DRAIN_TIMEOUT and worker.poll() is None:
                tally = worker_tally(log_path)
                waiting = entity.queue_declare().message_count
                if not waiting and tally["received"] == tally["succeeded"] + tally["failed"]:
                    break
                time.sleep(0.5)
            drained = time.monotonic() - started
            exited = worker.poll()
            _stop(worker)
            left = entity.queue_declare().message_count
            entity.delete()
    finally:
        _stop(worker)
    if exited is not None:
        pytest.fail(f"the worker exited with {exited} during the load:\n{log_path.read_text()[-3000:]}")
    return {**worker_tally(log_path), "left": left, "drained": drained}


def _stop(worker: subprocess.Popen) -> None:
    if worker.poll() is not None:
        return
    worker.terminate()  # SIGTERM: Celery's warm shutdown, the running tasks finish
    try:
        worker.wait(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(timeout=10)


def run_locust(port: int, users: int, seconds: int, out: Path, tokens: str) -> dict:
    env = {**os.environ, "LOAD_TOKENS": tokens}
    spawn_rate = users if users <= 10 else users // 5
    command = [
        sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), "--headless", "--only-summary",
        "--users", str(users), "--spawn-rate", str(spawn_rate), "--run-time", f"{seconds}s",
        "--host", f"http://127.0.0.1:{port}", "--csv", str(out / "load"), "--exit-code-on-error", "0",
    ]  # fmt: skip
    finished = subprocess.run(
        command, cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=seconds + 120
    )
    stats = out / "load_stats.csv"
    assert stats.exists(), finished.stdout[-3000:] + finished.stderr[-3000:]
    with stats.open() as handle:
        rows = {row["Name"]: row for row in csv.DictReader(handle)}
    failures = (out / "load_failures.csv").read_text() if (out / "load_failures.csv").exists() else ""
    return {"rows": rows, "failures": failures, "log": finished.stderr[-3000:]}


def summarize(result: dict) -> str:
    lines = []
    for name, row in result["rows"].items():
        lines.append(
            f"{name:32} requests {row['Request Count']:>6}  failures {row['Failure Count']:>4}  "
            f"rps {float(row['Requests/s']):7.1f}  median {row['50%']:>5} ms  p95 {row['95%']:>5} ms  "
            f"p99 {row['99%']:>5} ms"
        )
    return "\n".join(lines)


def issue_tokens(database_url: str, settings_module: str, kinds: dict[str, str]) -> str:
    """API tokens ("token:kind,...") for the users named in ``kinds`` (username -> kind), made in the load
    database: the token endpoint is rate-limited per address, and logging in is not what is measured."""
    arguments = [value for pair in kinds.items() for value in pair]
    made = subprocess.run(
        [sys.executable, "-c", ISSUE_TOKENS, *arguments],
        cwd=BASE_DIR,
        env=service_env(database_url, settings_module),
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return made.stdout.strip().splitlines()[-1]


def tasks_summary(queue: str, tally: dict | None) -> str:
    if not queue:
        return "tasks: in the web processes after each commit (no CELERY_BROKER_URL)"
    return (
        f"tasks: through the broker to a Celery worker ({WORKER_CONCURRENCY} processes, queue {queue}): "
        f"{tally['received']} received, {tally['succeeded']} succeeded, {tally['failed']} failed, "
        f"{tally['left']} left queued; backlog done {tally['drained']:.1f} s after the load"
    )


def load_run(database_url, users, seconds, tmp_path, *, kinds, settings_module="partybuild.settings.base"):
    """One load run, in the mode the environment gives: with a broker, a worker of its own (above)."""
    tokens = issue_tokens(database_url, settings_module, kinds)
    queue = f"load-{uuid.uuid4().hex[:12]}" if os.environ.get("CELERY_BROKER_URL") else ""
    worker_log = tmp_path / "worker.log"
    worker = start_worker(database_url, settings_module, queue, worker_log) if queue else None
    tally = None
    try:
        port = free_port()
        server = start_gunicorn(database_url, port, tmp_path / "gunicorn.log", settings_module, queue)
        try:
            result = run_locust(port, users, seconds, tmp_path, tokens)
        finally:
            server.terminate()
            server.wait(timeout=30)
    finally:
        if worker is not None:
            tally = drain_and_stop(worker, queue, worker_log)
    print(
        f"\nload: {users} users for {seconds} s against gunicorn (2 workers)\n"
        f"{tasks_summary(queue, tally)}\n{summarize(result)}"
    )
    total = result["rows"]["Aggregated"]
    assert int(total["Request Count"]) > 0, result["log"]
    assert int(total["Failure Count"]) == 0, result["failures"][:3000]
    if tally is not None:
        assert tally["failed"] == 0 and tally["left"] == 0, worker_log.read_text()[-3000:]
    return {**result, "tasks": tally}


@pytest.mark.long
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_tiny_load_run_has_no_errors(require_postgres, world, tmp_path):
    secretary_member = MemberFactory(branch=world.branch_a1)
    CadreFactory(
        organization=world.branch_a1,
        post=CadrePost.SECRETARY,
        member=secretary_member,
        started_on=dt.date(2021, 1, 15),
    )
    kinds = {world.users[who].username: kind for who, kind in WORLD_USERS.items()}

    result = load_run(
        url_of(connection.settings_dict),
        users=5,
        seconds=10,
        tmp_path=tmp_path,
        kinds=kinds,
        settings_module="partybuild.settings.test",
    )

    assert int(result["rows"]["Aggregated"]["Request Count"]) >= 10
    if result["tasks"] is not None:  # a broker: the visits' branch refreshes ran on the worker
        assert result["tasks"]["succeeded"] >= 1


@pytest.mark.benchmark
def test_fifty_users_for_a_minute_on_the_demo_county(tmp_path):
    database_url = os.environ.get("LOAD_DATABASE_URL")
    if not database_url:
        pytest.skip("set LOAD_DATABASE_URL to an empty PostgreSQL database the benchmark may fill")
    env = service_env(database_url)
    for command in (["migrate", "--noinput", "-v0"], ["seed_demo"]):
        subprocess.run(
            [sys.executable, "manage.py", *command], cwd=BASE_DIR, env=env, check=True, timeout=900
        )
    load_run(database_url, users=50, seconds=60, tmp_path=tmp_path, kinds=DEMO_USERS)
