"""The import's set-based writer: rows given as plain values (no model instance each) inserted with their
"+" history rows, as ``bulk_create_with_history(..., default_user=actor)`` leaves them.

On PostgreSQL the chunk's primary keys are taken from the table's sequence in one statement, the rows go in
by ``COPY`` from an in-memory CSV buffer, and their history rows are copied from them by one
INSERT ... SELECT. Elsewhere (SQLite) the rows go in with ``executemany``, which the write lock keeps
consecutive, and the history is copied the same way. A fixed number of statements for any number of rows,
and no per-field compilation by the ORM, which at 100,000 rows cost more than everything else an import does.
"""

import csv
import functools
import io
from dataclasses import dataclass

from django.conf import settings
from django.db import connections
from django.db import router
from django.utils import timezone

# Column kinds whose values COPY reads as text (FORCE_NOT_NULL: an empty one is "", never NULL).
TEXT_KINDS = frozenset({"CharField", "TextField", "SlugField", "EmailField", "URLField"})


@dataclass(frozen=True)
class Plan:
    """How a model's rows are written: the given columns, then every other column with its default."""

    model: type
    given: tuple[str, ...]  # attnames, in the order of each row's values
    filled: tuple[tuple[str, object], ...]  # (column, value) of the columns not given

    @classmethod
    def of(cls, model, given, now, connection) -> "Plan":
        fields = {field.attname: field for field in model._meta.concrete_fields}
        pk = model._meta.pk.attname
        unknown = set(given) - set(fields) | ({pk} & set(given))
        if unknown:
            raise ValueError(f"cannot write {sorted(unknown)} of {model.__name__}")
        for name in given:
            if fields[name].null and fields[name].get_internal_type() in TEXT_KINDS:
                # COPY's CSV cannot tell an empty text from NULL in such a column.
                raise ValueError(f"{model.__name__}.{name} is a nullable text column")
        filled = []
        for name, field in fields.items():
            if name == pk or name in given:
                continue
            stamped = getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
            value = now if stamped else field.get_default()
            filled.append((field.column, field.get_db_prep_save(value, connection)))
        return cls(model, tuple(given), tuple(filled))

    @property
    def columns(self) -> list[str]:
        fields = {field.attname: field for field in self.model._meta.concrete_fields}
        return [fields[name].column for name in self.given] + [column for column, _value in self.filled]

    def text_columns(self) -> list[str]:
        fields = {field.column: field for field in self.model._meta.concrete_fields}
        return [column for column in self.columns if fields[column].get_internal_type() in TEXT_KINDS]


def insert_with_history(model, given, rows: list[tuple], *, actor) -> list[int]:
    """Insert ``rows`` (tuples of the ``given`` attnames; every other column takes its default, timestamps
    now) and one "+" history row each naming ``actor``; returns the new primary keys, in order. Runs inside
    the caller's transaction."""
    if not rows:
        return []
    connection = connections[router.db_for_write(model)]
    now = timezone.now()
    plan = Plan.of(model, given, now, connection)
    if connection.vendor == "postgresql":
        pks = _copy(connection, plan, rows)
    else:
        pks = _execute_many(connection, plan, rows)
    if getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
        _copy_history(connection, model, pks, actor, now)
    return pks


def _copy(connection, plan: Plan, rows) -> list[int]:
    """PostgreSQL: keys from the sequence (concurrent writers take others), then one COPY of the rows."""
    model = plan.model
    quote = connection.ops.quote_name
    table, pk = model._meta.db_table, model._meta.pk.column
    with connection.cursor() as cursor:
        sequence = _sequence_of(connection.alias, quote(table), pk)
        cursor.execute("SELECT nextval(%s::regclass) FROM generate_series(1, %s)", [sequence, len(rows)])
        pks = [pk_value for (pk_value,) in cursor.fetchall()]
        filled = [value for _column, value in plan.filled]
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerows((key, *row, *filled) for key, row in zip(pks, rows, strict=True))
        buffer.seek(0)
        names = ", ".join(quote(column) for column in [pk, *plan.columns])
        not_null = ", ".join(quote(column) for column in plan.text_columns())
        options = f"FORMAT csv, FORCE_NOT_NULL ({not_null})" if not_null else "FORMAT csv"
        # The driver's own cursor (Django's wrapper has no copy_expert), its errors made Django's.
        with connection.wrap_database_errors:
            cursor.cursor.copy_expert(f"COPY {quote(table)} ({names}) FROM STDIN WITH ({options})", buffer)
    return pks


@functools.cache
def _sequence_of(alias: str, table: str, column: str) -> str | None:
    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [table, column])
        return cursor.fetchone()[0]


def _execute_many(connection, plan: Plan, rows) -> list[int]:
    """SQLite: one executemany; the transaction holds the write lock, so the keys are consecutive."""
    quote = connection.ops.quote_name
    names = ", ".join(quote(column) for column in plan.columns)
    marks = ", ".join(["%s"] * len(plan.columns))
    filled = tuple(value for _column, value in plan.filled)
    sql = f"INSERT INTO {quote(plan.model._meta.db_table)} ({names}) VALUES ({marks})"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.executemany(sql, [(*row, *filled) for row in rows])
        cursor.execute("SELECT last_insert_rowid()")
        (last,) = cursor.fetchone()
    return list(range(last - len(rows) + 1, last + 1))


def _copy_history(connection, model, pks: list[int], actor, now) -> None:
    """The rows' "+" history rows, copied from the rows just written by one INSERT ... SELECT."""
    history = model.history.model
    quote = connection.ops.quote_name
    tracked = [field.column for field in history.tracked_fields]
    extra = ["history_date", "history_change_reason", "history_type", "history_user_id"]
    names = ", ".join(quote(column) for column in tracked + extra)
    copied = ", ".join(quote(column) for column in tracked)
    pk = quote(model._meta.pk.column)
    if connection.vendor == "postgresql":
        which, keys = f"{pk} = ANY(%s)", [pks]
    else:  # consecutive (_execute_many)
        which, keys = f"{pk} BETWEEN %s AND %s", [pks[0], pks[-1]]
    when = history._meta.get_field("history_date").get_db_prep_save(now, connection)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(history._meta.db_table)} ({names}) "  # noqa: S608 - model metadata
            f"SELECT {copied}, %s, NULL, %s, %s FROM {quote(model._meta.db_table)} WHERE {which}",
            [when, "+", getattr(actor, "pk", None), *keys],
        )
