"""The writer the large demo tables go through (meetings and their attendees, trainings, visits, study
records, reports and reviews, disclosures, the joint evaluation's rows).

``insert_with_history`` leaves the rows ``bulk_create_with_history`` would leave, written with
``executemany`` (multi-row VALUES on PostgreSQL) and one INSERT ... SELECT for the history instead of the
ORM's per-field compilation: 4-5 times faster on the demo county. Meant for seeding only, inside the
caller's transaction, with nobody else writing to the same tables.
"""

import functools

from django.apps import apps
from django.conf import settings
from django.core.management.color import no_style
from django.db import connections
from django.db import router
from django.db.models import Max
from django.utils import timezone

BATCH_SIZE = 1000


def _adapter(field, connection):
    """How a value reaches the driver: dates, datetimes and decimals as Django would send them."""
    kind = field.get_internal_type()
    if kind == "DateField":  # the hot one: straight to the backend's adapter
        adapt = connection.ops.adapt_datefield_value
        return lambda value: None if value is None else adapt(value)
    if kind == "DecimalField":  # a seeding repeats few amounts: each is adapted once
        prepared = functools.lru_cache(maxsize=4096)(lambda value: field.get_db_prep_save(value, connection))
        return lambda value: None if value is None else prepared(value)
    if kind in ("DateTimeField", "TimeField"):
        return lambda value: None if value is None else field.get_db_prep_save(value, connection)
    return None


def _next_id(*columns) -> int:
    """One past the largest of these (model, field) columns: a history table keeps deleted objects' ids."""
    return 1 + max((model._base_manager.aggregate(top=Max(name))["top"] or 0) for model, name in columns)


def _quote(connection, model, columns) -> tuple[str, str]:
    quote = connection.ops.quote_name
    return quote(model._meta.db_table), ", ".join(quote(column) for column in columns)


def _execute_insert(connection, model, columns: list[str], rows: list[tuple]) -> None:
    """SQLite: ``executemany`` (a C loop, no round trips). Elsewhere multi-row VALUES, so that PostgreSQL
    is not sent one statement per row."""
    if not rows:
        return
    table, names = _quote(connection, model, columns)
    marks = f"({', '.join(['%s'] * len(columns))})"
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            sql = f"INSERT INTO {table} ({names}) VALUES {marks}"  # noqa: S608 - model metadata
            for start in range(0, len(rows), 10 * BATCH_SIZE):
                cursor.executemany(sql, rows[start : start + 10 * BATCH_SIZE])
            return
        size = max(1, min(5 * BATCH_SIZE, 60_000 // len(columns)))  # PostgreSQL: under 65,535 parameters
        for start in range(0, len(rows), size):
            batch = rows[start : start + size]
            sql = f"INSERT INTO {table} ({names}) VALUES {', '.join([marks] * len(batch))}"  # noqa: S608
            cursor.execute(sql, [value for row in batch for value in row])


def _history_enabled() -> bool:
    return getattr(settings, "SIMPLE_HISTORY_ENABLED", True)


def insert_with_history(model, rows: list[dict], *, actor, now=None) -> list[int]:
    """Insert ``rows`` (dicts by attname; omitted fields take their default) and one "+" history row each,
    as ``bulk_create_with_history(..., default_user=actor)`` would; returns the primary keys, in order.
    The objects get explicit, consecutive keys; their history rows are copied from them by one
    INSERT ... SELECT. Meant for seeding inside the caller's transaction, with nobody else writing here."""
    if not rows:
        return []
    connection = connections[router.db_for_write(model)]
    now = now or timezone.now()
    fields = model._meta.concrete_fields
    pk_name = model._meta.pk.attname
    plan = []  # (attname, the default as sent to the database, adapter or None)
    for field in fields:
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            default = now
        else:
            default = field.get_default()  # "" for text, as bulk_create would
        adapt = _adapter(field, connection)
        plan.append((field.attname, adapt(default) if adapt else default, adapt))
    history = model.history.model
    first = _next_id((model, pk_name), (history, pk_name))
    values = []
    for pk, row in enumerate(rows, start=first):
        row[pk_name] = pk
        values.append(
            tuple(
                default if name not in row else adapt(row[name]) if adapt else row[name]
                for name, default, adapt in plan
            )
        )
    _execute_insert(connection, model, [field.column for field in fields], values)
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), [model]):
            cursor.execute(statement)  # PostgreSQL: the sequence follows the explicit keys
        if _history_enabled():
            tracked = [field.column for field in history.tracked_fields]
            extra = ["history_date", "history_change_reason", "history_type", "history_user_id"]
            table, names = _quote(connection, history, tracked + extra)
            source, copied = _quote(connection, model, tracked)
            when = history._meta.get_field("history_date").get_db_prep_save(now, connection)
            cursor.execute(
                f"INSERT INTO {table} ({names}) SELECT {copied}, %s, NULL, %s, %s FROM {source} "  # noqa: S608
                f"WHERE {connection.ops.quote_name(model._meta.pk.column)} >= %s",
                [when, "+", actor.pk if actor else None, first],
            )
    return list(range(first, first + len(rows)))


def insert_m2m_with_history(model, name: str, pairs: list[tuple[int, int]], first_pk: int) -> int:
    """Insert the (object pk, related pk) rows of ``model.<name>`` for objects just inserted by
    ``insert_with_history`` (pks from ``first_pk`` on), and the same rows in the historical m2m table,
    attached to each object's "+" history row, as the first version of a record names its people."""
    field = model._meta.get_field(name)
    through = field.remote_field.through
    connection = connections[router.db_for_write(through)]
    source, target = field.m2m_column_name(), field.m2m_reverse_name()
    _execute_insert(connection, through, [source, target], pairs)
    if pairs and _history_enabled():
        history = model.history.model
        historical = apps.get_model(model._meta.app_label, f"Historical{model._meta.object_name}_{name}")
        quote = connection.ops.quote_name
        history_fk = historical._meta.get_field("history").column
        table, names = _quote(connection, historical, ["id", history_fk, source, target])
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} ({names}) "  # noqa: S608 - quoted names from model metadata
                f"SELECT t.{quote('id')}, h.{quote('history_id')}, t.{quote(source)}, t.{quote(target)} "
                f"FROM {quote(through._meta.db_table)} t JOIN {quote(history._meta.db_table)} h "
                f"ON h.{quote(model._meta.pk.column)} = t.{quote(source)} "
                f"WHERE t.{quote(source)} >= %s AND h.{quote('history_type')} = %s",
                [first_pk, "+"],
            )
    return len(pairs)
