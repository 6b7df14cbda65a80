"""The refresh a save starts for its branch (docs/quotas.md, "Fresh figures"), timed.

On demand, against a generated tier (``manage.py generate_scale``)::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/partybuild_scale .venv/bin/python manage.py bench_refresh

The tiny tier runs inside the normal test command so this cannot rot: the same benchmark function on the
test database, printing its figures; what is asserted is that each branch's run ran alone and that a tier
three times the size costs each refresh no query more.
"""

import pytest

from demo.management.commands.bench_refresh import benchmark
from tests.utils.scale_tiers import tiny_and_three_times

pytestmark = pytest.mark.django_db


def test_the_branch_refresh_benchmark_runs_at_the_tiny_tier(capsys):
    first, second = tiny_and_three_times(lambda: benchmark(branches=3, write=print))
    assert first["branches"] == second["branches"] == 3
    assert max(second["queries"]) <= max(first["queries"])
    print(capsys.readouterr().out)
