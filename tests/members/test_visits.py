"""Household visit logs: the date rules, the phone's quick entry, scope, resolving a concern, and the count of
distinct households per cadre and per person in a calendar year."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from branches.models import OrganizationField
from branches.scope.querysets import OutOfScope
from branches.scope.roles import Role
from members.models import CadrePost
from members.models import VisitLog
from members.selectors import visits as selectors
from members.services import visits as services
from partybuild.exceptions import StaleWrite
from tests.utils.factories import MemberFactory
from tests.utils.factories import OrganizationFactory
from tests.utils.factories import StaffRoleFactory
from tests.utils.factories import UserFactory
from tests.utils.factories_cadres import CadreFactory
from tests.utils.factories_visits import VisitLogFactory

pytestmark = pytest.mark.django_db

D = dt.date
P = CadrePost


def record(world, who="staff_a", **data):
    data.setdefault("household_name", "张三")
    return services.visit_record(actor=world.users[who], **data)


def errors_of(raised) -> dict:
    return raised.value.message_dict


@pytest.fixture
def cadre(world):
    return CadreFactory(organization=world.branch_a1, name="赵委员", started_on=D(2021, 1, 15))


# --- date rules ---------------------------------------------------------------------------------------


def test_a_visit_today_is_logged_with_its_branch_key_and_recorder(world, cadre):
    today = timezone.localdate()
    visit = record(world, cadre=cadre, household_name=" 张 三 ", village_group="三组", visited_on=today)
    assert visit.organization == world.branch_a1
    assert visit.household_name == "张 三" and visit.household_key == "三组|张三"
    assert visit.recorded_by == world.users["staff_a"]
    assert visit.history.get().history_user == world.users["staff_a"]


def test_a_visit_in_the_future_is_refused(world, cadre):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    with pytest.raises(ValidationError) as refused:
        record(world, cadre=cadre, visited_on=tomorrow)
    assert "visited_on" in errors_of(refused)
    assert not VisitLog.objects.exists()


def test_a_visit_dated_year_1_is_refused(world, cadre):
    with pytest.raises(ValidationError) as refused:
        record(world, cadre=cadre, visited_on=D(1, 3, 1))
    assert any("1900" in message for message in errors_of(refused)["visited_on"])
    assert not VisitLog.objects.exists()


def test_the_day_before_the_term_started_is_refused_naming_the_term(world, cadre):
    with pytest.raises(ValidationError) as refused:
        record(world, cadre=cadre, visited_on=D(2021, 1, 14))
    message = " ".join(errors_of(refused)["visited_on"])
    assert "赵委员" in message and "2021-01-15" in message


def test_the_day_the_term_started_is_allowed(world, cadre):
    assert record(world, cadre=cadre, visited_on=D(2021, 1, 15)).pk


def test_the_day_after_the_term_ended_is_refused_naming_both_dates(world):
    former = CadreFactory(organization=world.branch_a1, started_on=D(2018, 1, 15), ended_on=D(2021, 1, 14))
    assert record(world, cadre=former, visited_on=D(2021, 1, 14)).pk
    with pytest.raises(ValidationError) as refused:
        record(world, cadre=former, visited_on=D(2021, 1, 15))
    message = " ".join(errors_of(refused)["visited_on"])
    assert "2018-01-15" in message and "2021-01-14" in message


def test_a_concern_cannot_be_resolved_before_the_visit(world, cadre):
    with pytest.raises(ValidationError) as refused:
        record(world, cadre=cadre, visited_on=D(2024, 3, 2), concerns="路灯坏了", resolved_on=D(2024, 3, 1))
    assert "resolved_on" in errors_of(refused)
    assert record(
        world, cadre=cadre, visited_on=D(2024, 3, 2), concerns="路灯坏了", resolved_on=D(2024, 3, 2)
    )


def test_a_resolution_in_the_future_is_refused(world, cadre):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    with pytest.raises(ValidationError) as refused:
        record(world, cadre=cadre, visited_on=D(2024, 3, 2), concerns="路灯坏了", resolved_on=tomorrow)
    assert "resolved_on" in errors_of(refused)


def test_cadres_outside_a_village_or_community_branch_log_no_visits(world):
    institution = OrganizationFactory(parent=world.township_a, field=OrganizationField.INSTITUTION)
    clerk = CadreFactory(organization=institution, post=P.BRANCH_COMMITTEE, member=MemberFactory())
    with pytest.raises(ValidationError) as refused:
        record(world, cadre=clerk, visited_on=D(2024, 3, 1))
    assert "cadre" in errors_of(refused)
    community = CadreFactory(organization=world.branch_a2)
    assert record(world, cadre=community, visited_on=D(2024, 3, 1)).organization == world.branch_a2


def test_a_household_name_is_required(world, cadre):
    with pytest.raises(ValidationError) as refused:
        record(world, cadre=cadre, household_name="  ")
    assert "household_name" in errors_of(refused)


# --- quick entry --------------------------------------------------------------------------------------


def secretary_post(branch, **extra):
    member = MemberFactory(branch=branch, name="钱书记")
    return CadreFactory(organization=branch, post=P.SECRETARY, member=member, **extra)


def test_a_branch_secretary_logs_with_the_household_alone(world):
    post = secretary_post(world.branch_a1)
    visit = services.visit_record(actor=world.users["secretary_a1"], household_name="孙七")
    assert visit.cadre == post and visit.visited_on == timezone.localdate()


def test_quick_entry_ignores_a_secretary_post_that_has_ended(world):
    secretary_post(world.branch_a1, started_on=D(2015, 1, 1), ended_on=D(2020, 12, 31))
    with pytest.raises(ValidationError) as refused:
        services.visit_record(actor=world.users["secretary_a1"], household_name="孙七")
    assert world.branch_a1.name in " ".join(errors_of(refused)["cadre"])


def test_township_staff_must_name_the_cadre(world):
    with pytest.raises(ValidationError) as refused:
        services.visit_record(actor=world.users["staff_a"], household_name="孙七")
    assert errors_of(refused)["cadre"] == [str(services.MESSAGES["cadre_required"])]


def test_the_secretary_of_two_branches_must_name_the_cadre(world):
    StaffRoleFactory(
        user=world.users["secretary_a1"], organization=world.branch_a2, role=Role.BRANCH_SECRETARY
    )
    secretary_post(world.branch_a1)
    with pytest.raises(ValidationError) as refused:
        services.visit_record(actor=world.users["secretary_a1"], household_name="孙七")
    assert "cadre" in errors_of(refused)


def test_a_secretary_may_name_another_cadre_of_the_branch(world, cadre):
    secretary_post(world.branch_a1)
    visit = services.visit_record(actor=world.users["secretary_a1"], cadre=cadre, household_name="孙七")
    assert visit.cadre == cadre


# --- scope --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["staff_b", "viewer_a", "nobody"])
def test_only_writers_of_the_branch_log_its_visits(world, cadre, who):
    with pytest.raises(OutOfScope):
        record(world, who=who, cadre=cadre)
    assert not VisitLog.objects.exists()


def test_a_secretary_cannot_log_for_another_branch(world):
    other = CadreFactory(organization=world.branch_a2)
    with pytest.raises(OutOfScope):
        services.visit_record(actor=world.users["secretary_a1"], cadre=other, household_name="孙七")


def test_moving_a_visit_to_a_cadre_outside_the_scope_is_refused(world, cadre):
    visit = record(world, cadre=cadre, visited_on=D(2024, 3, 1))
    with pytest.raises(OutOfScope):
        services.visit_update(
            actor=world.users["staff_a"], visit=visit, cadre=CadreFactory(organization=world.branch_b1)
        )
    visit.refresh_from_db()
    assert visit.cadre == cadre and visit.version == 1


# --- edits --------------------------------------------------------------------------------------------


def test_an_edit_recomputes_the_household_key_and_the_branch(world, cadre):
    visit = record(world, cadre=cadre, visited_on=D(2024, 3, 1))
    other = CadreFactory(organization=world.branch_a2)
    edited = services.visit_update(
        actor=world.users["staff_a"], visit=visit, cadre=other, village_group="五组", expected_version=1
    )
    assert edited.organization == world.branch_a2 and edited.household_key == "五组|张三"
    assert edited.version == 2 and edited.history.count() == 2


def test_a_stale_edit_is_a_conflict(world, cadre):
    visit = record(world, cadre=cadre, visited_on=D(2024, 3, 1))
    services.visit_update(actor=world.users["staff_a"], visit=visit, concerns="水渠", expected_version=1)
    with pytest.raises(StaleWrite):
        services.visit_update(actor=world.users["staff_a"], visit=visit, concerns="路灯", expected_version=1)


def test_an_edit_keeps_the_date_rules(world, cadre):
    visit = record(world, cadre=cadre, visited_on=D(2024, 3, 1))
    with pytest.raises(ValidationError):
        services.visit_update(actor=world.users["staff_a"], visit=visit, visited_on=D(2020, 1, 1))


def test_deleting_a_visit_leaves_a_history_row(world, cadre):
    visit = record(world, cadre=cadre, visited_on=D(2024, 3, 1))
    services.visit_delete(actor=world.users["staff_a"], visit=visit)
    assert not VisitLog.objects.exists()
    assert VisitLog.history.filter(history_type="-").get().history_user == world.users["staff_a"]


# --- resolving a concern ------------------------------------------------------------------------------


def resolve(world, visit, **data):
    data.setdefault("resolved_on", D(2024, 3, 10))
    data.setdefault("follow_up", "已联系镇水利站修缮")
    return services.visit_resolve(actor=world.users["staff_a"], visit=visit, **data)


def test_resolving_a_concern(world, cadre):
    visit = record(world, cadre=cadre, visited_on=D(2024, 3, 1), concerns="水渠渗漏")
    resolved = resolve(world, visit)
    assert resolved.resolved_on == D(2024, 3, 10) and resolved.follow_up == "已联系镇水利站修缮"
    assert resolved.history.count() == 2


def test_a_concern_is_resolved_on_or_after_the_visit(world, cadre):
    visit = record(world, cadre=cadre, visited_on=D(2024, 3, 1), concerns="水渠渗漏")
    with pytest.raises(ValidationError) as refused:
        resolve(world, visit, resolved_on=D(2024, 2, 29))
    assert "resolved_on" in errors_of(refused)
    assert resolve(world, visit, resolved_on=D(2024, 3, 1)).resolved_on == D(2024, 3, 1)


def test_resolving_needs_a_concern_a_follow_up_and_an_open_visit(world, cadre):
    quiet = record(world, cadre=cadre, visited_on=D(2024, 3, 1))
    with pytest.raises(ValidationError) as refused:
        resolve(world, quiet)
    assert "concerns" in errors_of(refused)
    visit = record(world, cadre=cadre, visited_on=D(2024, 3, 1), concerns="水渠渗漏", household_name="李四")
    with pytest.raises(ValidationError) as refused:
        resolve(world, visit, follow_up=" ")
    assert "follow_up" in errors_of(refused)
    resolve(world, visit)
    with pytest.raises(ValidationError) as refused:
        resolve(world, visit, resolved_on=D(2024, 3, 12))
    assert "2024-03-10" in " ".join(errors_of(refused)["resolved_on"])


def test_another_township_cannot_resolve(world, cadre):
    visit = record(world, cadre=cadre, visited_on=D(2024, 3, 1), concerns="水渠渗漏")
    with pytest.raises(OutOfScope):
        services.visit_resolve(
            actor=world.users["staff_b"], visit=visit, resolved_on=D(2024, 3, 10), follow_up="已处理"
        )


# --- distinct households ------------------------------------------------------------------------------


def counts(organizations, year):
    return {
        row.pk: row for row in selectors.distinct_households_by_cadre(organizations=organizations, year=year)
    }


def visit(cadre, name, day, group="一组", **extra):
    return VisitLogFactory(cadre=cadre, household_name=name, village_group=group, visited_on=day, **extra)


def test_the_same_household_twice_in_a_year_counts_once(world, cadre):
    visit(cadre, "张三", D(2024, 3, 1))
    visit(cadre, "张三", D(2024, 9, 1))
    visit(cadre, "李四", D(2024, 9, 1))
    row = counts([world.branch_a1], 2024)[cadre.pk]
    assert (row.households, row.visit_count) == (2, 3)


def test_spaces_and_full_width_forms_do_not_make_a_new_household(world, cadre):
    visit(cadre, "张三", D(2024, 3, 1), group="1组")
    visit(cadre, " 张　三 ", D(2024, 4, 1), group="１组")
    visit(cadre, "张三", D(2024, 5, 1), group=" 1 组")
    assert counts([world.branch_a1], 2024)[cadre.pk].households == 1


def test_the_same_name_in_another_village_group_is_another_household(world, cadre):
    visit(cadre, "张三", D(2024, 3, 1), group="一组")
    visit(cadre, "张三", D(2024, 3, 1), group="二组")
    assert counts([world.branch_a1], 2024)[cadre.pk].households == 2


def test_31_december_counts_for_its_year_and_1_january_for_the_next(world, cadre):
    visit(cadre, "张三", D(2023, 12, 31))
    visit(cadre, "李四", D(2024, 1, 1))
    visit(cadre, "王五", D(2024, 12, 31))
    visit(cadre, "赵六", D(2025, 1, 1))
    assert counts([world.branch_a1], 2023)[cadre.pk].households == 1
    assert counts([world.branch_a1], 2024)[cadre.pk].households == 2
    assert counts([world.branch_a1], 2025)[cadre.pk].households == 1


def test_the_same_household_in_two_years_counts_once_in_each(world, cadre):
    visit(cadre, "张三", D(2023, 6, 1))
    visit(cadre, "张三", D(2024, 6, 1))
    assert counts([world.branch_a1], 2023)[cadre.pk].households == 1
    assert counts([world.branch_a1], 2024)[cadre.pk].households == 1


def test_two_cadres_visiting_the_same_household_each_count_it(world, cadre):
    other = CadreFactory(organization=world.branch_a1, post=P.VILLAGE_DIRECTOR)
    visit(cadre, "张三", D(2024, 3, 1))
    visit(other, "张三", D(2024, 3, 1))
    rows = counts([world.branch_a1], 2024)
    assert rows[cadre.pk].households == rows[other.pk].households == 1


def test_open_concerns_are_raised_and_unresolved(world, cadre):
    visit(cadre, "张三", D(2024, 3, 1), concerns="路灯")
    visit(cadre, "李四", D(2024, 3, 1), concerns="水渠", resolved_on=D(2024, 3, 5))
    visit(cadre, "王五", D(2024, 3, 1))
    visit(cadre, "赵六", D(2023, 3, 1), concerns="去年的")
    assert counts([world.branch_a1], 2024)[cadre.pk].open_concerns == 1


def test_quota_cadres_without_visits_are_listed_with_zero_and_others_only_when_they_visited(world, cadre):
    first_secretary = CadreFactory(
        organization=world.branch_a1, post=P.FIRST_SECRETARY, member=MemberFactory(), sending_unit="县农业局"
    )
    gone = CadreFactory(organization=world.branch_a1, started_on=D(2015, 1, 1), ended_on=D(2023, 12, 31))
    rows = counts([world.branch_a1], 2024)
    assert rows[cadre.pk].households == 0 and selectors.target_for(rows[cadre.pk]) == 50
    assert first_secretary.pk not in rows and gone.pk not in rows
    visit(first_secretary, "张三", D(2024, 3, 1))
    rows = counts([world.branch_a1], 2024)
    assert rows[first_secretary.pk].households == 1 and selectors.target_for(rows[first_secretary.pk]) is None


def test_counts_take_one_query_whatever_the_number_of_cadres(world, django_assert_num_queries):
    for branch in (world.branch_a1, world.branch_a2):
        for n in range(4):
            visit(CadreFactory(organization=branch), f"户{n}", D(2024, 3, 1))
    with django_assert_num_queries(1):
        rows = list(
            selectors.distinct_households_by_cadre(
                organizations=[world.branch_a1, world.branch_a2], year=2024
            )
        )
        assert [row.organization.name for row in rows]
    with django_assert_num_queries(1):
        assert len(selectors.distinct_households_by_person(organizations=[world.branch_a1], year=2024)) == 4


# --- one person, two posts (一肩挑) ---------------------------------------------------------------------


@pytest.fixture
def one_shoulder(world):
    member = MemberFactory(branch=world.branch_a1, name="钱书记")
    secretary = CadreFactory(organization=world.branch_a1, post=P.SECRETARY, member=member)
    director = CadreFactory(organization=world.branch_a1, post=P.VILLAGE_DIRECTOR, member=member)
    return secretary, director


def test_a_secretary_director_is_one_person_with_one_set_of_households(world, one_shoulder):
    secretary, director = one_shoulder
    visit(secretary, "张三", D(2024, 3, 1))
    visit(secretary, "李四", D(2024, 3, 1))
    visit(director, "张三", D(2024, 5, 1))
    visit(director, "王五", D(2024, 5, 1))
    rows = counts([world.branch_a1], 2024)
    assert rows[secretary.pk].households == rows[director.pk].households == 2
    assert rows[secretary.pk].person_households == rows[director.pk].person_households == 3
    (person,) = selectors.distinct_households_by_person(organizations=[world.branch_a1], year=2024)
    assert person.name == "钱书记" and [row.post for row in person.posts] == [P.SECRETARY, P.VILLAGE_DIRECTOR]
    assert (person.households, person.visit_count, person.target, person.met) == (3, 4, 50, False)


def test_a_non_member_post_row_of_the_same_person_merges_by_name_and_birth_date(world, one_shoulder):
    secretary, _director = one_shoulder
    committee = CadreFactory(
        organization=world.branch_a1,
        post=P.VILLAGE_COMMITTEE,
        name=secretary.name,
        birth_date=secretary.birth_date,
    )
    visit(committee, "赵六", D(2024, 3, 1))
    visit(secretary, "张三", D(2024, 3, 1))
    (person,) = selectors.distinct_households_by_person(organizations=[world.branch_a1], year=2024)
    assert len(person.posts) == 3 and person.households == 2


def test_two_people_of_one_village_stay_two(world, cadre, one_shoulder):
    visit(cadre, "张三", D(2024, 3, 1))
    people = selectors.distinct_households_by_person(organizations=[world.branch_a1], year=2024)
    assert sorted(person.households for person in people) == [0, 1]


def test_fifty_households_meet_the_target(world, cadre):
    for n in range(50):
        visit(cadre, f"户{n}", D(2024, 1, 1) + dt.timedelta(days=n))
    (person,) = selectors.distinct_households_by_person(organizations=[world.branch_a1], year=2024)
    assert person.households == 50 and person.met is True


# --- pace ---------------------------------------------------------------------------------------------


def test_pace_projects_the_households_so_far_over_the_whole_year():
    assert selectors.projected_households(25, year=2023, on=D(2023, 7, 2)) == pytest.approx(25 * 365 / 183)
    assert selectors.projected_households(1, year=2024, on=D(2024, 1, 1)) == 366
    assert selectors.projected_households(40, year=2024, on=D(2024, 12, 31)) == 40
    assert selectors.projected_households(40, year=2024, on=D(2025, 3, 1)) == 40
    assert selectors.projected_households(0, year=2025, on=D(2024, 12, 31)) == 0


def test_projected_short_of_fifty():
    assert selectors.projected_short(24, year=2023, on=D(2023, 7, 2))
    assert not selectors.projected_short(26, year=2023, on=D(2023, 7, 2))
    assert selectors.projected_short(49, year=2023, on=D(2023, 12, 31))


def test_a_user_with_no_roles_has_no_secretary_post(world):
    assert selectors.own_secretary_post(UserFactory(), timezone.localdate()).branch is None
