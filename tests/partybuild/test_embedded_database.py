"""The embedded database (SQLite, the README's first command): a request's transaction begins IMMEDIATE, so a
second request waits for the write lock instead of failing with "database is locked" when both read first
and then write (partybuild/settings/base.py, ``SQLITE_OPTIONS``)."""

import pytest
from django.db import connection
from django.db import transaction
from django.test.utils import CaptureQueriesContext

from partybuild.settings.base import SQLITE_OPTIONS


@pytest.mark.django_db(transaction=True)
def test_a_transaction_on_the_embedded_database_takes_the_write_lock_at_once():
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL locks rows, not the database")
    assert connection.settings_dict["OPTIONS"]["transaction_mode"] == SQLITE_OPTIONS["transaction_mode"]
    with CaptureQueriesContext(connection) as queries, transaction.atomic():
        connection.cursor().execute("SELECT 1")
    assert queries[0]["sql"] == "BEGIN IMMEDIATE"
