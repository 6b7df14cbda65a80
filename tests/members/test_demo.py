"""The demo roster, development records, cadre posts and reserve rosters on a fresh database: deterministic,
sized as asked. Each seeding costs a second or two, so the module seeds three times in all."""

import functools
import hashlib
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction

from branches.models import Organization
from members.models import Applicant, Cadre, Member, MemberEvent, ReserveCadre

pytestmark = pytest.mark.django_db

SMALL = 600


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
    return tuple(
        list(rows)
        for rows in (members, organizations, applicants, mentors, sponsors, events, cadres, reserves)
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
        counts = {model.__name__: model.objects.count() for model in (Member, Applicant, Cadre, ReserveCadre)}
        transaction.set_rollback(True)
    return digest, counts


def test_same_seed_gives_the_same_county():
    assert _seed(members=SMALL) == seeded_county(members=SMALL)


def test_another_seed_gives_another_county():
    assert seeded_county(members=SMALL, seed=1)[0] != seeded_county(members=SMALL)[0]


def test_creates_exactly_the_requested_number_of_members_and_the_other_records():
    counts = seeded_county(members=SMALL)[1]
    assert counts["Member"] == SMALL
    assert counts["Applicant"] > 0 and counts["Cadre"] > 0 and counts["ReserveCadre"] > 0


def test_too_few_members_for_the_tree_is_refused_and_leaves_nothing():
    with pytest.raises(CommandError, match="--members"):
        call_command("seed_demo", members=100, stdout=StringIO())
    assert not Organization.objects.exists()
    assert not Applicant.objects.exists() and not Cadre.objects.exists()
