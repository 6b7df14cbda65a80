"""The set-based dues summary (docs/dues.md, "Summaries"), timed over every county of a scale tier.

On demand, against a database ``manage.py generate_scale`` filled::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/partybuild_scale \\
        .venv/bin/pytest tests/perf/test_dues_summary.py -m benchmark -s

(the same as ``manage.py bench_dues``, in a child process so that it talks to that database). The tiny tier
runs the same ``benchmark`` inside the normal test command, so it cannot rot: what is asserted there is the
sums and that the queries are one per month plus one per county, whatever the number of organizations."""

import pytest
from django.utils import timezone

from demo.management.commands.bench_dues import AMOUNT
from demo.management.commands.bench_dues import benchmark
from demo.scale import generate
from members.models import Member
from tests.perf.scale_database import bench_on_scale_database


@pytest.mark.django_db
def test_dues_summary_tiny_tier():
    generate(tier="tiny", seed=11)
    today = timezone.localdate()
    lines = []
    figures = benchmark(year=today.year, month=today.month, write=lines.append)
    print("\n" + "\n".join(lines))
    month, year = figures["month"], figures["year"]
    assert month["queries"] == month["counties"] * 2
    assert year["queries"] == year["counties"] * (today.month + 1)
    on_roll = month["members"]
    assert 0 < on_roll <= Member.objects.count()
    assert month["due"] == on_roll * AMOUNT
    assert 0.85 * float(month["due"]) < float(month["paid"]) < 0.95 * float(month["due"])
    assert 0.1 * on_roll < month["arrears"] < 0.15 * on_roll  # one in ten never paid, one in fifty stopped
    assert year["due"] > month["due"]


@pytest.mark.benchmark
def test_dues_summary_scale_tier():
    assert bench_on_scale_database("bench_dues") == 0
