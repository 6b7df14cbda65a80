"""How the web talks to PostgreSQL (partybuild/settings/base.py)."""

import pytest
from django.db import connection

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def test_web_queries_are_never_compiled_to_machine_code(require_postgres):
    """A correlated count's high estimate made PostgreSQL spend 40 ms compiling a 5 ms page query."""
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone() == ("off",)
