"""The demo roster on a fresh database: deterministic, sized as asked."""

import hashlib
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction

from branches.models import Organization
from members.models import Member

pytestmark = pytest.mark.django_db

SMALL = 600


def seeded_county_digest(**options) -> str:
    """Seed in a savepoint, fingerprint the people and the tree, then roll back to a fresh database."""
    with transaction.atomic():
        call_command("seed_demo", stdout=StringIO(), **options)
        members = Member.objects.order_by("id_number").values_list(
            "id_number", "name", "gender", "birth_date", "education", "branch__code", "joined_on", "post_duty"
        )
        organizations = Organization.objects.order_by("code").values_list("code", "name", "population")
        digest = hashlib.sha256(repr((list(members), list(organizations))).encode()).hexdigest()
        transaction.set_rollback(True)
    return digest


def test_same_seed_gives_the_same_county():
    assert seeded_county_digest(members=SMALL) == seeded_county_digest(members=SMALL)


def test_another_seed_gives_another_county():
    assert seeded_county_digest(members=SMALL, seed=1) != seeded_county_digest(members=SMALL, seed=2)


def test_creates_exactly_the_requested_number_of_members():
    call_command("seed_demo", members=SMALL, stdout=StringIO())
    assert Member.objects.count() == SMALL


def test_too_few_members_for_the_tree_is_refused_and_leaves_nothing():
    with pytest.raises(CommandError, match="--members"):
        call_command("seed_demo", members=100, stdout=StringIO())
    assert not Organization.objects.exists()
