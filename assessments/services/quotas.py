"""Quota policies and runs: who may start what, and the life of a run around the engine."""

import contextlib
import datetime as dt
import logging
import os
from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import connection
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from branches.models import Organization
from branches.scope.querysets import NOT_ALLOWED
from branches.scope.querysets import OutOfScope
from branches.scope.querysets import organization_in_scope
from branches.scope.roles import Capability
from partybuild.jobs import dispatch
from partybuild.years import SO_FAR_MESSAGE
from partybuild.years import is_year_so_far

from ..models import ACTIVE_STATES
from ..models import QuotaPolicy
from ..models import QuotaRun
from ..models import RunState
from ..quota import engine
from .policies import county_policy_create
from .policies import county_policy_update

logger = logging.getLogger(__name__)
STALE_AFTER = dt.timedelta(hours=1)
# The trigger of the runs that saved records start by themselves (docs/quotas.md, "Fresh figures").
RECORDS_TRIGGER = "records"


@transaction.atomic
def quota_policy_create(*, actor, county: Organization, year: int, **targets) -> QuotaPolicy:
    detail = {"year": year, "created": True}
    return county_policy_create(actor, QuotaPolicy, county=county, year=year, settings=targets, detail=detail)


@transaction.atomic
def quota_policy_update(
    *, actor, quota_policy: QuotaPolicy, expected_version=None, precondition=False, **changes
):
    """Change the targets; the county and the year a policy is for stay (sent along, they are ignored)."""
    return county_policy_update(actor, quota_policy, expected_version, precondition, changes, detail={})


def _covering_run(organization: Organization, year: int, *, join_running: bool) -> QuotaRun | None:
    """The run of the same year that this request can join: one queued for the organization or a subtree
    containing it (it has read nothing yet), or — with ``join_running`` — one already running for the
    organization itself."""
    ancestors = [int(pk) for pk in organization.path.strip("/").split("/")]
    runs = QuotaRun.objects.filter(year=year, state__in=ACTIVE_STATES)
    covering = Q(organization_id__in=ancestors) | Q(organization__isnull=True)  # the latter: every tree
    joinable = runs.filter(covering, state=RunState.QUEUED)
    if join_running:
        joinable |= runs.filter(state=RunState.RUNNING, organization_id=organization.pk)
    return joinable.order_by("created_at", "pk").first()


def _serialize_starts(organization: Organization) -> None:
    """Starts in one tree queue behind each other (a row lock on the tree's root until commit), so two
    requests at once cannot both find nothing to join."""
    root = int(organization.path.strip("/").split("/")[0])
    list(Organization.objects.select_for_update(no_key=True).filter(pk=root).values_list("pk", flat=True))


def quota_run_capability(organization: Organization) -> str:
    return Capability.RECORDS if organization.is_branch else Capability.REVIEW


def quota_run_start(
    *, actor, organization: Organization, year: int, trigger: str = "api", join_running: bool = True
) -> QuotaRun:
    """Queue a run for ``organization``'s subtree and ``year``, or join the run that already covers it
    (returned with ``joined`` set; see docs/quotas.md, Runs). A run overlapping this one that has already
    started is waited for: runs of one tree and year never interleave (``_tree_lock``).
    Reviewers run any subtree in scope; whoever keeps a branch's records may refresh that branch alone."""
    if not organization_in_scope(actor, organization, quota_run_capability(organization)):
        raise OutOfScope(NOT_ALLOWED)
    if not is_year_so_far(year):
        raise ValidationError({"year": [SO_FAR_MESSAGE]})
    with transaction.atomic():
        _serialize_starts(organization)
        existing = _covering_run(organization, year, join_running=join_running)
        if existing is not None:
            existing.joined = True
            return existing
        run = QuotaRun.objects.create(
            organization=organization,
            year=year,
            requested_by=actor if actor and actor.pk else None,
            trigger=trigger,
        )
    _enqueue(run)
    return run


def _enqueue(run: QuotaRun):
    dispatch("assessments.quota_run", run.pk, wait_for_commit=False)


def _claim(run_id: int) -> QuotaRun | None:
    """Mark the run running; a run found already running was started by a worker that died."""
    with transaction.atomic():
        run = QuotaRun.objects.select_for_update(of=("self",)).select_related("organization").get(pk=run_id)
        if run.state == RunState.RUNNING:
            _fail(run, _("The worker running this computation stopped before it finished."))
            return None
        if run.state != RunState.QUEUED:
            return None
        now = timezone.now()
        run.state, run.started_at, run.heartbeat_at, run.progress = RunState.RUNNING, now, now, 0
        run.save(update_fields=["state", "started_at", "heartbeat_at", "progress"])
        return run


def _fail(run: QuotaRun, message: str):
    QuotaRun.objects.filter(pk=run.pk).update(
        state=RunState.FAILED, finished_at=timezone.now(), error=message[:2000]
    )


# The advisory lock key of the runs over every tree (no organization has the id 0).
EVERY_TREE = 0


@contextlib.contextmanager
def _tree_lock(run: QuotaRun):
    """Runs in the same tree and year never interleave (PostgreSQL advisory locks; SQLite has one writer): a
    subtree's run holds its tree's lock and shares the every-tree one, a run over every tree holds that one
    alone — it waits for the runs of every tree, and they wait for it."""
    if connection.vendor != "postgresql":
        yield
        return
    if run.organization_id:
        root = int(run.organization.path.strip("/").split("/")[0])
        locks = [("pg_advisory_lock_shared", "pg_advisory_unlock_shared", EVERY_TREE)]
        locks.append(("pg_advisory_lock", "pg_advisory_unlock", root))
    else:
        locks = [("pg_advisory_lock", "pg_advisory_unlock", EVERY_TREE)]
    with connection.cursor() as cursor:
        for lock, _unlock, key in locks:
            cursor.execute(f"SELECT {lock}(%s, %s)", (key, run.year))
        try:
            yield
        finally:
            for _lock, unlock, key in reversed(locks):
                cursor.execute(f"SELECT {unlock}(%s, %s)", (key, run.year))


def quota_run_execute(run_id: int, *, today: dt.date | None = None) -> QuotaRun:
    """The Celery task's body: compute, publish, record the outcome; never a half-published run."""
    run = _claim(run_id)
    if run is None:
        return QuotaRun.objects.get(pk=run_id)
    # One transaction for the whole run: the engine's work tables, results, alerts and the publication commit
    # together or not at all. Inside an outer transaction (tasks run eagerly in a request) it is a savepoint,
    # which keeps a failure contained.
    try:
        with _tree_lock(run), transaction.atomic():
            counts = engine.compute(run, today=today)
            replaced = engine.publish(run)
    except Exception as error:  # the run's record must say it failed, whatever broke
        logger.exception("quota run %s failed", run_id)
        _fail(run, f"{type(error).__name__}: {error}")
        return QuotaRun.objects.get(pk=run_id)
    QuotaRun.objects.filter(pk=run.pk).update(
        state=RunState.SUCCEEDED, progress=100, stage="", counts=counts, finished_at=timezone.now()
    )
    engine.collect_garbage(replaced, written=counts["changed"])
    return QuotaRun.objects.get(pk=run_id)


def quota_runs_fail_stale() -> int:
    """Runs whose worker went silent long ago are failed, so a new run of their scope can start."""
    cutoff = timezone.now() - STALE_AFTER
    return QuotaRun.objects.filter(state=RunState.RUNNING, heartbeat_at__lt=cutoff).update(
        state=RunState.FAILED,
        finished_at=timezone.now(),
        error=_("No sign of life for an hour: marked failed."),
    )


def _system(username: str):
    """The actor of the runs nobody asked for by hand: may run any tree, is recorded as nobody."""
    return get_user_model()(username=username, is_superuser=True, is_active=True)


def quota_runs_schedule(*, year: int, trigger: str) -> list[QuotaRun]:
    """One run over every tree for ``year``: what the nightly and the 1 January schedules start. One run over
    a province costs less than a run per county, whose fixed costs add up (docs/quotas.md, "Schedule")."""
    quota_runs_fail_stale()
    engine.collect_garbage(engine.leftover_runs(year=year))
    return [_start_every_tree(year=year, trigger=trigger)]


def _start_every_tree(*, year: int, trigger: str) -> QuotaRun:
    """Queue a run over every tree, or join the one already queued. Serialized with every tree's starts (a
    row lock on every root until commit), as ``quota_run_start`` serializes one tree's."""
    with transaction.atomic():
        # FOR NO KEY UPDATE: it serializes the starts without waiting for the transactions that insert rows
        # referring to a root (a foreign key's check locks it FOR KEY SHARE, e.g. a long import).
        roots = Organization.objects.select_for_update(no_key=True).filter(parent__isnull=True).order_by("pk")
        list(roots.values_list("pk", flat=True))
        queued = QuotaRun.objects.filter(year=year, state=RunState.QUEUED, organization__isnull=True)
        existing = queued.order_by("created_at", "pk").first()
        if existing is not None:
            existing.joined = True
            return existing
        run = QuotaRun.objects.create(organization=None, year=year, trigger=trigger)
    _enqueue(run)
    return run


def quota_runs_refresh(*, changes: dict[int, Iterable[int]]) -> list[QuotaRun]:
    """What a transaction that changed counted records starts once it commits (partybuild/changes.py): for
    each year, one run per tree over the lowest organization containing every organization whose records
    changed (docs/quotas.md, "Fresh figures"). It joins a run queued over it, never one already running,
    which may have read the records before they changed."""
    paths = dict(Organization.objects.filter(pk__in=set().union(*changes.values())).values_list("pk", "path"))
    lowest = {
        year: lowest_common_organizations(paths[pk] for pk in ids if pk in paths)
        for year, ids in changes.items()
    }
    organizations = Organization.objects.in_bulk(set().union(*lowest.values()))
    system = _system("records")
    return [
        quota_run_start(
            actor=system,
            organization=organizations[pk],
            year=year,
            trigger=RECORDS_TRIGGER,
            join_running=False,
        )
        for year in sorted(lowest)
        for pk in sorted(lowest[year])
    ]


def lowest_common_organizations(paths: Iterable[str]) -> set[int]:
    """For materialized paths (``/1/5/9/``), the id of the deepest organization containing all of them, in
    each tree they lie in."""
    common: dict[str, list[str]] = {}
    for path in paths:
        parts = path.strip("/").split("/")
        common[parts[0]] = os.path.commonprefix([common.get(parts[0], parts), parts])
    return {int(parts[-1]) for parts in common.values()}
