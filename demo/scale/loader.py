"""Writing generated rows fast: COPY on PostgreSQL, chunked ``executemany`` on SQLite.

Generators produce lines in PostgreSQL's COPY text format (tab-separated, ``\\N`` for NULL, ``t``/``f`` for
booleans, timestamps with their offset); the values are ours, so none holds a tab, a newline or a backslash.
On PostgreSQL the lines stream into ``COPY … FROM STDIN`` through a reader that never holds more than one
chunk; on SQLite each chunk is split into tuples (NULL, booleans and timestamps converted) and inserted with
``executemany``. Either way the bytes of every line go through one hash, so the same seed gives the same
digest on both databases.

Primary keys are assigned by the generators, from ``max(id) + 1`` of each table read at the start under a
lock, so children reference parents without a round trip; the sequences are moved past them at the end.
For a large load on PostgreSQL a table's secondary indexes, unique and foreign-key constraints are dropped
before its COPY and recreated after it (all in the one transaction, so a failure leaves them as they were):
building an index once is much faster than maintaining it row by row, and a deferred foreign key would queue
one trigger event per row.
"""

import hashlib
import time
from collections.abc import Iterable
from dataclasses import dataclass
from dataclasses import field

from django.db import models

from members.models.tallies import RECOUNTS

BULK_ROWS = (
    50_000  # a PostgreSQL table expected to receive this many rows gets the drop-and-rebuild treatment
)
CHUNK_CHARS = 1 << 20
SQLITE_CHUNK_ROWS = 5000


@dataclass
class Table:
    """The columns a generator writes, in order, for a model or an auto-created M2M through model."""

    model: type[models.Model]
    fields: tuple[str, ...]
    db_table: str = field(init=False)
    columns: tuple[str, ...] = field(init=False)
    booleans: tuple[int, ...] = field(init=False)
    timestamps: tuple[int, ...] = field(init=False)

    def __post_init__(self):
        meta = self.model._meta
        self.db_table = meta.db_table
        found = [meta.get_field(name) for name in self.fields]
        missing = [
            f.name
            for f in meta.concrete_fields
            if f not in found
            and not f.null
            and getattr(f, "db_default", models.NOT_PROVIDED) is models.NOT_PROVIDED
        ]
        if missing:  # the model grew a required column the generator does not write yet
            raise LookupError(f"generate_scale writes no value for {meta.label}.{', '.join(missing)}")
        self.columns = tuple(f.column for f in found)
        self.booleans = tuple(n for n, f in enumerate(found) if isinstance(f, models.BooleanField))
        self.timestamps = tuple(n for n, f in enumerate(found) if isinstance(f, models.DateTimeField))


@dataclass
class Stats:
    rows: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)

    def add(self, name: str, rows: int | None, seconds: float):
        if rows is not None:
            self.rows[name] = self.rows.get(name, 0) + rows
        self.seconds[name] = self.seconds.get(name, 0.0) + seconds


class _ChunkReader:
    """A file-like object over an iterable of text chunks, as ``copy_expert`` wants: encodes and hashes as it
    goes and counts lines."""

    def __init__(self, chunks: Iterable[str], digest):
        self.chunks = iter(chunks)
        self.digest = digest
        self.lines = 0

    def read(self, size=-1) -> bytes:
        for chunk in self.chunks:
            if chunk:
                data = chunk.encode()
                self.digest.update(data)
                self.lines += chunk.count("\n")
                return data
        return b""

    def readline(self, size=-1) -> bytes:  # pragma: no cover - psycopg2 only calls read()
        return self.read(size)


def batched_lines(lines: Iterable[str], chars: int = CHUNK_CHARS) -> Iterable[str]:
    """Group single lines (or small groups of lines) into chunks of about ``chars`` characters."""
    parts, size = [], 0
    for line in lines:
        parts.append(line)
        size += len(line)
        if size >= chars:
            yield "".join(parts)
            parts, size = [], 0
    if parts:
        yield "".join(parts)


class Loader:
    """Base: id allocation, digest, timings. Use ``Loader.for_connection``."""

    def __init__(self, connection):
        self.connection = connection
        self.digest = hashlib.blake2b(digest_size=16)
        self.stats = Stats()
        self.next_ids: dict[str, int] = {}
        self.loaded: list[Table] = []
        self.label = ""
        self.freeze = False  # COPY … WITH (FREEZE): only for tables truncated earlier in this transaction
        self.rebuilt = 0.0  # seconds the current load spent rebuilding indexes and constraints
        self.recounted: list[str] = []  # tallies counted afresh after a load (members/models/tallies.py)

    @staticmethod
    def for_connection(connection) -> "Loader":
        if connection.vendor == "postgresql":
            return PostgresLoader(connection)
        if connection.vendor == "sqlite":
            return SqliteLoader(connection)
        raise NotImplementedError(f"generate_scale supports PostgreSQL and SQLite, not {connection.vendor}")

    def prepare(self, tables: list[Table]) -> None:
        """Lock the tables against concurrent writers and read where each one's new ids start."""
        with self.connection.cursor() as cursor:
            self.lock(cursor, tables)
            for table in tables:
                cursor.execute(f'SELECT MAX(id) FROM "{table.db_table}"')  # noqa: S608 - a model's table
                self.next_ids[table.db_table] = (cursor.fetchone()[0] or 0) + 1

    def lock(self, cursor, tables):
        pass

    def first_id(self, table: Table) -> int:
        return self.next_ids[table.db_table]

    def load(self, table: Table, chunks: Iterable[str], *, expected: int = 0, label: str = "") -> int:
        started = time.perf_counter()
        self.digest.update(f"#{table.db_table}\n".encode())
        self.label = label or table.db_table
        self.stats.seconds.setdefault(self.label, 0.0)
        rows = self._load(table, chunks, expected)
        self.stats.add(self.label, rows, time.perf_counter() - started - self.rebuilt)
        self.rebuilt = 0.0
        if table not in self.loaded:
            self.loaded.append(table)
        return rows

    def finish(self) -> None:
        pass

    def after_commit(self) -> None:
        pass

    def hexdigest(self) -> str:
        return self.digest.hexdigest()


class PostgresLoader(Loader):
    def lock(self, cursor, tables):
        names = ", ".join(f'"{table.db_table}"' for table in tables)
        cursor.execute(f"LOCK TABLE {names} IN SHARE ROW EXCLUSIVE MODE")
        cursor.execute("SET LOCAL maintenance_work_mem = '1GB'")
        cursor.execute("SET LOCAL work_mem = '256MB'")
        cursor.execute("SET LOCAL synchronous_commit = off")

    def _load(self, table: Table, chunks, expected: int) -> int:
        with self.connection.cursor() as cursor:
            bulk = expected >= BULK_ROWS
            saved = self._drop_secondary(cursor, table.db_table) if bulk else None
            recount = RECOUNTS.get(table.db_table) if bulk else None
            if recount is not None:  # the tallies' triggers, over millions of rows: counted once afterwards
                cursor.execute(f'ALTER TABLE "{table.db_table}" DISABLE TRIGGER USER')
            reader = _ChunkReader(chunks, self.digest)
            columns = ", ".join(f'"{column}"' for column in table.columns)
            options = " WITH (FREEZE)" if self.freeze else ""
            sql = f'COPY "{table.db_table}" ({columns}) FROM STDIN{options}'
            cursor.copy_expert(sql, reader, size=CHUNK_CHARS)
            if saved is not None:
                started = time.perf_counter()
                self._restore(cursor, table.db_table, saved)
                self.rebuilt = time.perf_counter() - started
                self.stats.add(f"{self.label} (indexes)", None, self.rebuilt)
            if recount is not None:
                self._recount(cursor, table.db_table, *recount)
        return reader.lines

    def _recount(self, cursor, db_table: str, recount, tallies) -> None:
        started = time.perf_counter()
        cursor.execute(f'ALTER TABLE "{db_table}" ENABLE TRIGGER USER')
        saved = [(tally, self._drop_secondary(cursor, tally)) for tally in tallies]
        recount(cursor)
        for tally, constraints_and_indexes in saved:
            self._restore(cursor, tally, constraints_and_indexes)
        self.recounted.extend(tallies)
        seconds = time.perf_counter() - started
        self.rebuilt += seconds
        self.stats.add(f"{self.label} (tallies)", None, seconds)

    @staticmethod
    def _drop_secondary(cursor, db_table: str):
        """Drop the table's foreign keys, unique constraints and secondary indexes; return how to rebuild."""
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid), contype FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND contype IN ('f', 'u') ORDER BY contype DESC, conname",
            [f'"{db_table}"'],
        )
        constraints = cursor.fetchall()
        cursor.execute(
            "SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x "
            "JOIN pg_class i ON i.oid = x.indexrelid "
            "WHERE x.indrelid = %s::regclass AND NOT EXISTS (SELECT 1 FROM pg_constraint c "
            "WHERE c.conindid = x.indexrelid AND c.conrelid = x.indrelid AND c.contype IN ('p', 'u', 'x')) "
            "ORDER BY i.relname",
            [f'"{db_table}"'],
        )
        indexes = cursor.fetchall()
        for name, _definition, _kind in constraints:
            cursor.execute(f'ALTER TABLE "{db_table}" DROP CONSTRAINT "{name}"')
        for name, _definition in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        return constraints, indexes

    @staticmethod
    def _restore(cursor, db_table: str, saved) -> None:
        constraints, indexes = saved
        for name, definition, kind in constraints:
            if kind == "u":
                cursor.execute(f'ALTER TABLE "{db_table}" ADD CONSTRAINT "{name}" {definition}')
        for _name, definition in indexes:
            cursor.execute(definition)
        for name, definition, kind in constraints:
            if kind == "f":
                cursor.execute(f'ALTER TABLE "{db_table}" ADD CONSTRAINT "{name}" {definition}')

    def finish(self) -> None:
        """Move every sequence past the ids we wrote (never backwards)."""
        with self.connection.cursor() as cursor:
            for table in self.loaded:
                cursor.execute(f'SELECT MAX(id) FROM "{table.db_table}"')  # noqa: S608 - a model's table
                highest = cursor.fetchone()[0]
                cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [f'"{table.db_table}"'])
                sequence = cursor.fetchone()[0]
                if highest is None or sequence is None:
                    continue
                cursor.execute(f"SELECT last_value, is_called FROM {sequence}")  # noqa: S608 - from the catalog
                last_value, is_called = cursor.fetchone()
                if highest > (last_value if is_called else last_value - 1):
                    cursor.execute("SELECT setval(%s, %s)", [sequence, highest])

    def after_commit(self) -> None:
        """VACUUM ANALYZE what we filled: statistics for the planner and a visibility map for index-only
        scans (autovacuum may be off, and would otherwise do it later, in the middle of a benchmark)."""
        started = time.perf_counter()
        with self.connection.cursor() as cursor:
            for db_table in [table.db_table for table in self.loaded] + self.recounted:
                cursor.execute(f'VACUUM (ANALYZE) "{db_table}"')
        self.stats.add("(vacuum analyze)", None, time.perf_counter() - started)


class SqliteLoader(Loader):
    def _load(self, table: Table, chunks, expected: int) -> int:
        marks = ", ".join("?" * len(table.columns))
        columns = ", ".join(f'"{column}"' for column in table.columns)
        sql = f'INSERT INTO "{table.db_table}" ({columns}) VALUES ({marks})'  # noqa: S608 - model metadata
        booleans, timestamps = table.booleans, table.timestamps
        raw = self.connection.connection.cursor()
        count = 0
        for chunk in chunks:
            data = chunk.encode()
            self.digest.update(data)
            rows = []
            for line in chunk.splitlines():
                values = [None if value == "\\N" else value for value in line.split("\t")]
                for n in booleans:
                    values[n] = 1 if values[n] == "t" else 0
                for n in timestamps:
                    values[n] = values[n].removesuffix("+00")
                rows.append(values)
                if len(rows) >= SQLITE_CHUNK_ROWS:
                    raw.executemany(sql, rows)
                    count += len(rows)
                    rows = []
            if rows:
                raw.executemany(sql, rows)
                count += len(rows)
        return count
