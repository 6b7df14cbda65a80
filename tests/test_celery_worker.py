"""Smoke test of the real thing: a Celery worker process fed through Redis, not eager execution.

The test settings run tasks eagerly, so the task is sent with ``send_task`` (which always goes to the
broker) on a queue of its own, so no other worker on the same Redis can answer in our worker's place.
"""

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings

pytestmark = pytest.mark.redis

BASE_DIR = Path(__file__).resolve().parent.parent
ANSWER_TIMEOUT = 60
ID_NUMBER = "110101199003074514"
MASKED = "110101********4514"


def _stop(worker: subprocess.Popen) -> None:
    if worker.poll() is not None:
        return
    worker.terminate()  # SIGTERM: Celery's warm shutdown
    try:
        worker.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(timeout=10)


def _on_a_real_worker(log_path, **kwargs):
    """Send ``partybuild.ping`` with ``kwargs`` to a worker process of its own; its answer (or the
    exception the task raised) and the worker, stopped."""
    from partybuild.celery import app

    queue = f"smoke-{uuid.uuid4().hex[:12]}"
    env = {
        **os.environ,
        # base settings: a broker is set, so nothing is eager in the worker.
        "DJANGO_SETTINGS_MODULE": "partybuild.settings.base",
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "CELERY_RESULT_BACKEND": settings.CELERY_RESULT_BACKEND,
    }
    command = [
        sys.executable, "-m", "celery", "-A", "partybuild", "worker",
        "--pool=solo", "--concurrency=1",
        "--without-heartbeat", "--without-gossip", "--without-mingle",
        "--queues", queue, "--hostname", f"{queue}@%h", "--loglevel=INFO",
    ]  # fmt: skip
    previous_eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    with log_path.open("wb") as log:
        worker = subprocess.Popen(
            command, cwd=BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        result = app.send_task("partybuild.ping", kwargs=kwargs, queue=queue)
        deadline = time.monotonic() + ANSWER_TIMEOUT
        while not result.ready():
            if worker.poll() is not None:
                pytest.fail(
                    f"the worker exited with {worker.returncode} before answering:\n{log_path.read_text()}"
                )
            if time.monotonic() > deadline:
                pytest.fail(f"no answer within {ANSWER_TIMEOUT} s; worker log:\n{log_path.read_text()}")
            time.sleep(0.2)
        answer = result.get(timeout=5, propagate=False)
        result.forget()
    finally:
        app.conf.task_always_eager = previous_eager
        _stop(worker)
    return answer, worker


def test_a_real_worker_answers_ping_through_redis(require_redis, tmp_path, record_property):
    answer, worker = _on_a_real_worker(tmp_path / "worker.log")
    assert answer["pid"] != os.getpid(), "answered in the test process: the task ran eagerly"
    assert answer["pid"] == worker.pid, f"answered by pid {answer['pid']}, not by our worker {worker.pid}"
    assert answer["host"]
    record_property(
        "service_note",
        f"ping answered by worker pid {answer['pid']} on {answer['host']} (test process pid {os.getpid()})",
    )


def test_a_real_workers_log_masks_id_numbers(require_redis, tmp_path):
    """The worker logs a failed task's error, here one naming an ID number ("unexpected keyword argument
    '1101…'"); it comes out masked, through the web processes' masking filter (docs/security.md)."""
    log_path = tmp_path / "worker.log"
    failure, _worker = _on_a_real_worker(log_path, **{ID_NUMBER: 1})
    written = log_path.read_text()
    assert "unexpected keyword argument" in str(failure), failure
    assert MASKED in written, written
    assert ID_NUMBER not in written
