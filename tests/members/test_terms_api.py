"""/api/v1/terms/ and /api/v1/elections/: scope, the actions, refusals as 400s naming the rule."""

import datetime as dt

import pytest
from django.urls import reverse

from members.models import CadrePost
from members.models import Candidate
from members.models import Term
from tests.utils.factories import MemberFactory
from tests.utils.factories_terms import ElectionFactory
from tests.utils.factories_terms import TermFactory
from tests.utils.scope_records import OrganizationRecordScopeSuite

pytestmark = pytest.mark.django_db


class TestTermScope(OrganizationRecordScopeSuite):
    basename = "term"

    create_fields = {"kind": "committee", "starts_on": "2024-01-10"}

    def make_object(self, world, organization):
        earlier = Term.objects.filter(organization=organization).count()
        return TermFactory(organization=organization, starts_on=dt.date(2021 - earlier, 3, 15))

    def move_payload(self, world, organization):
        return None  # no edits: a term changes only by its extension


def make_election(organization):
    election = ElectionFactory(organization=organization)
    member = MemberFactory(branch=organization, joined_on=dt.date(2020, 7, 1))
    Candidate.objects.create(election=election, member=member, yes_votes=9, elected_post=CadrePost.SECRETARY)
    return election


class TestElectionScope(OrganizationRecordScopeSuite):
    basename = "election"
    writer = "secretary_a1"

    def make_object(self, world, organization):
        return make_election(organization)

    def create_payload(self, world, organization):
        people = MemberFactory.create_batch(3, branch=organization, joined_on=dt.date(2020, 7, 1))
        posts = ["secretary", "deputy_secretary", "branch_committee"]
        return {
            "organization": organization.pk,
            "held_on": "2026-03-01",
            "entitled_voters": 10,
            "present_voters": 8,
            "candidates": [
                {"member": person.pk, "yes_votes": 6, "elected_post": post}
                for person, post in zip(people, posts, strict=True)
            ],
        }

    def move_payload(self, world, organization):
        return None


def test_a_term_created_through_the_api_gets_its_length_and_end(world):
    payload = TestTermScope().create_payload(world, world.branch_a1)
    response = world.client("secretary_a1").post(reverse("term-list"), payload, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["length_years"], body["ends_on"], body["stage"]) == (5, "2029-01-09", "running")


def test_extending_a_term_past_a_year_is_a_400_naming_the_latest_day(world):
    term = TermFactory(organization=world.branch_a1)
    url = reverse("term-extend", args=[term.pk])
    body = {"extended_to": "2027-03-15", "reason": "推迟", "on": "2026-01-05"}
    response = world.client("staff_a").post(url, body, format="json")
    assert response.status_code == 400 and "2027-03-14" in response.json()["extended_to"][0]
    response = world.client("staff_a").post(url, {**body, "extended_to": "2027-03-14"}, format="json")
    assert response.status_code == 200 and response.json()["ends_on"] == "2027-03-14"


def test_the_current_filter_leaves_out_superseded_terms(world):
    old = TermFactory(organization=world.branch_a1, starts_on=dt.date(2016, 3, 15))
    new = TermFactory(organization=world.branch_a1)
    rows = world.client("staff_a").get(reverse("term-list"), {"current": "true"}).json()["results"]
    assert [row["id"] for row in rows] == [new.pk]
    detail = world.client("staff_a").get(reverse("term-detail", args=[old.pk])).json()
    assert detail["stage"] == "closed"


def test_an_election_without_quorum_is_a_400_with_the_rule(world):
    payload = TestElectionScope().create_payload(world, world.branch_a1) | {"entitled_voters": 11}
    response = world.client("secretary_a1").post(
        reverse("election-list"), payload, format="json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 400
    assert "(9)" in response.json()["present_voters"][0]


def test_the_township_approves_and_the_term_starts(world):
    payload = TestElectionScope().create_payload(world, world.branch_a1)
    created = world.client("secretary_a1").post(reverse("election-list"), payload, format="json").json()
    url = reverse("election-approve", args=[created["id"]])
    assert world.client("secretary_a1").post(url, {"on": "2026-03-10"}, format="json").status_code == 403
    response = world.client("staff_a").post(url, {"on": "2026-03-10"}, format="json")
    assert response.status_code == 200, response.content
    assert (response.json()["status"], response.json()["approved_by_name"]) == ("approved", "staff_a")
    assert Term.objects.get(organization=world.branch_a1).starts_on == dt.date(2026, 3, 10)


def test_an_out_of_scope_member_as_candidate_is_a_400(world):
    payload = TestElectionScope().create_payload(world, world.branch_a1)
    payload["candidates"][0]["member"] = MemberFactory(branch=world.branch_b1).pk
    response = world.client("secretary_a1").post(reverse("election-list"), payload, format="json")
    assert response.status_code == 400
