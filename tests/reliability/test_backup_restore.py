"""Backup and restore (docs/scale.md): the README's pg_dump/pg_restore commands, on a database with data in
every kind of table, give a fresh database with every table's row count and the members' checksum equal."""

import shutil
import subprocess
import uuid

import pytest
from django.db import connection

from assessments.services.quotas import quota_run_start
from tests.utils.factories import MemberFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

MEMBERS_CHECKSUM = "SELECT md5(coalesce(string_agg(m::text, '|' ORDER BY m.id), '')) FROM members_member m"


def database_url(name: str) -> str:
    database = connection.settings_dict
    return f"postgresql://{database['USER']}@{database['HOST']}:{database['PORT']}/{name}"


def fingerprint(url: str) -> dict:
    """Row count of every table in the public schema, and the checksum of the members' rows."""
    import psycopg2

    with psycopg2.connect(url) as conn, conn.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
        tables = [row[0] for row in cursor.fetchall()]
        counts = {}
        for table in tables:
            cursor.execute(f'SELECT COUNT(*) FROM "{table}"')
            counts[table] = cursor.fetchone()[0]
        cursor.execute(MEMBERS_CHECKSUM)
        checksum = cursor.fetchone()[0]
    conn.close()
    return {"counts": counts, "members_md5": checksum}


def run(*command):
    subprocess.run(command, check=True, capture_output=True, timeout=300)


def test_a_dump_restored_into_a_fresh_database_is_equal(require_postgres, world, tmp_path):
    for tool in ("pg_dump", "pg_restore", "createdb", "dropdb"):
        assert shutil.which(tool), f"{tool} is needed (Debian: postgresql-client)"
    for _ in range(25):
        MemberFactory(branch=world.branch_a1, address="东一村3组「引号」'单引号'")
    quota_run_start(actor=world.users["county_admin"], organization=world.county, year=2026)
    source = database_url(connection.settings_dict["NAME"])
    fresh_name = f"partybuild_restore_{uuid.uuid4().hex[:8]}"
    dump = tmp_path / "partybuild.dump"

    # The commands of the README's "Backup and restore" section.
    run("pg_dump", "--format=custom", "--no-owner", "--file", str(dump), source)
    run("createdb", "--maintenance-db", source, fresh_name)
    try:
        run("pg_restore", "--no-owner", "--exit-on-error", "--dbname", database_url(fresh_name), str(dump))
        original, restored = fingerprint(source), fingerprint(database_url(fresh_name))
    finally:
        run("dropdb", "--maintenance-db", source, "--if-exists", fresh_name)

    assert restored == original
    assert original["counts"]["members_member"] == 25
    assert sum(original["counts"].values()) > 100
