"""Page benchmark: the server time and the queries of every main page (tests/utils/pages.py) in the demo
county, each opened by the role that uses it. On demand, preferably on PostgreSQL::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/partybuild_pages \\
        .venv/bin/pytest tests/perf/test_page_times.py -m benchmark -s

seeds the demo county (``seed_demo``: about 150 village and community branches, 8,000 members, a year and a
half of records, quota runs and ratings), logs in as its county administrator, its township staff and its
village secretary, and times each page through Django's test client — URL resolving, middleware, the view,
the template — warm, as the median and the best of a few requests, beside its query count, as a table.
Figures are printed, not asserted; that every page answers 200 is.

Inside the normal test command, tests/partybuild/test_page_queries.py requests the same pages of the same
table through the same ``measure`` (queries only) in a small and a larger county, so this cannot rot.
"""

import os
import time
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from branches.models import BRANCH_KINDS
from branches.models import Organization
from branches.models import StaffRole
from demo.logins import DEMO_LOGINS
from demo.organizations import demo_county
from members.models import Member
from tests.utils.pages import ROLES
from tests.utils.pages import SECRETARY
from tests.utils.pages import TOWNSHIP
from tests.utils.pages import Places
from tests.utils.pages import clients_for
from tests.utils.pages import main_pages
from tests.utils.pages import measure

ROUNDS = 5


def demo_places() -> tuple[Places, dict]:
    """The demo county, its logins' township and village, and the login of each role."""
    users = {}
    for role, staff_role in ROLES.items():
        username = next(login.username for login in DEMO_LOGINS if login.role == staff_role)
        users[role] = get_user_model().objects.get(username=username)
    held = {
        role: StaffRole.objects.get(user=user, role=ROLES[role]).organization for role, user in users.items()
    }
    year = timezone.localdate().year
    places = Places(
        year=year, county=demo_county(), township=held[TOWNSHIP], branch=held[SECRETARY], report_year=year - 1
    )
    return places, users


def print_table(rows, places: Places, seeded: float) -> None:
    county_branches = Organization.objects.filter(path__startswith=places.county.path, kind__in=BRANCH_KINDS)
    township_branches = county_branches.filter(path__startswith=places.township.path)
    print(
        f"\n{connection.vendor} · demo county {places.county.name}: {county_branches.count()} branches, "
        f"{Member.objects.count()} members, seeded in {seeded:.0f} s; township {places.township.name} "
        f"({township_branches.count()} branches); village {places.branch.name}"
    )
    print(
        f"load average while measuring: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; {ROUNDS} rounds"
    )
    print(f"| {'page':<40} | {'role':<9} | median ms | best ms | CPU ms | queries |")
    print(f"|{'-' * 42}|{'-' * 11}|----------:|--------:|-------:|--------:|")
    for page, row in rows:
        if "error" in row:
            print(f"| {page.name:<40} | {page.role:<9} | {row['error']} |")
            continue
        print(
            f"| {page.name:<40} | {page.role:<9} | {row['median_ms']:9.1f} | {row['best_ms']:7.1f} | "
            f"{row['cpu_ms']:6.1f} | {row['queries']:7d} |"
        )


def time_every_page(places: Places, clients: dict) -> list:
    rows = []
    for page in main_pages():
        try:
            rows.append((page, measure(clients[page.role], page.url(places), rounds=ROUNDS)))
        except AssertionError as refusal:  # printed in the table, then failed below
            rows.append((page, {"error": f"not 200: {refusal}"}))
    return rows


# Committed, not wrapped in the test's transaction: the quota runs of the seeding report their progress
# through a second connection on PostgreSQL.
@pytest.mark.benchmark
@pytest.mark.django_db(transaction=True)
def test_every_main_page_of_the_demo_county_is_timed():
    started = time.perf_counter()
    call_command("seed_demo", stdout=StringIO())
    seeded = time.perf_counter() - started
    places, users = demo_places()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    rows = time_every_page(places, clients_for(places, users))
    print_table(rows, places, seeded)
    assert [page.name for page, row in rows if "error" in row] == []
