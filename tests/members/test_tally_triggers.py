"""The PostgreSQL functions behind the tallies' triggers (members/triggers.py)."""

import re

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db

# A join of an UPDATE's old rows to its new rows, in either order.
OLD_TO_NEW = re.compile(
    r"\b(old_rows\s+\w+\s+JOIN\s+new_rows|new_rows\s+\w+\s+JOIN\s+old_rows)\b", re.IGNORECASE
)


@pytest.mark.postgres
def test_no_trigger_function_joins_the_old_rows_of_an_update_to_its_new_ones():
    """PL/pgSQL keeps a function's plans for the session: a join planned for a one-row edit would compare
    every pair of rows of a later bulk update."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT p.proname, p.prosrc FROM pg_proc p JOIN pg_trigger t ON t.tgfoid = p.oid "
            "WHERE NOT t.tgisinternal"
        )
        functions = dict(cursor.fetchall())
    assert len(functions) >= 20 and "members_meetings_moved" in functions
    assert OLD_TO_NEW.search("FROM old_rows o JOIN new_rows n ON n.id = o.id")
    assert not OLD_TO_NEW.search("JOIN old_rows x ON x.id = a.id UNION SELECT 1 FROM a JOIN old_rows")
    assert not {name for name, source in functions.items() if OLD_TO_NEW.search(source)}
