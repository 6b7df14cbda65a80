"""The demo roster, development records, cadre posts, reserve rosters and a year of branch records on a fresh
database: deterministic, sized as asked. A seeding of the whole county costs tens of seconds, so the module
seeds a smaller county twice (every step of the seeding, over fewer townships and county units) and, for
another seed, builds only the whole tree and the roster that every later step draws from."""

import functools
import hashlib
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.utils import timezone

from branches.models import ActivityRoom
from branches.models import FinancialDisclosure
from branches.models import Organization
from branches.models import ReviewRecord
from branches.models import RoomInvestment
from branches.models import StandardizedRoomTarget
from demo import organizations
from demo.logins import system_user
from demo.members import build_demo_members
from demo.organizations import DEFAULT_SEED
from demo.organizations import build_demo_tree
from members.models import Applicant
from members.models import Cadre
from members.models import ContactPoint
from members.models import LetterDirection
from members.models import Meeting
from members.models import Member
from members.models import MemberEvent
from members.models import ReserveCadre
from members.models import StudyRecord
from members.models import Training
from members.models import TransferLetter
from members.models import VisitLog

# One worker runs the whole module, so the cached seedings are shared (``make test`` runs on pytest-xdist).
pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("demo-roster")]

SMALL = 600


@pytest.fixture
def smaller_county(monkeypatch):
    """One street, one town (with its general branch), one xiang and the seed township, three or four
    villages or communities each, and a few county units: every step of a seeding, on a quarter of the
    branches."""
    for name, kept in (
        ("STREETS", 1), ("TOWNS", 1), ("XIANGS", 1), ("COUNTY_OFFICES", 2), ("COUNTY_SCHOOLS", 1),
        ("COUNTY_PUBLIC_ENTERPRISES", 1),
    ):  # fmt: skip
        monkeypatch.setattr(organizations, name, getattr(organizations, name)[:kept])
    monkeypatch.setattr(organizations, "VILLAGES", {True: (3, 4), False: (3, 4)})
    monkeypatch.setattr(organizations, "COMMUNITIES", (3, 4))
    first_unit, sections = next(iter(organizations.COUNTY_GENERAL_BRANCHES.items()))
    monkeypatch.setattr(organizations, "COUNTY_GENERAL_BRANCHES", {first_unit: sections[:2]})


def _fingerprint() -> tuple:
    members = Member.objects.order_by("id_number").values_list(
        "id_number", "name", "gender", "birth_date", "education", "branch__code", "joined_on", "post_duty"
    )
    organizations = Organization.objects.order_by("code").values_list("code", "name", "population")
    applicants = Applicant.objects.order_by("id_number").values_list(
        "id_number", "name", "branch__code", "stage", "status", "applied_on", "activist_on", "candidate_on",
        "assembly_on", "approved_on", "confirmed_on", "member__id_number",
    )  # fmt: skip
    mentors = Applicant.mentors.through.objects.order_by(
        "applicant__id_number", "member__id_number"
    ).values_list("applicant__id_number", "member__id_number")
    sponsors = Applicant.sponsors.through.objects.order_by(
        "applicant__id_number", "member__id_number"
    ).values_list("applicant__id_number", "member__id_number")
    events = MemberEvent.objects.order_by("member__id_number", "kind").values_list(
        "member__id_number", "kind", "occurred_on"
    )
    cadres = Cadre.objects.order_by("organization__code", "post", "started_on", "name").values_list(
        "organization__code", "post", "name", "birth_date", "member__id_number", "started_on", "ended_on",
        "sending_unit",
    )  # fmt: skip
    reserves = ReserveCadre.objects.order_by("organization__code", "name", "birth_date").values_list(
        "organization__code",
        "name",
        "birth_date",
        "political_status",
        "source",
        "entered_on",
        "mentor",
        "status",
    )
    return (
        tuple(
            list(rows)
            for rows in (members, organizations, applicants, mentors, sponsors, events, cadres, reserves)
        )
        + _records_fingerprint()
    )


CADRE = ("cadre__organization__code", "cadre__post", "cadre__name", "cadre__started_on")


def _rows(queryset, *fields) -> list:
    """Rows by natural keys (codes, ID numbers, names and dates), never primary keys, fully ordered."""
    return list(queryset.order_by(*fields).values_list(*fields))


def _records_fingerprint() -> tuple:
    """The branch records of ``demo.activities`` and ``demo.records``."""
    meeting = ("organization__code", "kind", "held_on")
    training = ("organizer__code", "audience", "held_on")
    return (
        _rows(Meeting.objects, *meeting, "topic", "speaker", "members_expected", "attendee_count"),
        _rows(Meeting.attendees.through.objects, *(f"meeting__{f}" for f in meeting), "member__id_number"),
        _rows(Training.objects, *training, "level", "days", "hours", "topic", "villager_count"),
        _rows(
            Training.member_attendees.through.objects,
            *(f"training__{f}" for f in training),
            "member__id_number",
        ),
        _rows(Training.cadre_attendees.through.objects, *(f"training__{f}" for f in training), *CADRE),
        _rows(
            VisitLog.objects,
            *CADRE,
            "visited_on",
            "household_key",
            "household_name",
            "concerns",
            "resolved_on",
        ),
        _rows(StudyRecord.objects, *CADRE, "year", "month", "sessions", "note_characters", "articles"),
        _rows(
            ContactPoint.objects,
            "leader__id_number",
            "year",
            "organization__code",
            "lecture_on",
            "days_spent",
        ),
        _rows(ActivityRoom.objects, "organization__code", "name", "area_m2", "standardized_on"),
        _rows(RoomInvestment.objects, "room__organization__code", "invested_on", "amount_yuan", "purpose"),
        _rows(StandardizedRoomTarget.objects, "organization__code", "year", "target"),
        _rows(ReviewRecord.objects, "organization__code", "kind", "held_on", "participants", "satisfied"),
        _rows(
            FinancialDisclosure.objects, "organization__code", "year", "period", "disclosed_on", "income_yuan"
        ),
    )


@functools.cache
def seeded_county(**options) -> tuple[str, dict]:
    """Seed in a savepoint, fingerprint the county and count its rows, then roll back to a fresh database.
    Cached: a seeding is only repeated where the test is about repeating it."""
    return _seed(**options)


def _seed(**options) -> tuple[str, dict]:
    with transaction.atomic():
        call_command("seed_demo", stdout=StringIO(), **options)
        digest = hashlib.sha256(repr(_fingerprint()).encode()).hexdigest()
        models = (
            Member,
            Applicant,
            Cadre,
            ReserveCadre,
            Meeting,
            Training,
            VisitLog,
            StudyRecord,
            ActivityRoom,
        )
        counts = {model.__name__: model.objects.count() for model in models}
        counts["received by letter"] = TransferLetter.objects.filter(direction=LetterDirection.IN).count()
        transaction.set_rollback(True)
    return digest, counts


def test_same_seed_gives_the_same_county(smaller_county):
    assert _seed(members=SMALL) == seeded_county(members=SMALL)


def _tree_and_roster(seed: int) -> list:
    """The organizations and the (unsaved) roster a seed gives: the first two steps of a seeding, whose
    random draws every later step builds on."""
    with transaction.atomic():
        tree = build_demo_tree(actor=system_user(), seed=seed)
        members = build_demo_members(tree=tree, total=SMALL, seed=seed, today=timezone.localdate())
        organizations = list(Organization.objects.order_by("code").values_list("code", "name", "population"))
        transaction.set_rollback(True)
    return organizations + sorted((m.id_number, m.name, m.branch.code, m.joined_on) for m in members)


def test_another_seed_gives_another_tree_and_roster():
    assert _tree_and_roster(1) != _tree_and_roster(DEFAULT_SEED)


def test_creates_exactly_the_requested_number_of_members_and_the_other_records(smaller_county):
    counts = seeded_county(members=SMALL)[1]
    # The roster as asked, and the few members the demo's received transfer letters bring in.
    assert counts["Member"] == SMALL + counts["received by letter"]
    assert counts["Applicant"] > 0 and counts["Cadre"] > 0 and counts["ReserveCadre"] > 0
    assert counts["Meeting"] > 0 and counts["Training"] > 0 and counts["VisitLog"] > 0
    assert counts["StudyRecord"] > 0 and counts["ActivityRoom"] > 0


def test_too_few_members_for_the_tree_is_refused_and_leaves_nothing():
    with pytest.raises(CommandError, match="--members"):
        call_command("seed_demo", members=100, stdout=StringIO())
    assert not Organization.objects.exists()
    assert not Applicant.objects.exists() and not Cadre.objects.exists()
    assert (
        not Meeting.objects.exists() and not VisitLog.objects.exists() and not ActivityRoom.objects.exists()
    )
