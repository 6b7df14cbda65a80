"""Five-good proposal benchmark: every branch of a scale tier proposed set-based, timed.

The province tier runs on demand against the real scale database, never a test database::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/partybuild_scale \\
        .venv/bin/pytest tests/perf/test_rating_proposal.py -m benchmark -s

which runs ``manage.py bench_rating_proposal`` in a child process: that process reads DATABASE_URL as any
management command does, so it talks to ``partybuild_scale`` itself (pytest-django only renames the
database for tests that ask for it, and this one does not). The same figures come from::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/partybuild_scale \\
        .venv/bin/python manage.py bench_rating_proposal

If no quota result is published for the year, the quota engine runs first for every county (timed apart);
the proposal is then timed alone, creating every rating and then refreshing them all, in a transaction
rolled back at the end (``--keep`` commits). ``BENCH_YEAR`` picks the year (default: this year, the year
``generate_scale`` writes by default).

The tiny tier runs inside the normal test command on the test database so this cannot rot: generated data,
the real quota engine, then the same benchmark function. Figures are printed, not asserted; what is asserted
is that the proposal is the same handful of statements whatever the number of branches.
"""

import os

import pytest
from django.db import connection
from django.utils import timezone

from assessments.models import StarRating
from demo.management.commands.bench_rating_proposal import benchmark
from demo.scale import generate
from tests.perf.scale_database import bench_on_scale_database


def statements() -> int:
    """Counting the branches, the upsert, the history rows; on PostgreSQL two SET LOCAL before them."""
    return 5 if connection.vendor == "postgresql" else 3


@pytest.mark.django_db
def test_rating_proposal_tiny_tier():
    generate(tier="tiny", seed=11)
    lines = []
    figures = benchmark(year=timezone.localdate().year, keep=True, write=lines.append)
    print("\n" + "\n".join(lines))
    assert figures["statements"] == statements()
    assert figures["written"] == figures["branches"] == StarRating.objects.count()
    proposed = StarRating.objects.exclude(proposal={}).first()
    assert set(proposed.proposal["dimensions"]) == {
        "leadership",
        "members",
        "mechanism",
        "performance",
        "feedback",
    }
    assert any(StarRating.objects.values_list("total", flat=True)), (
        "the engine's results reached the proposal"
    )


@pytest.mark.benchmark
def test_rating_proposal_province_tier():
    year = ["--year", os.environ["BENCH_YEAR"]] if os.environ.get("BENCH_YEAR") else []
    assert bench_on_scale_database("bench_rating_proposal", *year) == 0
