"""``generate``: one tier of synthetic benchmark data, written in one transaction."""

import random
import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from datetime import time as clock

from django.db import connection as default_connection
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from branches.models import (
    ActivityRoom,
    FinancialDisclosure,
    Organization,
    ReviewRecord,
    StandardizedRoomTarget,
)
from members.models import (
    Applicant,
    Cadre,
    ContactPoint,
    Meeting,
    Member,
    MemberEvent,
    ReserveCadre,
    StudyRecord,
    Training,
    VisitLog,
)

from . import cleanup, pools
from .loader import Loader, Table, batched_lines
from .people import People
from .records import Records
from .tiers import TIERS, Tier
from .tree import ORGANIZATION_FIELDS, Tree, organization_lines

VERSIONED = ("id", "version", "created_at", "updated_at")


class ScaleError(Exception):
    pass


def _tables() -> dict[str, Table]:
    through = lambda relation: relation.through  # noqa: E731 - reads better inline
    return {
        "organizations": Table(Organization, ORGANIZATION_FIELDS),
        "members": Table(
            Member,
            (
                *VERSIONED,
                "name",
                "gender",
                "ethnicity",
                "id_number",
                "birth_date",
                "education",
                "category",
                "branch",
                "joined_on",
                "confirmed_on",
                "occupation",
                "phone",
                "address",
                "status",
                "is_mobile",
                "mobile_destination",
                "mobile_contact_person",
                "mobile_last_contact_on",
                "post_duty",
            ),
        ),  # fmt: skip
        "applicants": Table(
            Applicant,
            (
                *VERSIONED,
                "branch",
                "name",
                "gender",
                "ethnicity",
                "id_number",
                "birth_date",
                "education",
                "occupation",
                "phone",
                "address",
                "stage",
                "status",
                "applied_on",
                "activist_on",
                "political_review_on",
                "training_completed_on",
                "training_days",
                "training_hours",
                "notice_started_on",
                "candidate_on",
                "pre_reviewed_on",
                "assembly_on",
                "votes_entitled",
                "votes_yes",
                "approved_on",
                "probation_extension_months",
                "probation_extended_on",
                "confirmed_on",
                "member",
                "note",
            ),
        ),  # fmt: skip
        "mentors": Table(through(Applicant.mentors), ("id", "applicant", "member")),
        "sponsors": Table(through(Applicant.sponsors), ("id", "applicant", "member")),
        "events": Table(
            MemberEvent,
            (
                "id",
                "member",
                "kind",
                "occurred_on",
                "from_branch",
                "to_branch",
                "from_status",
                "to_status",
                "reason",
                "recorded_by",
                "recorded_at",
            ),
        ),  # fmt: skip
        "cadres": Table(
            Cadre,
            (
                *VERSIONED,
                "organization",
                "post",
                "member",
                "name",
                "gender",
                "birth_date",
                "education",
                "phone",
                "started_on",
                "ended_on",
                "sending_unit",
                "note",
            ),
        ),  # fmt: skip
        "reserves": Table(
            ReserveCadre,
            (
                *VERSIONED,
                "organization",
                "member",
                "name",
                "gender",
                "birth_date",
                "education",
                "phone",
                "political_status",
                "source",
                "entered_on",
                "mentor",
                "trainings_attended",
                "status",
                "promoted_post",
                "promoted_on",
                "removed_on",
                "removed_reason",
            ),
        ),  # fmt: skip
        "visits": Table(
            VisitLog,
            (
                *VERSIONED,
                "cadre",
                "organization",
                "household_name",
                "village_group",
                "household_key",
                "visited_on",
                "concerns",
                "follow_up",
                "resolved_on",
                "recorded_by",
            ),
        ),  # fmt: skip
        "study": Table(
            StudyRecord,
            (*VERSIONED, "cadre", "organization", "year", "month", "sessions", "note_characters", "articles"),
        ),
        "trainings": Table(
            Training,
            (
                *VERSIONED,
                "organizer",
                "level",
                "audience",
                "held_on",
                "days",
                "hours",
                "topic",
                "villager_count",
            ),
        ),
        "training_members": Table(through(Training.member_attendees), ("id", "training", "member")),
        "training_cadres": Table(through(Training.cadre_attendees), ("id", "training", "cadre")),
        "meetings": Table(
            Meeting,
            (
                *VERSIONED,
                "organization",
                "kind",
                "held_on",
                "topic",
                "speaker",
                "members_expected",
                "attendee_count",
                "minutes",
            ),
        ),  # fmt: skip
        "reviews": Table(
            ReviewRecord,
            (*VERSIONED, "organization", "kind", "held_on", "topic", "participants", "satisfied", "summary"),
        ),
        "disclosures": Table(
            FinancialDisclosure,
            (
                *VERSIONED,
                "organization",
                "year",
                "period",
                "disclosed_on",
                "income_yuan",
                "expenditure_yuan",
                "content",
            ),
        ),  # fmt: skip
        "rooms": Table(
            ActivityRoom,
            (
                *VERSIONED,
                "organization",
                "name",
                "address",
                "area_m2",
                "built_year",
                "renovated_year",
                "is_standardized",
                "standardized_on",
                "has_audio_visual",
                "has_remote_education",
                "has_tables_chairs",
                "has_signage",
                "has_rules_on_wall",
                "has_archive_cabinet",
            ),
        ),  # fmt: skip
        "room_targets": Table(StandardizedRoomTarget, (*VERSIONED, "organization", "year", "target")),
        "contacts": Table(
            ContactPoint,
            (
                *VERSIONED,
                "leader",
                "organization",
                "year",
                "lecture_on",
                "check_on",
                "activity_on",
                "days_spent",
                "note",
            ),
        ),  # fmt: skip
    }


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
    tables = _tables()
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
