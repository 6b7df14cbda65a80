"""``manage.py bench_pages``: the server time and the queries of the pages and APIs that grow with a
province (docs/scale.md), each for a county user and a province-wide user.

Runs against the database DATABASE_URL names (a scale tier from ``manage.py generate_scale``), not a test
database. It adds two users — the county administrator of the largest county and a viewer of every county
(the province's department) — times each request through Django's test client (URL resolving, middleware,
the view, the template or the serializer) warm, as the median and the best of ``--rounds``, beside its
query count and size, in a transaction rolled back at the end, leaving the data as it was.
"""

import statistics
import time
from contextlib import contextmanager

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.core.management.base import CommandError
from django.db import connection
from django.db import transaction
from django.db.models import Count
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from branches.models import BRANCH_KINDS
from branches.models import Organization
from branches.models import OrganizationKind
from branches.models import StaffRole
from branches.scope.roles import Role

USERNAMES = ("bench-pages-county", "bench-pages-province")


def requests(*, county: Organization, year: int) -> list[tuple[str, str, dict]]:
    """(name, URL, query) of each page and API measured."""
    return [
        ("member list", reverse("members:member-list"), {}),
        ("county dashboard", reverse("assessments:dashboard", args=[county.pk]), {"year": year}),
        (
            "county dashboard, dues card",
            reverse("assessments:dashboard-dues", args=[county.pk]),
            {"year": year},
        ),
        ("room targets API", reverse("standardizedroomtarget-list"), {}),
        ("room targets API, not met", reverse("standardizedroomtarget-list"), {"met": "false"}),
        ("visits API, the year", reverse("visitlog-list"), {"year": year}),
        ("organization picker", reverse("branches:organization-pick"), {"q": "村"}),
    ]


def time_request(client: Client, url: str, params: dict, rounds: int) -> dict:
    for _ in range(2):  # warm: templates compiled, translations loaded, plans cached
        response = client.get(url, params)
        if response.status_code != 200:
            raise CommandError(f"{url} {params} answered {response.status_code}")
    executed = []

    def count(execute, sql, sql_params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, sql_params, many, context)
        finally:
            executed.append(((time.perf_counter() - started) * 1000, sql))

    with connection.execute_wrapper(count):
        response = client.get(url, params)
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        client.get(url, params)
        times.append((time.perf_counter() - started) * 1000)
    return {
        "queries": len(executed),
        "slowest": sorted(executed, reverse=True)[:5],
        "median_ms": statistics.median(times),
        "best_ms": min(times),
        "bytes": len(response.content),
    }


def largest_county() -> Organization:
    counties = Organization.objects.filter(kind=OrganizationKind.COUNTY_COMMITTEE)
    return counties.annotate(n=Count("children")).order_by("-n", "pk").first()


@contextmanager
def bench_users(county: Organization):
    """The county administrator of ``county`` and a viewer of every county, in a transaction rolled back
    on the way out (with their logins' security events and history rows)."""
    User = get_user_model()
    with transaction.atomic():
        county_user = User.objects.create_user(USERNAMES[0])
        province_user = User.objects.create_user(USERNAMES[1])
        StaffRole.objects.create(user=county_user, organization=county, role=Role.COUNTY_ADMIN)
        StaffRole.objects.bulk_create(
            StaffRole(user=province_user, organization=top, role=Role.VIEWER)
            for top in Organization.objects.filter(parent__isnull=True)
        )
        yield {"county": county_user, "province": province_user}
        transaction.set_rollback(True)


def benchmark(*, year: int, rounds: int, write, only: str = "", verbose: bool = False) -> dict:
    county = largest_county()
    if county is None:
        raise CommandError("the database holds no county: run manage.py generate_scale first")
    branches = Organization.objects.filter(kind__in=BRANCH_KINDS).count()
    write(f"{connection.vendor}: {branches:,} branches; county {county.name} ({county.pk}); year {year}")
    figures = {}
    with bench_users(county) as users:
        for who, user in users.items():
            client = Client()
            client.force_login(user)
            for name, url, params in requests(county=county, year=year):
                if only and only not in name:
                    continue
                row = time_request(client, url, params, rounds)
                figures[(name, who)] = row
                write(
                    f"  {name:<28} {who:<8} median {row['median_ms']:8.1f} ms  best {row['best_ms']:8.1f} ms"
                    f"  {row['queries']:3d} queries  {row['bytes']:>10,} bytes"
                )
                for took, sql in row["slowest"] if verbose else ():
                    write(f"      {took:8.1f} ms  {sql[:300]}")
    return figures


class Command(BaseCommand):
    help = "Time the member list, the county dashboard, the room targets and visits APIs for two users."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, default=None, help="Year (default: this year).")
        parser.add_argument("--rounds", type=int, default=5)
        parser.add_argument("--only", default="", help="Only the requests whose name contains this.")
        parser.add_argument("--slowest", action="store_true", help="Print the five slowest queries of each.")

    def handle(self, *args, year, rounds, only, slowest, **options):
        year = year or timezone.localdate().year
        write = self.stdout.write
        benchmark(year=year, rounds=rounds, write=write, only=only, verbose=slowest)
