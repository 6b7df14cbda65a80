"""``path__under=<a path>``: the organization tree's subtree match when the path is another row's column.

``path__startswith=<a string>`` is an indexed prefix match (docs: the README's "The tree"), but with a column
on the right (``OuterRef("path")``) Django writes ``LIKE <column> || '%'``, which no index serves: a
correlated subquery then reads every row once per outer row. A path holds only digits and "/" and ends with
"/", so its subtree is exactly the range [path, path without its last "/" followed by "0") — "0" is the
character after "/" — which the path's index answers for a column as well as for a constant: on PostgreSQL
with the ``varchar_pattern_ops`` operators (byte order, whatever the collation), on SQLite with the binary
comparison of its default collation."""

from django.db.models import Lookup


def subtree_end(path: str) -> str:
    """The first string after every path of ``path``'s subtree."""
    return path[:-1] + "0"


class Under(Lookup):
    lookup_name = "under"

    def as_sql(self, compiler, connection):
        return self._range(compiler, connection, ">=", "<")

    def as_postgresql(self, compiler, connection):
        return self._range(compiler, connection, "~>=~", "~<~")

    def _range(self, compiler, connection, at_least: str, below: str):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        if self.rhs_is_direct_value():
            start, end = "%s", "%s"
            params = [*lhs_params, self.rhs, *lhs_params, subtree_end(self.rhs)]
        else:
            start, rhs_params = self.process_rhs(compiler, connection)
            end = f"(SUBSTR({start}, 1, LENGTH({start}) - 1) || '0')"
            params = [*lhs_params, *rhs_params, *lhs_params, *rhs_params, *rhs_params]
        return f"({lhs} {at_least} {start} AND {lhs} {below} {end})", params
