"""Quota run benchmark: the engine over a whole scale tier, beside the hand-written SQL floor.

The county and province tiers run on demand against a scale database, never a test database::

    QUOTA_BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/partybuild_scale \\
        .venv/bin/pytest tests/perf/test_quota_bench.py -m benchmark -s

which runs ``manage.py bench_quota`` in a child process with DATABASE_URL set to QUOTA_BENCH_DATABASE_URL:
that process talks to the scale database itself, while this pytest process keeps its own settings and
never opens it (the simplest honest way to keep the test database and the scale database apart). The same
figures come from::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/partybuild_scale .venv/bin/python manage.py bench_quota

``QUOTA_BENCH_YEAR`` picks the year (default: this year), ``QUOTA_BENCH_ROUNDS`` the rounds (default 2: the
first one warms the caches; the best of each is reported). The command times the engine's run
(``quota_run_execute``: claim, compute, publish), its garbage collection apart, then
``assessments/quota/floor.sql``; it checks that the floor and the engine agree on every result and on the
alerts the floor writes (``demo/quota_floor.py``), and fails when they do not.

Inside the normal test command, at the tiny tier on the test database, so this cannot rot: the engine on
any database; on PostgreSQL (what CI runs) the floor and the equality check too — the ``postgres`` test
fails rather than skips when PARTYBUILD_REQUIRE_SERVICES=1. Times are printed, not asserted.
"""

import datetime as dt
import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from dateutil.relativedelta import relativedelta
from django.db import connection
from django.utils import timezone

from assessments.models import QuotaPublication
from assessments.models import QuotaResult
from branches.models import Organization
from demo.management.commands.bench_quota import benchmark
from demo.scale import generate
from demo.scale.tiers import TIERS
from members.models import Cadre
from members.models import Member
from members.models import MemberEvent
from members.models import Training
from members.models import VisitLog
from tests.utils.factories_dues import farmer_base_row
from tests.utils.factories_dues import paid_row

ROOT = Path(__file__).resolve().parents[2]
RURAL = {"kind": "branch", "field__in": ["village", "community"]}
ADMITTABLE = {"status": "normal", "branch__kind": "branch", "branch__field__in": ["village", "community"]}


def run(year, today, **options) -> dict:
    lines = []
    figures = benchmark(year=year, today=today, write=lines.append, **options)
    print("\n" + "\n".join(lines))
    return figures


@pytest.mark.django_db
def test_quota_bench_tiny_tier():
    """The engine over the tiny tier (and, on PostgreSQL, the floor and the check)."""
    generate(tier="tiny", seed=7)
    today = timezone.localdate()
    figures = run(today.year, today, tier="tiny")
    assert figures["rounds"][0]["organizations"] == Organization.objects.count()
    assert figures["rounds"][0]["results"] == QuotaResult.objects.count() > 0
    assert QuotaPublication.objects.filter(year=today.year).count() == Organization.objects.count()
    assert not figures["mismatches"], figures["mismatches"]
    if connection.vendor == "postgresql":
        assert figures["floor"] > 0


@pytest.mark.django_db
def test_quota_bench_nightly_tiny_tier():
    """The nightly schedule as it runs (``quota_runs_nightly``: one run over every tree through
    ``quota_run_execute``, clean-up included), twice, over two tiny counties: it gives the floor's results for
    the whole database (PostgreSQL), a member admitted in the first county and transferred to the second today
    counted as the first's admission, and the second night's clean-up leaves only its own results."""
    generate(tier=replace(TIERS["tiny"], counties=2), seed=7)
    today = timezone.localdate()
    first, second = Organization.objects.filter(parent__isnull=True).order_by("pk")
    mover = Member.objects.filter(branch__path__startswith=first.path, **ADMITTABLE).order_by("pk").first()
    destination = Organization.objects.filter(path__startswith=second.path, **RURAL).order_by("pk").first()
    Member.objects.filter(pk=mover.pk).update(branch=destination, joined_on=dt.date(today.year, 1, 1))
    MemberEvent.objects.create(
        member=mover, kind="transfer", occurred_on=today, from_branch=mover.branch, to_branch=destination
    )
    figures = run(today.year, today, tier="tiny", scope="nightly", rounds=2)
    assert [r["runs"] for r in figures["rounds"]] == [1, 1]
    assert figures["rounds"][1]["results"] == QuotaResult.objects.count() > 0  # the first round's are gone
    published = QuotaPublication.objects.filter(year=today.year)
    assert published.count() == Organization.objects.count()
    assert set(published.values_list("run__organization", flat=True)) == {None}
    assert not figures["mismatches"], figures["mismatches"]
    if connection.vendor == "postgresql":
        assert figures["nightly"] > 0 and figures["ratio"] > 0


def edge_cases(year: int, today: dt.date):
    """What the generator leaves out: a dissolved branch, transfers, a death after ref, boundary days, a
    non-member post."""
    rural = list(Organization.objects.filter(**RURAL).order_by("pk"))
    dissolved, source, target = rural[0], rural[1], rural[2]
    Organization.objects.filter(pk=dissolved.pk).update(dissolved_on=min(today, dt.date(year, 12, 31)))
    movers = list(Member.objects.filter(branch=target).order_by("pk")[:3])
    days = [dt.date(year, 1, 1), dt.date(year, 12, 31), dt.date(year - 1, 12, 31)]
    for member, joined in zip(movers, days, strict=False):
        Member.objects.filter(pk=member.pk).update(
            joined_on=joined, birth_date=dt.date(joined.year - 25, 1, 1)
        )
        for occurred, origin in (
            (joined + dt.timedelta(days=40), source),
            (joined + dt.timedelta(days=90), target),
        ):
            MemberEvent.objects.create(
                member=member, kind="transfer", occurred_on=occurred, from_branch=origin, to_branch=target
            )
    ref = min(today, dt.date(year, 12, 31))
    if ref < today:  # the roll is ref's: moved out of source and deceased since then
        leaver, dead = Member.objects.filter(branch=source, status="normal").order_by("pk")[:2]
        after = ref + dt.timedelta(days=1)
        Member.objects.filter(pk__in=[leaver.pk, dead.pk]).update(joined_on=dt.date(year - 5, 7, 1))
        Member.objects.filter(pk=leaver.pk).update(branch=target)
        Member.objects.filter(pk=dead.pk).update(status="deceased")
        MemberEvent.objects.create(
            member=leaver, kind="transfer", occurred_on=after, from_branch=source, to_branch=target
        )
        MemberEvent.objects.create(
            member=dead, kind="status_change", occurred_on=after, from_status="normal", to_status="deceased"
        )
    post = (
        Cadre.objects.filter(organization=source, post="village_committee").first()
        or Cadre.objects.filter(organization__in=rural, post="village_committee").first()
    )
    if post is not None:
        Cadre.objects.filter(pk=post.pk).update(member=None, birth_date=dt.date(1996, 2, 29))
        VisitLog.objects.filter(cadre=post).update(household_key="same household")
    dues_cases(year, today, movers + list(Member.objects.filter(branch=source).order_by("pk")[:4]))


def dues_cases(year: int, today: dt.date, members: list):
    """Dues bases (one exempt) of the year with payments on a month's first day, last day and the day after,
    and training hours: one with class hours, one counted from its days."""
    for n, member in enumerate(members):
        farmer_base_row(member, year, exempt=n == 1).save()
        for month in range(1, 13):
            first = dt.date(year, month, 1)
            last = first + relativedelta(months=1, days=-1)
            paid_on = (first, last, last + dt.timedelta(days=1))[(n + month) % 3]
            if paid_on <= today:
                paid_row(member, first, paid_on).save()
    training = Training.objects.filter(held_on__year=year).order_by("pk").first()
    if training is not None:
        Training.objects.filter(pk=training.pk).update(hours=32)
        training.member_attendees.add(*members)


@pytest.mark.postgres
@pytest.mark.django_db
@pytest.mark.parametrize("when", ["this-year", "last-year", "in-last-quarter"])
def test_quota_floor_equals_engine_tiny_tier(when):
    """On PostgreSQL the floor and the engine agree, edge cases included: this year, the year before, and a
    run dated in a year's last quarter, whose alerts expect the whole target (docs/quotas.md, Alerts)."""
    generate(tier="tiny", seed=13)
    today = timezone.localdate()
    if when == "in-last-quarter":
        today = dt.date(today.year - 1, 11, 15)
    year = today.year - 1 if when == "last-year" else today.year
    edge_cases(year, today)
    figures = run(year, today, tier="tiny")
    assert figures["floor"] > 0
    assert not figures["mismatches"], figures["mismatches"]


@pytest.mark.django_db
def test_quota_bench_rounds_rewrite_only_the_figures_that_changed_tiny_tier():
    """A second round over unchanged records writes nothing; ``fresh`` deletes the year's results first, and
    the round writes every one of them again."""
    generate(tier="tiny", seed=7)
    today = timezone.localdate()
    first, second = run(today.year, today, tier="tiny", rounds=2)["rounds"]
    assert first["changed"] == first["results"] == second["results"] > 0 and second["changed"] == 0
    fresh = run(today.year, today, tier="tiny", fresh=True)["rounds"][0]
    assert fresh["changed"] == fresh["results"] == QuotaResult.objects.count()


@pytest.mark.postgres
@pytest.mark.django_db
def test_a_rerun_after_records_changed_equals_the_floor_tiny_tier():
    """The figures a second run rewrites, deletes and leaves alone add up to what the floor computes from
    scratch, after transfers, a dissolved branch, a death, dues and training hours changed."""
    generate(tier="tiny", seed=13)
    today = timezone.localdate()
    run(today.year, today, tier="tiny")
    edge_cases(today.year, today)
    figures = run(today.year, today, tier="tiny")
    rerun = figures["rounds"][0]
    assert 0 < rerun["changed"] < rerun["results"]
    assert not figures["mismatches"], figures["mismatches"]


@pytest.mark.benchmark
def test_quota_bench_scale_tier():
    url = os.environ.get("QUOTA_BENCH_DATABASE_URL", "")
    if not url.startswith("postgres"):
        pytest.skip(
            "set QUOTA_BENCH_DATABASE_URL to a PostgreSQL database generate_scale filled (partybuild_scale)"
        )
    command = [
        sys.executable,
        "manage.py",
        "bench_quota",
        "--rounds",
        os.environ.get("QUOTA_BENCH_ROUNDS", "2"),
    ]
    if os.environ.get("QUOTA_BENCH_YEAR"):
        command += ["--year", os.environ["QUOTA_BENCH_YEAR"]]
    environment = {**os.environ, "DATABASE_URL": url}
    done = subprocess.run(
        command, cwd=ROOT, env=environment, capture_output=True, text=True, timeout=3600, check=False
    )
    print("\n" + done.stdout + done.stderr)
    assert done.returncode == 0, "the floor and the engine differ, or the run failed: see the output"
