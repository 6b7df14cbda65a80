"""``generate``: one tier of synthetic benchmark data, written in one transaction."""

import random
import time
from dataclasses import dataclass
from dataclasses import field
from datetime import UTC
from datetime import date
from datetime import datetime
from datetime import time as clock

from django.db import connection as default_connection
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import cleanup
from . import pools
from .loader import Loader
from .loader import batched_lines
from .people import People
from .records import Records
from .tables import all_tables
from .tiers import TIERS
from .tiers import Tier
from .tree import Tree
from .tree import organization_lines


class ScaleError(Exception):
    pass


@dataclass
class Result:
    tier: str
    seed: int
    today: date
    rows: dict[str, int]
    seconds: dict[str, float]
    digest: str
    total_seconds: float
    deleted: str = ""
    notes: dict[str, str] = field(default_factory=dict)
    loader: Loader | None = field(default=None, repr=False)


def generation_day(year: int | None) -> date:
    today = timezone.localdate()
    if year is None or year == today.year:
        return today
    if year > today.year:
        raise ScaleError(_("The year cannot be in the future."))
    if year < 2001:
        raise ScaleError(_("Give a year from 2001 on."))
    return date(year, 12, 31)


def generate(
    *, tier: str | Tier, seed: int = 1, year: int | None = None, replace: bool = False, connection=None
) -> Result:
    """Generate ``tier`` for ``year`` (records of that year up to today, and of the year before). Refuses a
    database that holds organizations unless ``replace``, which first deletes a previous generated dataset
    (organizations coded ``GEN-…`` and everything under them) and keeps any other data."""
    tier = TIERS[tier] if isinstance(tier, str) else tier
    connection = connection or default_connection
    today = generation_day(year)
    started = time.perf_counter()
    outermost = not connection.in_atomic_block
    with transaction.atomic(using=connection.alias):
        if connection.vendor == "postgresql":
            # Check foreign keys as each statement ends rather than at commit: no trigger event piles up, and
            # a table with pending events could not have its constraints dropped and rebuilt.
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cleared = time.perf_counter()
        deleted = _clear(connection, replace)
        cleared = time.perf_counter() - cleared
        # Tables emptied by TRUNCATE in this very transaction take COPY FREEZE: rows written frozen and pages
        # marked all-visible, so nothing is left for VACUUM to do afterwards.
        freeze = deleted in ("truncate", "emptied") and outermost
        result = _generate(connection, tier, seed, today, freeze=freeze)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    result.deleted = "" if deleted == "emptied" else deleted
    loader = result.loader
    if not connection.in_atomic_block:  # VACUUM cannot run inside a transaction (a test's, say)
        loader.after_commit()
    result.seconds = (
        {"(clearing)": cleared, **loader.stats.seconds} if deleted else dict(loader.stats.seconds)
    )
    result.total_seconds = time.perf_counter() - started
    return result


def _clear(connection, replace: bool) -> str:
    generated, others = cleanup.census()
    if not (generated or others):
        if connection.vendor != "postgresql":
            return ""
        # Nothing to delete; emptying the (empty) tables with TRUNCATE still allows COPY FREEZE.
        return "emptied" if cleanup.Deletion(connection).run(everything_generated=True) == "truncate" else ""
    if not replace:
        raise ScaleError(
            _(
                "The database already holds %(generated)d generated and %(others)d other organizations. Pass "
                "--replace to delete the generated dataset first (any other data is kept)."
            )
            % {"generated": generated, "others": others}
        )
    if not generated:
        return ""
    return cleanup.Deletion(connection).run(everything_generated=not others)


def _generate(connection, tier: Tier, seed: int, today: date, *, freeze: bool = False) -> Result:
    tables = all_tables()
    loader = Loader.for_connection(connection)
    loader.freeze = freeze
    loader.prepare(list(tables.values()))
    ids = loader.next_ids
    moment = datetime.combine(today, clock.min, tzinfo=timezone.get_current_timezone()).astimezone(UTC)
    now = moment.strftime("%Y-%m-%d %H:%M:%S+00")

    def stream(name: str) -> random.Random:
        return random.Random(f"partybuild-scale-{seed}-{tier.name}-{name}")

    days = pools.Days(today)
    names = pools.Names(stream("names"))
    tree = Tree(tier, ids["branches_organization"], stream("tree"), today.toordinal()).build()
    ids["branches_organization"] = tree.next_id
    loader.load(
        tables["organizations"],
        label="organizations",
        chunks=[*organization_lines(tree, now)],
        expected=len(tree.orgs),
    )

    people = People(
        tree=tree, tier=tier, rng=stream("people"), days=days, names=names, today=today, now=now, ids=ids
    )
    loader.load(tables["members"], label="members", chunks=people.member_chunks(), expected=tier.members)
    for name, lines in (
        ("cadres", people.cadres),
        ("applicants", people.applicants),
        ("mentors", people.mentors),
        ("sponsors", people.sponsors),
        ("events", people.events),
        ("reserves", people.reserves),
    ):
        loader.load(tables[name], label=name, chunks=batched_lines(lines), expected=len(lines))
        lines.clear()

    records = Records(tree=tree, people=people, tier=tier, rng=stream("records"), names=names)
    loader.load(tables["visits"], label="visits", chunks=records.visit_chunks(), expected=tier.visits or 0)
    study_expected = 24 * (sum(len(org.secretaries) for org in records.rural) + len(people.instructors))
    loader.load(tables["study"], label="study", chunks=records.study_chunks(), expected=study_expected)
    planned = time.perf_counter()
    trainings, members, cadres = records.trainings()
    loader.stats.add("trainings (planning)", None, time.perf_counter() - planned)
    loader.load(tables["trainings"], label="trainings", chunks=trainings, expected=trainings.count)
    loader.load(tables["training_members"], label="training_members", chunks=members, expected=members.count)
    loader.load(tables["training_cadres"], label="training_cadres", chunks=cadres, expected=cadres.count)
    del trainings, members, cadres
    loader.load(tables["meetings"], label="meetings", chunks=records.meeting_chunks(), expected=tier.meetings)
    loader.load(
        tables["reviews"], label="reviews", chunks=records.review_chunks(), expected=8 * len(records.rural)
    )
    loader.load(
        tables["disclosures"],
        label="disclosures",
        chunks=records.disclosure_chunks(),
        expected=3 * len(records.rural),
    )
    loader.load(tables["rooms"], label="rooms", chunks=records.room_chunks(), expected=len(tree.branches))
    loader.load(tables["room_targets"], label="room_targets", chunks=records.target_chunks())
    loader.load(tables["contacts"], label="contacts", chunks=records.contact_chunks())
    loader.finish()
    result = Result(
        tier=tier.name,
        seed=seed,
        today=today,
        rows=dict(loader.stats.rows),
        seconds={},
        digest=loader.hexdigest(),
        total_seconds=0.0,
        notes=records.notes,
    )
    result.loader = loader
    return result
