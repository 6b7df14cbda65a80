"""The services of an organization's own records: every rule at its boundary, scope, history."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from branches.models import ActivityRoom
from branches.models import FinancialDisclosure
from branches.models import OrganizationKind
from branches.models import ReviewRecord
from branches.models import RoomInvestment
from branches.models import StandardizedRoomTarget
from branches.scope.querysets import OutOfScope
from branches.services import records as services
from partybuild.exceptions import StaleWrite
from tests.utils.factories import OrganizationFactory
from tests.utils.factories_records import ActivityRoomFactory
from tests.utils.factories_records import FinancialDisclosureFactory
from tests.utils.factories_records import ReviewRecordFactory
from tests.utils.factories_records import RoomInvestmentFactory
from tests.utils.factories_records import StandardizedRoomTargetFactory

pytestmark = pytest.mark.django_db

D = dt.date
FIRST, SECOND = 1, 2


def today():
    return timezone.localdate()


def tomorrow():
    return today() + dt.timedelta(days=1)


def refused_fields(call) -> set:
    with pytest.raises(ValidationError) as caught:
        call()
    return set(caught.value.message_dict)


# --- activity rooms -------------------------------------------------------------------------------------


def room(world, who="staff_a", **data):
    values = {"name": "党员活动室", "area_m2": Decimal("90")} | data
    organization = values.pop("organization", world.branch_a1)
    return services.activity_room_create(actor=world.users[who], organization=organization, **values)


def test_a_standardized_room_needs_its_certification_date(world):
    assert refused_fields(lambda: room(world, is_standardized=True)) == {"standardized_on"}
    certified = room(world, is_standardized=True, standardized_on=today())
    assert certified.is_standardized and certified.history.get().history_user == world.users["staff_a"]


def test_a_room_cannot_be_certified_tomorrow(world):
    assert refused_fields(lambda: room(world, is_standardized=True, standardized_on=tomorrow())) == {
        "standardized_on"
    }


def test_two_rooms_of_one_organization_need_different_names(world):
    room(world)
    assert refused_fields(lambda: room(world)) == {"name"}
    room(world, organization=world.branch_a2)
    assert ActivityRoom.objects.count() == 2


def test_secretary_registers_rooms_of_the_own_branch_only(world):
    room(world, who="secretary_a1")
    with pytest.raises(OutOfScope):
        room(world, who="secretary_a1", organization=world.branch_a2)
    with pytest.raises(OutOfScope):
        room(world, who="viewer_a")


def test_moving_a_room_out_of_scope_is_rolled_back(world):
    own = room(world)
    with pytest.raises(OutOfScope):
        services.activity_room_update(
            actor=world.users["staff_a"], activity_room=own, organization=world.branch_b1
        )
    own.refresh_from_db()
    assert own.organization == world.branch_a1 and own.version == 1


def test_a_stale_room_edit_changes_nothing(world):
    own = room(world)
    services.activity_room_update(
        actor=world.users["staff_a"], activity_room=own, expected_version=1, address="一楼"
    )
    with pytest.raises(StaleWrite):
        services.activity_room_update(
            actor=world.users["staff_a"], activity_room=own, expected_version=1, address="二楼"
        )
    own.refresh_from_db()
    assert (own.address, own.version) == ("一楼", 2)


def test_a_room_is_deleted_only_without_investments(world):
    investment = RoomInvestmentFactory(room__organization=world.branch_a1)
    with pytest.raises(ValidationError):
        services.activity_room_delete(actor=world.users["staff_a"], activity_room=investment.room)
    services.room_investment_delete(actor=world.users["staff_a"], room_investment=investment)
    services.activity_room_delete(actor=world.users["staff_a"], activity_room=investment.room)
    assert not ActivityRoom.objects.exists()
    assert RoomInvestment.history.get(history_type="-").history_user == world.users["staff_a"]


# --- investments ----------------------------------------------------------------------------------------


def invest(world, who="staff_a", **data):
    values = {
        "amount_yuan": Decimal("100.00"),
        "source": "village",
        "invested_on": D(2024, 3, 1),
        "purpose": "修缮屋顶",
    } | data
    target_room = values.pop("room", None) or ActivityRoomFactory(organization=world.branch_a1)
    return services.room_investment_add(actor=world.users[who], room=target_room, **values)


@pytest.mark.parametrize("amount", ["0", "0.00", "-5"])
def test_an_investment_must_be_more_than_zero(world, amount):
    assert refused_fields(lambda: invest(world, amount_yuan=Decimal(amount))) == {"amount_yuan"}


def test_the_smallest_investment_is_one_fen(world):
    assert invest(world, amount_yuan=Decimal("0.01")).amount_yuan == Decimal("0.01")


def test_an_investment_dated_today_is_allowed_tomorrow_refused(world):
    assert invest(world, invested_on=today()).pk
    assert refused_fields(lambda: invest(world, invested_on=tomorrow())) == {"invested_on"}


def test_investing_in_a_foreign_room_is_refused(world):
    foreign = ActivityRoomFactory(organization=world.branch_b1)
    with pytest.raises(OutOfScope):
        invest(world, room=foreign)
    assert not RoomInvestment.objects.exists()


def test_moving_an_investment_to_a_foreign_room_is_rolled_back(world):
    investment = invest(world)
    foreign = ActivityRoomFactory(organization=world.branch_b1)
    with pytest.raises(OutOfScope):
        services.room_investment_update(
            actor=world.users["staff_a"], room_investment=investment, room=foreign
        )
    investment.refresh_from_db()
    assert investment.room.organization == world.branch_a1


def test_an_investment_edit_is_checked_and_recorded(world):
    investment = invest(world)
    with pytest.raises(ValidationError):
        services.room_investment_update(
            actor=world.users["secretary_a1"], room_investment=investment, amount_yuan=Decimal("0")
        )
    services.room_investment_update(
        actor=world.users["secretary_a1"], room_investment=investment, amount_yuan=Decimal("250")
    )
    assert investment.history.latest().history_user == world.users["secretary_a1"]


# --- targets --------------------------------------------------------------------------------------------


def set_target(world, who="county_admin", organization=None, year=2024, target=15):
    return services.room_target_set(
        actor=world.users[who], organization=organization or world.township_a, year=year, target=target
    )


def test_county_admin_sets_a_township_target_with_history(world):
    target = set_target(world)
    assert target.history.get().history_user == world.users["county_admin"]


def test_a_street_committee_takes_a_target_too(world):
    street = OrganizationFactory(kind=OrganizationKind.STREET_COMMITTEE, field="", parent=world.county)
    assert set_target(world, organization=street).pk


@pytest.mark.parametrize("who", ["staff_a", "secretary_a1", "viewer_a", "nobody"])
def test_only_a_county_admin_sets_targets(world, who):
    with pytest.raises(OutOfScope):
        set_target(world, who=who)
    assert not StandardizedRoomTarget.objects.exists()


def test_a_county_admin_sets_no_target_in_another_county(world):
    with pytest.raises(OutOfScope):
        set_target(world, organization=world.township_z)


@pytest.mark.parametrize("place", ["county", "branch_a1"])
def test_targets_are_set_on_townships_and_streets_only(world, place):
    assert refused_fields(lambda: set_target(world, organization=getattr(world, place))) == {"organization"}


def test_one_target_per_township_and_year(world):
    set_target(world, year=2024)
    with pytest.raises(ValidationError) as caught:
        set_target(world, year=2024, target=10)
    assert world.township_a.name in caught.value.message_dict["year"][0]
    assert set_target(world, year=2025).pk


def test_township_staff_cannot_change_or_delete_a_target(world):
    target = set_target(world)
    with pytest.raises(OutOfScope):
        services.room_target_update(actor=world.users["staff_a"], room_target=target, target=1)
    with pytest.raises(OutOfScope):
        services.room_target_delete(actor=world.users["staff_a"], room_target=target)
    target.refresh_from_db()
    assert target.target == 15


def test_moving_a_target_onto_an_existing_years_target_is_refused(world):
    StandardizedRoomTargetFactory(organization=world.township_b, year=2024)
    target = set_target(world, year=2024)
    with pytest.raises(ValidationError):
        services.room_target_update(
            actor=world.users["county_admin"], room_target=target, organization=world.township_b
        )


# --- reports and reviews --------------------------------------------------------------------------------


def review(world, who="staff_a", **data):
    values = {
        "kind": "member_review",
        "held_on": D(2024, 12, 20),
        "topic": "年度民主评议村委会干部",
        "participants": 30,
    } | data
    organization = values.pop("organization", world.branch_a1)
    return services.review_record_create(actor=world.users[who], organization=organization, **values)


def test_satisfied_votes_may_equal_the_participants_but_not_exceed_them(world):
    assert review(world, satisfied=30).satisfied == 30
    assert refused_fields(lambda: review(world, satisfied=31, held_on=D(2024, 12, 21))) == {"satisfied"}


def test_a_review_held_today_is_allowed_tomorrow_refused(world):
    assert review(world, held_on=today()).pk
    assert refused_fields(lambda: review(world, held_on=tomorrow())) == {"held_on"}


def test_the_same_report_twice_on_one_day_is_a_double_entry(world):
    review(world, kind="committee_report")
    with pytest.raises(ValidationError) as caught:
        review(world, kind="committee_report")
    assert world.branch_a1.name in caught.value.message_dict["held_on"][0]
    assert review(world, kind="branch_report").pk


def test_reports_and_reviews_belong_to_a_branch(world):
    assert refused_fields(lambda: review(world, organization=world.township_a)) == {"organization"}


def test_review_edit_rechecks_the_votes_and_is_version_locked(world):
    record = review(world, satisfied=20)
    with pytest.raises(ValidationError):
        services.review_record_update(actor=world.users["staff_a"], review_record=record, participants=19)
    services.review_record_update(
        actor=world.users["staff_a"], review_record=record, expected_version=1, summary="好"
    )
    with pytest.raises(StaleWrite):
        services.review_record_update(
            actor=world.users["staff_a"], review_record=record, expected_version=1, summary="差"
        )
    assert ReviewRecord.objects.get().summary == "好"


def test_a_foreign_review_cannot_be_deleted(world):
    record = ReviewRecordFactory(organization=world.branch_b1)
    with pytest.raises(OutOfScope):
        services.review_record_delete(actor=world.users["staff_a"], review_record=record)
    assert ReviewRecord.objects.filter(pk=record.pk).exists()


# --- financial disclosures ------------------------------------------------------------------------------


def disclose(world, who="staff_a", **data):
    values = {"year": 2024, "period": SECOND, "disclosed_on": D(2024, 12, 28)} | data
    organization = values.pop("organization", world.branch_a1)
    return services.disclosure_create(actor=world.users[who], organization=organization, **values)


def test_second_half_disclosure_dated_30_june_is_refused_1_july_allowed(world):
    assert refused_fields(lambda: disclose(world, disclosed_on=D(2024, 6, 30))) == {"disclosed_on"}
    assert disclose(world, disclosed_on=D(2024, 7, 1)).pk


def test_first_half_disclosure_dated_31_december_before_is_refused_1_january_allowed(world):
    assert refused_fields(lambda: disclose(world, period=FIRST, disclosed_on=D(2023, 12, 31))) == {
        "disclosed_on"
    }
    assert disclose(world, period=FIRST, disclosed_on=D(2024, 1, 1)).pk


def test_a_disclosure_may_come_after_its_half(world):
    assert disclose(world, period=FIRST, disclosed_on=D(2025, 2, 1)).pk


def test_a_disclosure_made_public_tomorrow_is_refused(world):
    year = tomorrow().year
    period = FIRST if tomorrow().month <= 6 else SECOND
    fields = refused_fields(lambda: disclose(world, year=year, period=period, disclosed_on=tomorrow()))
    assert fields == {"disclosed_on"}


def test_one_disclosure_per_branch_year_and_half_with_a_clear_message(world):
    disclose(world)
    with pytest.raises(ValidationError) as caught:
        disclose(world, disclosed_on=D(2024, 12, 30))
    message = caught.value.message_dict["period"][0]
    assert world.branch_a1.name in message and "2024" in message
    assert disclose(world, period=FIRST, disclosed_on=D(2024, 7, 2)).pk
    assert disclose(world, organization=world.branch_a2).pk
    assert FinancialDisclosure.objects.count() == 3


def test_disclosures_belong_to_a_branch(world):
    assert refused_fields(lambda: disclose(world, organization=world.township_a)) == {"organization"}


def test_editing_a_disclosure_into_an_existing_half_is_refused(world):
    FinancialDisclosureFactory(
        organization=world.branch_a1, year=2024, period=FIRST, disclosed_on=D(2024, 7, 3)
    )
    second = disclose(world)
    with pytest.raises(ValidationError):
        services.disclosure_update(actor=world.users["staff_a"], disclosure=second, period=FIRST)
    second.refresh_from_db()
    assert (second.period, second.version) == (SECOND, 1)


def test_disclosure_edit_leaves_history_and_secretary_cannot_touch_a_neighbour(world):
    own = disclose(world, who="secretary_a1")
    services.disclosure_update(actor=world.users["secretary_a1"], disclosure=own, content="收支明细")
    assert own.history.latest().history_user == world.users["secretary_a1"]
    neighbour = FinancialDisclosureFactory(organization=world.branch_a2)
    with pytest.raises(OutOfScope):
        services.disclosure_update(actor=world.users["secretary_a1"], disclosure=neighbour, content="改")
