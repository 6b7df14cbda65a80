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
        lhs, lhs_params = self.process_lhs(compiler, connection)
        at_least, below = _range_operators(connection.vendor)
        if self.rhs_is_direct_value():
            params = [*lhs_params, self.rhs, *lhs_params, subtree_end(self.rhs)]
            return f"({lhs} {at_least} %s AND {lhs} {below} %s)", params
        start, rhs_params = self.process_rhs(compiler, connection)
        params = [*lhs_params, *rhs_params, *lhs_params, *rhs_params, *rhs_params]
        return under_sql(connection.vendor, lhs, start), params


def _range_operators(vendor: str) -> tuple[str, str]:
    return ("~>=~", "~<~") if vendor == "postgresql" else (">=", "<")


def under_sql(vendor: str, column: str, root: str) -> str:
    """SQL that is true when the path ``column`` lies in the subtree of the path ``root`` (both SQL
    expressions without parameters, or each taking the same parameters at both of its uses), as the range
    the path index answers."""
    at_least, below = _range_operators(vendor)
    end = f"(SUBSTR({root}, 1, LENGTH({root}) - 1) || '0')"
    return f"({column} {at_least} {root} AND {column} {below} {end})"
