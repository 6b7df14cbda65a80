"""The inbox of every user at once (docs/inbox.md, "Cost"), timed.

On demand, against a generated tier (``manage.py generate_scale``)::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/partybuild_inbox .venv/bin/python manage.py bench_inbox

The tiny tier runs inside the normal test command so this cannot rot: the same benchmark function on the
test database, printing its figures; what is asserted is that every user got their items and that a second
tier three times the size costs no statement more.
"""

import pytest

from demo.management.commands.bench_inbox import benchmark
from tests.utils.scale_tiers import tiny_and_three_times

pytestmark = pytest.mark.django_db


def test_the_inbox_benchmark_runs_at_the_tiny_tier(capsys):
    first, second = tiny_and_three_times(lambda: benchmark(rounds=1, write=print))
    assert second["users"] > first["users"]
    assert second["statements"] == first["statements"]
    assert first["users_with_items"] > 0
    print(capsys.readouterr().out)
