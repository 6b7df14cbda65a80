"""Dashboard benchmark: server time and queries of the township dashboard page and API (and the county's).

On demand, on PostgreSQL, at the county tier generated into the test database of your own database::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/partybuild_dash \\
        .venv/bin/pytest tests/perf/test_dashboard.py -m benchmark -s

generates the county tier (``generate_scale --tier county``: 300 branches, 15,000 members, 150,000 visit
logs), runs the quota engine for the year and the five-good proposal, grants a township staff role on the
largest township (~20 branches, ~1,000 members: the size of a province-tier township, ~25 branches and ~500
members) and times each request through Django's test client — URL resolving, middleware, the view, the
template — warm, as the median and the best of several rounds. Figures are printed, not asserted; what is
asserted is the query count, which is the same at the tiny and county tiers.

The tiny tier runs inside the normal test command so this cannot rot.
"""

import os
import time

import pytest
from django.db import connection
from django.db.models import Count
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from assessments.models import QuotaRun
from assessments.services.quotas import quota_run_execute
from assessments.services.ratings import rating_propose
from branches.models import BRANCH_KINDS
from branches.models import COMMITTEE_KINDS
from branches.models import Organization
from branches.models import OrganizationKind
from branches.models import StaffRole
from branches.scope.roles import Role
from demo.scale import generate
from members.models import Member
from tests.utils.factories import UserFactory
from tests.utils.pages import measure

ROUNDS = 15


def prepare(tier: str) -> dict:
    started = time.perf_counter()
    generate(tier=tier, seed=3)
    generated = time.perf_counter() - started
    year = timezone.localdate().year
    county = Organization.objects.filter(kind=OrganizationKind.COUNTY_COMMITTEE).order_by("pk").first()
    root = UserFactory(username="bench-root", is_superuser=True, is_staff=True)
    run = QuotaRun.objects.create(organization=county, year=year, requested_by=root)
    started = time.perf_counter()
    quota_run_execute(run.pk)
    ran = time.perf_counter() - started
    rating_propose(actor=root, organization=county, year=year)
    township = (
        Organization.objects.filter(kind__in=COMMITTEE_KINDS, parent=county)
        .annotate(n=Count("children"))
        .order_by("-n", "pk")
        .first()
    )
    staff = UserFactory(username="bench-staff")
    StaffRole.objects.create(user=staff, organization=township, role=Role.TOWNSHIP_STAFF)
    admin = UserFactory(username="bench-admin")
    StaffRole.objects.create(user=admin, organization=county, role=Role.COUNTY_ADMIN)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ANALYZE")
    return {
        "year": year,
        "county": county,
        "township": township,
        "staff": staff,
        "admin": admin,
        "generated": generated,
        "quota_run": ran,
    }


def run_benchmark(tier: str) -> dict:
    world = prepare(tier)
    township, county, year = world["township"], world["county"], world["year"]
    branches = Organization.objects.filter(path__startswith=township.path, kind__in=BRANCH_KINDS).count()
    members = Member.objects.on_roll().filter(branch__path__startswith=township.path).count()
    staff, admin = Client(), Client()
    staff.force_login(world["staff"])
    admin.force_login(world["admin"])
    params = {"year": year}
    figures = {
        "township page": measure(staff, reverse("assessments:dashboard", args=[township.pk]), params, ROUNDS),
        "township API": measure(staff, reverse("dashboard"), {**params, "organization": township.pk}, ROUNDS),
        "county page": measure(admin, reverse("assessments:dashboard", args=[county.pk]), params, ROUNDS),
        "county API": measure(admin, reverse("dashboard"), {**params, "organization": county.pk}, ROUNDS),
    }
    print(
        f"\n{connection.vendor} · tier {tier}: generated in {world['generated']:.1f} s, quota run "
        f"{world['quota_run']:.2f} s; township {township.name}: {branches} branches, {members} members "
        f"on the roll; county: {Organization.objects.filter(kind__in=BRANCH_KINDS).count()} branches"
    )
    print(f"  load average while measuring: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    for name, row in figures.items():
        print(
            f"  {name:<14} median {row['median_ms']:7.1f} ms  best {row['best_ms']:7.1f} ms  "
            f"(Python CPU {row['cpu_ms']:6.1f} ms)  {row['queries']:3d} queries  {row['bytes']:,} bytes"
        )
    return figures


# Committed, not wrapped in the test's transaction: on PostgreSQL the engine reports progress through a
# second connection, which would wait forever behind the locks generate()'s TRUNCATE holds in it.
@pytest.mark.django_db(transaction=True)
def test_dashboard_bench_tiny_tier():
    figures = run_benchmark("tiny")
    assert figures["township page"]["queries"] <= 20
    assert figures["township API"]["queries"] <= 15


@pytest.mark.benchmark
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_dashboard_bench_county_tier():
    figures = run_benchmark("county")
    assert figures["township page"]["queries"] <= 20
    assert figures["township API"]["queries"] <= 15
