"""``manage.py bench_quota``: the quota engine over the whole database, beside the hand-written SQL floor.

Runs against the database DATABASE_URL names (a scale tier from ``manage.py generate_scale``), never a test
database. For the year (default: this year) and each round:

1. the engine through ``quota_run_execute`` (the Celery task's body: claim, compute, publish, record), timed
   as "the run", its stages timed through ``on_stage``, the garbage collection of the replaced results
   timed apart. ``--scope whole`` (default): one run over every tree, ``QuotaRun(organization=None)``;
   while the model still requires a run's organization, the run is stored against the first county with
   its scope set to ``None`` in memory for ``compute`` and ``publish`` (the engine reads nothing else for
   its scope), and the round is rolled back. ``--scope counties``: one run per county, as the schedule does;
   ``--nightly`` (``--scope nightly``): ``quota_runs_nightly`` itself, in process — this year as of today,
   every county's run through ``quota_run_execute`` with its clean-up, no vacuum before the round — timed
   whole, clean-up included, and held to the floor (``TARGETS``: province, ≤ 1.5 × the floor);
2. the floor, ``assessments/quota/floor.sql`` (PostgreSQL only): the same indicators and alerts computed
   from the indicators' definitions by hand-written statements into the UNLOGGED tables ``floor_results``
   and ``floor_alerts``, timed statement by statement (``demo.quota_floor``);
3. the check: the floor and the engine hold the same (organization, code) rows with the same target, actual
   and met, and the same alerts (organization, kind, post). A mismatch is listed by code with examples and
   fails the command; ``--exclude-code`` leaves a code (its roll-up and alert too) out, with a warning.

Nothing is vacuumed before a round: a round finds the tables as the rounds before left them, as a night finds
them. A round runs in autocommit, as a worker runs the task, and its figures stay published; a run writes
only the figures that changed since the previous one, and ``--fresh`` deletes the year's results before each
round so that it writes all of them, as a year's first run does. ``--rollback`` runs each round in one
transaction rolled back at its end. The floor tables are dropped after the check unless ``--keep-floor``.
``--rounds`` repeats; the best of each figure is reported against the engine's performance targets
(``TARGETS``: county tier, the run ≤ 1 s; province, ≤ 20 s and ≤ 2 × the floor).
"""

import contextlib
import time
from unittest import mock

from django.core.management.base import BaseCommand
from django.core.management.base import CommandError
from django.db import NotSupportedError
from django.db import connection
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from assessments.models import QuotaRun
from assessments.models import RunState
from assessments.quota import engine
from assessments.services.quotas import quota_run_execute
from assessments.tasks import quota_runs_nightly
from branches.models import Organization
from demo.quota_floor import compare
from demo.quota_floor import drop_floor_tables
from demo.quota_floor import run_floor

TARGETS = {"county": {"run": 1.0}, "province": {"run": 20.0, "ratio": 2.0, "nightly": 1.5}}


# --- the engine ---------------------------------------------------------------------------------------------


def null_scope_allowed() -> bool:
    """Whether the model lets a run cover every tree (``organization=None``)."""
    return QuotaRun._meta.get_field("organization").null


def execute_run(run_id: int, today, notes: list[str]) -> tuple[float, QuotaRun]:
    """``quota_run_execute``, timed. On PostgreSQL its claim (``select_for_update().select_related(
    "organization")``) cannot lock a run without organization ("FOR UPDATE cannot be applied to the nullable
    side of an outer join"); then the claim is retried locking the run's own row only (``of=("self",)``),
    with a note: the bench must not hide the bug, nor stop at it."""
    started = time.perf_counter()
    try:
        run = quota_run_execute(run_id, today=today)
        return time.perf_counter() - started, run
    except NotSupportedError as error:
        notes.append(
            f"quota_run_execute failed to claim a run over every tree ({str(error).strip()}); claimed with "
            'select_for_update(of=("self",)) instead: assessments/services/quotas.py _claim needs that fix'
        )
    manager = QuotaRun.objects
    locking_the_run = mock.patch.object(
        manager, "select_for_update", lambda **options: manager.get_queryset().select_for_update(of=("self",))
    )
    with locking_the_run:
        started = time.perf_counter()
        run = quota_run_execute(run_id, today=today)
        return time.perf_counter() - started, run


def run_engine(year: int, today, *, scope: str = "whole") -> dict:
    """The engine through the task's body (``quota_run_execute``), its stages and the GC timed apart.

    ``scope="whole"``: one run over every tree. Where the model still requires a run's organization, the run
    is stored against the first county and its scope is set to ``None`` in memory for ``compute`` and
    ``publish`` only (the engine reads no other field for its scope); the round is then always rolled back.
    ``scope="counties"``: one run per county, what the nightly schedule starts, timed together.
    """
    stages: dict[str, float] = {}
    timings = {"gc": 0.0, "publish": 0.0}
    notes: list[str] = []
    compute, publish, collect_garbage = engine.compute, engine.publish, engine.collect_garbage
    whole_in_memory = scope == "whole" and not null_scope_allowed()

    def every_tree(run):
        if whole_in_memory:
            run.organization = None
        return run

    def timed_compute(run, *, today=None, on_stage=None):
        last = [time.perf_counter()]

        def stage_done(done, total, label):  # called after the engine reported its progress
            now = time.perf_counter()
            stages[label] = stages.get(label, 0.0) + now - last[0]
            last[0] = now

        counts = compute(every_tree(run), today=today, on_stage=stage_done)
        stages["writing the results"] = stages.get("writing the results", 0.0) + time.perf_counter() - last[0]
        return counts

    def timed_publish(run):
        started = time.perf_counter()
        replaced = publish(every_tree(run))
        if connection.in_atomic_block and connection.vendor == "postgresql":
            # Inside a transaction the deferred foreign-key checks of every result and alert would wait for a
            # commit that never comes: fire them now, as the task's commits do.
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        timings["publish"] += time.perf_counter() - started
        return replaced

    def timed_gc(*args, **options):
        started = time.perf_counter()
        deleted = collect_garbage(*args, **options)
        timings["gc"] += time.perf_counter() - started
        return deleted

    roots = list(Organization.objects.filter(parent__isnull=True).order_by("pk"))
    if scope == "nightly":
        scopes, described = [], f"the nightly schedule in process: quota_runs_nightly, {len(roots)} tree(s)"
    elif scope == "counties":
        scopes, described = roots, f"{len(roots)} runs, one per county"
    elif whole_in_memory:
        scopes = roots[:1]
        described = "one run over every tree (organization=None in memory: the model requires one)"
    else:
        scopes, described = [None], "one run over every tree (organization=None)"
    runs = [QuotaRun.objects.create(organization=scope, year=year, trigger="bench") for scope in scopes]
    with (
        mock.patch.object(engine, "compute", timed_compute),
        mock.patch.object(engine, "publish", timed_publish),
        mock.patch.object(engine, "collect_garbage", timed_gc),
    ):
        total, executed = 0.0, []
        for run in runs:
            seconds, run = execute_run(run.pk, today, notes)
            total += seconds
            executed.append(run)
        runs = executed
        if scope == "nightly":
            total, runs = run_nightly()
    for run in runs:
        if run.state != RunState.SUCCEEDED:
            raise CommandError(f"the quota run {run.pk} failed: {run.error}")
    keys = ("organizations", "results", "changed", "alerts")
    counts = {key: sum(run.counts[key] for run in runs) for key in keys}
    return {
        "runs": [run.pk for run in runs],
        "scope": described,
        "counts": counts,
        "seconds": total - timings["gc"],
        "gc": timings["gc"],
        "publish": timings["publish"],
        "stages": list(stages.items()),
        "notes": notes,
    }


def run_nightly() -> tuple[float, list[QuotaRun]]:
    """``quota_runs_nightly`` exactly as beat starts it (this year's runs, today's date), timed whole: the
    stale-run sweep, the leftover garbage, and every county's run through ``quota_run_execute`` with its
    garbage collection. In process (as without a broker) whatever the settings, so that it is timed here."""
    with override_settings(CELERY_TASK_ALWAYS_EAGER=True):
        started = time.perf_counter()
        run_ids = quota_runs_nightly()
        seconds = time.perf_counter() - started
    return seconds, list(QuotaRun.objects.filter(pk__in=run_ids).order_by("pk"))


# --- the benchmark ------------------------------------------------------------------------------------------


def clear_results(year: int, write) -> None:
    """``--fresh``: the year's results deleted and their space reclaimed before the round, untimed, so that
    the run writes every figure anew, as the first run of a year does. Without it a round finds the previous
    round's figures and writes only those that changed, as a night finds the night before's."""
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM assessments_quotaresult WHERE year = %s", [year])
        if connection.vendor == "postgresql" and not connection.in_atomic_block:
            cursor.execute("VACUUM (ANALYZE) assessments_quotaresult")
    write(f"  (the year's results deleted before the round, {time.perf_counter() - started:.2f} s, untimed)")


def guess_tier() -> str:
    roots = Organization.objects.filter(parent__isnull=True).count()
    if roots > 1:
        return "province"
    return "county" if Organization.objects.count() > 100 else "tiny"


def verdict(value: float, limit: float, unit: str = "") -> str:
    return f"(≤ {limit:g}{unit}: {'met' if value <= limit else 'MISSED'})"


def one_round(number, *, year, today, scope, exclude, keep_floor, write) -> dict:
    done = run_engine(year, today, scope=scope)
    figure = {**done["counts"], "engine": done["seconds"], "gc": done["gc"], "publish": done["publish"]}
    figure["runs"] = len(done["runs"])
    # The nightly schedule is held to the floor clean-up included; a single run, its compute alone.
    figure["measured"] = figure["engine"] + (figure["gc"] if scope == "nightly" else 0.0)
    write(
        f"round {number}: organizations={figure['organizations']:,} results={figure['results']:,} "
        f"alerts={figure['alerts']:,} results changed={figure['changed']:,} ({done['scope']})"
    )
    write(
        f"  engine run {done['seconds']:.2f} s (claim → compute → publish {done['publish']:.2f} s, with the "
        f"foreign-key checks → succeeded); clean-up of the replaced runs {done['gc']:.2f} s"
    )
    if scope == "nightly":
        write(
            f"  nightly path {figure['measured']:.2f} s for {figure['runs']} run(s), clean-up included "
            f"({figure['gc']:.2f} s of it)"
        )
    for note in done["notes"]:
        write(f"  NOTE {note}")
    write("    stages: " + ", ".join(f"{label} {seconds:.2f}" for label, seconds in done["stages"]))
    if connection.vendor != "postgresql":
        return figure
    figure["floor"], floor_stages = run_floor(year, today)
    figure["ratio"] = figure["measured"] / figure["floor"]
    measured = "nightly path" if scope == "nightly" else "engine"
    write(f"  SQL floor {figure['floor']:.2f} s; ratio {measured}/floor {figure['ratio']:.2f}")
    slowest = sorted(floor_stages, key=lambda stage: -stage[1])[:5]
    write("    slowest: " + ", ".join(f"{label} {seconds:.2f}" for label, seconds in slowest))
    figure["mismatches"], figure["warnings"] = compare(done["runs"], exclude, year=year)
    for line in figure["warnings"]:
        write(f"  WARNING (excluded from the check): {line}")
    for line in figure["mismatches"]:
        write(f"  MISMATCH {line}")
    if not figure["mismatches"]:
        leaving_out = f" (leaving out {', '.join(sorted(exclude))})" if exclude else ""
        write(f"  check: the floor's results and alerts equal the engine's{leaving_out}")
    if not keep_floor:
        drop_floor_tables()
    return figure


def benchmark(
    *,
    year: int,
    today=None,
    rounds: int = 1,
    tier=None,
    scope="whole",
    exclude=(),
    rollback=False,
    keep_floor=False,
    fresh=False,
    write=print,
) -> dict:
    """Run the engine (and, on PostgreSQL, the floor and the check) ``rounds`` times; return the figures.

    A round runs in autocommit, as a Celery worker runs the task, and its runs stay published; with
    ``rollback`` it runs in one transaction rolled back at its end (the engine's statements are then not
    committed one by one, which is cheaper). A run over every tree stored against a county (while the model
    requires a run's organization) is always rolled back.
    """
    today = today or timezone.localdate()
    nightly = scope == "nightly"
    if nightly and (today != timezone.localdate() or year != today.year):
        raise CommandError("the nightly schedule runs this year's quotas as of today: no other year or day")
    exclude = set(exclude)
    tier = tier or guess_tier()
    figures = {"tier": tier, "vendor": connection.vendor, "rounds": []}
    if scope == "whole" and not null_scope_allowed() and not rollback:
        rollback = True
        write(
            "note: QuotaRun.organization is required, so the run over every tree is stored against the first "
            "county and rolled back: its statements are timed inside one transaction, not committed one by "
            "one as the task commits them (--scope counties times that path)"
        )
    write(
        f"quota run benchmark [{connection.vendor}] tier={tier} year={year} today={today} rounds={rounds} "
        f"({'each round in one transaction, rolled back' if rollback else 'autocommit, kept'})"
    )
    for number in range(1, rounds + 1):
        with transaction.atomic() if rollback else contextlib.nullcontext():
            if fresh:
                clear_results(year, write)
            figure = one_round(
                number,
                year=year,
                today=today,
                scope=scope,
                exclude=exclude,
                keep_floor=keep_floor and not rollback,
                write=write,
            )
            if rollback:
                transaction.set_rollback(True)
        figures["rounds"].append(figure)
    done = figures["rounds"]
    figures.update({key: min(r[key] for r in done) for key in ("engine", "gc")})
    figures["mismatches"] = [line for r in done for line in r.get("mismatches", [])]
    figures["warnings"] = [line for r in done for line in r.get("warnings", [])]
    summary = (
        f"quota run [{connection.vendor}] tier={tier}: organizations={done[-1]['organizations']:,} "
        f"results={done[-1]['results']:,} engine={figures['engine']:.2f} s (gc {figures['gc']:.2f} s apart)"
    )
    if nightly:
        figures["nightly"] = min(r["measured"] for r in done)
        summary += f" nightly path={figures['nightly']:.2f} s (clean-up included)"
    if connection.vendor == "postgresql":
        figures["floor"] = min(r["floor"] for r in done)
        figures["ratio"] = figures["nightly" if nightly else "engine"] / figures["floor"]
        summary += f" floor={figures['floor']:.2f} s ratio={figures['ratio']:.2f}"
    write(summary + (" (best of each over the rounds)" if rounds > 1 else ""))
    if nightly:
        write("  same-round ratios: " + ", ".join(f"{r['ratio']:.2f}" for r in done if "ratio" in r))
    targets = TARGETS.get(tier, {})
    if nightly:
        if "nightly" in targets and "ratio" in figures:
            limit = verdict(figures["ratio"], targets["nightly"])
            write(f"  target: nightly path/floor {figures['ratio']:.2f} {limit}")
        return figures
    if "run" in targets:
        write(
            f"  target: the run {figures['engine']:.2f} s {verdict(figures['engine'], targets['run'], ' s')}"
        )
    if "ratio" in targets and "ratio" in figures:
        write(f"  target: engine/floor {figures['ratio']:.2f} {verdict(figures['ratio'], targets['ratio'])}")
    return figures


class Command(BaseCommand):
    help = (
        "Time the quota engine over the whole database (a generate_scale tier) beside the hand-written SQL "
        "floor (PostgreSQL), check that both give the same results and alerts, and print the figures. "
        "Autocommit and kept, as a worker runs it, unless --rollback."
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, default=None, help="Year to compute (default: this year).")
        parser.add_argument(
            "--rounds", type=int, default=1, help="Engine + floor this many times (best kept)."
        )
        parser.add_argument(
            "--tier", choices=["tiny", "county", "province"], help="Label (default: guessed)."
        )
        parser.add_argument(
            "--scope",
            choices=["whole", "counties", "nightly"],
            default="whole",
            help="One run over every tree (default), one run per county through quota_run_execute, or the "
            "nightly schedule itself (quota_runs_nightly).",
        )
        parser.add_argument(
            "--nightly",
            action="store_true",
            help="Time what the nightly schedule runs (quota_runs_nightly: every county's run, clean-up "
            "included, this year as of today, no vacuum before) beside the floor; same as --scope nightly.",
        )
        parser.add_argument(
            "--exclude-code", action="append", default=[], help="Leave a code out of the check (warned)."
        )
        parser.add_argument(
            "--rollback", action="store_true", help="Each round in one transaction, rolled back at its end."
        )
        parser.add_argument("--keep-floor", action="store_true", help="Keep floor_results and floor_alerts.")
        parser.add_argument(
            "--fresh",
            action="store_true",
            help="Delete the year's results before each round (untimed): the run writes every figure anew.",
        )

    def handle(
        self, *args, year, rounds, tier, scope, nightly, exclude_code, rollback, keep_floor, fresh, **opts
    ):
        if not Organization.objects.exists():
            raise CommandError("the database holds no organization: run manage.py generate_scale first")
        figures = benchmark(
            year=year or timezone.localdate().year,
            rounds=rounds,
            tier=tier,
            scope="nightly" if nightly else scope,
            exclude=exclude_code,
            rollback=rollback,
            keep_floor=keep_floor,
            fresh=fresh,
            write=self.stdout.write,
        )
        if figures["mismatches"]:
            raise CommandError(f"the floor and the engine differ on {len(figures['mismatches'])} code(s)")
