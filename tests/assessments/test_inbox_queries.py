"""The inbox takes a fixed number of queries whatever the number of users and organizations: for everyone at
once (the digest) and for one user's page (docs/inbox.md, "Cost")."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments.inbox.compute import inboxes
from assessments.models import RatingStage
from branches.models import StaffRole
from branches.scope.roles import Role
from members.models import MeetingKind
from tests.utils.factories import MemberFactory
from tests.utils.factories import OrganizationFactory
from tests.utils.factories import UserFactory
from tests.utils.factories_activities import MeetingFactory
from tests.utils.factories_assessments import RectificationFactory
from tests.utils.factories_dues import declare
from tests.utils.factories_mobile import contact
from tests.utils.factories_mobile import send_away
from tests.utils.factories_pipeline import candidate
from tests.utils.factories_ratings import StarRatingFactory
from tests.utils.factories_terms import TermFactory
from tests.utils.factories_transfers import letter_row

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 12, 6)


def grow(world, branches: int):
    """``branches`` more branches under township A, each with a secretary and records of every source: a term
    ending, a letter awaiting confirmation and a member away out of contact among them."""
    for n in range(branches):
        branch = OrganizationFactory(name=f"加村{n}", parent=world.township_a)
        StaffRole.objects.create(user=UserFactory(), organization=branch, role=Role.BRANCH_SECRETARY)
        MeetingFactory(organization=branch, kind=MeetingKind.LECTURE, held_on=dt.date(2026, 5, 1))
        member = MemberFactory(branch=branch, joined_on=dt.date(2026, 1, 1))
        declare(world.users["county_admin"], member, year=2026)
        candidate(branch=branch)
        StarRatingFactory(organization=branch, year=2026, stage=RatingStage.SELF_ASSESSED)
        RectificationFactory(organization=branch, year=2026, deadline=TODAY + dt.timedelta(days=5))
        TermFactory(organization=branch, starts_on=dt.date(2024, 1, 1), length_years=3)
        letter_row(branch, recorded_by=world.users["staff_a"], issued_on=dt.date(2026, 11, 20))
        away = send_away(world.users["county_admin"], branch=branch, left_on=dt.date(2025, 3, 1))
        contact(world.users["county_admin"], away, dt.date(2025, 4, 1))
    StaffRole.objects.create(user=UserFactory(), organization=world.township_b, role=Role.TOWNSHIP_STAFF)


def queries(run) -> int:
    with CaptureQueriesContext(connection) as captured:
        run()
    return len(captured.captured_queries)


def test_every_users_inbox_takes_the_same_queries_for_two_and_twelve_branches_more(world):
    grow(world, 2)
    small = queries(lambda: inboxes(today=TODAY))
    grow(world, 10)
    found = {}
    larger = queries(lambda: found.update(inboxes(today=TODAY)))
    assert larger == small
    assert len(found) >= 12  # each new secretary has items
    sources = {item.source for items in found.values() for item in items}
    assert {"terms", "letters", "away"} <= sources


def test_one_users_inbox_page_takes_the_same_queries_for_two_and_twelve_branches_more(world):
    client = world.page_client("staff_a")
    url = reverse("assessments:inbox")
    grow(world, 2)
    client.get(url)
    small = queries(lambda: client.get(url))
    grow(world, 10)
    larger = queries(lambda: client.get(url))
    assert larger == small
    response = client.get(url)
    assert response.context["rows"]


def test_the_menu_badge_is_read_from_the_cache_after_the_first_time(world):
    from django.core.cache import cache

    cache.clear()
    client = world.page_client("secretary_a1")
    url = reverse("assessments:inbox-badge")
    first = queries(lambda: client.get(url))
    response = client.get(url)
    again = queries(lambda: client.get(url))
    assert again < first
    assert 'id="nav-inbox-count"' in response.content.decode()


def test_no_page_computes_the_inbox_for_its_menu(world):
    grow(world, 2)
    client = world.page_client("secretary_a1")
    home = reverse("home")
    client.get(home)
    assert queries(lambda: client.get(home)) == queries(lambda: client.get(home))
    html = client.get(home).content.decode()
    assert reverse("assessments:inbox-badge") in html
