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
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from branches.models import (
    Organization,
)

from ..models import Alert, QuotaPolicy, QuotaPublication, QuotaResult, QuotaRun, RunState
from . import sql
from .dues import dues_on_time
from .letters import letters_expired
from .mobile import out_of_contact
from .people_stages import admissions, scope_tables, study, training_hours, trainings
from .probation import probation_overdue
from .record_stages import (
    meetings,
    reviews,
    rollups_and_alerts,
    rooms_reserves_contacts,
    visits,
    write_results,
)
from .statements import Period, Statements
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

    SETUP = "SET lock_timeout = '100ms'; SET statement_timeout = '5s'"
    UPDATE = (
        "UPDATE assessments_quotarun SET progress = %s, stage = %s, heartbeat_at = now() WHERE id = "
        "(SELECT id FROM assessments_quotarun WHERE id = %s FOR NO KEY UPDATE SKIP LOCKED)"
    )

    def __init__(self, run: QuotaRun):
        self.run_id = run.pk
        self.side = None
        self.side_failed = False

    def __call__(self, done: int, total: int, stage: str):
        progress, stage = min(99, round(100 * done / total)), stage[:60]
        if sql.is_postgres() and connection.in_atomic_block:
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
            settings = sql.run_settings()
            if settings:  # set_config(…, true) is SET LOCAL: gone when the run's transaction ends
                cursor.execute(
                    "SELECT " + ", ".join("set_config(%s, %s, true)" for _ in settings),
                    [value for setting in settings for value in setting],
                )
            statements = Statements(cursor, period)
            scope_tables(statements, prefix=prefix)
            total = len(STAGES) + 1
            for done, (label, stage) in enumerate(STAGES, start=1):
                stage(statements)
                progress(done, total, label)
                if on_stage is not None:
                    on_stage(done, total, label)
            results = write_results(statements)
            statements.execute("SELECT COUNT(*) FROM qt_scope")
            organizations = cursor.fetchone()[0]
            statements.drop_all()
    finally:
        progress.close()
    return {"organizations": organizations, "results": results, "alerts": statements.alert_count}


def publish(run: QuotaRun) -> None:
    """Point every organization of the scope at this run, in one transaction."""
    prefix = scope_prefix(run)
    in_scope = Organization.objects.filter(path__startswith=prefix).values("pk")
    with transaction.atomic(savepoint=False):
        QuotaPublication.objects.filter(year=run.year, organization__in=in_scope).delete()
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO assessments_quotapublication (organization_id, year, run_id) "
                "SELECT o.id, %s, %s FROM branches_organization o WHERE o.path LIKE %s",
                (run.year, run.pk, prefix + "%"),
            )
    if sql.is_postgres():
        with connection.cursor() as cursor:
            # Readers join results to publications; fresh statistics keep their plans sane after a big run
            # (the results table's are refreshed after the garbage collection, see collect_garbage).
            cursor.execute("ANALYZE assessments_quotapublication")


def collect_garbage(*, year: int) -> int:
    """Results and alerts of finished runs no organization points at any more are of no use to anyone."""
    finished = (RunState.SUCCEEDED, RunState.FAILED)
    stale = QuotaRun.objects.filter(year=year, state__in=finished, publications__isnull=True).values("pk")
    deleted, _ = QuotaResult.objects.filter(run__in=stale).delete()
    Alert.objects.filter(run__in=stale).delete()
    if sql.is_postgres():
        with connection.cursor() as cursor:
            # The results table just took a run's rows and lost the superseded ones: statistics of what stays.
            cursor.execute("ANALYZE assessments_quotaresult")
    return deleted


def run_quota(run: QuotaRun, *, today: dt.date | None = None) -> None:
    """Compute and publish ``run`` in one transaction (the service around it handles states, locking and
    failures)."""
    with transaction.atomic():
        run.counts = compute(run, today=today)
        publish(run)
