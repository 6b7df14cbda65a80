"""``manage.py bench_refresh``: time what a secretary's save starts for their branch (docs/quotas.md, "Fresh
figures"): ``quota_runs_refresh`` for one branch and this year, the run executed in process as the worker
would (start, compute, publish, clean-up), one branch after another.

Runs against the database DATABASE_URL names (a scale tier from ``manage.py generate_scale``), in autocommit
as the worker does; the branches' results are replaced by equal ones. The quota engine runs first for every
county when nothing is published for the year (untimed), so each refresh replaces published figures as it
does in production. The branches are spread evenly over the database (every n-th by id).
"""

import statistics
import time

from django.conf import settings
from django.core.management.base import BaseCommand
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from assessments.models import RunState
from assessments.services.quotas import quota_runs_refresh
from branches.models import BRANCH_KINDS
from branches.models import Organization

from .bench_rating_proposal import ensure_published_quotas

TARGET_SECONDS = 0.2


def sample_branches(count: int) -> list[Organization]:
    ids = list(Organization.objects.filter(kind__in=BRANCH_KINDS).order_by("pk").values_list("pk", flat=True))
    if not ids:
        raise CommandError("the database holds no branch: run manage.py generate_scale first")
    step = max(1, len(ids) // count)
    return list(Organization.objects.filter(pk__in=ids[::step][:count]).order_by("pk"))


def timed_refresh(branch: Organization, year: int) -> tuple[float, int]:
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        (run,) = quota_runs_refresh(changes={year: [branch.pk]})
        seconds = time.perf_counter() - started
    run.refresh_from_db()
    if run.state != RunState.SUCCEEDED or run.organization_id != branch.pk:
        raise CommandError(f"the refresh of {branch.code} did not run alone: {run.state} {run.error}")
    return seconds, len(queries)


def benchmark(*, branches: int, write) -> dict:
    if not settings.CELERY_TASK_ALWAYS_EAGER:
        raise CommandError("unset CELERY_BROKER_URL: the benchmark runs the task in process")
    year = timezone.localdate().year
    ensure_published_quotas(year, write)
    chosen = sample_branches(branches)
    timed = [timed_refresh(branch, year) for branch in chosen]
    seconds = [s for s, _queries in timed]
    figures = {
        "vendor": connection.vendor,
        "organizations": Organization.objects.count(),
        "branches": len(chosen),
        "median": statistics.median(seconds),
        "max": max(seconds),
        "queries": sorted({q for _seconds, q in timed}),
    }
    write(
        f"branch refresh [{figures['vendor']}, {figures['organizations']:,} organizations]: "
        f"{figures['branches']} branches, median {figures['median'] * 1000:.0f} ms, "
        f"max {figures['max'] * 1000:.0f} ms, queries {figures['queries']} "
        f"(target ≤ {TARGET_SECONDS * 1000:.0f} ms)"
    )
    return figures


class Command(BaseCommand):
    help = "Time the refresh a save starts for its branch (quota_runs_refresh, the run in process)."

    def add_arguments(self, parser):
        parser.add_argument("--branches", type=int, default=20, help="How many branches, spread by id.")

    def handle(self, *args, branches, **options):
        benchmark(branches=branches, write=self.stdout.write)
