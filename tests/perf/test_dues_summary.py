"""The set-based dues summary (docs/dues.md, "Summaries"), timed over every county of a scale tier.

On demand, against a database ``manage.py generate_scale`` filled::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/partybuild_scale \\
        .venv/bin/pytest tests/perf/test_dues_summary.py -m benchmark -s

(the same as ``manage.py bench_dues``, in a child process so that it talks to that database). The tiny tier
runs the same ``benchmark`` inside the normal test command, so it cannot rot: what is asserted there is the
sums and that the queries are one per month plus one per county, whatever the number of organizations."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.utils import timezone

from demo.management.commands.bench_dues import AMOUNT, benchmark
from demo.scale import generate
from members.models import Member

ROOT = Path(__file__).resolve().parents[2]


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
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        pytest.skip("set DATABASE_URL to the PostgreSQL database generate_scale filled")
    command = [sys.executable, "manage.py", "bench_dues"]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=4 * 3600, check=False)
    print("\n" + done.stdout + done.stderr)
    assert done.returncode == 0
