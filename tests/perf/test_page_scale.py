"""Pages and APIs that grow with a province (``manage.py bench_pages``): the member list, the county
dashboard and its dues card, the room targets and visits APIs and the organization picker, each for a
county administrator and a viewer of every county, timed with their queries.

The province tier runs on demand against the real scale database, never a test database::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/partybuild_scale \\
        .venv/bin/pytest tests/perf/test_page_scale.py -m benchmark -s

which runs ``manage.py bench_pages`` in a child process (so it talks to ``partybuild_scale`` itself; its
users and their logins are rolled back at the end). The tiny tier runs inside the normal test command on the
test database through the same benchmark function, so this cannot rot; what it asserts is that every request
answers and costs the same queries for a county and for the whole province.
"""

import pytest
from django.utils import timezone

from branches.models import Organization
from demo.management.commands.bench_pages import benchmark
from demo.management.commands.bench_pages import requests
from demo.scale import generate
from tests.perf.scale_database import bench_on_scale_database


@pytest.mark.django_db
def test_page_scale_bench_tiny_tier():
    generate(tier="tiny", seed=5)
    lines = []
    figures = benchmark(year=timezone.localdate().year, rounds=1, write=lines.append)
    print("\n" + "\n".join(lines))
    names = {name for name, _who in figures}
    asked = requests(county=Organization.objects.first(), year=timezone.localdate().year)
    assert names == {name for name, _url, _params in asked}
    for name in names:  # the province-wide viewer's queries are the county administrator's, give or take one
        assert abs(figures[(name, "province")]["queries"] - figures[(name, "county")]["queries"]) <= 1, name


@pytest.mark.benchmark
def test_page_scale_province_tier():
    assert bench_on_scale_database("bench_pages", "--slowest", timeout=3600) == 0
