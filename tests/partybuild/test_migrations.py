"""The committed migrations describe the models as they are (docs/migrations.md)."""

from io import StringIO

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_models_need_no_migration_that_is_not_committed():
    out = StringIO()
    try:
        call_command("makemigrations", check=True, dry_run=True, stdout=out)
    except SystemExit as exit:  # makemigrations --check exits 1 when a migration is missing
        raise AssertionError(f"models differ from the migrations:\n{out.getvalue()}") from exit
