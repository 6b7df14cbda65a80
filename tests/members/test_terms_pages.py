"""The terms and elections pages: an organization's history, the election form, the township's approval and
the list of terms ending soon."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from members.models import CadrePost
from members.models import Candidate
from members.models import ElectionStatus
from members.models import Term
from tests.utils.factories import MemberFactory
from tests.utils.factories_terms import ElectionFactory
from tests.utils.factories_terms import TermFactory

pytestmark = pytest.mark.django_db


def history_url(world):
    return reverse("members:organization-terms", args=[world.branch_a1.pk])


def election_with_candidates(branch, count=3):
    election = ElectionFactory(organization=branch)
    for member in MemberFactory.create_batch(count, branch=branch, joined_on=dt.date(2020, 7, 1)):
        Candidate.objects.create(election=election, member=member, yes_votes=8)
    return election


def test_the_history_page_shows_terms_with_their_stage_and_elections(world):
    TermFactory(organization=world.branch_a1, starts_on=dt.date(2016, 3, 15))
    TermFactory(
        organization=world.branch_a1, starts_on=dt.date(2021, 3, 15), extended_to=dt.date(2027, 3, 14)
    )
    election_with_candidates(world.branch_a1)
    page = world.page_client("staff_a").get(history_url(world)).content.decode()
    assert "已关闭" in page and "2027-03-14" in page
    assert 'id="approve-' in page


def test_the_history_page_takes_the_same_queries_for_few_and_many_elections(world):
    client = world.page_client("staff_a")
    election_with_candidates(world.branch_a1, 2)
    TermFactory(organization=world.branch_a1)
    client.get(history_url(world))
    with CaptureQueriesContext(connection) as few:
        client.get(history_url(world))
    for year in range(2016, 2021):
        election_with_candidates(world.branch_a1, 4)
        TermFactory(organization=world.branch_a1, starts_on=dt.date(year, 3, 15))
    with CaptureQueriesContext(connection) as many:
        assert client.get(history_url(world)).status_code == 200
    assert len(many) == len(few)


def test_an_organization_out_of_scope_is_404(world):
    url = reverse("members:organization-terms", args=[world.branch_z1.pk])
    assert world.page_client("staff_a").get(url).status_code == 404


def post_election(world, people, present, votes, who="secretary_a1", **headers):
    posts = [CadrePost.SECRETARY, CadrePost.DEPUTY_SECRETARY, CadrePost.BRANCH_COMMITTEE]
    body = {"held_on": "2026-03-01", "entitled_voters": "5", "present_voters": str(present)}
    for member, vote, post in zip(people, votes, posts, strict=True):
        body |= {f"votes-{member.pk}": str(vote), f"post-{member.pk}": post}
    url = reverse("members:election-new", args=[world.branch_a1.pk])
    return world.page_client(who).post(url, body, **headers)


def test_a_secretary_records_an_election_on_one_screen(world):
    people = MemberFactory.create_batch(5, branch=world.branch_a1, joined_on=dt.date(2020, 7, 1))
    response = post_election(world, people[:3], present=4, votes=[4, 3, 3])
    assert response.status_code == 302
    (election,) = world.branch_a1.elections.all()
    assert election.candidates.exclude(elected_post="").count() == 3


def test_a_refused_election_shows_the_rule_and_keeps_what_was_typed(world):
    people = MemberFactory.create_batch(5, branch=world.branch_a1, joined_on=dt.date(2020, 7, 1))
    response = post_election(world, people[:3], present=4, votes=[4, 3, 2], HTTP_ACCEPT_LANGUAGE="en")
    page = response.content.decode()
    assert response.status_code == 400 and "more than half of the 4 voters present" in page
    assert f'name="votes-{people[2].pk}" placeholder="votes" value="2"' in page
    assert not world.branch_a1.elections.exists()


def test_every_unreadable_field_is_named_at_once_beside_its_box_and_kept_as_typed(world):
    url = reverse("members:election-new", args=[world.branch_a1.pk])
    body = {"held_on": "", "entitled_voters": "", "present_voters": "x"}
    response = world.page_client("secretary_a1").post(url, body, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert set(response.context["errors"]) == {"held_on", "entitled_voters", "present_voters"}
    page = response.content.decode()
    assert page.count('class="invalid-feedback d-block"') == 3
    assert 'name="entitled_voters" value=""' in page and 'name="held_on" value=""' in page
    assert not world.branch_a1.elections.exists()


def test_a_viewer_cannot_open_the_election_form(world):
    url = reverse("members:election-new", args=[world.branch_a1.pk])
    assert world.page_client("viewer_a").get(url).status_code == 403


def test_the_township_approves_from_the_history_page(world):
    people = MemberFactory.create_batch(5, branch=world.branch_a1, joined_on=dt.date(2020, 7, 1))
    post_election(world, people[:3], present=4, votes=[4, 3, 3])
    election = world.branch_a1.elections.get()
    url = reverse("members:election-approve", args=[election.pk])
    assert world.page_client("secretary_a1").post(url, {"on": "2026-03-05"}).status_code == 403
    response = world.page_client("staff_a").post(url, {"on": "2026-03-05"})
    assert response.status_code == 302
    election.refresh_from_db()
    assert election.status == ElectionStatus.APPROVED
    assert Term.objects.get(organization=world.branch_a1).starts_on == dt.date(2026, 3, 5)


def test_terms_ending_soon_lists_current_terms_in_scope_soonest_first(world):
    today = timezone.localdate()
    soon = TermFactory(
        organization=world.branch_a1, starts_on=today.replace(year=today.year - 5) + dt.timedelta(days=40)
    )
    TermFactory(organization=world.branch_a2, starts_on=today.replace(year=today.year - 1))  # years left
    TermFactory(organization=world.branch_z1, starts_on=today.replace(year=today.year - 5))  # out of scope
    overdue = TermFactory(organization=world.branch_b1, starts_on=dt.date(2016, 3, 15))
    page = world.page_client("county_admin").get(reverse("members:term-list")).content.decode()
    page = page[page.index("<tbody") :]
    assert page.index(overdue.organization.name) < page.index(soon.organization.name)
    assert world.branch_a2.name not in page and world.branch_z1.name not in page


def test_terms_ending_soon_export_to_excel(world):
    TermFactory(organization=world.branch_a1, starts_on=dt.date(2016, 3, 15))
    response = world.page_client("staff_a").get(reverse("members:term-export"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
