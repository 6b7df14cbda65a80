"""Terms and elections (docs/terms.md): term lengths, the one extension, the election rules and what the
township's approval does."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from branches.models import OrganizationField
from branches.models import OrganizationKind
from branches.scope.querysets import OutOfScope
from members.models import Cadre
from members.models import CadrePost
from members.models import ElectionStatus
from members.models import Term
from members.models import TermKind
from members.services import terms as services
from tests.utils.factories import MemberFactory
from tests.utils.factories import OrganizationFactory
from tests.utils.factories_cadres import CadreFactory
from tests.utils.factories_terms import TermFactory

pytestmark = pytest.mark.django_db
P = CadrePost
HELD = dt.date(2026, 3, 1)


def start(world, organization, **data):
    values = {"kind": TermKind.COMMITTEE, "starts_on": dt.date(2024, 1, 10)} | data
    return services.term_start(actor=world.users["staff_a"], organization=organization, **values)


# --- term lengths ---


def test_village_and_community_branches_serve_five_years_other_branches_three(world):
    institution = OrganizationFactory(parent=world.township_a, field=OrganizationField.INSTITUTION)
    assert start(world, world.branch_a1).ends_on == dt.date(2029, 1, 9)
    assert start(world, world.branch_a2).length_years == 5
    three = start(world, institution)
    assert (three.length_years, three.ends_on) == (3, dt.date(2027, 1, 9))


def test_a_township_committee_serves_five_years(world):
    assert start(world, world.township_a).length_years == 5


def test_a_term_from_29_february_ends_on_the_last_day_of_february(world):
    assert start(world, world.branch_a1, starts_on=dt.date(2024, 2, 29)).ends_on == dt.date(2029, 2, 28)


def test_a_term_starting_before_1900_is_refused_and_1900_is_accepted(world):
    with translation.override("zh-hans"), pytest.raises(ValidationError) as refused:
        start(world, world.branch_a1, starts_on=dt.date(1899, 12, 31))
    assert refused.value.message_dict["starts_on"] == ["日期不能早于1900年1月1日。"]
    assert not Term.objects.exists()
    assert start(world, world.branch_a1, starts_on=dt.date(1900, 1, 1)).pk


def test_a_county_committee_keeps_no_term_here(world):
    with pytest.raises(ValidationError) as refused:
        services.term_start(
            actor=world.users["county_admin"],
            organization=world.county,
            kind=TermKind.COMMITTEE,
            starts_on=dt.date(2024, 1, 10),
        )
    assert "organization" in refused.value.message_dict


def test_a_secretary_cannot_start_a_term_outside_the_branch(world):
    with pytest.raises(OutOfScope):
        services.term_start(
            actor=world.users["secretary_a1"],
            organization=world.branch_b1,
            kind=TermKind.SECRETARY,
            starts_on=dt.date(2024, 1, 10),
        )


# --- the one extension, of at most a year ---


def extend(world, term, extended_to, **data):
    values = {"reason": "疫情防控推迟换届", "on": dt.date(2026, 1, 5)} | data
    return services.term_extend(actor=world.users["staff_a"], term=term, extended_to=extended_to, **values)


def test_an_extension_of_twelve_months_is_accepted_and_recorded(world):
    term = TermFactory(organization=world.branch_a1)  # last day 2026-03-14
    extended = extend(world, term, dt.date(2027, 3, 14))
    assert (extended.ends_on, extended.extension_reason, extended.extended_on) == (
        dt.date(2027, 3, 14),
        "疫情防控推迟换届",
        dt.date(2026, 1, 5),
    )
    assert extended.history.first().history_user == world.users["staff_a"]


def test_an_extension_of_twelve_months_and_a_day_is_refused(world):
    term = TermFactory(organization=world.branch_a1)
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        extend(world, term, dt.date(2027, 3, 15))
    assert refused.value.message_dict["extended_to"] == [
        "A term can be extended by at most one year: to 2027-03-14 at the latest (the regular end is "
        "2026-03-14)."
    ]
    term.refresh_from_db()
    assert term.ends_on == dt.date(2026, 3, 14) and term.extended_to is None


def test_a_term_is_extended_only_once_and_with_a_reason(world):
    term = TermFactory(organization=world.branch_a1)
    with pytest.raises(ValidationError) as refused:
        extend(world, term, dt.date(2026, 9, 14), reason="  ")
    assert "reason" in refused.value.message_dict
    extend(world, term, dt.date(2026, 9, 14))
    with pytest.raises(ValidationError) as refused:
        extend(world, term, dt.date(2026, 12, 14))
    assert "extended_to" in refused.value.message_dict


def test_an_extension_must_move_the_end_later(world):
    term = TermFactory(organization=world.branch_a1)
    with pytest.raises(ValidationError):
        extend(world, term, dt.date(2026, 3, 14))


# --- elections: the 4/5 quorum and more than half of those present ---


def voters(world, count=10):
    return MemberFactory.create_batch(count, branch=world.branch_a1, joined_on=dt.date(2020, 7, 1))


def record(world, people, *, entitled=10, present=8, votes=None, posts=None, who="secretary_a1"):
    posts = posts or [P.SECRETARY, P.DEPUTY_SECRETARY, P.BRANCH_COMMITTEE]
    votes = votes or [present] * len(posts)
    candidates = [
        {"member": member, "yes_votes": yes, "elected_post": post}
        for member, yes, post in zip(people, votes, posts, strict=False)
    ]
    return services.election_record(
        actor=world.users[who],
        organization=world.branch_a1,
        held_on=HELD,
        entitled_voters=entitled,
        present_voters=present,
        candidates=candidates,
    )


def refusal(world, people, **data) -> dict:
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        record(world, people, **data)
    return refused.value.message_dict


def test_exactly_four_fifths_present_is_a_valid_vote(world):
    election = record(world, voters(world), entitled=10, present=8)
    assert election.status == ElectionStatus.RECORDED and election.candidates.count() == 3


def test_fewer_than_four_fifths_present_is_refused_with_the_rule(world):
    assert refusal(world, voters(world), entitled=11, present=8) == {
        "present_voters": [
            "Only 8 of the 11 entitled voters were present: a vote needs at least four fifths present (9)."
        ]
    }


def test_a_candidate_elected_with_exactly_half_of_those_present_is_refused(world):
    people = voters(world)
    errors = refusal(world, people, present=8, votes=[8, 8, 4])
    assert errors == {
        "candidates": [
            f"{people[2].name} cannot be elected with 4 yes votes: more than half of the 8 voters present is "
            "needed (at least 5)."
        ]
    }


def test_half_and_one_vote_elects(world):
    election = record(world, voters(world), present=8, votes=[5, 5, 5])
    assert set(election.candidates.values_list("yes_votes", flat=True)) == {5}


def test_a_candidate_not_elected_may_have_any_votes(world):
    people = voters(world)
    posts = [P.SECRETARY, P.BRANCH_COMMITTEE, P.BRANCH_COMMITTEE, ""]
    election = record(world, people, present=9, votes=[9, 7, 6, 2], posts=posts)
    assert election.candidates.filter(elected_post="").count() == 1


def test_one_secretary_is_elected(world):
    people = voters(world)
    assert "candidates" in refusal(world, people, posts=[P.DEPUTY_SECRETARY, P.BRANCH_COMMITTEE])
    assert "candidates" in refusal(world, people, posts=[P.SECRETARY, P.SECRETARY])


def test_votes_cannot_exceed_those_present_nor_present_the_entitled(world):
    people = voters(world)
    assert "candidates" in refusal(world, people, present=8, votes=[9, 8, 8])
    assert "present_voters" in refusal(world, people, entitled=8, present=9)


def test_a_candidate_off_the_roll_on_the_day_is_refused(world):
    people = voters(world, 2) + [MemberFactory(branch=world.branch_a1, joined_on=dt.date(2026, 3, 2))]
    assert "was not on the roll" in refusal(world, people)["candidates"][0]


# --- the township's approval ---


def test_approval_appoints_the_elected_ends_the_previous_posts_and_starts_a_term(world):
    people = voters(world)
    old = CadreFactory(
        organization=world.branch_a1, post=P.SECRETARY, member=people[5], started_on=dt.date(2021, 3, 15)
    )
    TermFactory(organization=world.branch_a1)
    election = record(world, people)
    approved = services.election_approve(
        actor=world.users["staff_a"], election=election, on=dt.date(2026, 3, 20)
    )
    assert (approved.status, approved.approved_on, approved.approved_by) == (
        ElectionStatus.APPROVED,
        dt.date(2026, 3, 20),
        world.users["staff_a"],
    )
    old.refresh_from_db()
    assert old.ended_on == dt.date(2026, 3, 19)
    new = Cadre.objects.filter(organization=world.branch_a1, started_on=dt.date(2026, 3, 20))
    assert sorted(new.values_list("member_id", "post")) == sorted(
        [(people[0].pk, P.SECRETARY), (people[1].pk, P.DEPUTY_SECRETARY), (people[2].pk, P.BRANCH_COMMITTEE)]
    )
    term = Term.objects.get(election=election)
    assert (term.kind, term.starts_on, term.ends_on) == (
        TermKind.COMMITTEE,
        dt.date(2026, 3, 20),
        dt.date(2031, 3, 19),
    )


def test_a_secretary_alone_starts_a_secretary_term(world):
    election = record(world, voters(world), posts=[P.SECRETARY, P.DEPUTY_SECRETARY])
    services.election_approve(actor=world.users["staff_a"], election=election, on=HELD)
    assert Term.objects.get(election=election).kind == TermKind.SECRETARY


def test_the_branch_secretary_cannot_approve_its_own_election(world):
    election = record(world, voters(world))
    with pytest.raises(OutOfScope):
        services.election_approve(actor=world.users["secretary_a1"], election=election, on=HELD)
    assert not Term.objects.exists()


def test_an_election_is_approved_once_and_not_before_the_vote(world):
    election = record(world, voters(world))
    with pytest.raises(ValidationError):
        services.election_approve(
            actor=world.users["staff_a"], election=election, on=HELD - dt.timedelta(days=1)
        )
    services.election_approve(actor=world.users["staff_a"], election=election, on=HELD)
    with pytest.raises(ValidationError):
        services.election_approve(actor=world.users["staff_a"], election=election, on=HELD)
    assert Term.objects.count() == 1


def test_a_refused_appointment_changes_nothing(world):
    people = voters(world)
    # a village committee chair of supervision cannot sit on the branch committee (cadre rules)
    CadreFactory(organization=world.branch_a1, post=P.SUPERVISION_CHAIR, member=people[2])
    election = record(world, people)
    with pytest.raises(ValidationError) as refused:
        services.election_approve(actor=world.users["staff_a"], election=election, on=HELD)
    assert people[2].name in refused.value.message_dict["on"][0]
    election.refresh_from_db()
    assert election.status == ElectionStatus.RECORDED and not Term.objects.exists()
    assert Cadre.objects.count() == 1


def test_a_general_branch_is_no_election_place_here(world):
    general = OrganizationFactory(kind=OrganizationKind.GENERAL_BRANCH, parent=world.township_a, field="")
    with pytest.raises(ValidationError):
        services.election_record(
            actor=world.users["staff_a"],
            organization=general,
            held_on=HELD,
            entitled_voters=10,
            present_voters=9,
            candidates=[],
        )
