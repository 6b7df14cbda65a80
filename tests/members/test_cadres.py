"""The rules of post holdings, each at its boundary (services.cadres)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from branches.models import OrganizationField
from branches.models import OrganizationKind
from branches.scope.querysets import OutOfScope
from members.models import Cadre
from members.models import CadrePost
from members.models import MemberStatus
from members.services import cadres as services
from partybuild.exceptions import StaleWrite
from tests.utils.factories import MemberFactory
from tests.utils.factories import OrganizationFactory
from tests.utils.factories_cadres import CadreFactory

pytestmark = pytest.mark.django_db

D = dt.date
P = CadrePost


def appoint(world, post, *, who="staff_a", organization=None, **data):
    data.setdefault("started_on", D(2021, 1, 15))
    if data.get("member") is None and "name" not in data:
        data.update(name="王村委", gender="male", birth_date=D(1980, 5, 1))
    return services.cadre_appoint(
        actor=world.users[who], organization=organization or world.branch_a1, post=post, **data
    )


def refused(field, call, *args, **kwargs) -> str:
    with pytest.raises(ValidationError) as caught:
        call(*args, **kwargs)
    assert field in caught.value.message_dict, caught.value.message_dict
    return " ".join(caught.value.message_dict[field])


def today():
    return timezone.localdate()


# --- who may hold a post ----------------------------------------------------------------------------


@pytest.mark.parametrize("post", [P.SECRETARY, P.DEPUTY_SECRETARY, P.BRANCH_COMMITTEE, P.GROUP_LEADER])
def test_member_only_post_needs_a_member(world, post):
    refused("member", appoint, world, post)
    assert not Cadre.objects.exists()


@pytest.mark.parametrize("post", [P.VILLAGE_DIRECTOR, P.VILLAGE_COMMITTEE, P.SUPERVISION_CHAIR])
def test_village_committee_post_may_be_held_by_a_non_member(world, post):
    cadre = appoint(world, post)
    assert cadre.member is None and cadre.name == "王村委"


def test_appointing_a_member_copies_name_gender_birth_date_education_and_phone(world):
    member = MemberFactory(branch=world.branch_a1, name="李书记", phone="13800000001")
    cadre = appoint(world, P.SECRETARY, member=member, name="别的名字")
    assert (cadre.name, cadre.gender, cadre.birth_date, cadre.education, cadre.phone) == (
        "李书记",
        member.gender,
        member.birth_date,
        member.education,
        "13800000001",
    )


def test_a_phone_given_at_appointment_is_kept(world):
    member = MemberFactory(branch=world.branch_a1, phone="13800000001")
    assert appoint(world, P.SECRETARY, member=member, phone="0313-1234567").phone == "0313-1234567"


def test_branch_post_needs_a_member_on_the_roll_of_the_organization(world):
    elsewhere = MemberFactory(branch=world.branch_a2, name="外村党员")
    message = refused("member", appoint, world, P.BRANCH_COMMITTEE, member=elsewhere)
    assert "外村党员" in message and world.branch_a1.name in message
    assert appoint(world, P.BRANCH_COMMITTEE, member=MemberFactory(branch=world.branch_a1)).pk


@pytest.mark.parametrize("status", [MemberStatus.LEFT, MemberStatus.TRANSFERRED_OUT, MemberStatus.DECEASED])
def test_a_member_off_the_roll_cannot_take_a_branch_post(world, status):
    member = MemberFactory(branch=world.branch_a1, status=status)
    refused("member", appoint, world, P.SECRETARY, member=member)


def test_a_member_of_a_branch_under_a_general_branch_may_hold_its_post(world):
    general = OrganizationFactory(kind=OrganizationKind.GENERAL_BRANCH, parent=world.township_a)
    branch = OrganizationFactory(parent=general)
    cadre = appoint(world, P.SECRETARY, organization=general, member=MemberFactory(branch=branch))
    assert cadre.organization == general


def test_first_secretary_may_come_from_outside_the_roll(world):
    outsider = MemberFactory(branch=world.branch_a2)
    cadre = appoint(world, P.FIRST_SECRETARY, member=outsider, sending_unit="县农业农村局")
    assert cadre.sending_unit == "县农业农村局"


def test_first_secretary_needs_the_sending_unit(world):
    refused("sending_unit", appoint, world, P.FIRST_SECRETARY, member=MemberFactory(branch=world.branch_a1))


def test_a_member_the_actor_cannot_see_is_refused(world):
    foreign = MemberFactory(branch=world.branch_b1)
    refused("member", appoint, world, P.VILLAGE_DIRECTOR, member=foreign)


# --- instructors ------------------------------------------------------------------------------------


@pytest.fixture
def township_organs(world):
    """The township committee's own branch, where its staff are members."""
    return OrganizationFactory(
        name="东镇机关党支部", parent=world.township_a, field=OrganizationField.INSTITUTION
    )


def test_instructor_from_the_township_is_assigned_to_a_branch(world, township_organs):
    staff_member = MemberFactory(branch=township_organs)
    cadre = appoint(world, P.INSTRUCTOR, member=staff_member)
    assert cadre.organization == world.branch_a1 and cadre.member == staff_member


def test_instructor_is_assigned_to_a_branch_not_a_committee(world, township_organs):
    staff_member = MemberFactory(branch=township_organs)
    refused("organization", appoint, world, P.INSTRUCTOR, organization=world.township_a, member=staff_member)


def test_instructor_must_come_from_the_branchs_own_township(world):
    other_township_member = MemberFactory(branch=world.branch_b1)
    message = refused(
        "member", appoint, world, P.INSTRUCTOR, who="county_admin", member=other_township_member
    )
    assert world.township_a.name in message


def test_instructor_needs_a_township_above_the_branch(world):
    county_branch = OrganizationFactory(parent=world.county, field=OrganizationField.INSTITUTION)
    member = MemberFactory(branch=county_branch)
    refused(
        "organization",
        appoint,
        world,
        P.INSTRUCTOR,
        who="county_admin",
        organization=county_branch,
        member=member,
    )


# --- one holder at a time ---------------------------------------------------------------------------


@pytest.fixture
def previous_secretary(world):
    member = MemberFactory(branch=world.branch_a1, name="张老书记")
    return CadreFactory(
        organization=world.branch_a1,
        post=P.SECRETARY,
        member=member,
        started_on=D(2018, 1, 10),
        ended_on=D(2021, 1, 14),
    )


def test_new_secretary_may_start_the_day_after_the_previous_term_ended(world, previous_secretary):
    member = MemberFactory(branch=world.branch_a1)
    assert appoint(world, P.SECRETARY, member=member, started_on=D(2021, 1, 15)).pk


def test_new_secretary_starting_the_day_the_previous_term_ended_is_refused(world, previous_secretary):
    member = MemberFactory(branch=world.branch_a1)
    message = refused("started_on", appoint, world, P.SECRETARY, member=member, started_on=D(2021, 1, 14))
    assert "张老书记" in message and "2021-01-14" in message


def test_second_secretary_while_the_first_still_serves_names_the_holder(world, previous_secretary):
    previous_secretary.ended_on = None
    previous_secretary.save()
    member = MemberFactory(branch=world.branch_a1)
    message = refused("started_on", appoint, world, P.SECRETARY, member=member, started_on=D(2024, 1, 1))
    assert "张老书记" in message and "2018-01-10" in message


def test_a_term_entered_before_an_existing_one_must_not_overlap_it(world, previous_secretary):
    member = MemberFactory(branch=world.branch_a1)
    refused(
        "started_on",
        appoint,
        world,
        P.SECRETARY,
        member=member,
        started_on=D(2015, 1, 1),
        ended_on=D(2018, 1, 10),
    )
    assert appoint(world, P.SECRETARY, member=member, started_on=D(2015, 1, 1), ended_on=D(2018, 1, 9)).pk


@pytest.mark.parametrize("post", [P.VILLAGE_DIRECTOR, P.SUPERVISION_CHAIR])
def test_one_village_director_and_one_supervision_chair_at_a_time(world, post):
    CadreFactory(organization=world.branch_a1, post=post, name="赵主任", started_on=D(2021, 1, 15))
    message = refused(
        "started_on", appoint, world, post, name="钱主任", birth_date=D(1979, 1, 1), started_on=D(2022, 6, 1)
    )
    assert "赵主任" in message


def test_the_same_post_in_another_village_is_independent(world):
    CadreFactory(organization=world.branch_a2, post=P.VILLAGE_DIRECTOR, started_on=D(2021, 1, 15))
    assert appoint(world, P.VILLAGE_DIRECTOR).pk


def test_several_deputies_and_committee_members_may_serve_together(world):
    for n in range(2):
        appoint(world, P.DEPUTY_SECRETARY, member=MemberFactory(branch=world.branch_a1))
        appoint(world, P.VILLAGE_COMMITTEE, name=f"委员{n}", birth_date=D(1985, 1, 1 + n))
    assert Cadre.objects.count() == 4


def test_updating_a_term_may_not_make_it_overlap_another_holders(world, previous_secretary):
    member = MemberFactory(branch=world.branch_a1)
    current = appoint(world, P.SECRETARY, member=member, started_on=D(2021, 1, 15))
    refused(
        "started_on",
        services.cadre_update,
        actor=world.users["staff_a"],
        cadre=current,
        started_on=D(2021, 1, 14),
    )
    moved = services.cadre_update(actor=world.users["staff_a"], cadre=current, started_on=D(2021, 2, 1))
    assert moved.started_on == D(2021, 2, 1) and moved.version == 2


# --- term dates -------------------------------------------------------------------------------------


def test_term_cannot_start_in_the_future(world):
    refused("started_on", appoint, world, P.VILLAGE_DIRECTOR, started_on=today() + dt.timedelta(days=1))
    assert appoint(world, P.VILLAGE_DIRECTOR, started_on=today()).pk


def test_term_cannot_end_before_it_starts(world):
    start = D(2021, 1, 15)
    refused(
        "ended_on", appoint, world, P.VILLAGE_DIRECTOR, started_on=start, ended_on=start - dt.timedelta(1)
    )
    assert appoint(world, P.VILLAGE_DIRECTOR, started_on=start, ended_on=start).pk


@pytest.mark.parametrize("post", [P.VILLAGE_DIRECTOR, P.VILLAGE_COMMITTEE, P.SUPERVISION_CHAIR])
def test_village_committee_posts_belong_to_a_village_or_community_branch(world, post):
    refused("organization", appoint, world, post, organization=world.township_a)
    institution = OrganizationFactory(parent=world.township_a, field=OrganizationField.INSTITUTION)
    refused("organization", appoint, world, post, organization=institution)
    assert appoint(world, post, organization=world.branch_a2).pk  # a community


# --- the supervision chair is independent -----------------------------------------------------------


@pytest.fixture
def village_committee_member(world):
    return CadreFactory(
        organization=world.branch_a1,
        post=P.VILLAGE_COMMITTEE,
        name="孙委员",
        birth_date=D(1970, 3, 3),
        started_on=D(2018, 1, 10),
        ended_on=D(2021, 1, 14),
    )


def test_supervision_chair_cannot_also_sit_on_the_village_committee(world, village_committee_member):
    message = refused(
        "post",
        appoint,
        world,
        P.SUPERVISION_CHAIR,
        name="孙委员",
        birth_date=D(1970, 3, 3),
        started_on=D(2021, 1, 14),
    )
    assert "孙委员" in message and "2021-01-14" in message


def test_supervision_chair_may_follow_a_village_committee_term_the_next_day(world, village_committee_member):
    chair = appoint(
        world, P.SUPERVISION_CHAIR, name="孙委员", birth_date=D(1970, 3, 3), started_on=D(2021, 1, 15)
    )
    assert chair.pk


def test_a_serving_supervision_chair_cannot_take_a_branch_post(world):
    member = MemberFactory(branch=world.branch_a1, name="周监督")
    appoint(world, P.SUPERVISION_CHAIR, member=member, started_on=D(2021, 1, 15))
    refused("post", appoint, world, P.BRANCH_COMMITTEE, member=member, started_on=D(2023, 1, 1))


def test_supervision_chair_check_matches_a_non_member_row_of_the_same_member(world):
    member = MemberFactory(branch=world.branch_a1, name="吴某")
    CadreFactory(
        organization=world.branch_a1, post=P.VILLAGE_COMMITTEE, name="吴某", birth_date=member.birth_date
    )
    refused("post", appoint, world, P.SUPERVISION_CHAIR, member=member)


def test_a_namesake_with_another_birth_date_is_another_person(world, village_committee_member):
    chair = appoint(
        world, P.SUPERVISION_CHAIR, name="孙委员", birth_date=D(1971, 3, 3), started_on=D(2020, 1, 1)
    )
    assert chair.pk


def test_supervision_chair_may_sit_on_another_villages_committee(world, village_committee_member):
    chair = appoint(
        world,
        P.SUPERVISION_CHAIR,
        organization=world.branch_a2,
        name="孙委员",
        birth_date=D(1970, 3, 3),
        started_on=D(2020, 1, 1),
    )
    assert chair.pk


# --- ending a term, editing -------------------------------------------------------------------------


def test_ending_a_term_records_the_day_the_reason_and_who(world):
    cadre = appoint(world, P.VILLAGE_DIRECTOR)
    ended = services.cadre_end_term(
        actor=world.users["staff_a"], cadre=cadre, on=D(2024, 1, 14), reason="换届"
    )
    assert (ended.ended_on, ended.note, ended.version) == (D(2024, 1, 14), "换届", 2)
    assert ended.history.latest().history_user == world.users["staff_a"]
    assert ended.history.count() == 2


def test_ending_a_term_needs_a_reason(world):
    cadre = appoint(world, P.VILLAGE_DIRECTOR)
    refused(
        "reason", services.cadre_end_term, actor=world.users["staff_a"], cadre=cadre, on=today(), reason=" "
    )
    cadre.refresh_from_db()
    assert cadre.ended_on is None


def test_a_term_cannot_end_before_it_started_or_end_twice(world):
    cadre = appoint(world, P.VILLAGE_DIRECTOR, started_on=D(2021, 1, 15))
    end = services.cadre_end_term
    refused("on", end, actor=world.users["staff_a"], cadre=cadre, on=D(2021, 1, 14), reason="辞职")
    end(actor=world.users["staff_a"], cadre=cadre, on=D(2021, 1, 15), reason="辞职")
    message = refused("on", end, actor=world.users["staff_a"], cadre=cadre, on=D(2022, 1, 1), reason="辞职")
    assert "2021-01-15" in message


def test_a_stale_edit_is_refused_and_changes_nothing(world):
    cadre = appoint(world, P.VILLAGE_DIRECTOR)
    services.cadre_update(actor=world.users["staff_a"], cadre=cadre, expected_version=1, phone="1")
    with pytest.raises(StaleWrite):
        services.cadre_update(actor=world.users["staff_a"], cadre=cadre, expected_version=1, phone="2")
    cadre.refresh_from_db()
    assert cadre.phone == "1"


def test_changing_the_member_refreshes_the_identity(world):
    cadre = appoint(world, P.SECRETARY, member=MemberFactory(branch=world.branch_a1))
    other = MemberFactory(branch=world.branch_a1, name="新书记")
    updated = services.cadre_update(actor=world.users["staff_a"], cadre=cadre, member=other)
    assert (updated.name, updated.birth_date) == ("新书记", other.birth_date)


def test_every_write_leaves_a_history_row_with_the_actor(world):
    cadre = appoint(world, P.VILLAGE_DIRECTOR)
    services.cadre_update(actor=world.users["staff_a"], cadre=cadre, phone="13900000000")
    users = {row.history_user for row in cadre.history.all()}
    assert cadre.history.count() == 2 and users == {world.users["staff_a"]}


# --- who may write ----------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["viewer_a", "nobody", "staff_b"])
def test_those_without_records_rights_here_cannot_appoint(world, who):
    with pytest.raises(OutOfScope):
        appoint(world, P.VILLAGE_DIRECTOR, who=who)
    assert not Cadre.objects.exists()


def test_secretary_writes_only_in_own_branch(world):
    assert appoint(world, P.VILLAGE_DIRECTOR, who="secretary_a1").pk
    with pytest.raises(OutOfScope):
        appoint(world, P.VILLAGE_DIRECTOR, who="secretary_a1", organization=world.branch_a2)


def test_township_staff_of_b_cannot_edit_or_end_a_post_in_a(world):
    cadre = appoint(world, P.VILLAGE_DIRECTOR)
    staff_b = world.users["staff_b"]
    with pytest.raises(OutOfScope):
        services.cadre_update(actor=staff_b, cadre=cadre, phone="1")
    with pytest.raises(OutOfScope):
        services.cadre_end_term(actor=staff_b, cadre=cadre, on=today(), reason="换届")
    cadre.refresh_from_db()
    assert cadre.version == 1 and cadre.ended_on is None


def test_moving_a_post_out_of_the_actors_subtree_is_rolled_back(world):
    cadre = appoint(world, P.VILLAGE_DIRECTOR, who="secretary_a1")
    with pytest.raises(OutOfScope):
        services.cadre_update(actor=world.users["secretary_a1"], cadre=cadre, organization=world.branch_a2)
    cadre.refresh_from_db()
    assert cadre.organization == world.branch_a1 and cadre.version == 1
