"""The inbox's sources at their boundaries, and who receives each item (docs/inbox.md)."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import translation

from assessments.inbox.compute import inboxes
from assessments.inbox.sources.meetings import expected
from assessments.models import RatingStage
from assessments.models import RectificationStatus
from members.models import LetterStatus
from members.models import MeetingKind
from members.services.terms import term_extend
from members.services.transfers import letter_mark_delivered
from tests.utils.factories import MemberFactory
from tests.utils.factories_activities import MeetingFactory
from tests.utils.factories_assessments import RectificationFactory
from tests.utils.factories_dues import declare
from tests.utils.factories_mobile import contact
from tests.utils.factories_mobile import send_away
from tests.utils.factories_pipeline import activist
from tests.utils.factories_pipeline import candidate
from tests.utils.factories_ratings import StarRatingFactory
from tests.utils.factories_terms import TermFactory
from tests.utils.factories_transfers import issue
from tests.utils.factories_transfers import letter_row
from tests.utils.factories_transfers import receive

pytestmark = pytest.mark.django_db


def items(world, who, today, source):
    return [item for item in inboxes(today=today).get(world.users[who].pk, []) if item.source == source]


def keys(world, who, today, source=None):
    found = inboxes(today=today).get(world.users[who].pk, [])
    return {item.key for item in found if source is None or item.source == source}


# --- meetings ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "target", "day", "due", "by"),
    [
        ("assembly", 4, dt.date(2026, 3, 31), 0, dt.date(2026, 3, 31)),
        ("assembly", 4, dt.date(2026, 4, 1), 1, dt.date(2026, 6, 30)),
        ("assembly", 4, dt.date(2026, 9, 30), 2, dt.date(2026, 9, 30)),
        ("assembly", 4, dt.date(2026, 10, 1), 4, dt.date(2026, 12, 31)),
        ("committee", 12, dt.date(2026, 1, 31), 0, dt.date(2026, 3, 31)),
        ("committee", 12, dt.date(2026, 2, 1), 1, dt.date(2026, 2, 28)),
        ("committee", 12, dt.date(2026, 4, 1), 3, dt.date(2026, 6, 30)),
        ("committee", 12, dt.date(2026, 5, 1), 4, dt.date(2026, 5, 31)),
        ("life_meeting", 1, dt.date(2026, 9, 30), 0, dt.date(2026, 9, 30)),
        ("life_meeting", 1, dt.date(2026, 10, 1), 1, dt.date(2026, 12, 31)),
    ],
)
def test_meetings_expected_by_the_quarter_and_for_monthly_kinds_by_the_month(kind, target, day, due, by):
    assert expected(kind, target, day) == (due, by)


def test_an_overdue_meeting_reaches_the_branch_secretary_and_leaves_once_recorded(world):
    day = dt.date(2026, 4, 1)
    key = f"meetings:{world.branch_a1.pk}:assembly"
    assert key in keys(world, "secretary_a1", day)
    assert key not in keys(world, "staff_a", day) | keys(world, "county_admin", day)
    assert keys(world, "staff_b", day, "meetings") == set()
    MeetingFactory(organization=world.branch_a1, kind=MeetingKind.ASSEMBLY, held_on=dt.date(2026, 3, 20))
    assert key not in keys(world, "secretary_a1", day)


def test_meetings_of_last_year_or_after_today_do_not_count(world):
    day = dt.date(2026, 4, 1)
    MeetingFactory(organization=world.branch_a1, kind=MeetingKind.ASSEMBLY, held_on=dt.date(2025, 12, 20))
    MeetingFactory(organization=world.branch_a1, kind=MeetingKind.ASSEMBLY, held_on=dt.date(2026, 4, 2))
    assert f"meetings:{world.branch_a1.pk}:assembly" in keys(world, "secretary_a1", day)


def test_a_dissolved_branch_owes_no_meetings(world):
    world.branch_a1.dissolved_on = dt.date(2026, 3, 1)
    world.branch_a1.save()
    assert keys(world, "secretary_a1", dt.date(2026, 4, 1), "meetings") == set()


# --- pipeline ---------------------------------------------------------------------------------------------


def test_a_step_that_became_possible_goes_to_the_role_that_takes_it(world):
    day = dt.date(2026, 4, 1)
    ready = activist(branch=world.branch_a1, activist_on=dt.date(2025, 4, 1))
    ready.mentors.set([MemberFactory(branch=world.branch_a1)])
    waiting = candidate(branch=world.branch_a1)
    step = f"pipeline:{ready.pk}:candidate"
    assert step not in keys(world, "secretary_a1", day)  # review, training and notice missing
    ready.political_review_on = dt.date(2026, 1, 5)
    ready.training_completed_on = dt.date(2026, 2, 1)
    ready.training_days = 3
    ready.notice_started_on = dt.date(2026, 3, 2)
    ready.save()
    assert step in keys(world, "secretary_a1", day)
    assert step not in keys(world, "staff_a", day)
    assert f"pipeline:{waiting.pk}:pre_review" in keys(world, "staff_a", day)
    assert f"pipeline:{waiting.pk}:pre_review" not in keys(world, "secretary_a1", day)


def test_the_approval_deadline_is_listed_thirty_days_before(world):
    record = candidate(
        branch=world.branch_a1, pre_reviewed_on=dt.date(2026, 1, 5), assembly_on=dt.date(2026, 1, 10)
    )
    key = f"pipeline:{record.pk}:probationary"
    deadline = dt.date(2026, 4, 10)  # three months after the assembly (members/pipeline_rules.py)
    assert key not in keys(world, "staff_a", deadline - dt.timedelta(days=31))
    assert key in keys(world, "staff_a", deadline - dt.timedelta(days=30))


# --- dues -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("joined", "remind", "flag"), [(11, False, False), (10, True, False), (8, True, False), (7, False, True)]
)
def test_dues_remind_from_three_months_and_flag_from_six_instead(world, joined, remind, flag):
    member = MemberFactory(branch=world.branch_a1, joined_on=dt.date(2026, joined, 1))
    declare(world.users["secretary_a1"], member, year=2026)
    day = dt.date(2026, 12, 6)
    branch = world.branch_a1.pk
    assert (f"dues:{branch}:remind" in keys(world, "secretary_a1", day)) is remind
    assert (f"dues:{branch}:handle" in keys(world, "secretary_a1", day)) is flag
    assert (f"dues:{branch}:handle" in keys(world, "staff_a", day)) is flag


def test_members_without_a_declared_base_are_not_in_arrears_here(world):
    MemberFactory(branch=world.branch_a1, joined_on=dt.date(2020, 1, 1))
    assert keys(world, "secretary_a1", dt.date(2026, 12, 6), "dues") == set()


# --- ratings ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("stage", "who"),
    [
        (RatingStage.PROPOSED, "secretary_a1"),
        (RatingStage.SELF_ASSESSED, "staff_a"),
        (RatingStage.REVIEWED, "county_admin"),
    ],
)
def test_a_rating_waits_for_the_role_of_its_next_step(world, stage, who):
    rating = StarRatingFactory(organization=world.branch_a1, year=2026, stage=stage)
    day = dt.date(2026, 12, 6)
    for user in ("secretary_a1", "staff_a", "county_admin", "staff_b", "viewer_a"):
        assert (any(k.startswith(f"ratings:{rating.pk}:") for k in keys(world, user, day))) is (user == who)


def test_confirmed_and_old_ratings_wait_for_no_one(world):
    StarRatingFactory(organization=world.branch_a1, year=2026, stage=RatingStage.CONFIRMED)
    StarRatingFactory(organization=world.branch_a1, year=2024, stage=RatingStage.PROPOSED)
    assert keys(world, "secretary_a1", dt.date(2026, 12, 6), "ratings") == set()


# --- rectifications ---------------------------------------------------------------------------------------


def test_a_rectification_is_listed_from_thirty_days_before_its_deadline(world):
    day = dt.date(2026, 12, 6)
    far = RectificationFactory(organization=world.branch_a1, year=2026, deadline=day + dt.timedelta(days=31))
    near = RectificationFactory(organization=world.branch_a2, year=2026, deadline=day + dt.timedelta(days=30))
    found = keys(world, "staff_a", day)
    assert f"rectifications:{near.pk}:deadline" in found
    assert f"rectifications:{far.pk}:deadline" not in found
    assert f"rectifications:{near.pk}:deadline" not in keys(world, "county_admin", day)


def test_a_close_asked_waits_for_the_county(world):
    asked = RectificationFactory(
        organization=world.branch_a1, year=2026, status=RectificationStatus.CLOSE_REQUESTED
    )
    day = dt.date(2026, 12, 6)
    assert f"rectifications:{asked.pk}:verify" in keys(world, "county_admin", day)
    assert f"rectifications:{asked.pk}:verify" not in keys(world, "staff_a", day)


def test_viewers_nobody_and_superusers_have_no_items(world):
    day = dt.date(2026, 4, 1)
    found = inboxes(today=day)
    for who in ("viewer_a", "nobody", "root"):
        assert world.users[who].pk not in found


# --- terms ending -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "stage"),
    [
        (dt.date(2025, 9, 13), None),
        (dt.date(2025, 9, 14), "ends_6m"),
        (dt.date(2025, 12, 13), "ends_6m"),
        (dt.date(2025, 12, 14), "ends_3m"),
        (dt.date(2026, 3, 14), "ends_3m"),
        (dt.date(2026, 3, 15), "overdue"),
    ],
)
def test_a_term_is_listed_from_six_months_then_three_then_overdue_for_branch_and_township(world, day, stage):
    term = TermFactory(organization=world.branch_a1)  # last day 2026-03-14
    expected = set() if stage is None else {f"terms:{term.pk}:{stage}"}
    assert keys(world, "secretary_a1", day, "terms") == expected
    assert keys(world, "staff_a", day, "terms") == expected
    assert keys(world, "staff_b", day, "terms") == set()
    assert keys(world, "county_admin", day, "terms") == set()


def test_a_term_item_links_to_the_terms_page_and_is_due_on_the_last_day(world):
    term = TermFactory(organization=world.branch_a1)
    [item] = [
        i for i in inboxes(today=dt.date(2026, 3, 1))[world.users["secretary_a1"].pk] if i.source == "terms"
    ]
    assert item.url == reverse("members:organization-terms", args=[world.branch_a1.pk])
    assert item.due_on == term.ends_on
    assert not item.is_late(dt.date(2026, 3, 14)) and item.is_late(dt.date(2026, 3, 15))


def test_a_terms_item_leaves_when_an_extension_moves_the_last_day(world):
    term = TermFactory(organization=world.branch_a1)
    day = dt.date(2026, 3, 15)
    assert keys(world, "secretary_a1", day, "terms")
    term_extend(
        actor=world.users["county_admin"], term=term, extended_to=dt.date(2027, 3, 14), reason="延期", on=day
    )
    assert keys(world, "secretary_a1", day, "terms") == set()
    assert keys(world, "secretary_a1", dt.date(2026, 9, 14), "terms") == {f"terms:{term.pk}:ends_6m"}


def test_a_terms_item_leaves_when_a_new_term_starts(world):
    TermFactory(organization=world.branch_a1)
    TermFactory(organization=world.branch_a1, starts_on=dt.date(2026, 3, 10))
    assert keys(world, "secretary_a1", dt.date(2026, 3, 15), "terms") == set()


def test_a_township_committees_term_is_for_the_township_and_the_county(world):
    term = TermFactory(organization=world.township_a)
    day = dt.date(2026, 3, 15)
    assert f"terms:{term.pk}:overdue" in keys(world, "staff_a", day) & keys(world, "county_admin", day)


# --- transfer letters -------------------------------------------------------------------------------------


@pytest.mark.parametrize(("issuer", "other"), [("secretary_a1", "staff_a"), ("staff_a", "secretary_a1")])
def test_an_issued_letter_waits_for_whoever_issued_it_until_delivered(world, issuer, other):
    member = MemberFactory(branch=world.branch_a1, joined_on=dt.date(2010, 1, 1))
    letter = issue(world.users[issuer], member, issued_on=dt.date(2026, 3, 2), valid_days=30)
    day = dt.date(2026, 3, 20)
    assert keys(world, issuer, day, "letters") == {f"letters:{letter.pk}"}
    assert keys(world, other, day, "letters") == set()
    letter_mark_delivered(actor=world.users[issuer], letter=letter, on=day)
    assert keys(world, issuer, day, "letters") == set()


def test_a_letter_is_due_on_its_last_valid_day_and_says_when_it_expired(world):
    letter = letter_row(world.branch_a1, recorded_by=world.users["secretary_a1"])  # valid until 2026-03-31
    with translation.override("en"):
        [last] = items(world, "secretary_a1", dt.date(2026, 3, 31), "letters")
        [expired] = items(world, "secretary_a1", dt.date(2026, 4, 1), "letters")
    assert last.due_on == expired.due_on == dt.date(2026, 3, 31)
    assert "1 valid day left, today included" in last.why and not last.is_late(dt.date(2026, 3, 31))
    assert expired.why.startswith("Expired: valid until 2026-03-31, 1 day ago") and expired.is_late(
        dt.date(2026, 4, 1)
    )
    assert last.url == reverse("members:transferletter-detail", args=[letter.pk])


def test_cancelled_and_received_letters_wait_for_no_one(world):
    letter_row(world.branch_a1, recorded_by=world.users["secretary_a1"], status=LetterStatus.CANCELLED)
    receive(world.users["secretary_a1"], world.branch_a1)
    assert keys(world, "secretary_a1", dt.date(2026, 3, 20), "letters") == set()


# --- members away -----------------------------------------------------------------------------------------


def test_a_member_away_is_out_of_contact_the_day_after_six_months_for_the_branch_secretary(world):
    away = send_away(world.users["secretary_a1"], branch=world.branch_a1, left_on=dt.date(2025, 3, 1))
    contact(world.users["secretary_a1"], away, dt.date(2025, 6, 10))
    key = f"away:{away.pk}"
    assert keys(world, "secretary_a1", dt.date(2025, 12, 10), "away") == set()
    assert keys(world, "secretary_a1", dt.date(2025, 12, 11), "away") == {key}
    assert keys(world, "staff_a", dt.date(2025, 12, 11), "away") == set()
    [item] = items(world, "secretary_a1", dt.date(2025, 12, 11), "away")
    assert item.url == f"{reverse('members:awaycontact-create')}?away={away.pk}"


def test_a_member_away_never_contacted_counts_from_the_day_left_and_a_contact_settles_it(world):
    away = send_away(world.users["secretary_a1"], branch=world.branch_a1, left_on=dt.date(2025, 3, 1))
    day = dt.date(2025, 9, 2)
    assert keys(world, "secretary_a1", dt.date(2025, 9, 1), "away") == set()
    assert keys(world, "secretary_a1", day, "away") == {f"away:{away.pk}"}
    contact(world.users["secretary_a1"], away, day)
    assert keys(world, "secretary_a1", day, "away") == set()
