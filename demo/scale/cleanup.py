"""Finding and deleting a generated dataset: everything under organizations whose code starts with ``GEN-``.

Deletion is set-based and generic: for each table whose foreign keys lead to a generated organization (found
from the models, so tables added later — quota results, alerts — are covered too), one DELETE, or one UPDATE
for nullable SET_NULL references. Tables whose rows all belong to generated organizations (because nothing
else is in the database) are emptied with one TRUNCATE on PostgreSQL when nothing else references them.
History tables have no database constraints and are left alone (generated data writes no history).
"""

from django.apps import apps
from django.db import models

from branches.models import Organization
from members.models.tallies import RECOUNTS

from .tree import GENERATED_PREFIX


def census() -> tuple[int, int]:
    """(generated organizations, other organizations)."""
    generated = Organization.objects.filter(code__startswith=GENERATED_PREFIX).count()
    return generated, Organization.objects.count() - generated


def _references(existing: set[str]) -> dict[type, list[tuple[type, models.Field]]]:
    """model -> [(model holding a database foreign key to it, that field)], for tables that exist."""
    found: dict[type, list] = {}
    for model in apps.get_models(include_auto_created=True):
        if model._meta.proxy or not model._meta.managed or model._meta.db_table not in existing:
            continue
        for field in model._meta.concrete_fields:
            if field.many_to_one or field.one_to_one:
                if not field.db_constraint:
                    continue
                target = field.remote_field.model._meta.concrete_model
                found.setdefault(target, []).append((model, field))
    return found


class Deletion:
    def __init__(self, connection):
        self.connection = connection
        self.references = _references(set(connection.introspection.table_names()))
        self.statements: list[tuple[str, str]] = []  # (kind, sql)
        self.owned: list[type] = []  # models every row of which is generated when nothing else is

    def plan(self) -> None:
        condition = f"\"code\" LIKE '{GENERATED_PREFIX}%'"
        self._visit(Organization, condition, owned=True, depth=0)

    def _visit(self, model, condition: str, *, owned: bool, depth: int) -> None:
        if depth > 8:
            raise RecursionError("foreign keys nest too deep")
        table = model._meta.db_table
        if owned and model not in self.owned:
            self.owned.append(model)
        for child, field in self.references.get(model, []):
            if child is model:
                continue  # the tree itself: one DELETE takes the whole generated subtree
            target = field.target_field.column
            # Every name below comes from the models' metadata, never from input.
            subquery = f'SELECT "{target}" FROM "{table}" WHERE {condition}'  # noqa: S608
            child_condition = f'"{field.column}" IN ({subquery})'
            if field.null and field.remote_field.on_delete in (models.SET_NULL, models.DO_NOTHING):
                update = f'UPDATE "{child._meta.db_table}" SET "{field.column}" = NULL'  # noqa: S608
                self.statements.append(("update", f"{update} WHERE {child_condition}"))
                continue
            self._visit(child, child_condition, owned=owned and not field.null, depth=depth + 1)
        self.statements.append(("delete", f'DELETE FROM "{table}" WHERE {condition}'))  # noqa: S608

    def run(self, *, everything_generated: bool) -> str:
        """Delete; returns how ("truncate" or "delete")."""
        self.plan()
        with self.connection.cursor() as cursor:
            if everything_generated and self.connection.vendor == "postgresql" and self._can_truncate(cursor):
                for kind, sql in self.statements:
                    if kind == "update":
                        cursor.execute(sql)
                tables = ", ".join(
                    f'"{table}"' for table in self._truncate_tables + self._tallies_of_truncated()
                )
                cursor.execute(f"TRUNCATE {tables}")
                return "truncate"
            for _kind, sql in self.statements:
                cursor.execute(sql)
        return "delete"

    def _tallies_of_truncated(self) -> list[str]:
        """The tallies kept from the facts emptied (members/models/tallies.py): TRUNCATE fires no trigger."""
        return [
            tally
            for facts, (_recount, tallies) in RECOUNTS.items()
            if facts in self._truncate_tables
            for tally in tallies
        ]

    def _can_truncate(self, cursor) -> bool:
        """Every table with a foreign key into the owned tables is owned too, or empty."""
        owned = {model._meta.db_table for model in self.owned}
        cursor.execute(
            "SELECT DISTINCT src.relname FROM pg_constraint c JOIN pg_class src ON src.oid = c.conrelid "
            "JOIN pg_class dst ON dst.oid = c.confrelid WHERE c.contype = 'f' AND dst.relname = ANY(%s)",
            [list(owned)],
        )
        extra = []
        for (table,) in cursor.fetchall():
            if table in owned:
                continue
            cursor.execute(f'SELECT EXISTS (SELECT 1 FROM "{table}")')  # noqa: S608 - from the catalog
            if cursor.fetchone()[0]:
                return False
            extra.append(table)
        self._truncate_tables = sorted(owned) + extra
        return True
