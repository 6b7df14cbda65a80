"""Member appraisal services: the excellent cap at its boundary, probationary members, stars, bulk recording,
the rural roll-up."""

import datetime as dt
import threading

import pytest
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError
from django.db import transaction

from assessments.models import MemberAppraisal
from assessments.selectors.appraisals import member_star_rollup
from assessments.services.appraisal_batches import appraisal_record_many
from assessments.services.appraisals import appraisal_delete
from assessments.services.appraisals import appraisal_record
from assessments.services.appraisals import appraisal_update
from branches.models import OrganizationField
from members.models import MeetingKind
from members.models import MemberStatus
from partybuild.exceptions import StaleWrite
from tests.utils.factories import MemberFactory
from tests.utils.factories import OrganizationFactory
from tests.utils.factories_activities import MeetingFactory
from tests.utils.factories_assessments import YEAR
from tests.utils.factories_assessments import MemberAppraisalFactory
from tests.utils.factories_assessments import probationary_member
from tests.utils.factories_assessments import rating_policy
from tests.utils.threads import run_at_once

pytestmark = pytest.mark.django_db

DAY = dt.date(YEAR, 12, 20)


def record(world, member, grade="qualified", who="secretary_a1", **extra):
    return appraisal_record(
        actor=world.users[who], member=member, year=YEAR, grade=grade, appraised_on=DAY, **extra
    )


def graded(branch, qualified=0, excellent=0):
    for _ in range(qualified):
        MemberAppraisalFactory(member__branch=branch, grade="qualified")
    for _ in range(excellent):
        MemberAppraisalFactory(member__branch=branch, grade="excellent", stars=5)


# --- the excellent cap: at most one third of the graded members ---------------------------------------


def promote_one(world, branch, who="staff_a"):
    """Change one qualified member of ``branch`` to excellent."""
    appraisal = MemberAppraisal.objects.filter(branch=branch, grade="qualified").first()
    return appraisal_update(actor=world.users[who], appraisal=appraisal, grade="excellent")


@pytest.mark.parametrize(
    ("graded_members", "excellent_before", "allowed"),
    [
        (9, 2, True),  # 3 of 9
        (9, 3, False),  # 4 of 9
        (10, 2, True),  # 3 of 10 (10 / 3 = 3.33)
        (10, 3, False),  # 4 of 10
        (3, 0, True),  # 1 of 3
        (3, 1, False),  # 2 of 3
    ],
)
def test_excellent_cap_at_its_boundary(world, graded_members, excellent_before, allowed):
    graded(world.branch_a1, graded_members - excellent_before, excellent_before)
    if allowed:
        assert promote_one(world, world.branch_a1).grade == "excellent"
    else:
        with pytest.raises(ValidationError) as refused:
            promote_one(world, world.branch_a1)
        assert "grade" in refused.value.message_dict
    expected = excellent_before + allowed
    assert MemberAppraisal.objects.filter(grade="excellent").count() == expected


@pytest.mark.parametrize(
    ("qualified", "excellent_before", "allowed"),
    [(6, 2, True), (6, 3, False), (2, 0, True), (7, 2, True)],  # 3 of 9, 4 of 10, 1 of 3, 3 of 10
)
def test_the_cap_counts_the_appraisal_being_recorded(world, qualified, excellent_before, allowed):
    graded(world.branch_a1, qualified, excellent_before)
    member = MemberFactory(branch=world.branch_a1)
    if allowed:
        assert record(world, member, "excellent").grade == "excellent"
    else:
        with pytest.raises(ValidationError):
            record(world, member, "excellent")
        assert not MemberAppraisal.objects.filter(member=member).exists()


def test_excellent_cap_refusal_says_the_numbers(world, settings):
    settings.LANGUAGE_CODE = "en"
    graded(world.branch_a1, 6, 3)
    with pytest.raises(ValidationError) as refused:
        promote_one(world, world.branch_a1)
    message = refused.value.message_dict["grade"][0]
    assert "9 graded members" in message and "at most 3" in message and "make 4" in message


def test_probationary_members_do_not_count_as_graded(world):
    graded(world.branch_a1, 2, 1)
    for _ in range(4):
        record(world, probationary_member(world.branch_a1), grade="")
    with pytest.raises(ValidationError):
        promote_one(world, world.branch_a1)  # 2 of 3, however many probationary members took part


def test_excellent_appraisals_of_other_branches_and_years_do_not_count(world):
    graded(world.branch_a2, 0, 3)
    MemberAppraisalFactory(member__branch=world.branch_a1, grade="excellent", year=YEAR - 1, stars=5)
    graded(world.branch_a1, 2, 0)
    assert record(world, MemberFactory(branch=world.branch_a1), "excellent").stars == 5


def test_a_refused_change_changes_nothing(world):
    graded(world.branch_a1, 6, 3)
    with pytest.raises(ValidationError):
        promote_one(world, world.branch_a1)
    assert not MemberAppraisal.objects.filter(version__gt=1).exists()
    assert MemberAppraisal.history.filter(history_type="~").count() == 0


def test_ungrading_a_member_cannot_break_the_cap(world):
    graded(world.branch_a1, 6, 3)
    qualified = MemberAppraisal.objects.filter(branch=world.branch_a1, grade="qualified").first()
    pk = qualified.pk
    with pytest.raises(ValidationError):
        appraisal_update(actor=world.users["staff_a"], appraisal=qualified, participated=False, grade="")
    with pytest.raises(ValidationError):
        appraisal_delete(actor=world.users["staff_a"], appraisal=qualified)
    assert MemberAppraisal.objects.filter(pk=pk, grade="qualified").exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_excellent_grades_cannot_both_slip_under_the_cap(world):
    graded(world.branch_a1, 6, 2)  # either new excellent alone would be 3 of 9; both would be 4 of 10
    members = [MemberFactory(branch=world.branch_a1) for _ in range(2)]
    both_inside = threading.Barrier(2, timeout=10)
    outcomes = []

    def attempt(member):
        try:
            with transaction.atomic():
                both_inside.wait()
                record(world, member, "excellent", who="staff_a")
            outcomes.append("recorded")
        except ValidationError:
            outcomes.append("refused")

    run_at_once(attempt, [(member,) for member in members])
    assert sorted(outcomes) == ["recorded", "refused"]
    assert MemberAppraisal.objects.filter(grade="excellent").count() == 3


# --- probationary members and other rules -------------------------------------------------------------


def test_a_grade_for_a_probationary_member_is_refused(world):
    member = probationary_member(world.branch_a1)
    with pytest.raises(ValidationError) as refused:
        record(world, member, "qualified")
    assert "grade" in refused.value.message_dict
    assert not MemberAppraisal.objects.exists()


def test_a_probationary_member_takes_part_ungraded_and_unrated(world):
    appraisal = record(world, probationary_member(world.branch_a1), grade="")
    assert appraisal.participated is True and appraisal.grade == "" and appraisal.stars == 0


def test_a_full_member_who_took_part_needs_a_grade(world):
    member = MemberFactory(branch=world.branch_a1)
    with pytest.raises(ValidationError) as refused:
        record(world, member, grade="")
    assert "grade" in refused.value.message_dict
    assert record(world, member, grade="", participated=False).stars == 0


def test_one_appraisal_a_year_per_member(world):
    member = MemberFactory(branch=world.branch_a1)
    record(world, member)
    with pytest.raises(ValidationError) as refused:
        record(world, member)
    assert "member" in refused.value.message_dict


def test_the_branch_is_the_members_and_stays(world):
    member = MemberFactory(branch=world.branch_a1)
    appraisal = record(world, member)
    assert appraisal.branch == world.branch_a1
    member.branch = world.branch_a2
    member.save()
    appraisal = appraisal_update(actor=world.users["staff_a"], appraisal=appraisal, note="调入东二社区")
    assert appraisal.branch == world.branch_a1 and appraisal.version == 2
    with pytest.raises(ValidationError):
        appraisal_update(actor=world.users["staff_a"], appraisal=appraisal, year=YEAR - 1)


@pytest.mark.parametrize(
    ("day", "ok"),
    [(dt.date(YEAR, 1, 1), True), (dt.date(YEAR + 1, 1, 15), True), (dt.date(YEAR - 1, 12, 31), False)],
)
def test_appraisal_date_lies_in_its_year_or_early_in_the_next(world, day, ok):
    member = MemberFactory(branch=world.branch_a1)
    call = lambda: appraisal_record(  # noqa: E731
        actor=world.users["staff_a"], member=member, year=YEAR, grade="qualified", appraised_on=day
    )
    if ok:
        call()
    else:
        with pytest.raises(ValidationError):
            call()


def test_members_off_the_roll_are_not_appraised(world):
    member = MemberFactory(branch=world.branch_a1, status=MemberStatus.DECEASED)
    with pytest.raises(ValidationError):
        record(world, member)


def test_writes_need_the_records_capability_in_scope(world):
    member = MemberFactory(branch=world.branch_a1)
    for who in ("viewer_a", "staff_b", "nobody"):
        with pytest.raises(PermissionDenied):
            record(world, member, who=who)
    other = MemberFactory(branch=world.branch_a2)
    with pytest.raises(PermissionDenied):
        record(world, other, who="secretary_a1")
    assert (
        record(world, member, who="secretary_a1").history.first().history_user == world.users["secretary_a1"]
    )


# --- member stars -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("grade", "stars"), [("excellent", 5), ("qualified", 4), ("basic", 2), ("unqualified", 1)]
)
def test_stars_follow_the_grade(world, grade, stars):
    graded(world.branch_a1, 3, 0)
    assert record(world, MemberFactory(branch=world.branch_a1), grade).stars == stars


@pytest.mark.parametrize(("attended", "stars"), [(0, 3), (1, 3), (2, 4), (4, 4)])
def test_a_qualified_member_missing_more_than_half_of_the_meetings_gets_three_stars(world, attended, stars):
    member = MemberFactory(branch=world.branch_a1)
    for number in range(4):
        MeetingFactory(
            organization=world.branch_a1,
            kind=MeetingKind.ASSEMBLY if number % 2 else MeetingKind.THEME_DAY,
            held_on=dt.date(YEAR, number + 2, 10),
            attendees=[member] if number < attended else [],
        )
    # Neither committee meetings, nor another year's, nor another branch's count.
    MeetingFactory(organization=world.branch_a1, kind=MeetingKind.COMMITTEE, held_on=dt.date(YEAR, 6, 1))
    MeetingFactory(organization=world.branch_a1, held_on=dt.date(YEAR - 1, 6, 1))
    MeetingFactory(organization=world.branch_a2, held_on=dt.date(YEAR, 6, 1))
    assert record(world, member, "qualified").stars == stars


def test_absence_does_not_lower_other_grades(world):
    graded(world.branch_a1, 3, 0)
    MeetingFactory(organization=world.branch_a1, held_on=dt.date(YEAR, 3, 1))
    assert record(world, MemberFactory(branch=world.branch_a1), "excellent").stars == 5


def test_a_branch_that_held_no_meeting_leaves_qualified_at_four(world):
    assert record(world, MemberFactory(branch=world.branch_a1)).stars == 4


def test_editing_recomputes_the_stars(world):
    appraisal = record(world, MemberFactory(branch=world.branch_a1))
    appraisal = appraisal_update(actor=world.users["secretary_a1"], appraisal=appraisal, grade="basic")
    assert appraisal.stars == 2


# --- a whole branch at once ---------------------------------------------------------------------------


def many(world, entries, who="secretary_a1", branch=None):
    return appraisal_record_many(
        actor=world.users[who], branch=branch or world.branch_a1, year=YEAR, appraised_on=DAY, entries=entries
    )


def test_record_many_writes_a_whole_meeting(world):
    members = [MemberFactory(branch=world.branch_a1) for _ in range(6)]
    probationer = probationary_member(world.branch_a1)
    grades = ["excellent", "excellent", "qualified", "qualified", "basic", "unqualified"]
    entries = [{"member": m, "grade": g} for m, g in zip(members, grades, strict=True)]
    written = many(world, [*entries, {"member": probationer.pk}])
    assert len(written) == 7
    stars = dict(MemberAppraisal.objects.values_list("member_id", "stars"))
    assert [stars[m.pk] for m in members] == [5, 5, 4, 4, 2, 1] and stars[probationer.pk] == 0
    assert MemberAppraisal.history.filter(history_user=world.users["secretary_a1"]).count() == 7


def test_record_many_judges_the_cap_on_the_final_set(world):
    members = [MemberFactory(branch=world.branch_a1) for _ in range(3)]
    # In the order given, the first excellent would stand alone; on the whole set it is 1 of 3.
    many(
        world,
        [{"member": members[0], "grade": "excellent"}]
        + [{"member": m, "grade": "qualified"} for m in members[1:]],
    )
    assert MemberAppraisal.objects.filter(grade="excellent").count() == 1


def test_record_many_is_all_or_nothing(world):
    members = [MemberFactory(branch=world.branch_a1) for _ in range(3)]
    with pytest.raises(ValidationError):
        many(world, [{"member": m, "grade": "excellent"} for m in members[:2]] + [{"member": members[2]}])
    probationer = probationary_member(world.branch_a1)
    with pytest.raises(ValidationError) as refused:
        many(world, [{"member": members[0], "grade": "qualified"}, {"member": probationer, "grade": "basic"}])
    assert probationer.name in " ".join(refused.value.message_dict["entries"])
    assert not MemberAppraisal.objects.exists()


def test_record_many_corrects_recorded_appraisals_and_swaps_excellent(world):
    first, second, third = (MemberFactory(branch=world.branch_a1) for _ in range(3))
    many(
        world,
        [
            {"member": first, "grade": "excellent"},
            {"member": second, "grade": "qualified"},
            {"member": third, "grade": "qualified"},
        ],
    )
    # One at a time, either change alone would break or waste the cap; together they are 1 of 3.
    many(
        world,
        [{"member": first, "grade": "qualified", "version": 1}, {"member": second, "grade": "excellent"}],
    )
    grades = dict(MemberAppraisal.objects.values_list("member_id", "grade"))
    assert grades == {first.pk: "qualified", second.pk: "excellent", third.pk: "qualified"}
    assert MemberAppraisal.objects.get(member=first).version == 2


def test_record_many_refuses_a_stale_correction(world):
    member = MemberFactory(branch=world.branch_a1)
    many(world, [{"member": member, "grade": "qualified"}])
    with pytest.raises(StaleWrite):
        many(world, [{"member": member, "grade": "basic", "version": 7}])


def test_record_many_refuses_members_of_another_branch_or_unseen_ones(world):
    other = MemberFactory(branch=world.branch_a2)
    with pytest.raises(ValidationError):
        many(world, [{"member": other, "grade": "qualified"}], who="staff_a")
    foreign = MemberFactory(branch=world.branch_b1)
    with pytest.raises(ValidationError) as refused:
        many(world, [{"member": foreign.pk, "grade": "qualified"}], who="staff_a")
    assert "entries" in refused.value.message_dict
    with pytest.raises(PermissionDenied):
        many(world, [{"member": foreign.pk, "grade": "qualified"}], who="staff_a", branch=world.branch_b1)


def test_record_many_needs_distinct_members(world):
    member = MemberFactory(branch=world.branch_a1)
    with pytest.raises(ValidationError):
        many(world, [{"member": member, "grade": "qualified"}, {"member": member, "grade": "basic"}])


# --- roll-up -----------------------------------------------------------------------------------------


def test_rollup_share_of_rural_members_at_three_stars(world):
    for stars in [5, 4, 4, 4, 4, 4, 4, 3, 3, 2]:  # 9 of 10 at three stars or more: 90%
        MemberAppraisalFactory(member__branch=world.branch_a1, stars=stars)
    for stars in [4, 1, 0]:  # the community branch: 1 of 2 rated
        MemberAppraisalFactory(member__branch=world.branch_a2, stars=stars)
    school = OrganizationFactory(parent=world.township_a, field=OrganizationField.SCHOOL)
    MemberAppraisalFactory(member__branch=school, stars=1)  # not rural: left out
    MemberAppraisalFactory(member__branch=world.branch_b1, stars=4)
    MemberAppraisalFactory(member__branch=world.branch_a1, stars=1, year=YEAR - 1)
    rows = {row.organization: row for row in member_star_rollup(organization=world.county, year=YEAR)}
    a1, a2, township, county = (
        rows[o] for o in (world.branch_a1, world.branch_a2, world.township_a, world.county)
    )
    assert (a1.rated, a1.at_three_or_more, a1.share, a1.met) == (10, 9, 90.0, True)
    assert (a2.rated, a2.share, a2.met) == (2, 50.0, False)
    assert (township.rated, township.at_three_or_more, township.share) == (12, 10, 83.33)
    assert (county.rated, county.at_three_or_more) == (13, 11)
    assert school not in rows and world.branch_z1 not in rows
    assert list(rows)[0] == world.county and county.target == 90


def test_rollup_uses_the_countys_target_and_counts_queries(world, django_assert_num_queries):
    rating_policy(world.county, member_three_star_target=80)
    MemberAppraisalFactory(member__branch=world.branch_a1, stars=3)
    with django_assert_num_queries(3):
        rows = member_star_rollup(organization=world.township_a, year=YEAR)
    assert rows[0].organization == world.township_a and rows[0].target == 80 and rows[0].met is True
    empty = member_star_rollup(organization=world.township_b, year=YEAR)
    assert empty[0].rated == 0 and empty[0].share is None and empty[0].met is None
