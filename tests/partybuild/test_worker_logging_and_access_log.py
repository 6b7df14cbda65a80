"""Log hygiene outside the web process: the Celery worker's logging and gunicorn's access log."""

import logging
import runpy
from pathlib import Path

import pytest
from celery.signals import setup_logging

BASE_DIR = Path(__file__).resolve().parent.parent.parent
ID_NUMBER = "110101199003074514"


@pytest.fixture
def restore_logging():
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


def test_the_worker_logging_setup_masks_id_numbers(restore_logging, capsys):
    import partybuild.celery  # noqa: F401 - connects the signal

    # What a worker process does at start-up: a receiver means Celery leaves logging to it.
    answers = setup_logging.send(sender=None, loglevel="INFO", logfile=None, format="", colorize=False)
    assert answers, "the worker would install its own handlers, without the masking filter"
    logging.getLogger("celery.worker").warning("task for %s", ID_NUMBER)
    written = capsys.readouterr().err
    assert "110101********4514" in written
    assert ID_NUMBER not in written


def test_the_access_log_leaves_the_query_string_out():
    config = runpy.run_path(str(BASE_DIR / "gunicorn.conf.py"))
    log_format = config["access_log_format"]
    assert "%(U)s" in log_format
    assert "%(q)s" not in log_format and "%(r)s" not in log_format
    assert config["accesslog"] == "-"


@pytest.mark.parametrize("path", ["Dockerfile", "docker-compose.yml"])
def test_the_web_command_uses_the_config(path):
    assert "--config gunicorn.conf.py" in (BASE_DIR / path).read_text().replace('", "', " ")
