"""The embedded database (SQLite, the README's first command): a request's transaction begins IMMEDIATE, so a
second request waits for the write lock instead of failing with "database is locked" when both read first
and then write (partybuild/settings/base.py, ``SQLITE_OPTIONS``). The test database itself, in memory, keeps
SQLite's default (partybuild/settings/test.py)."""

import pytest
from django.db import connections
from django.db import transaction
from django.test.utils import CaptureQueriesContext

from partybuild.settings.base import SQLITE_OPTIONS


@pytest.fixture
def embedded(tmp_path, django_db_blocker):
    """A database configured as the embedded default is, in a file of its own."""
    connections.settings["embedded"] = {
        **connections.settings["default"],
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(tmp_path / "db.sqlite3"),
        "OPTIONS": SQLITE_OPTIONS,
        "TEST": {},
    }
    with django_db_blocker.unblock():
        yield connections["embedded"]
        connections["embedded"].close()
    del connections["embedded"]
    del connections.settings["embedded"]


def test_a_transaction_on_the_embedded_database_takes_the_write_lock_at_once(embedded):
    with CaptureQueriesContext(embedded) as queries, transaction.atomic(using="embedded"):
        embedded.cursor().execute("SELECT 1")
    assert queries[0]["sql"] == "BEGIN IMMEDIATE"
