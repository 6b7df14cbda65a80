"""``manage.py bench_rating_proposal``: time the five-good proposal for every branch of the database.

Runs against the database DATABASE_URL names (a scale tier from ``manage.py generate_scale``), not a test
database. When no quota results are published for the year, the quota engine runs first for every county
(timed apart); then the proposal is timed alone, twice: creating every rating, then refreshing them
all (the ON CONFLICT path). Both run in one transaction that is rolled back unless ``--keep``, so the
database is left as it was.
"""

import time

from django.core.management.base import BaseCommand
from django.core.management.base import CommandError
from django.db import connection
from django.db import transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from assessments.models import QuotaPublication
from assessments.models import QuotaRun
from assessments.models import RunState
from assessments.models import StarRating
from assessments.ratings_proposal import propose
from assessments.services.quotas import quota_run_execute
from branches.models import BRANCH_KINDS
from branches.models import Organization


def ensure_published_quotas(year: int, write) -> None:
    """The quota engine over every county (one run each: a run's scope is an organization)."""
    if QuotaPublication.objects.filter(year=year).exists():
        write(f"quota results: published for {year}, reused")
        return
    started = time.perf_counter()
    counts = {"organizations": 0, "results": 0, "alerts": 0}
    for county in Organization.objects.filter(parent__isnull=True).order_by("pk"):
        run = quota_run_execute(QuotaRun.objects.create(organization=county, year=year, trigger="api").pk)
        if run.state != RunState.SUCCEEDED:
            raise CommandError(f"the quota run of {county} failed: {run.error}")
        counts = {key: counts[key] + run.counts.get(key, 0) for key in counts}
    write(f"quota engine (every county, {year}): {time.perf_counter() - started:.2f} s, {counts}")


def refresh_statistics(write) -> None:
    """What autovacuum does a minute after a quota run: with the statistics of an empty table the planner
    joins 900,000 fresh results by nested loops (the proposal then takes twice as long)."""
    if connection.vendor != "postgresql":
        return
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE assessments_quotaresult, assessments_quotapublication")
    write(f"ANALYZE of the quota results: {time.perf_counter() - started:.2f} s")


def timed_proposal(year: int):
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        summary = propose(prefix="/", year=year)
        seconds = time.perf_counter() - started
    return summary, seconds, len(queries)


def benchmark(*, year: int, keep: bool, write) -> dict:
    branches = Organization.objects.filter(kind__in=BRANCH_KINDS).count()
    if not branches:
        raise CommandError("the database holds no branch: run manage.py generate_scale first")
    ensure_published_quotas(year, write)
    refresh_statistics(write)
    figures = {"vendor": connection.vendor, "branches": branches}
    with transaction.atomic():
        before = StarRating.objects.filter(year=year).count()
        for label in ("create", "refresh"):
            summary, seconds, statements = timed_proposal(year)
            figures[label] = seconds
            write(
                f"rating proposal [{connection.vendor}] {label}: branches={summary.branches:,} "
                f"with_results={summary.with_results:,} written={summary.written:,} "
                f"seconds={seconds:.2f} statements={statements} (ratings of {year} before: {before:,})"
            )
        figures["statements"] = statements
        figures["written"] = summary.written
        if not keep:
            transaction.set_rollback(True)
    return figures


class Command(BaseCommand):
    help = (
        "Time the set-based five-good proposal for every branch of the database (a generate_scale tier), "
        "running the quota engine first if no result is published for the year. Rolled back unless --keep."
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, default=None, help="Year to rate (default: this year).")
        parser.add_argument("--keep", action="store_true", help="Commit the proposed ratings.")

    def handle(self, *args, year, keep, **options):
        year = year or timezone.localdate().year
        benchmark(year=year, keep=keep, write=self.stdout.write)
