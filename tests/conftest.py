"""Suite-wide hooks: say what the run talks to, and make service-backed tests skip — or fail in CI.

Tests marked ``postgres``, ``redis`` or ``browser`` (or asking for the ``require_postgres``,
``require_redis`` or ``require_chromium`` fixtures) need PostgreSQL (DATABASE_URL), a Redis broker
(CELERY_BROKER_URL) or Debian's Chromium. Without them they are skipped with the reason listed at the end
of the run; with PARTYBUILD_REQUIRE_SERVICES=1 (what ``.ci/run`` sets) a missing service is a failure.
"""

import functools
import os
import sqlite3
import subprocess
from collections import Counter, defaultdict
from urllib.parse import urlsplit, urlunsplit

import pytest

pytest_plugins = ["tests.utils.fixtures"]

CHROMIUM = os.environ.get("PARTYBUILD_CHROMIUM", "/usr/bin/chromium")
SERVICE_MARKERS = ("postgres", "redis", "browser")


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
    if connection.vendor == "sqlite":
        return f"database: sqlite {sqlite3.sqlite_version} (embedded default; tests use an in-memory copy)"
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
    return f"database: {connection.vendor} at {where}, test database {test_name} — {version}"


def _broker_line() -> str:
    from django.conf import settings

    url = settings.CELERY_BROKER_URL
    if not url:
        return "broker: none — Celery runs tasks eagerly in-process; the worker smoke test is skipped"
    problem = redis_problem()
    return f"broker: {_safe_url(url)} — {'reachable' if problem is None else problem}"


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
    for describe in (lambda: _database_line(config), _broker_line, _chromium_line):
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

_service_tests: dict[str, set[str]] = defaultdict(set)


def pytest_collection_modifyitems(config, items):
    for item in items:
        for marker in SERVICE_MARKERS:
            if item.get_closest_marker(marker):
                _service_tests[marker].add(item.nodeid)
    # Browser tests last: Playwright's sync API keeps an event loop running in the main thread from the
    # first browser test to the end of the session, and Django refuses synchronous ORM calls under a
    # running loop unless DJANGO_ALLOW_ASYNC_UNSAFE is set (tests/e2e/conftest.py sets it from then on).
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    outcomes: dict[str, Counter] = defaultdict(Counter)
    not_passed: dict[str, list[str]] = defaultdict(list)
    notes = []
    for category in ("passed", "failed", "error", "skipped"):
        for report in terminalreporter.stats.get(category, []):
            nodeid = getattr(report, "nodeid", None)
            if category == "passed" and report.when != "call":
                continue
            for marker in SERVICE_MARKERS:
                if nodeid in _service_tests[marker]:
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
