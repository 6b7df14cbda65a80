"""The annual quota engine: every indicator of docs/quotas.md for every organization of a scope, set-based.

Each stage is a fixed handful of SQL statements over the run's work tables: the number of queries does not
depend on the number of organizations, and no row of the records ever travels to Python. The whole run is one
transaction: its work tables (UNLOGGED on PostgreSQL, so that statements over them get parallel plans;
temporary on SQLite) are created, used and dropped inside it, the stages gather every result in one of them,
``qt_res``, and a single ordered INSERT copies it into the results table at the end. ``publish`` then points
every organization of the scope at this run, so readers see the previous run's set or this one's, never a
mix; a failure rolls everything back, work tables included."""

import contextlib
import datetime as dt
import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from branches.models import Organization

from ..models import Alert
from ..models import QuotaPolicy
from ..models import QuotaPublication
from ..models import QuotaResult
from ..models import QuotaRun
from ..models import RunState
from . import sql
from .dues import dues_on_time
from .letters import letters_expired
from .mobile import out_of_contact
from .people_stages import admissions
from .people_stages import scope_tables
from .people_stages import study
from .people_stages import training_hours
from .people_stages import trainings
from .probation import probation_overdue
from .record_stages import meetings
from .record_stages import reviews
from .record_stages import rollups_and_alerts
from .record_stages import rooms_reserves_contacts
from .record_stages import visits
from .record_stages import write_results
from .statements import Period
from .statements import Statements
from .terms import organization_rules_and_terms

logger = logging.getLogger(__name__)
STAGES = (
    ("admissions", admissions),
    ("trainings", trainings),
    ("training hours", training_hours),
    ("dues paid on time", dues_on_time),
    ("visits", visits),
    ("study", study),
    ("meetings", meetings),
    ("reviews", reviews),
    ("rooms, reserves and contact points", rooms_reserves_contacts),
    ("roll-ups and alerts", rollups_and_alerts),
    ("probation overdue", probation_overdue),
    ("members away out of contact", out_of_contact),
    ("transfer letters expired", letters_expired),
    ("organization rules and terms", organization_rules_and_terms),
)


def scope_prefix(run: QuotaRun) -> str:
    return run.organization.path if run.organization_id else "/"


@dataclass(frozen=True)
class Windows:
    """The longest look-backs among the scope's policies: they bound the records a run reads."""

    admissions: int  # "no admission for n years"
    trainings: int  # the training rotation cycle, in years


def ensure_policies(*, prefix: str, year: int) -> Windows:
    """Every county of the scope gets the year's policy (the defaults when the county set none)."""
    root_ids = (
        {int(prefix.strip("/").split("/")[0])}
        if prefix != "/"
        else set(Organization.objects.filter(parent__isnull=True).values_list("pk", flat=True))
    )
    existing = set(
        QuotaPolicy.objects.filter(year=year, county_id__in=root_ids).values_list("county_id", flat=True)
    )
    bulk_create_with_history(
        [QuotaPolicy(county_id=county_id, year=year) for county_id in sorted(root_ids - existing)],
        QuotaPolicy,
    )
    windows = list(
        QuotaPolicy.objects.filter(year=year, county_id__in=root_ids).values_list(
            "dev_two_years_none", "train_rotation_cycle_years"
        )
    )
    return Windows(
        admissions=max((w[0] for w in windows), default=2), trainings=max((w[1] for w in windows), default=1)
    )


class Progress:
    """The run's progress, stage and heartbeat, for the API and the stale-run sweep, during the run.

    The run is one transaction, whose writes nobody sees before it commits: on PostgreSQL the progress goes
    through a second connection of its own, in autocommit, opened for the run and closed after it. That
    connection must never wait on the run's own transaction (which would wait for it in turn): it skips the
    run's row when a transaction holds it, and gives up on a lock it cannot get at once (the run's transaction
    may hold the whole table, e.g. inside a test that truncated it) — then it reports no more. A failure to
    report never fails the run. On SQLite (one writer) the progress is written on the run's connection and
    shows once the run commits.
    """

    # On PostgreSQL a run over sooner (a branch's refresh after a save) reports nothing: the second
    # connection and its commits would cost it two thirds of its time, for a bar nobody sees move. SQLite's
    # writes share the run's transaction and cost little; they stay, so a run's statements do not depend on
    # how fast the machine is.
    QUIET_FOR = 0.5  # seconds
    SETUP = "SET lock_timeout = '100ms'; SET statement_timeout = '5s'"
    UPDATE = (
        "UPDATE assessments_quotarun SET progress = %s, stage = %s, heartbeat_at = now() WHERE id = "
        "(SELECT id FROM assessments_quotarun WHERE id = %s FOR NO KEY UPDATE SKIP LOCKED)"
    )

    def __init__(self, run: QuotaRun):
        self.run_id = run.pk
        self.side = None
        self.side_failed = False
        self.started = time.monotonic()

    def __call__(self, done: int, total: int, stage: str):
        progress, stage = min(99, round(100 * done / total)), stage[:60]
        if sql.is_postgres() and connection.in_atomic_block:
            if time.monotonic() - self.started < self.QUIET_FOR:
                return
            if not self.side_failed:
                try:
                    if self.side is None:
                        self.side = connection.get_new_connection(connection.get_connection_params())
                        self.side.autocommit = True
                        with self.side.cursor() as cursor:
                            cursor.execute(self.SETUP)
                    with self.side.cursor() as cursor:
                        cursor.execute(self.UPDATE, (progress, stage, self.run_id))
                except Exception:  # progress is a courtesy: the run goes on without it
                    logger.warning("quota run %s: progress not reported", self.run_id, exc_info=True)
                    self.side_failed = True
            return
        QuotaRun.objects.filter(pk=self.run_id).update(
            progress=progress, stage=stage, heartbeat_at=timezone.now()
        )

    def close(self):
        if self.side is not None:
            with contextlib.suppress(Exception):
                self.side.close()
            self.side = None


def compute(run: QuotaRun, *, today: dt.date | None = None, on_stage=None) -> dict:
    """Write every result and alert of ``run``; returns the counts. Does not publish.

    One transaction (part of the caller's, when there is one). ``on_stage(done, total, label)`` is called
    after each stage, besides the progress reporting.
    """
    prefix = scope_prefix(run)
    progress = Progress(run)
    try:
        with transaction.atomic(savepoint=False), connection.cursor() as cursor:
            windows = ensure_policies(prefix=prefix, year=run.year)
            period = Period(
                run_id=run.pk,
                year=run.year,
                today=today or timezone.localdate(),
                admissions_from=run.year - windows.admissions + 1,
                trainings_from=run.year - windows.trainings + 1,
            )
            settings = sql.run_settings(subtree=prefix != "/")
            if settings:  # set_config(…, true) is SET LOCAL: gone when the run's transaction ends
                cursor.execute(
                    "SELECT " + ", ".join("set_config(%s, %s, true)" for _ in settings),
                    [value for setting in settings for value in setting],
                )
            statements = Statements(cursor, period, subtree=prefix != "/")
            scope_tables(statements, prefix=prefix)
            total = len(STAGES) + 1
            for done, (label, stage) in enumerate(STAGES, start=1):
                stage(statements)
                progress(done, total, label)
                if on_stage is not None:
                    on_stage(done, total, label)
            changed = write_results(statements, prefix=prefix)
            statements.execute("SELECT (SELECT COUNT(*) FROM qt_scope), (SELECT COUNT(*) FROM qt_res)")
            organizations, results = cursor.fetchone()
            statements.drop_all()
    finally:
        progress.close()
    return {
        "organizations": organizations,
        "results": results,
        "changed": changed,
        "alerts": statements.alert_count,
    }


def publish(run: QuotaRun) -> set[int]:
    """Point every organization of the scope at this run, in one transaction; returns the runs it replaced
    (those published for an organization of the scope until now), for ``collect_garbage``."""
    prefix = scope_prefix(run)
    in_scope = Organization.objects.filter(path__startswith=prefix).values("pk")
    with transaction.atomic(savepoint=False):
        previous = QuotaPublication.objects.filter(year=run.year, organization__in=in_scope)
        replaced = set(previous.exclude(run=run).values_list("run_id", flat=True).distinct())
        deleted, _ = previous.delete()
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO assessments_quotapublication (organization_id, year, run_id) "
                "SELECT o.id, %s, %s FROM branches_organization o WHERE o.path LIKE %s",
                (run.year, run.pk, prefix + "%"),
            )
            inserted = cursor.rowcount
    # Readers join results to publications: fresh statistics keep their plans sane after a big run.
    analyze_if_changed_much(QuotaPublication._meta.db_table, deleted + inserted)
    return replaced


# The share of a table's rows a run must have changed for it to refresh the table's statistics itself:
# autovacuum's own default (autovacuum_analyze_scale_factor, 10 %). A run over a whole county or province
# replaces most of the results and gets fresh statistics at once; one county's nightly run among a hundred
# changes 1 % of them, which leaves the statistics as good as they were, and autovacuum refreshes them once
# enough runs have added up (docs/quotas.md, "Runs").
ANALYZE_SHARE = 0.1


def analyze_if_changed_much(table: str, changed: int) -> None:
    """ANALYZE ``table`` (PostgreSQL) when ``changed`` rows are at least ``ANALYZE_SHARE`` of the rows its
    statistics last counted, or it has never been analyzed. One statement whichever way it goes, so that
    a run's statement count does not hang on the table's history."""
    if not sql.is_postgres():
        return
    name = connection.ops.quote_name(table)
    counted = f"(SELECT reltuples FROM pg_class WHERE oid = '{name}'::regclass)"
    with connection.cursor() as cursor:
        cursor.execute(
            f"DO $$ BEGIN IF {counted} < 0 OR {int(changed)} >= {ANALYZE_SHARE} * {counted} "  # noqa: S608 - numbers and a model's table
            f"THEN ANALYZE {name}; END IF; END $$"
        )


FINISHED = (RunState.SUCCEEDED, RunState.FAILED)


def collect_garbage(runs: Iterable[int], *, written: int = 0) -> int:
    """Alerts of ``runs`` (those a run just replaced) that no organization points at any more are of no use to
    anyone: deleted; and the results table's statistics refreshed when the run that changed ``written`` of
    its rows changed much of it. Reads nothing but these runs' rows. Returns the alerts deleted."""
    runs = sorted(runs)
    unpublished = QuotaRun.objects.filter(pk__in=runs, state__in=FINISHED, publications__isnull=True)
    # Their ids first: a DELETE by a list of runs walks the run index; one by a subquery over the runs may
    # scan the whole alerts table to delete a county's few.
    stale = list(unpublished.values_list("pk", flat=True)) if runs else []
    deleted = 0
    if stale:
        deleted, _ = Alert.objects.filter(run_id__in=stale).delete()
    analyze_if_changed_much(QuotaResult._meta.db_table, written)
    return deleted


# Finished runs of a year published nowhere that still hold alerts. Each probe takes the first alert of the
# run in the run index's order: whatever the alerts table's statistics, it is planned as one index probe.
LEFTOVER_RUNS = """
SELECT r.id FROM assessments_quotarun r
WHERE r.year = %s AND r.state IN (%s, %s)
  AND NOT EXISTS (SELECT 1 FROM assessments_quotapublication p WHERE p.run_id = r.id)
  AND EXISTS (SELECT 1 FROM (SELECT 1 FROM assessments_alert a WHERE a.run_id = r.id
                             ORDER BY a.run_id, a.organization_id LIMIT 1) alert)
"""


def leftover_runs(*, year: int) -> list[int]:
    """Finished runs of ``year`` published nowhere that still hold alerts: what a worker that
    died between a run's commit and its garbage collection left behind (swept once a night)."""
    with connection.cursor() as cursor:
        cursor.execute(LEFTOVER_RUNS, (year, *FINISHED))
        return [row[0] for row in cursor.fetchall()]


def run_quota(run: QuotaRun, *, today: dt.date | None = None) -> None:
    """Compute and publish ``run`` in one transaction (the service around it handles states, locking and
    failures)."""
    with transaction.atomic():
        run.counts = compute(run, today=today)
        publish(run)
