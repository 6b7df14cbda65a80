"""The village reserve cadre roster (后备干部): entry, promotion, removal, youth, API and admin."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from branches.models import Organization
from branches.models import OrganizationField
from branches.scope.querysets import OutOfScope
from members.models import Cadre
from members.models import CadrePost
from members.models import MemberCategory
from members.models import PoliticalStatus
from members.models import ReserveCadre
from members.models import ReserveStatus
from members.selectors.cadres import village_youth
from members.selectors.cadres import years_before
from members.selectors.cadres import young_born_after
from members.services import cadres as services
from tests.utils.api import assert_action_hidden
from tests.utils.api import result_ids
from tests.utils.factories import MemberFactory
from tests.utils.factories import OrganizationFactory
from tests.utils.factories_cadres import CadreFactory
from tests.utils.factories_cadres import ReserveCadreFactory
from tests.utils.factories_entry import reserve_form
from tests.utils.scope_records import OrganizationRecordScopeSuite

pytestmark = pytest.mark.django_db

D = dt.date
P = CadrePost


def today():
    return timezone.localdate()


def person(**overrides):
    data = {
        "name": "刘后备",
        "gender": "male",
        "birth_date": D(1995, 6, 1),
        "education": "junior_college",
        "political_status": PoliticalStatus.LEAGUE,
        "source": "returning_youth",
        "entered_on": D(2023, 3, 1),
    }
    return {**data, **overrides}


def enter(world, *, who="staff_a", organization=None, **data):
    return services.reserve_enter(
        actor=world.users[who], organization=organization or world.branch_a1, **person(**data)
    )


def refused(field, call, *args, **kwargs) -> str:
    with pytest.raises(ValidationError) as caught:
        call(*args, **kwargs)
    assert field in caught.value.message_dict, caught.value.message_dict
    return " ".join(caught.value.message_dict[field])


def refused_to_staff(world, field, service, reserve, **data) -> str:
    """``service`` called by staff_a on ``reserve`` with ``data`` is refused naming ``field``."""
    return refused(field, service, actor=world.users["staff_a"], reserve=reserve, **data)


# --- entering the roster ----------------------------------------------------------------------------


def test_village_and_community_branches_keep_a_roster(world):
    assert enter(world).status == ReserveStatus.IN_ROSTER
    assert enter(world, organization=world.branch_a2).organization == world.branch_a2


def test_a_committee_or_an_institution_branch_keeps_no_roster(world):
    refused("organization", enter, world, organization=world.township_a)
    institution = OrganizationFactory(parent=world.township_a, field=OrganizationField.INSTITUTION)
    refused("organization", enter, world, organization=institution)
    assert not ReserveCadre.objects.exists()


def test_a_linked_member_supplies_the_person(world):
    member = MemberFactory(branch=world.branch_a1, name="党员后备", category=MemberCategory.PROBATIONARY)
    reserve = enter(world, member=member, name="", birth_date=D(2000, 1, 1))
    assert (reserve.name, reserve.birth_date) == ("党员后备", member.birth_date)
    assert reserve.political_status == PoliticalStatus.PROBATIONARY


def test_the_roster_date_cannot_be_in_the_future_or_before_birth(world):
    refused("entered_on", enter, world, entered_on=today() + dt.timedelta(days=1))
    refused("entered_on", enter, world, birth_date=D(1995, 6, 1), entered_on=D(1995, 6, 1))
    assert enter(world, entered_on=today()).pk


def test_the_same_person_cannot_be_on_a_roster_twice(world):
    enter(world)
    message = refused("name", enter, world)
    assert "刘后备" in message
    assert enter(world, birth_date=D(1996, 6, 1)).pk  # a namesake


def test_status_changes_only_through_promotion_or_removal(world):
    refused("status", enter, world, status=ReserveStatus.PROMOTED)
    reserve = enter(world)
    refused_to_staff(world, "removed_reason", services.reserve_update, reserve, removed_reason="x")


def test_trainings_attended_is_kept_and_edits_leave_history(world):
    reserve = enter(world)
    updated = services.reserve_update(
        actor=world.users["staff_a"], reserve=reserve, trainings_attended=3, mentor="镇党委委员甲"
    )
    assert (updated.trainings_attended, updated.version) == (3, 2)
    assert [row.history_user for row in updated.history.all()] == [world.users["staff_a"]] * 2


# --- promotion --------------------------------------------------------------------------------------


def test_promoting_a_member_appoints_the_post_in_the_same_step(world):
    member = MemberFactory(branch=world.branch_a1)
    reserve = enter(world, member=member)
    promoted = services.reserve_promote(
        actor=world.users["staff_a"], reserve=reserve, post=P.BRANCH_COMMITTEE, on=D(2024, 1, 15)
    )
    assert (promoted.status, promoted.promoted_post, promoted.promoted_on) == (
        ReserveStatus.PROMOTED,
        P.BRANCH_COMMITTEE,
        D(2024, 1, 15),
    )
    cadre = Cadre.objects.get()
    assert (cadre.member, cadre.post, cadre.started_on, cadre.organization) == (
        member,
        P.BRANCH_COMMITTEE,
        D(2024, 1, 15),
        world.branch_a1,
    )


def test_a_refused_appointment_leaves_the_reserve_unchanged(world):
    CadreFactory(
        organization=world.branch_a1,
        post=P.SECRETARY,
        member=MemberFactory(branch=world.branch_a1, name="现任书记"),
    )
    reserve = enter(world, member=MemberFactory(branch=world.branch_a1))
    before = ReserveCadre.objects.filter(pk=reserve.pk).values().get()
    message = refused_to_staff(world, "on", services.reserve_promote, reserve, post=P.SECRETARY, on=today())
    assert "现任书记" in message
    assert ReserveCadre.objects.filter(pk=reserve.pk).values().get() == before
    assert reserve.history.count() == 1 and Cadre.objects.count() == 1


def test_a_non_member_promoted_to_the_village_committee_holds_the_post_by_name(world):
    reserve = enter(world)
    services.reserve_promote(
        actor=world.users["staff_a"], reserve=reserve, post=P.VILLAGE_COMMITTEE, on=today()
    )
    cadre = Cadre.objects.get()
    assert (cadre.member, cadre.name, cadre.birth_date) == (None, "刘后备", D(1995, 6, 1))


def test_a_reserve_without_a_member_record_cannot_be_promoted_to_a_member_post(world):
    reserve = enter(world)
    refused_to_staff(world, "post", services.reserve_promote, reserve, post=P.SECRETARY, on=today())
    reserve.refresh_from_db()
    assert reserve.status == ReserveStatus.IN_ROSTER and not Cadre.objects.exists()


def test_promotion_date_between_entry_and_today(world):
    reserve = enter(world, entered_on=D(2023, 3, 1))
    promote = services.reserve_promote
    actor = world.users["staff_a"]
    refused("on", promote, actor=actor, reserve=reserve, post=P.VILLAGE_COMMITTEE, on=D(2023, 2, 28))
    refused(
        "on", promote, actor=actor, reserve=reserve, post=P.VILLAGE_COMMITTEE, on=today() + dt.timedelta(1)
    )
    assert promote(actor=actor, reserve=reserve, post=P.VILLAGE_COMMITTEE, on=D(2023, 3, 1)).promoted_on == D(
        2023, 3, 1
    )


def test_only_someone_on_the_roster_can_be_promoted_or_removed(world):
    reserve = enter(world)
    actor = world.users["staff_a"]
    services.reserve_remove(actor=actor, reserve=reserve, on=today(), reason="外出经商")
    refused(
        "status", services.reserve_promote, actor=actor, reserve=reserve, post=P.VILLAGE_COMMITTEE, on=today()
    )
    refused("status", services.reserve_remove, actor=actor, reserve=reserve, on=today(), reason="再次")


# --- removal ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("reason", ["", "   ", None])
def test_removal_needs_a_reason(world, reason):
    reserve = enter(world)
    refused_to_staff(world, "reason", services.reserve_remove, reserve, on=today(), reason=reason)
    reserve.refresh_from_db()
    assert reserve.status == ReserveStatus.IN_ROSTER and reserve.version == 1


def test_removal_records_day_reason_and_who(world):
    reserve = enter(world)
    removed = services.reserve_remove(
        actor=world.users["staff_a"], reserve=reserve, on=D(2024, 5, 1), reason="外出务工"
    )
    assert (removed.status, removed.removed_on, removed.removed_reason) == (
        ReserveStatus.REMOVED,
        D(2024, 5, 1),
        "外出务工",
    )
    assert removed.history.latest().history_user == world.users["staff_a"]


# --- who may write ----------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["viewer_a", "nobody", "staff_b"])
def test_those_without_records_rights_here_cannot_enter(world, who):
    with pytest.raises(OutOfScope):
        enter(world, who=who)


def test_secretary_keeps_only_own_branchs_roster(world):
    assert enter(world, who="secretary_a1").pk
    with pytest.raises(OutOfScope):
        enter(world, who="secretary_a1", organization=world.branch_a2)


def test_staff_of_township_b_cannot_promote_or_remove_in_a(world):
    reserve = enter(world)
    staff_b = world.users["staff_b"]
    with pytest.raises(OutOfScope):
        services.reserve_promote(actor=staff_b, reserve=reserve, post=P.VILLAGE_COMMITTEE, on=today())
    with pytest.raises(OutOfScope):
        services.reserve_remove(actor=staff_b, reserve=reserve, on=today(), reason="x")
    reserve.refresh_from_db()
    assert reserve.status == ReserveStatus.IN_ROSTER


# --- youth (quota reserve.young) --------------------------------------------------------------------


def test_young_means_35_or_less_and_the_36th_birthday_is_no_longer_young():
    on = D(2024, 6, 1)
    assert young_born_after(on) == D(1988, 6, 1)  # born 1988-06-01 turns 36 that day


def test_years_before_29_february_falls_on_28_february():
    assert years_before(D(2024, 2, 29), 1) == D(2023, 2, 28)
    assert young_born_after(D(2024, 2, 29)) == D(1988, 2, 29)  # 1988 is a leap year too


def youth(world, on, organizations=None):
    queryset = Organization.objects.filter(pk__in=[o.pk for o in (organizations or [world.branch_a1])])
    return {o.pk: (o.young_reserves, o.young_in_team) for o in village_youth(organizations=queryset, on=on)}


def test_reserve_turning_36_on_the_day_no_longer_counts(world):
    on = D(2024, 6, 1)
    ReserveCadreFactory(organization=world.branch_a1, birth_date=D(1988, 6, 2))  # 35 on the day
    ReserveCadreFactory(organization=world.branch_a1, birth_date=D(1988, 6, 1))  # 36 on the day
    assert youth(world, on)[world.branch_a1.pk] == (1, False)
    assert youth(world, on - dt.timedelta(days=1))[world.branch_a1.pk] == (2, False)


def test_only_those_on_the_roster_that_day_count(world):
    on = D(2024, 6, 1)
    young = D(1995, 1, 1)
    ReserveCadreFactory(organization=world.branch_a1, birth_date=young, entered_on=on + dt.timedelta(1))
    ReserveCadreFactory(
        organization=world.branch_a1,
        birth_date=young,
        status=ReserveStatus.PROMOTED,
        promoted_post=P.VILLAGE_COMMITTEE,
        promoted_on=on,
    )
    ReserveCadreFactory(
        organization=world.branch_a1,
        birth_date=young,
        status=ReserveStatus.REMOVED,
        removed_on=on + dt.timedelta(1),
        removed_reason="外出",
    )
    assert youth(world, on)[world.branch_a1.pk] == (1, False)  # only the one removed later


def test_the_two_committee_team_has_a_member_of_35_or_less(world):
    on = D(2024, 6, 1)
    CadreFactory(organization=world.branch_a1, post=P.VILLAGE_COMMITTEE, birth_date=D(1988, 6, 1))
    CadreFactory(organization=world.branch_a2, post=P.VILLAGE_COMMITTEE, birth_date=D(1988, 6, 2))
    CadreFactory(organization=world.branch_b1, post=P.FIRST_SECRETARY, birth_date=D(1995, 1, 1), member=None)
    found = youth(world, on, [world.branch_a1, world.branch_a2, world.branch_b1])
    assert found == {
        world.branch_a1.pk: (0, False),
        world.branch_a2.pk: (0, True),
        world.branch_b1.pk: (0, False),
    }


def test_an_ended_team_post_does_not_make_the_team_young(world):
    on = D(2024, 6, 1)
    CadreFactory(organization=world.branch_a1, birth_date=D(1995, 1, 1), ended_on=on - dt.timedelta(1))
    assert youth(world, on)[world.branch_a1.pk] == (0, False)


def test_village_youth_is_one_query_for_any_number_of_villages(world):
    villages = [OrganizationFactory(parent=world.township_a) for _ in range(6)]
    for village in villages:
        ReserveCadreFactory(organization=village)
        CadreFactory(organization=village, birth_date=D(1999, 1, 1))
    with CaptureQueriesContext(connection) as queries:
        found = youth(world, D(2024, 6, 1), villages)
    assert len(queries) == 1
    assert set(found.values()) == {(1, True)}


# --- the API ----------------------------------------------------------------------------------------


# The reserve cadre of ``person()`` as the API and the admin's form take him.
RETURNING_YOUTH = {
    "name": "刘后备",
    "gender": "male",
    "birth_date": "1995-06-01",
    "education": "junior_college",
    "political_status": "league",
    "source": "returning_youth",
    "entered_on": "2023-03-01",
}


class TestReserveCadreScope(OrganizationRecordScopeSuite):
    basename = "reservecadre"
    factory = ReserveCadreFactory
    create_fields = RETURNING_YOUTH


def test_reserve_filters(world):
    born_after = young_born_after(today())
    young = ReserveCadreFactory(
        organization=world.branch_a1, birth_date=born_after + dt.timedelta(1), name="小张"
    )
    turning_36 = ReserveCadreFactory(organization=world.branch_a1, birth_date=born_after, source="graduate")
    removed = ReserveCadreFactory(
        organization=world.branch_a2,
        status=ReserveStatus.REMOVED,
        removed_on=D(2024, 1, 1),
        removed_reason="外出",
    )
    client = world.client("staff_a")
    url = reverse("reservecadre-list")
    assert result_ids(client.get(url, {"young": "true"})) == {young.pk, removed.pk}
    assert result_ids(client.get(url, {"young": "false"})) == {turning_36.pk}
    assert result_ids(client.get(url, {"status": "removed"})) == {removed.pk}
    assert result_ids(client.get(url, {"source": "graduate"})) == {turning_36.pk}
    assert result_ids(client.get(url, {"search": "小张"})) == {young.pk}
    assert result_ids(client.get(url, {"organization": world.branch_a2.pk})) == {removed.pk}
    assert result_ids(client.get(url, {"within": world.township_a.pk})) == {
        young.pk,
        turning_36.pk,
        removed.pk,
    }
    rows = {row["id"]: row for row in client.get(url).json()["results"]}
    assert rows[young.pk]["is_young"] is True and rows[turning_36.pk]["is_young"] is False


def test_promote_and_remove_actions(world):
    member = MemberFactory(branch=world.branch_a1)
    first = ReserveCadreFactory(organization=world.branch_a1, member=member, name=member.name)
    second = ReserveCadreFactory(organization=world.branch_a1)
    client = world.client("secretary_a1")
    promoted = client.post(
        reverse("reservecadre-promote", args=[first.pk]), {"post": "deputy_secretary", "on": "2024-01-15"}
    )
    assert promoted.status_code == 200, promoted.content
    assert promoted.json()["status"] == "promoted"
    assert Cadre.objects.get().post == P.DEPUTY_SECRETARY
    no_reason = client.post(reverse("reservecadre-remove", args=[second.pk]), {"on": "2024-01-15"})
    assert no_reason.status_code == 400 and "reason" in no_reason.json()
    blank_reason = client.post(
        reverse("reservecadre-remove", args=[second.pk]), {"on": "2024-01-15", "reason": " "}
    )
    assert blank_reason.status_code == 400
    removed = client.post(
        reverse("reservecadre-remove", args=[second.pk]), {"on": "2024-01-15", "reason": "参军"}
    )
    assert removed.status_code == 200 and removed.json()["removed_reason"] == "参军"


def test_a_refused_promotion_is_a_400_and_changes_nothing(world):
    reserve = ReserveCadreFactory(organization=world.branch_a1)
    response = world.client("staff_a").post(
        reverse("reservecadre-promote", args=[reserve.pk]), {"post": "secretary", "on": "2024-01-15"}
    )
    assert response.status_code == 400 and "post" in response.json()
    reserve.refresh_from_db()
    assert reserve.status == ReserveStatus.IN_ROSTER and reserve.version == 1


def test_viewer_cannot_promote_or_remove(world):
    reserve = ReserveCadreFactory(organization=world.branch_a1)
    client = world.client("viewer_a")
    promote = client.post(
        reverse("reservecadre-promote", args=[reserve.pk]), {"post": "village_committee", "on": "2024-01-15"}
    )
    remove = client.post(
        reverse("reservecadre-remove", args=[reserve.pk]), {"on": "2024-01-15", "reason": "x"}
    )
    assert (promote.status_code, remove.status_code) == (403, 403)
    assert not Cadre.objects.exists()


def test_foreign_reserve_actions_answer_404(world):
    reserve = ReserveCadreFactory(organization=world.branch_b1)
    removal = {"on": "2024-01-15", "reason": "x"}
    assert_action_hidden(world.client("staff_a"), "reservecadre-remove", reserve, removal)


def test_status_cannot_be_patched(world):
    reserve = ReserveCadreFactory(organization=world.branch_a1)
    url = reverse("reservecadre-detail", args=[reserve.pk])
    response = world.client("staff_a").patch(
        url, {"status": "promoted", "trainings_attended": 2}, format="json"
    )
    assert response.status_code == 200
    reserve.refresh_from_db()
    assert reserve.status == ReserveStatus.IN_ROSTER and reserve.trainings_attended == 2


# --- admin ------------------------------------------------------------------------------------------


def test_admin_enters_through_the_service_and_shows_rules_beside_the_form(world):
    client = Client()
    client.force_login(world.users["staff_a"])
    payload = reserve_form(world.township_a, **RETURNING_YOUTH)
    url = reverse("admin:members_reservecadre_add")
    refused_answer = client.post(url, payload)
    assert refused_answer.status_code == 200 and not ReserveCadre.objects.exists()
    response = client.post(url, {**payload, "organization": world.branch_a1.pk})
    assert response.status_code == 302, response.content.decode()[:3000]
    assert ReserveCadre.objects.get().history.latest().history_user == world.users["staff_a"]
    changelist = client.get(reverse("admin:members_reservecadre_changelist"), {"young": "yes"})
    assert "刘后备" in changelist.content.decode()


def test_reserve_phones_are_masked_for_everyone(world):
    reserve = ReserveCadreFactory(organization=world.branch_a1, phone="13812345678")
    url = reverse("reservecadre-detail", args=[reserve.pk])
    assert world.client("county_admin").get(url).json()["phone"] == "138****5678"
    assert world.client("secretary_a1").get(url).json()["phone"] == "138****5678"
