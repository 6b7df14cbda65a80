"""Weak-branch candidates (by share and by each criterion) and the rectification workflow services."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError
from django.utils import timezone

from assessments.models import QuotaResult
from assessments.models import Rectification
from assessments.models import RectificationNote
from assessments.models import RectificationStatus
from assessments.selectors.rectifications import rectification_candidates
from assessments.services.rectifications import rectification_note
from assessments.services.rectifications import rectification_open
from assessments.services.rectifications import rectification_reopen
from assessments.services.rectifications import rectification_request_close
from assessments.services.rectifications import rectification_update
from assessments.services.rectifications import rectification_verify
from branches.models import OrganizationKind
from branches.models import ReviewKind
from members.models import CadrePost
from tests.utils.factories import OrganizationFactory
from tests.utils.factories_assessments import YEAR
from tests.utils.factories_assessments import RectificationFactory
from tests.utils.factories_assessments import instructor
from tests.utils.factories_assessments import rating
from tests.utils.factories_assessments import rating_policy
from tests.utils.factories_assessments import secretary
from tests.utils.factories_cadres import CadreFactory
from tests.utils.factories_quotas import published_result
from tests.utils.factories_quotas import published_run
from tests.utils.factories_records import ReviewRecordFactory

pytestmark = pytest.mark.django_db

REF = dt.date(YEAR, 12, 31)  # min(today, 31 December): the year is over


def township(world):
    return OrganizationFactory(kind=OrganizationKind.TOWNSHIP_COMMITTEE, field="", parent=world.county)


def healthy(parent, total=85, **kwargs):
    """A branch with a serving secretary and a rating: listed for nothing but its rank."""
    branch = OrganizationFactory(parent=parent, **kwargs)
    secretary(branch)
    rating(branch, total)
    return branch


def voted_review(branch, held_on, *, participants, satisfied, kind=ReviewKind.MEMBER_REVIEW):
    """A review of ``branch`` in which ``satisfied`` of ``participants`` voted satisfied or better."""
    return ReviewRecordFactory(
        organization=branch, kind=kind, held_on=held_on, participants=participants, satisfied=satisfied
    )


def listed(organization, year=YEAR):
    return {c.organization: c.codes for c in rectification_candidates(organization=organization, year=year)}


# --- the lowest share by rating --------------------------------------------------------------------


def test_five_percent_of_twenty_rated_branches_lists_one(world):
    area = township(world)
    branches = [healthy(area, 71 + number) for number in range(20)]
    assert listed(area) == {branches[0]: ["lowest_share"]}


def test_ten_percent_of_twenty_rated_branches_lists_two(world):
    area = township(world)
    rating_policy(world.county, rectification_share=10)
    branches = [healthy(area, 71 + number) for number in range(20)]
    assert listed(area) == {branches[0]: ["lowest_share"], branches[1]: ["lowest_share"]}


def test_ties_at_the_cut_are_all_listed(world):
    area = township(world)
    tied = [healthy(area, 72), healthy(area, 72)]
    [healthy(area, 80 + number) for number in range(18)]
    assert listed(area) == dict.fromkeys(tied, ["lowest_share"])


def test_at_least_one_rated_branch_is_listed_and_none_when_none_is_rated(world):
    area = township(world)
    only = healthy(area, 95)
    assert listed(area) == {only: ["lowest_share"]}
    assert listed(area, YEAR - 1) == {only: ["unrated"]}


def test_the_share_is_taken_within_the_listed_organization(world):
    east, west = township(world), township(world)
    low_east = [healthy(east, 71 + number) for number in range(10)][0]
    low_west = [healthy(west, 81 + number) for number in range(10)][0]
    county = rectification_candidates(organization=world.county, year=YEAR)
    lowest = [c.organization for c in county if "lowest_share" in c.codes]
    assert lowest == [low_east]  # 5% of the county's 20 rated branches: one
    assert listed(west) == {low_west: ["lowest_share"]}


def test_a_lowest_share_message_says_the_rank(world, settings):
    settings.LANGUAGE_CODE = "en"
    area = township(world)
    [healthy(area, 71 + number) for number in range(20)]
    [candidate] = rectification_candidates(organization=area, year=YEAR)
    assert candidate.reasons[0]["message"] == (
        "Rating total 71.0 is among the lowest 5% of the 20 rated branches (the lowest 1, ties included)."
    )


# --- each criterion on its own -----------------------------------------------------------------------


def criterion_world(world):
    """A township of rated branches with serving secretaries, none at the bottom but the decoy."""
    area = township(world)
    healthy(area, 70)  # the lowest by rating, listed for that alone
    return area


@pytest.mark.parametrize(
    ("ended_on", "is_listed"),
    [(dt.date(YEAR, 9, 30), False), (dt.date(YEAR, 9, 29), True)],  # exactly 3 months; 3 months + 1 day
)
def test_secretary_vacancy_of_more_than_three_months(world, ended_on, is_listed):
    area = criterion_world(world)
    branch = OrganizationFactory(parent=area)
    rating(branch, 90)
    secretary(branch, started_on=dt.date(2020, 1, 10), ended_on=ended_on)
    assert (branch in listed(area)) is is_listed
    if is_listed:
        assert listed(area)[branch] == ["secretary_vacant"]


def test_a_branch_that_never_had_a_secretary_is_listed(world):
    area = criterion_world(world)
    branch = OrganizationFactory(parent=area)
    rating(branch, 90)
    secretary(branch, started_on=REF + dt.timedelta(days=5))  # appointed after the reference day
    CadreFactory(organization=branch, post=CadrePost.VILLAGE_DIRECTOR)
    assert listed(area)[branch] == ["secretary_vacant"]


def test_the_vacancy_months_come_from_the_policy(world):
    area = criterion_world(world)
    rating_policy(world.county, vacancy_months=6)
    branch = OrganizationFactory(parent=area)
    rating(branch, 90)
    secretary(branch, started_on=dt.date(2020, 1, 10), ended_on=dt.date(YEAR, 9, 29))
    assert branch not in listed(area)


@pytest.mark.parametrize(("satisfied", "is_listed"), [(599, True), (600, False)])  # 59.9% vs 60%
def test_mass_satisfaction_below_the_floor(world, satisfied, is_listed):
    area = criterion_world(world)
    branch = healthy(area, 90)
    voted_review(branch, dt.date(YEAR, 6, 1), participants=400, satisfied=satisfied - 300)
    voted_review(
        branch, dt.date(YEAR, 12, 1), participants=600, satisfied=300, kind=ReviewKind.REPRESENTATIVE_REVIEW
    )
    # Reports, reviews without votes and another year's reviews are not judged.
    ReviewRecordFactory(organization=branch, kind=ReviewKind.BRANCH_REPORT, held_on=dt.date(YEAR, 3, 1))
    ReviewRecordFactory(
        organization=branch, kind=ReviewKind.MEMBER_REVIEW, held_on=dt.date(YEAR, 7, 1), participants=500
    )
    voted_review(branch, dt.date(YEAR - 1, 7, 1), participants=500, satisfied=0)
    assert (listed(area).get(branch) == ["low_satisfaction"]) is is_listed
    assert (branch in listed(area)) is is_listed


def test_a_satisfaction_message_shows_the_figure(world, settings):
    settings.LANGUAGE_CODE = "en"
    area = criterion_world(world)
    branch = healthy(area, 90)
    voted_review(branch, dt.date(YEAR, 6, 1), participants=1000, satisfied=599)
    [candidate] = [
        c for c in rectification_candidates(organization=area, year=YEAR) if c.organization == branch
    ]
    assert "59.9%" in candidate.reasons[0]["message"] and "60%" in candidate.reasons[0]["message"]


def test_no_admission_for_two_years(world):
    area = criterion_world(world)
    branch = healthy(area, 90)
    published_result(branch, code="dev.two_years_none", year=YEAR)  # met false
    admitted = healthy(area, 91)
    run = published_run(admitted, YEAR)
    QuotaResult.objects.create(
        run=run, organization=admitted, year=YEAR, code="dev.two_years_none", target=1, actual=1, met=True
    )
    earlier = healthy(area, 92)
    published_result(earlier, code="dev.two_years_none", year=YEAR - 1)
    assert listed(area) == {
        next(iter(listed(area))): ["lowest_share"],
        branch: ["no_admission"],
    }


@pytest.mark.parametrize("stars", [None, 0])
def test_unrated_branches(world, stars):
    area = township(world)
    [healthy(area, 80 + number) for number in range(30)]
    branch = OrganizationFactory(parent=area)
    secretary(branch)
    if stars == 0:
        rating(branch, 95, stars=0)  # a rating that reached no star (stars kept apart from the total here)
    assert "unrated" in listed(area)[branch]


def test_every_reason_that_applies_is_listed_and_dissolved_branches_are_not(world):
    area = township(world)
    [healthy(area, 80 + number) for number in range(5)]
    weak = OrganizationFactory(parent=area)
    published_result(weak, code="dev.two_years_none", year=YEAR)
    OrganizationFactory(parent=area, dissolved_on=dt.date(YEAR, 5, 1))
    result = listed(area)
    assert result[weak] == ["secretary_vacant", "no_admission", "unrated"]
    assert len(result) == 2


def test_an_opened_rectification_shows_on_the_list(world):
    area = township(world)
    branch = OrganizationFactory(parent=area)
    opened = RectificationFactory(organization=branch)
    [candidate] = rectification_candidates(organization=area, year=YEAR)
    assert (candidate.rectification_id, candidate.rectification_status) == (opened.pk, "open")


@pytest.mark.parametrize("count", [2, 8])
def test_candidates_take_a_fixed_number_of_queries(world, count, django_assert_num_queries):
    area = township(world)
    for number in range(count):
        branch = healthy(area, 75 + number)
        published_result(branch, code="dev.two_years_none", year=YEAR)
        voted_review(branch, dt.date(YEAR, 6, 1), participants=10, satisfied=1)
        OrganizationFactory(parent=area)
    rating_policy(world.county)
    with django_assert_num_queries(4):
        candidates = rectification_candidates(organization=area, year=YEAR)
        assert len(candidates) == 2 * count
        assert all(c.organization.parent.name for c in candidates)


# --- opening ---------------------------------------------------------------------------------------------


def deadline(days=90):
    return timezone.localdate() + dt.timedelta(days=days)


def open_for(world, branch, who="staff_a", **overrides):
    data = {
        "organization": branch,
        "year": YEAR,
        "plan": "调整班子，规范组织生活",
        "responsible_leader": "王镇长",
        "instructor": instructor(world.branch_a2),
        "deadline": deadline(),
        "reasons": None,
    }
    data.update(overrides)
    return rectification_open(actor=world.users[who], **data)


def test_township_opens_with_the_branchs_reasons(world):
    rectification = open_for(world, world.branch_a1)
    assert (
        rectification.status == RectificationStatus.OPEN and rectification.opened_by == world.users["staff_a"]
    )
    assert [reason["code"] for reason in rectification.reasons] == ["secretary_vacant", "unrated"]
    assert rectification.history.first().history_user == world.users["staff_a"]


def test_reasons_given_are_kept_with_messages(world):
    secretary(world.branch_a1)
    rectification = open_for(world, world.branch_a1, reasons=["low_satisfaction", "unrated"])
    assert [reason["code"] for reason in rectification.reasons] == ["low_satisfaction", "unrated"]
    assert all(reason["message"] for reason in rectification.reasons)
    with pytest.raises(ValidationError):
        open_for(world, world.branch_a2, reasons=["bad_code"])


def test_a_branch_on_no_list_needs_reasons(world):
    secretary(world.branch_a1)
    rating(world.branch_a1, 95)
    rating(world.branch_a2, 60)
    secretary(world.branch_a2)
    with pytest.raises(ValidationError) as refused:
        open_for(world, world.branch_a1)
    assert "reasons" in refused.value.message_dict


@pytest.mark.parametrize(("who", "allowed"), [("staff_a", True), ("county_admin", True)])
def test_who_may_open(world, who, allowed):
    assert open_for(world, world.branch_a1, who=who).pk


@pytest.mark.parametrize("who", ["staff_b", "secretary_a1", "viewer_a", "nobody"])
def test_who_may_not_open(world, who):
    with pytest.raises(PermissionDenied):
        open_for(world, world.branch_a1, who=who)
    assert not Rectification.objects.exists()


def test_one_rectification_per_branch_and_year(world):
    open_for(world, world.branch_a1)
    with pytest.raises(ValidationError) as refused:
        open_for(world, world.branch_a1)
    assert "organization" in refused.value.message_dict
    assert open_for(world, world.branch_a1, year=YEAR - 1).pk


@pytest.mark.parametrize(("days", "ok"), [(0, False), (-3, False), (1, True)])
def test_the_deadline_is_in_the_future(world, days, ok):
    if ok:
        assert open_for(world, world.branch_a1, deadline=deadline(days)).pk
    else:
        with pytest.raises(ValidationError) as refused:
            open_for(world, world.branch_a1, deadline=deadline(days))
        assert "deadline" in refused.value.message_dict


def test_the_instructor_is_a_serving_instructor_of_the_branch_or_its_township(world):
    assert open_for(world, world.branch_a1, instructor=instructor(world.branch_a1)).pk
    refusals = [
        None,
        CadreFactory(organization=world.branch_a2, post=CadrePost.VILLAGE_DIRECTOR),
        instructor(world.branch_a2, ended_on=dt.date(YEAR, 6, 30)),
        instructor(world.branch_b1),
    ]
    for refused_instructor in refusals:
        with pytest.raises(ValidationError) as refused:
            open_for(world, world.branch_a2, instructor=refused_instructor, who="county_admin")
        assert "instructor" in refused.value.message_dict


def test_rectifications_are_opened_for_branches(world):
    with pytest.raises(ValidationError) as refused:
        open_for(world, world.township_a, reasons=["unrated"])
    assert "organization" in refused.value.message_dict


# --- the workflow --------------------------------------------------------------------------------------


@pytest.fixture
def opened(world):
    return open_for(world, world.branch_a1)


def step(service, world, who, rectification, **data):
    return service(actor=world.users[who], rectification=rectification, **data)


def test_the_whole_flow(world, opened):
    today = timezone.localdate()
    note = step(rectification_note, world, "secretary_a1", opened, written_on=today, text="召开党员大会")
    assert note.author == world.users["secretary_a1"]
    closing = step(rectification_request_close, world, "staff_a", opened, summary="班子配齐，组织生活规范")
    assert closing.status == RectificationStatus.CLOSE_REQUESTED and closing.version == 2
    verified = step(rectification_verify, world, "county_admin", closing, verified_on=today)
    assert (verified.status, verified.verified_by, verified.verified_on) == (
        RectificationStatus.VERIFIED,
        world.users["county_admin"],
        today,
    )
    assert [h.status for h in verified.history.order_by("history_date")] == [
        "open",
        "close_requested",
        "verified",
    ]


@pytest.mark.parametrize(
    ("who", "allowed"), [("secretary_a1", True), ("staff_a", True), ("county_admin", True)]
)
def test_who_may_note_progress(world, opened, who, allowed):
    assert step(rectification_note, world, who, opened, written_on=timezone.localdate(), text="进展").pk


@pytest.mark.parametrize("who", ["viewer_a", "staff_b", "nobody"])
def test_who_may_not_note_progress(world, opened, who):
    with pytest.raises(PermissionDenied):
        step(rectification_note, world, who, opened, written_on=timezone.localdate(), text="进展")


def test_note_rules(world, opened):
    with pytest.raises(ValidationError):
        step(rectification_note, world, "staff_a", opened, written_on=deadline(1), text="进展")
    with pytest.raises(ValidationError):
        step(rectification_note, world, "staff_a", opened, written_on=timezone.localdate(), text="  ")
    opened.status = RectificationStatus.VERIFIED
    opened.save()
    with pytest.raises(ValidationError):
        step(rectification_note, world, "staff_a", opened, written_on=timezone.localdate(), text="进展")


@pytest.mark.parametrize("who", ["secretary_a1", "viewer_a", "staff_b"])
def test_only_the_township_requests_the_close(world, opened, who):
    with pytest.raises(PermissionDenied):
        step(rectification_request_close, world, who, opened, summary="完成")
    opened.refresh_from_db()
    assert opened.status == RectificationStatus.OPEN


def test_request_close_refusals(world, opened):
    with pytest.raises(ValidationError):
        step(rectification_request_close, world, "staff_a", opened, summary=" ")
    step(rectification_request_close, world, "staff_a", opened, summary="完成")
    with pytest.raises(ValidationError) as refused:
        step(rectification_request_close, world, "staff_a", opened, summary="完成")
    assert "status" in refused.value.message_dict


@pytest.mark.parametrize("who", ["staff_a", "secretary_a1", "viewer_a"])
def test_only_the_county_verifies(world, opened, who):
    closing = step(rectification_request_close, world, "staff_a", opened, summary="完成")
    with pytest.raises(PermissionDenied):
        step(rectification_verify, world, who, closing, verified_on=timezone.localdate())
    closing.refresh_from_db()
    assert closing.status == RectificationStatus.CLOSE_REQUESTED


def test_verify_refusals(world, opened):
    with pytest.raises(ValidationError) as refused:
        step(rectification_verify, world, "county_admin", opened, verified_on=timezone.localdate())
    assert "status" in refused.value.message_dict
    closing = step(rectification_request_close, world, "staff_a", opened, summary="完成")
    with pytest.raises(ValidationError):
        step(rectification_verify, world, "county_admin", closing, verified_on=deadline(1))
    with pytest.raises(ValidationError):
        step(rectification_verify, world, "county_admin", closing, verified_on=dt.date(YEAR - 1, 1, 1))


@pytest.mark.parametrize("stage", ["close_requested", "verified"])
def test_the_county_reopens_with_a_reason_kept_as_a_note(world, opened, stage):
    current = step(rectification_request_close, world, "staff_a", opened, summary="完成")
    if stage == "verified":
        current = step(rectification_verify, world, "county_admin", current, verified_on=timezone.localdate())
    with pytest.raises(PermissionDenied):
        step(rectification_reopen, world, "staff_a", current, reason="整改不到位")
    with pytest.raises(ValidationError):
        step(rectification_reopen, world, "county_admin", current, reason="")
    reopened = step(rectification_reopen, world, "county_admin", current, reason="整改不到位")
    assert (reopened.status, reopened.verified_by, reopened.verified_on) == (
        RectificationStatus.OPEN,
        None,
        None,
    )
    assert "整改不到位" in RectificationNote.objects.get(rectification=reopened).text
    with pytest.raises(ValidationError):
        step(rectification_reopen, world, "county_admin", reopened, reason="再次")


def test_stale_steps_are_refused(world, opened):
    from partybuild.exceptions import StaleWrite

    with pytest.raises(StaleWrite):
        step(rectification_request_close, world, "staff_a", opened, summary="完成", expected_version=5)


def test_the_township_edits_an_open_rectification(world, opened):
    edited = step(rectification_update, world, "staff_a", opened, plan="新方案", deadline=deadline(200))
    assert edited.plan == "新方案" and edited.version == 2
    with pytest.raises(PermissionDenied):
        step(rectification_update, world, "secretary_a1", edited, plan="改")
    with pytest.raises(ValidationError):
        step(rectification_update, world, "staff_a", edited, organization=world.branch_a2)
    with pytest.raises(ValidationError):
        step(rectification_update, world, "staff_a", edited, deadline=timezone.localdate())
    closing = step(rectification_request_close, world, "staff_a", edited, summary="完成")
    with pytest.raises(ValidationError):
        step(rectification_update, world, "staff_a", closing, plan="改")
