"""One migrated test database per pytest-xdist run, copied for each worker.

Migrating a test database costs about 26 s of CPU, nearly all of it Django rendering the migrations' model
states, not SQL. Each worker used to migrate its own. Now the first worker to get here migrates a template,
and every worker copies it under its own name: on PostgreSQL with ``CREATE DATABASE … TEMPLATE`` (the
database pytest-django would have made, ``test_<name>_gw0``…), on SQLite with the backup API into a file of
the worker's own (``_copy_sqlite`` says why a file).
"""

import fcntl
import os
import sqlite3
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.db import connections


@contextmanager
def _exclusive(lock_path: Path):
    with lock_path.open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _template_name(connection, shared: Path, run: str) -> str:
    if connection.vendor == "sqlite":
        return str(shared / f"template-{connection.alias}.sqlite3")
    base = connection.creation._get_test_db_name().rsplit("_gw", 1)[0]
    return f"{base}_template_{run}"


def _migrate_template(connection, template: str) -> None:
    """Build the template with Django's own test-database creation (migrations, cache tables), then let go
    of it: PostgreSQL copies only a database nobody is connected to."""
    worker_name = connection.settings_dict["TEST"].get("NAME")
    connection.settings_dict["TEST"]["NAME"] = template
    try:
        connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    finally:
        connection.close()
        connection.settings_dict["TEST"]["NAME"] = worker_name


def _copy_template(connection, template: str, worker: str) -> str:
    """Make this worker's database a copy of the template and point the connection at it."""
    if connection.vendor == "sqlite":
        return _copy_sqlite(connection, template, worker)
    name = connection.creation._get_test_db_name()
    quote = connection.ops.quote_name
    with connection._nodb_cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {quote(name)}")
        cursor.execute(f"CREATE DATABASE {quote(name)} WITH TEMPLATE {quote(template)}")
    _point_at(connection, name)
    connection.close()
    return name


def _copy_sqlite(connection, template: str, worker: str) -> str:
    """A file of the worker's own, not an in-memory database: Django hands an in-memory database's one
    connection to every thread of a live server, and two requests of a page at once then interleave their
    savepoints on it ("no such savepoint"). On a file each thread has its own connection, as the demo server's
    threads do (WAL, settings/base.py)."""
    name = str(Path(template).with_name(f"{connection.alias}-{worker}.sqlite3"))
    source, copy = sqlite3.connect(f"file:{template}?mode=ro", uri=True), sqlite3.connect(name)
    source.backup(copy)
    source.close()
    copy.close()
    _point_at(connection, name)
    return name


def _point_at(connection, name: str) -> None:
    settings.DATABASES[connection.alias]["NAME"] = name
    connection.settings_dict["NAME"] = name


def _drop_template(connection, template: str) -> None:
    if connection.vendor == "sqlite":
        Path(template).unlink(missing_ok=True)
        return
    with connection._nodb_cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {connection.ops.quote_name(template)}")


def setup_worker_databases(*, shared: Path, worker: str, workers: int, run: str) -> list:
    """Every database of the settings copied from its run's template; the first worker migrates it. Returns
    ``django.test.utils.teardown_databases``'s configuration, so the copies are dropped as usual."""
    old_config = []
    for alias in settings.DATABASES:
        connection = connections[alias]
        original = connection.settings_dict["NAME"]
        template = _template_name(connection, shared, run)
        ready = shared / f"template-{alias}-{run}.ready"
        with _exclusive(shared / f"template-{alias}-{run}.lock"):
            if not ready.exists():
                _migrate_template(connection, template)
                _point_at(connection, original)
                ready.touch()
            _copy_template(connection, template, worker)
            (shared / f"template-{alias}-{run}.{worker}").touch()
            if len(list(shared.glob(f"template-{alias}-{run}.gw*"))) == workers:
                _drop_template(connection, template)  # every worker has its copy
        old_config.append((connection, original, True))
    return old_config


def xdist_run() -> tuple[str, int, str] | None:
    """This worker's id, the number of workers and the run's id; None outside a pytest-xdist worker."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    count = os.environ.get("PYTEST_XDIST_WORKER_COUNT")
    run = os.environ.get("PYTEST_XDIST_TESTRUNUID")
    if not (worker and count and run):
        return None
    return worker, int(count), run[:12]
