"""Browser tests: pytest-playwright driving Debian's Chromium against pytest-django's live server.

Never ``playwright install``: the browser is the system's /usr/bin/chromium (apt-get install chromium).
"""

import threading
import time

import pytest
from playwright.sync_api import expect

from tests.conftest import CHROMIUM

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {"width": 390, "height": 844}
# ``make test`` runs two xdist workers more than the cores, each with Chromium and a live server: what takes
# a second on a quiet machine can take several there. An expectation that is never met still fails, later.
expect.set_options(timeout=15_000)


@pytest.fixture(scope="session", autouse=True)
def _allow_sync_orm_under_playwrights_loop():
    """Playwright's sync API keeps an event loop running in the main thread once started, and Django
    refuses synchronous ORM calls there. The calls the tests make (data set-up, the test database) are
    plain synchronous code, so they are allowed — from the first browser test on, which tests/conftest.py
    runs last, so no other test (nor a subprocess one spawns, e.g. ``check --deploy``) inherits it."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        yield


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "headless": True, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # A phone screen, and a browser set to Chinese like the county's own users'.
    return {**browser_context_args, "viewport": PHONE, "locale": "zh-CN"}


@pytest.fixture
def console_errors(request, page):
    """Every console error and uncaught page error seen by ``page`` during the test; shown beside the report
    of a test that fails before asserting on them (a timed-out wait often follows a refused request)."""
    errors = []
    request.node.console_errors = errors

    def on_console(message):
        if message.type == "error":
            errors.append(f"{message.text} [{message.location.get('url', '')}]")

    page.on("console", on_console)
    page.on("pageerror", lambda error: errors.append(f"uncaught: {error}"))
    page.on("response", lambda r: errors.append(f"HTTP {r.status} {r.url}") if r.status >= 400 else None)
    return errors


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.failed and getattr(item, "console_errors", None):
        report.sections.append(("console errors and failed requests", "\n".join(item.console_errors)))
    return report


# Longest wait for the live server's last request before the test database is emptied.
SERVER_IDLE_TIMEOUT = 10


class _RequestsInFlight:
    """Requests the live server's threads have started and not finished (Django's request signals, sent in
    this process)."""

    def __init__(self):
        self.count = 0
        self.lock = threading.Lock()

    def started(self, **kwargs):
        with self.lock:
            self.count += 1

    def finished(self, **kwargs):
        with self.lock:
            self.count -= 1


@pytest.fixture(scope="session")
def _requests_in_flight():
    from django.core.signals import request_finished
    from django.core.signals import request_started

    in_flight = _RequestsInFlight()
    request_started.connect(in_flight.started, weak=False, dispatch_uid="e2e-in-flight")
    request_finished.connect(in_flight.finished, weak=False, dispatch_uid="e2e-in-flight")
    yield in_flight
    request_started.disconnect(dispatch_uid="e2e-in-flight")
    request_finished.disconnect(dispatch_uid="e2e-in-flight")


@pytest.fixture(autouse=True)
def _live_server_idle_before_flush(request, _requests_in_flight):
    """Set up after pytest-django's live-server helper (autouse fixtures of plugins come first), so torn
    down after the page and before the database is emptied: a request the closed page left running in the
    server's thread would otherwise hold a table the flush needs (SQLite answers "database table is
    locked"; PostgreSQL ends one of them as a deadlock)."""
    yield
    if "live_server" not in request.fixturenames:
        return
    from django.db import connection

    deadline = time.monotonic() + SERVER_IDLE_TIMEOUT
    while time.monotonic() < deadline and _requests_in_flight.count > 0:
        time.sleep(0.05)
    if connection.vendor != "postgresql":
        return
    while time.monotonic() < deadline and _other_sessions_busy(connection):
        time.sleep(0.05)


def _other_sessions_busy(connection) -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT EXISTS (SELECT 1 FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid() AND backend_type = 'client backend' "
            "AND state IN ('active', 'idle in transaction'))"
        )
        return cursor.fetchone()[0]
