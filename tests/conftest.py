"""Suite-wide hooks: say what the run talks to, and make service-backed tests skip — or fail in CI.

Tests marked ``postgres``, ``redis`` or ``browser`` (or asking for the ``require_postgres``,
``require_redis`` or ``require_chromium`` fixtures) need PostgreSQL (DATABASE_URL), a Redis broker
(CELERY_BROKER_URL) or Debian's Chromium. Without them they are skipped with the reason listed at the end
of the run; with PARTYBUILD_REQUIRE_SERVICES=1 (what ``.ci/run`` sets) a missing service is a failure.

``make test`` runs the suite on pytest-xdist workers, two more than the cores (``--dist loadgroup``, see the
Makefile): each worker gets its own test database (a copy of one migrated template, see
``django_db_setup``), its own Redis database, upload directory and media root (below), and the
property-based tests replay fixed examples; ``make fuzz`` (PARTYBUILD_FUZZ=1) draws fresh ones instead.
"""

import functools
import os
import sqlite3
import subprocess
from collections import Counter
from collections import defaultdict
from urllib.parse import urlsplit
from urllib.parse import urlunsplit

import pytest
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

pytest_plugins = ["tests.utils.fixtures"]

CHROMIUM = os.environ.get("PARTYBUILD_CHROMIUM", "/usr/bin/chromium")
SERVICE_MARKERS = ("postgres", "redis", "browser")

# --- property-based tests: reproducible in ``make test``, fresh in ``make fuzz`` ---------------------------

FUZZ = os.environ.get("PARTYBUILD_FUZZ", "") not in ("", "0")
# How many times more examples ``make fuzz`` draws than ``make test`` (PARTYBUILD_FUZZ_FACTOR overrides).
FUZZ_FACTOR = int(os.environ.get("PARTYBUILD_FUZZ_FACTOR", "10")) if FUZZ else 1

# ``make test``: every run (and every xdist worker) replays the same examples, derived from each test's
# name, and no example database under .hypothesis/ feeds other examples in. ``make fuzz``: random seeds
# (a failure prints the seed and a @reproduce_failure blob) and FUZZ_FACTOR times the examples. In both, no
# per-example deadline and no too_slow health check: wall-clock time on a shared 2-core machine running
# several workers is not what these tests assert (Hypothesis's own "ci" profile does the same).
_PROFILE = {
    "database": None,
    "deadline": None,
    "print_blob": True,
    "suppress_health_check": [HealthCheck.too_slow],
}
hypothesis_settings.register_profile("partybuild", derandomize=True, **_PROFILE)
hypothesis_settings.register_profile(
    "partybuild-fuzz",
    derandomize=False,
    max_examples=hypothesis_settings.default.max_examples * FUZZ_FACTOR,
    **_PROFILE,
)
hypothesis_settings.load_profile("partybuild-fuzz" if FUZZ else "partybuild")


def examples(count: int) -> int:
    """``count`` examples per test in ``make test``; FUZZ_FACTOR times as many under ``make fuzz``. For tests
    whose own ``@settings(max_examples=…)`` would otherwise override the profile's."""
    return count * FUZZ_FACTOR


# --- skip, or fail when services are required ------------------------------------------------------


def services_required() -> bool:
    from django.conf import settings

    return bool(getattr(settings, "REQUIRE_SERVICES", False))


def skip_or_fail(reason: str):
    """Skip the current test, or fail it when PARTYBUILD_REQUIRE_SERVICES is set."""
    if services_required():
        pytest.fail(f"{reason} [PARTYBUILD_REQUIRE_SERVICES=1 turns this skip into a failure]", pytrace=False)
    pytest.skip(reason)


def postgres_problem() -> str | None:
    from django.db import connection

    if connection.vendor != "postgresql":
        return f"needs PostgreSQL (running on {connection.vendor}): set DATABASE_URL=postgres://…"
    return None


@functools.cache
def redis_problem() -> str | None:
    from django.conf import settings

    url = settings.CELERY_BROKER_URL
    if not url:
        return "needs a Redis broker: set CELERY_BROKER_URL=redis://…"
    if urlsplit(url).scheme not in ("redis", "rediss"):
        return f"needs a Redis broker, CELERY_BROKER_URL is {_safe_url(url)}"
    try:
        import redis

        redis.Redis.from_url(url, socket_connect_timeout=3, socket_timeout=3).ping()
    except Exception as exc:  # noqa: BLE001 - any failure means "not usable"
        return f"Redis at {_safe_url(url)} is unreachable: {type(exc).__name__}: {exc}"
    return None


def chromium_problem() -> str | None:
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        return f"needs Debian's Chromium at {CHROMIUM} (apt-get install chromium)"
    return None


PROBLEMS = {"postgres": postgres_problem, "redis": redis_problem, "browser": chromium_problem}


@pytest.fixture
def require_postgres():
    if problem := postgres_problem():
        skip_or_fail(problem)


@pytest.fixture
def require_redis():
    if problem := redis_problem():
        skip_or_fail(problem)


@pytest.fixture
def require_chromium():
    if problem := chromium_problem():
        skip_or_fail(problem)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    """A service marker alone is enough: checked before any fixture (the browser, the database) is built."""
    for marker in SERVICE_MARKERS:
        if item.get_closest_marker(marker) and (problem := PROBLEMS[marker]()):
            skip_or_fail(problem)


# --- one xdist worker shares nothing with another -------------------------------------------------------
# Each worker has its own test database (test_<name>_gw0 on PostgreSQL, a file of its own on SQLite),
# copied from one migrated template (``django_db_setup``), and pytest its own tmp_path; live servers listen
# on a free port each. The rest is here.

REDIS_DATABASES = 16  # Redis's default number of logical databases


def xdist_worker_index() -> int | None:
    """0 for gw0, 1 for gw1…; None outside pytest-xdist (a serial run, or the controller)."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    return int(worker.removeprefix("gw")) if worker.startswith("gw") else None


def xdist_workers(config) -> int:
    """How many xdist workers this run starts, seen from the controller; 0 for a serial run."""
    if getattr(config.option, "dist", "no") == "no" or hasattr(config, "workerinput"):
        return 0
    return len(getattr(config.option, "tx", None) or [])


def worker_redis_url(url: str, index: int | None) -> str:
    """The broker URL with its database number moved to the xdist worker's own: base + 1 + index (gw0 on
    /1, gw1 on /2 when the URL says /0). Tests that start real Celery workers already use a queue of their
    own; a database of their own also keeps apart the broker's unacknowledged-message bookkeeping, which
    the worker-kill test restores with a 2 s visibility timeout. More than 15 workers wrap around."""
    parts = urlsplit(url)
    if index is None or parts.scheme not in ("redis", "rediss"):
        return url
    base = int(parts.path.strip("/") or 0)
    return urlunsplit(parts._replace(path=f"/{(base + 1 + index) % REDIS_DATABASES}"))


def pytest_configure(config):
    from django.conf import settings

    _empty_postgresql_tables_by_delete(settings)
    index = xdist_worker_index()
    if index is None or not settings.configured:
        return
    for name in ("CELERY_BROKER_URL", "CELERY_RESULT_BACKEND"):
        url = worker_redis_url(getattr(settings, name), index)
        setattr(settings, name, url)
        if name in os.environ:  # Celery reads these two from the environment before its configuration
            os.environ[name] = url
    from partybuild.celery import app  # reads the Django settings lazily; set it too in case it has already

    app.conf.update(broker_url=settings.CELERY_BROKER_URL, result_backend=settings.CELERY_RESULT_BACKEND)


def _empty_postgresql_tables_by_delete(settings) -> None:
    """After a live-server or transactional test, pytest-django empties every table with one TRUNCATE of
    them all: on PostgreSQL about 4 s for the ~120 tables, as each gets new files; ``DELETE`` of their few
    rows takes 0.1 s. Foreign keys are all deferrable (Django makes them so), and the statements run in
    one transaction, so order does not matter. A flush that resets sequences keeps the TRUNCATE."""
    if not settings.configured or "postgresql" not in settings.DATABASES["default"]["ENGINE"]:
        return
    from django.db.backends.postgresql.operations import DatabaseOperations

    truncate = DatabaseOperations.sql_flush

    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        if reset_sequences or not tables:
            return truncate(self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade)
        deletes = [f"{style.SQL_KEYWORD('DELETE FROM')} {self.quote_name(table)};" for table in tables]
        return [f"{style.SQL_KEYWORD('SET CONSTRAINTS ALL DEFERRED')};", *deletes]

    DatabaseOperations.sql_flush = sql_flush


@pytest.fixture(scope="session")
def django_db_setup(  # noqa: PLR0917 - pytest-django's own fixture's arguments
    request,
    django_test_environment,
    django_db_blocker,
    django_db_use_migrations,
    django_db_keepdb,
    django_db_createdb,
    django_db_modify_db_settings,
    tmp_path_factory,
):
    """pytest-django's test databases, except that xdist workers copy one migrated template instead of
    each migrating their own (tests/utils/database_template.py). A serial run, ``--reuse-db`` and
    ``--nomigrations`` take pytest-django's way."""
    from django.test.utils import setup_databases
    from django.test.utils import teardown_databases

    from tests.utils.database_template import setup_worker_databases
    from tests.utils.database_template import xdist_run

    run = xdist_run()
    plain = run is None or not django_db_use_migrations or django_db_keepdb
    with django_db_blocker.unblock():
        if plain:
            if not django_db_use_migrations:
                from pytest_django.fixtures import _disable_migrations

                _disable_migrations()
            keep = django_db_keepdb and not django_db_createdb
            old_config = setup_databases(verbosity=0, interactive=False, keepdb=keep)
        else:
            worker, workers, run_id = run
            shared = tmp_path_factory.getbasetemp().parent
            old_config = setup_worker_databases(shared=shared, worker=worker, workers=workers, run=run_id)
    yield
    if not django_db_keepdb:
        with django_db_blocker.unblock():
            _end_other_sessions_of_test_databases()
            teardown_databases(old_config, verbosity=0)


def _end_other_sessions_of_test_databases() -> None:
    """The live server's request threads are daemons that pytest-django's server stop does not wait for: one
    still serving a browser's kept-alive connection holds its PostgreSQL session, and DROP DATABASE refuses
    while any session is open. The database is being thrown away, so end them."""
    from django.db import connections

    for connection in connections.all():
        if connection.vendor != "postgresql":
            continue
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )


@pytest.fixture(scope="session", autouse=True)
def _files_of_this_worker(tmp_path_factory):
    """What the code under test writes to disk (pending UI imports, media) goes to this worker's own
    temporary directory, never to var/, which every worker and the demo share. A test that sets
    ``settings.UI_IMPORT_DIR`` itself still gets its own (e.g. to sweep expired uploads)."""
    from django.test import override_settings

    root = tmp_path_factory.mktemp("files")
    with override_settings(UI_IMPORT_DIR=str(root / "import-uploads"), MEDIA_ROOT=str(root / "media")):
        yield


# --- what this run talks to ------------------------------------------------------------------------


def _safe_url(url: str) -> str:
    parts = urlsplit(url)
    if parts.password:
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
        return urlunsplit(parts._replace(netloc=netloc))
    return url


def _database_line(config) -> str:
    from django.db import connection

    settings_dict = connection.settings_dict
    workers = xdist_workers(config)
    if connection.vendor == "sqlite":
        copies = (
            f"each of the {workers} xdist workers tests on its own file"
            if workers
            else "tests use an in-memory"
        )
        return f"database: sqlite {sqlite3.sqlite_version} (embedded default; {copies} copy)"
    try:
        from pytest_django.plugin import blocking_manager_key

        unblock = config.stash[blocking_manager_key].unblock
    except Exception:  # noqa: BLE001 - an older pytest-django: no blocker to lift
        from contextlib import nullcontext as unblock
    try:
        with unblock(), connection._nodb_cursor() as cursor:
            cursor.execute("SELECT version()")
            version = cursor.fetchone()[0]
    except Exception as exc:  # noqa: BLE001 - the header must never break the run
        version = f"UNREACHABLE ({type(exc).__name__}: {str(exc).strip().splitlines()[0]})"
    where = f"{settings_dict.get('HOST') or 'socket'}:{settings_dict.get('PORT') or 'default'}"
    test_name = connection.creation._get_test_db_name()
    if workers:  # pytest-django suffixes the name with the worker's id
        test_name = f"{test_name}_gw0…{test_name}_gw{workers - 1} (one per xdist worker)"
    return f"database: {connection.vendor} at {where}, test database {test_name} — {version}"


def _broker_line(config) -> str:
    from django.conf import settings

    url = settings.CELERY_BROKER_URL
    if not url:
        return "broker: none — Celery runs tasks eagerly in-process; the worker smoke test is skipped"
    problem = redis_problem()
    line = f"broker: {_safe_url(url)} — {'reachable' if problem is None else problem}"
    if (workers := xdist_workers(config)) and url != (first := worker_redis_url(url, 0)):
        last = worker_redis_url(url, workers - 1)
        line += f"; xdist workers use their own databases, {_safe_url(first)} to {urlsplit(last).path}"
    return line


def _chromium_line() -> str:
    if problem := chromium_problem():
        return f"browser: {problem}"
    try:
        version = subprocess.run(
            [CHROMIUM, "--version"], capture_output=True, text=True, timeout=20, check=False
        ).stdout.strip()
    except Exception as exc:  # noqa: BLE001
        version = f"version unknown ({exc})"
    return f"browser: {CHROMIUM} — {version}"


def pytest_report_header(config):
    lines = []
    for describe in (lambda: _database_line(config), lambda: _broker_line(config), _chromium_line):
        try:
            lines.append(describe())
        except Exception as exc:  # noqa: BLE001 - the header must never break the run
            lines.append(f"(could not describe a service: {type(exc).__name__}: {exc})")
    required = services_required()
    lines.append(
        "services: REQUIRED (PARTYBUILD_REQUIRE_SERVICES=1) — missing PostgreSQL/Redis/Chromium fails the run"
        if required
        else "services: optional — tests needing PostgreSQL/Redis/Chromium are skipped when absent"
    )
    return lines


# --- what ran against the services, at the end -----------------------------------------------------


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """Each report names the service markers of its test. The summary at the end reads them from the
    reports, not from the collection: under pytest-xdist the controller that prints it collects nothing,
    and a report's extra attributes travel from the worker with it."""
    report = yield
    report.service_markers = [marker for marker in SERVICE_MARKERS if item.get_closest_marker(marker)]
    return report


@pytest.hookimpl(wrapper=True)
def pytest_collection_modifyitems(config, items):
    yield  # after the other plugins' hooks: pytest-django's reordering, pytest-xdist's group names
    # Browser tests last: Playwright's sync API keeps an event loop running in the main thread from the
    # first browser test to the end of the session, and Django refuses synchronous ORM calls under a
    # running loop unless DJANGO_ALLOW_ASYNC_UNSAFE is set (tests/e2e/conftest.py sets it from then on).
    # Under pytest-xdist every worker collects this same order and is handed its tests in it.
    # Within each kind, the long tests first: handed out last, one of them would keep the run waiting on
    # one worker after the others have finished. Never ahead of pytest-django's order, though: a transactional
    # test empties every table after it, rows the migrations wrote included (the beat schedules), so the
    # tests that read those come first.
    items.sort(
        key=lambda item: (
            item.get_closest_marker("browser") is not None,
            _empties_the_tables(item),
            item.get_closest_marker("long") is None,
        )
    )
    _restore_node_ids(config, items)


def _empties_the_tables(item) -> bool:
    marker = item.get_closest_marker("django_db")
    transaction = bool(marker and (marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences")))
    fixtures = getattr(item, "fixturenames", ())
    return transaction or "transactional_db" in fixtures or "live_server" in fixtures


def _restore_node_ids(config, items):
    """Give tests the node ids their plugins mean them to have, which pytest 9.2's structured node ids lose:

    - schemathesis names each operation's test ``test_…[GET /api/v1/…/]``, but pytest builds its node id
      from the bare function name, so all 225 read alike;
    - ``--dist loadgroup`` makes pytest-xdist's workers append ``@group`` to an ``_nodeid`` attribute that
      pytest no longer reads, so ``xdist_group`` marks are silently ignored.

    xdist's loadgroup scheduler tells tests apart by node id (duplicates would run once) and groups them by
    the suffix. Nothing changes where the ids are already right (an older or a fixed pytest or plugin)."""
    try:
        from _pytest.nodeid import NodeId
    except ImportError:  # pytest < 9.2: node ids are plain strings and these plugins set them right
        return
    grouping = bool(getattr(config.option, "loadgroup", False))
    for item in items:
        if not isinstance(getattr(item, "_id", None), NodeId):
            continue
        nodeid = item.nodeid
        head, _, last = nodeid.rpartition("::")
        if item.name != last and item.name.startswith(f"{last}["):
            nodeid = f"{head}::{item.name}"
        marks = item.iter_markers("xdist_group")
        groups = sorted(
            {str(mark.args[0] if mark.args else mark.kwargs.get("name", "default")) for mark in marks}
        )
        if grouping and groups and not nodeid.endswith(suffix := "@" + "_".join(groups)):
            nodeid += suffix
        if nodeid != item.nodeid:
            item._id = NodeId.parse(nodeid)


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    outcomes: dict[str, Counter] = defaultdict(Counter)
    not_passed: dict[str, list[str]] = defaultdict(list)
    notes = []
    for category in ("passed", "failed", "error", "skipped"):
        for report in terminalreporter.stats.get(category, []):
            nodeid = getattr(report, "nodeid", None)
            if category == "passed" and report.when != "call":
                continue
            for marker in getattr(report, "service_markers", ()):
                outcomes[marker][category] += 1
                if category != "passed":
                    not_passed[marker].append(f"  {category}: {nodeid}")
            for name, value in getattr(report, "user_properties", []):
                if name == "service_note" and report.when == "call":
                    notes.append(f"{nodeid}: {value}")
    terminalreporter.section("services")
    try:
        from django.db import connection

        terminalreporter.write_line(f"database: this run's tests used {connection.vendor}")
    except Exception:  # noqa: BLE001, S110 - a summary line is not worth failing over
        pass
    for marker in SERVICE_MARKERS:
        counts = outcomes[marker]
        summary = ", ".join(f"{n} {what}" for what, n in counts.items()) or "none ran"
        terminalreporter.write_line(f"{marker}: {summary}")
        for line in not_passed[marker]:
            terminalreporter.write_line(line)
    for note in notes:
        terminalreporter.write_line(note)


@pytest.fixture(autouse=True)
def _fresh_login_rate():
    """The login rate (20 a minute per address, branches/throttling.py) lives in the cache: each test starts
    with none counted, whatever the tests before it posted to the login page from the same address."""
    from django.core.cache import cache

    cache.clear()
